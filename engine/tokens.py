"""Bearer tokens for API clients: issued after a password check, hashed at rest, expiring, revocable.

A token is `odsc_` + 43 URL-safe characters (256 random bits). Only its SHA-256 is stored, so a copy of
the database does not let anyone act as a user. A token stops working when it expires, when it is
revoked, when the account is deactivated, or when the account's `session_epoch` changes (password
change, "log out everywhere", an administrator's reset).

Resolving a token costs one indexed read per request: resolved tokens are cached per process, keyed by the
token's hash, and the cache is valid only while `auth_revision.version` is what it was when the entry was
made. Database triggers bump that version on every revocation, deactivation, epoch, role or identity
change (migration 0011), so such a change takes effect on the very next request in every process.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select, update

from engine.db import db, utcnow
from engine.models import User
from engine.models.api import ApiToken, AuthRevision

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


@dataclass(frozen=True)
class TokenUser:
    """What a request needs of the account behind a token (a snapshot, safe to share between threads)."""

    id: int
    username: str
    full_name: str
    kind: str
    centre_id: str | None
    role_names: frozenset
    locale: str
    token_id: int
    expires: datetime


_CACHE_MAX = 4096
_cache: dict[str, TokenUser] = {}
_cache_revision: int | None = None
_last_used: dict[int, datetime] = {}
_lock = threading.Lock()


@cache
def _revision_statement():
    """Built once per process: it runs on every request with a bearer token."""
    from engine.models.holiday import CalendarState

    calendar = select(CalendarState.version).where(CalendarState.id == 1).scalar_subquery()
    return select(AuthRevision.version, calendar).where(AuthRevision.id == 1)


def revision() -> int:
    """The current auth revision (one primary-key read).

    The same statement reads the holiday calendar's version, which every request checks once anyway
    (engine.workdays): handed over here, so a request with a bearer token checks both in one read."""
    from engine import workdays

    found = db.session.execute(_revision_statement()).first()
    if found is None:
        return 0
    workdays.checked(found[1] or 0)
    return found[0] or 0


def clear_cache() -> None:
    global _cache_revision
    with _lock:
        _cache.clear()
        _last_used.clear()
        _cache_revision = None


def verify(token: str | None) -> TokenUser | None:
    """The account a token stands for, or None (unknown, expired, revoked, deactivated, stale epoch).

    One indexed read when the token is cached and nothing changed since; otherwise the full lookup.
    `last_used` is recorded at most every five minutes per token, after the response (see `touch_due`)."""
    global _cache_revision
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) > 200:
        return None
    key = digest(token)
    current = revision()
    with _lock:
        if current != _cache_revision:
            _cache.clear()
            _cache_revision = current
        hit = _cache.get(key)
    now = utcnow()
    if hit is None:
        row = lookup(token)
        if row is None:
            return None
        user = db.session.get(User, row.user_id)
        hit = TokenUser(user.id, user.username, user.full_name or "", user.kind, user.centre_id,
                        frozenset(user.role_names), user.locale, row.id, row.expires)
        with _lock:
            if _cache_revision == current:  # stored under the revision read before the lookup
                if len(_cache) >= _CACHE_MAX:
                    _cache.clear()
                _cache[key] = hit
                if row.last_used is not None:
                    _last_used.setdefault(row.id, row.last_used)
    if hit.expires <= now:
        return None
    return hit


def touch_due(user: TokenUser) -> bool:
    """Whether the token's `last_used` is older than the touch interval (and mark it touched now)."""
    now = utcnow()
    with _lock:
        last = _last_used.get(user.token_id)
        if last is not None and now - last <= _TOUCH_EVERY:
            return False
        _last_used[user.token_id] = now
        if len(_last_used) > _CACHE_MAX:
            _last_used.clear()
    return True


def touch(token_id: int) -> None:
    """Record that a token was used now (commits; run off the request path)."""
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used=utcnow()))
    db.session.commit()


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
