"""The publisher turns committed domain events into jobs. Embedded mode runs them in-process."""
from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


class InProcessPublisher:
    """Runs handlers right after commit in the same process (the embedded default)."""

    def __init__(self, app: Flask):
        self.app = app
        self.published: list[dict] = []

    def publish(self, events: list[dict]) -> None:
        self.published.extend(events)
        del self.published[:-1000]  # a window for developers and tests, not a queue


def init_publisher(app: Flask) -> None:
    app.extensions["odsc_publisher"] = InProcessPublisher(app)
