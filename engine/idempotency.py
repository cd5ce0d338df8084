"""Idempotency records: the first answer to (key, user, route), kept compactly for a day.

A record is written in the same transaction as the command it answers (the web layer arranges that), so a
command and its record commit or roll back together; a concurrent duplicate fails on the unique key at
commit and is answered from the winner's record. Old records are deleted by a periodic job
(engine.jobs.queues.SCHEDULE), never on the request path.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.db import db, utcnow
from engine.models.api import IdempotencyKey

KEEP = timedelta(hours=24)
_TABLE = IdempotencyKey.__table__


def find(key: str, user_id: int, route: str) -> IdempotencyKey | None:
    """The record of an earlier request with this key, user and route (one indexed read), or None."""
    return db.session.execute(select(IdempotencyKey).where(
        IdempotencyKey.key == key, IdempotencyKey.user_id == user_id, IdempotencyKey.route == route,
    )).scalar_one_or_none()


def write(connection, *, key: str, user_id: int, route: str, request_hash: str, status: int,
          resource_id: int | None, etag: str | None) -> None:
    """Insert a record on `connection` (inside the command's transaction); the unique key refuses a twin."""
    connection.execute(_TABLE.insert().values(
        key=key, user_id=user_id, route=route, request_hash=request_hash, status=status,
        resource_id=resource_id, etag=etag, created=utcnow()))


def purge(before: datetime | None = None) -> int:
    """Delete records older than KEEP (or `before`, naive UTC); commits; returns how many."""
    cutoff = before or utcnow() - KEEP
    count = db.session.execute(_TABLE.delete().where(_TABLE.c.created < cutoff)).rowcount
    db.session.commit()
    return count
