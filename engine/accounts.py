"""Accounts and passwords (Argon2id), and turning a user into an Actor for the engine."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.audit import SYSTEM, Actor, record
from engine.db import db
from engine.errors import InvalidData
from engine.models import User, UserRole

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.full_name or user.username, user.kind, user.centre_id, user.role_names, user.locale)


def create_user(username: str, password: str, *, full_name: str = "", kind: str = "staff",
                centre_id: str | None = None, roles: list[str] | tuple = (), phone: str = "", locale: str = "lo",
                actor: Actor = SYSTEM, must_change_password: bool = False) -> User:
    """Create an account (caller commits). Raises InvalidData for a taken username or a short password."""
    if not username or db.session.query(User).filter_by(username=username).first() is not None:
        raise InvalidData({"username": "taken" if username else "required"})
    if len(password or "") < MIN_PASSWORD:
        raise InvalidData({"password": f"at least {MIN_PASSWORD} characters"})
    user = User(username=username, full_name=full_name, kind=kind, centre_id=centre_id, phone=phone,
                locale=locale, password_hash=hash_password(password), must_change_password=must_change_password)
    user.roles = [UserRole(role=r) for r in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    record("user.created", actor, username, centre_id=centre_id,
           data={"user": username, "kind": kind, "roles": sorted(set(roles)), "centre": centre_id})
    return user
