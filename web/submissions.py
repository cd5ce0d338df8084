"""One-time submission tokens for web forms that create something (an application).

Each rendered form carries a random `_submission` token. The first POST with a token reserves it (a committed
row, so two concurrent posts cannot both run); when it succeeds the new application's id is kept with the
token, and a replay of the same form (a second tap, a retry on a slow line, the back button) is answered with
the first result instead of creating another application. A failed submission releases the token, so the
corrected form can be sent again. The rows live in the API's idempotency table (route "form:<path>").
"""
from __future__ import annotations

import secrets
import time
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from engine.db import db, utcnow
from engine.models.api import IdempotencyKey

FIELD = "_submission"
KEEP = timedelta(hours=24)
WAIT_SECONDS = 15.0


def new_token(values: dict | None = None) -> str:
    """The token to put in a rendered form: the one it was sent with (a re-render after errors), or a new one."""
    token = (values or {}).get(FIELD)
    return token if _valid(token) else secrets.token_urlsafe(24)


def _valid(token) -> bool:
    return isinstance(token, str) and 16 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


class Replay(Exception):
    """The token was used before: `result` is the id the first submission created (None: still running)."""

    def __init__(self, result: int | None):
        super().__init__(result)
        self.result = result


def run_once(token: str | None, user_id: int | None, route: str, call):
    """Run `call()` (returning (object with .id or None, ...)) once per token. Raises Replay for a token whose
    first submission succeeded (or is still running after WAIT_SECONDS). Without a valid token or user the
    call simply runs (old pages, scripts)."""
    if not _valid(token) or user_id is None:
        return call()
    route = f"form:{route}"[:255]
    now = utcnow()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                    IdempotencyKey.route.like("form:%"),
                                                    IdempotencyKey.created < now - KEEP))
    row = IdempotencyKey(key=token, user_id=user_id, route=route, request_hash="", created=now)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Replay(_first_result(token, user_id, route)) from None
    row_id = row.id
    try:
        result = call()
    except BaseException:
        db.session.rollback()
        _drop(row_id)
        raise
    created = result[0] if isinstance(result, tuple) else result
    if created is not None:
        stored = db.session.get(IdempotencyKey, row_id)
        stored.status, stored.resource_id = 201, created.id
        db.session.commit()
    else:
        _drop(row_id)
    return result


def _first_result(token: str, user_id: int, route: str) -> int | None:
    """The id the first submission created, waiting (polling with a deadline) while it is still running."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        db.session.rollback()  # a fresh snapshot each time round
        first = db.session.execute(select(IdempotencyKey).where(
            IdempotencyKey.key == token, IdempotencyKey.user_id == user_id, IdempotencyKey.route == route,
        )).scalar_one_or_none()
        if first is None:
            return None
        if first.status is not None and first.resource_id:
            return first.resource_id
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def _drop(row_id: int) -> None:
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
    db.session.commit()
