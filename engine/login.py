"""Checking a login (web form and API token endpoint alike): one function, the same cost whether the account
exists or not, and a lockout counter that parallel guesses cannot outrun.

The counter is reserved *before* the password is checked, with one atomic `UPDATE … RETURNING` committed at
once: of any number of simultaneous guesses, at most MAX_FAILURES are ever checked against the password in
one lock window, on PostgreSQL and SQLite alike (a read-modify-write of the row would lose updates).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from engine.accounts import hash_password, verify_password
from engine.catalogue.forms import PHONE_RE
from engine.db import db, utcnow
from engine.inputs import LIMITS, problem_in
from engine.models import User

MAX_FAILURES = 5
LOCK_MINUTES = 15

OK, WRONG, LOCKED = "ok", "wrong", "locked"

_dummy_hash: str | None = None


@dataclass
class LoginResult:
    """`status` is OK, WRONG (unknown login or wrong password: never say which) or LOCKED."""

    status: str
    user: User | None = None
    now_locked: bool = False  # this wrong password was the last one allowed: the account is locked now


def phone_username(text: str) -> str | None:
    """A Lao phone number in the one form citizen accounts use as username (020xxxxxxxx, 030xxxxxxx, 0xx…)."""
    match = PHONE_RE.match(re.sub(r"[\s\-().]", "", text or ""))
    return "0" + match.group(1) if match else None


def find_account(login: str) -> User | None:
    """The active or inactive account behind a username or a citizen's phone number; None for text no
    account can have (too long, control characters: never sent to the database)."""
    login = (login or "").strip()
    if not login or len(login) > LIMITS["username"] or problem_in(login):
        return None
    user = db.session.execute(select(User).where(User.username == login)).scalar_one_or_none()
    if user is None and (phone := phone_username(login)):
        user = db.session.execute(select(User).where(User.username == phone, User.kind == "citizen")
                                  ).scalar_one_or_none()
    return user


def _burn(password: str) -> None:
    """Spend the time of one real password check (unknown accounts must not answer faster)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("odsc-not-a-password")
    verify_password(User(password_hash=_dummy_hash), password)


def _reserve_attempt(user_id: int) -> int | None:
    """Count one attempt atomically (committed at once). Returns the attempt's number in the current series,
    or None when the account is locked."""
    now = utcnow()
    number = db.session.execute(
        update(User).where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)
    ).scalar_one_or_none()
    if number is not None and number > MAX_FAILURES:
        _lock(user_id)
        number = None
    db.session.commit()
    return number


def _lock(user_id: int) -> None:
    db.session.execute(update(User).where(User.id == user_id)
                       .values(locked_until=utcnow() + timedelta(minutes=LOCK_MINUTES), failed_logins=0))


def check_login(login: str, password: str) -> LoginResult:
    """Check a username (or a citizen's phone number) and a password. Commits the lockout counter.

    Args: login, password (str; anything longer than LIMITS or holding control characters is wrong).
    Returns LoginResult(OK, user), (WRONG) or (LOCKED, user): the fifth wrong password in a row locks the
    account for LOCK_MINUTES (that answer is WRONG with now_locked set; later attempts are LOCKED); a right password resets the series. Unknown and inactive accounts cost one
    password hash like real ones.
    """
    password = password if isinstance(password, str) and len(password) <= LIMITS["password"] else ""
    user = find_account(login)
    if user is None or not user.active or not user.password_hash:
        _burn(password)
        return LoginResult(WRONG)
    user_id = user.id
    number = _reserve_attempt(user_id)
    if number is None:
        return LoginResult(LOCKED, user)
    user = db.session.get(User, user_id, populate_existing=True)
    if verify_password(user, password):
        user.failed_logins, user.locked_until = 0, None
        db.session.commit()
        return LoginResult(OK, user)
    if number >= MAX_FAILURES:
        _lock(user_id)
        db.session.commit()
        return LoginResult(WRONG, user, now_locked=True)
    db.session.commit()
    return LoginResult(WRONG, user)


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > utcnow())
