"""Server-side records of web sessions, so that logging out ends the session everywhere its cookie was
copied (a signed cookie alone stays valid until it expires). Password changes and deactivation end every
session of the account through `User.session_epoch` as before.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from engine.db import db, utcnow
from engine.models.user import WebSession


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8", "surrogatepass")).hexdigest()


def start(user_id: int) -> str:
    """Record a new session for `user_id` (commits). Returns the random session id to put in the cookie."""
    sid = secrets.token_urlsafe(32)
    db.session.add(WebSession(id=_digest(sid), user_id=user_id, created=utcnow()))
    db.session.commit()
    return sid


def is_live(sid: str | None, user_id: int, max_age: timedelta) -> bool:
    """True when `sid` is a session of `user_id` that was not ended and is younger than `max_age`."""
    if not isinstance(sid, str) or not sid or len(sid) > 100:
        return False
    row = db.session.execute(select(WebSession).where(WebSession.id == _digest(sid))).scalar_one_or_none()
    return bool(row and row.user_id == user_id and row.ended is None and row.created > utcnow() - max_age)


def end(sid: str | None) -> None:
    """End one session (commits); every copy of its cookie stops working."""
    if isinstance(sid, str) and sid:
        db.session.execute(update(WebSession).where(WebSession.id == _digest(sid), WebSession.ended.is_(None))
                           .values(ended=utcnow()))
        db.session.commit()


def purge(lifetime: timedelta = timedelta(hours=8)) -> int:
    """Delete the session rows no request can use again (commits; the periodic job
    engine.jobs.tasks.purge_web_sessions): ended ones (logged out) and ones started more than `lifetime` ago
    (is_live refuses them). Args: lifetime (the session lifetime, SESSION_LIFETIME_SECONDS). Returns how many."""
    cutoff = utcnow() - lifetime
    count = db.session.execute(WebSession.__table__.delete().where(
        (WebSession.created <= cutoff) | WebSession.ended.is_not(None))).rowcount
    db.session.commit()
    return count
