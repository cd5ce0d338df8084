"""Bearer tokens for API clients: issued after a password check, hashed at rest, expiring, revocable.

A token is `odsc_` + 43 URL-safe characters (256 random bits). Only its SHA-256 is stored, so a copy of
the database does not let anyone act as a user. A token stops working when it expires, when it is
revoked, when the account is deactivated, or when the account's `session_epoch` changes (password
change, "log out everywhere", an administrator's reset).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.db import db, utcnow
from engine.models import User
from engine.models.api import ApiToken

PREFIX = "odsc_"
DEFAULT_TTL = timedelta(days=30)
MAX_TTL = timedelta(days=365)
# touching last_used costs a write; do it at most this often per token
_TOUCH_EVERY = timedelta(minutes=5)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user: User, *, ttl: timedelta | None = None, name: str = "") -> tuple[str, ApiToken]:
    """A new token for `user` (commits). Returns the plain token (shown once) and its row."""
    ttl = min(ttl or DEFAULT_TTL, MAX_TTL)
    plain = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(token_hash=digest(plain), user_id=user.id, epoch=user.session_epoch, name=name[:120],
                   created=now, expires=now + ttl)
    db.session.add(row)
    db.session.commit()
    return plain, row


def lookup(token: str | None) -> ApiToken | None:
    """The live token row for a plain token, or None (unknown, expired, revoked, stale account)."""
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = db.session.execute(select(ApiToken).where(ApiToken.token_hash == digest(token))).scalar_one_or_none()
    if row is None or row.revoked is not None:
        return None
    now = utcnow()
    if row.expires <= now:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or user.session_epoch != row.epoch:
        return None
    return row


def verify(token: str | None) -> User | None:
    """The user a token stands for, or None. Records when the token was last used (coarsely)."""
    row = lookup(token)
    if row is None:
        return None
    now = utcnow()
    if row.last_used is None or now - row.last_used > _TOUCH_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used=now))
        db.session.commit()
    return db.session.get(User, row.user_id)


def revoke(token: str) -> bool:
    """Revoke one token (commits). True if a live token was revoked."""
    row = lookup(token)
    if row is None:
        return False
    row.revoked = utcnow()
    db.session.commit()
    return True


def revoke_all(user: User) -> int:
    """Revoke every live token of a user (commits); returns how many."""
    now = utcnow()
    count = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(None), ApiToken.expires > now)
        .values(revoked=now)
    ).rowcount
    db.session.commit()
    return count


def purge_expired(before: datetime | None = None) -> int:
    """Delete token rows that expired or were revoked before `before` (default: 30 days ago)."""
    cutoff = before or utcnow() - timedelta(days=30)
    count = db.session.execute(
        ApiToken.__table__.delete().where((ApiToken.expires < cutoff) | (ApiToken.revoked < cutoff))
    ).rowcount
    db.session.commit()
    return count
