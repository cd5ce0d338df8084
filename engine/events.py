"""Domain events raised inside a transaction and handed to the app's publisher only after commit.

The publisher (see engine.jobs) turns them into jobs: notifications, timers, service calls. Nothing is
published for a transaction that rolled back.
"""
from __future__ import annotations

from flask import current_app

from engine.db import db


def emit(kind: str, **payload) -> None:
    db.session.info.setdefault("odsc_events", []).append({"kind": kind, **payload})


def take() -> list[dict]:
    return db.session.info.pop("odsc_events", [])


def discard() -> None:
    db.session.info.pop("odsc_events", None)


def publish(events: list[dict]) -> None:
    if not events:
        return
    publisher = current_app.extensions.get("odsc_publisher")
    if publisher is not None:
        publisher.publish(events)
