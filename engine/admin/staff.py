"""Staff accounts: create, edit centre and roles, deactivate / reactivate, one-time password codes.

No password is ever chosen by an administrator or sent anywhere: a new account and a reset get a one-time
code (shown once to the administrator, who hands it over in person or by phone); the staff member uses it
to choose their own password. Only the SHA-256 of a code is stored; a code works once and expires.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from sqlalchemy import select, update

from engine import tokens
from engine.accounts import MIN_PASSWORD, actor_for, create_user, hash_password, verify_password
from engine.admin.errors import AdminError, AdminInvalid
from engine.admin.scope import check_account, check_scope, manageable_centres, may_grant, require_admin
from engine.audit import Actor, record
from engine.db import db, utcnow
from engine.errors import NotFound
from engine.inputs import LIMITS, problem_in
from engine.models import Centre, OfficeRole, Task, User, UserRole
from engine.models.admin import PasswordReset
from engine.models.application import TASK_READY
from engine.models.user import SYSTEM_ROLES

CODE_TTL = timedelta(hours=48)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CODE_LENGTH = 12
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def staff_in_scope(actor: Actor, centre_id: str | None = None, include_inactive: bool = True) -> list[User]:
    scope = manageable_centres(actor)
    stmt = select(User).where(User.kind == "staff")
    if centre_id:
        stmt = stmt.where(User.centre_id == centre_id)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    rows = db.session.execute(stmt.order_by(User.centre_id, User.username)).scalars().all()
    return [u for u in rows if scope is None or u.centre_id in scope]


def get_staff(actor: Actor, user_id: int) -> User:
    require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None or user.kind != "staff":
        raise NotFound(what="account")
    check_account(actor, user.centre_id, user.role_names)
    return user


def role_choices() -> tuple[list[str], list[str]]:
    """(office roles, system roles) that can be given to staff."""
    office = list(db.session.execute(select(OfficeRole.id).order_by(OfficeRole.id)).scalars())
    return office, list(SYSTEM_ROLES)


def _check_roles(roles, errors: dict, actor: Actor | None = None, centre_id: str | None = None) -> list[str]:
    roles = sorted({str(r) for r in roles or [] if r})
    office, system = role_choices()
    if not roles:
        errors["roles"] = "no_roles"
    elif set(roles) - set(office) - set(system):
        errors["roles"] = "unknown_role"
    elif actor is not None and may_grant(actor, centre_id, roles) == "national_role":
        errors["roles"] = "national_role"
    return roles


def _check_centre(actor: Actor, centre_id: str | None, errors: dict) -> None:
    centre = db.session.get(Centre, centre_id) if centre_id else None
    if centre is None:
        errors["centre"] = "unknown_centre"
    else:
        check_scope(actor, centre_id)


def _check_text(errors: dict, **values: str) -> None:
    """The input boundary for account text: storable characters, the columns' lengths."""
    limits = {"full_name": LIMITS["text"], "phone": LIMITS["phone"], "email": LIMITS["email"]}
    for field, value in values.items():
        if problem_in(value or ""):
            errors[field] = "bad_text"
        elif len((value or "").strip()) > limits[field]:
            errors[field] = "too_long"


def _snapshot(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "centre": user.centre_id,
            "roles": sorted(user.role_names), "phone": user.phone, "email": user.email, "active": user.active,
            "must_change_password": user.must_change_password}


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", (code or "")).upper()


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _issue_code(user: User, actor: Actor) -> str:
    """A fresh one-time code for `user`; any earlier unused code stops working. Caller commits."""
    now = utcnow()
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used.is_(None))
                       .values(used=now))
    code = _new_code()
    db.session.add(PasswordReset(code_hash=_code_hash(code), user_id=user.id, created_by_id=actor.user_id,
                                 created=now, expires=now + CODE_TTL))
    return code


def create_staff(actor: Actor, *, username: str, full_name: str, centre_id: str, roles, phone: str = "",
                 email: str = "", locale: str = "lo", lang: str = "lo") -> tuple[User, str]:
    """A new staff account without a usable password, and the one-time code to set it (shown once)."""
    require_admin(actor)
    username = (username or "").strip().lower()
    errors: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = "bad_username"
    elif db.session.execute(select(User.id).where(User.username == username)).first() is not None:
        errors["username"] = "username_taken"
    if not (full_name or "").strip():
        errors["full_name"] = "required"
    _check_text(errors, full_name=full_name, phone=phone, email=email)
    _check_centre(actor, centre_id, errors)
    roles = _check_roles(roles, errors, actor, centre_id)
    if errors:
        raise AdminInvalid(errors, lang)
    full_name = unicodedata.normalize("NFC", full_name)
    try:
        user = create_user(username, secrets.token_urlsafe(32), full_name=full_name.strip(), kind="staff",
                           centre_id=centre_id, roles=roles, phone=(phone or "").strip(), locale=locale, actor=actor)
        user.password_hash = ""  # nobody knows a password: the code is the only way in
        user.email = (email or "").strip()
        code = _issue_code(user, actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return user, code


def update_staff(actor: Actor, user_id: int, *, full_name: str, centre_id: str, roles, phone: str = "",
                 email: str = "", must_change_password: bool = False, lang: str = "lo") -> User:
    user = get_staff(actor, user_id)
    errors: dict[str, str] = {}
    if not (full_name or "").strip():
        errors["full_name"] = "required"
    _check_text(errors, full_name=full_name, phone=phone, email=email)
    _check_centre(actor, centre_id, errors)
    roles = _check_roles(roles, errors, actor, centre_id)
    if errors:
        raise AdminInvalid(errors, lang)
    full_name = unicodedata.normalize("NFC", full_name)
    before = _snapshot(user)
    user.full_name, user.centre_id = full_name.strip(), centre_id
    user.phone, user.email = (phone or "").strip(), (email or "").strip()
    user.must_change_password = bool(must_change_password)
    if set(roles) != user.role_names:
        user.roles = [UserRole(role=r) for r in roles]
    after = _snapshot(user)
    if after == before:
        return user
    record("user.updated", actor, user.username, centre_id=centre_id, data={"before": before, "after": after})
    db.session.commit()
    return user


def deactivate(actor: Actor, user_id: int, reason: str = "") -> dict:
    """Deactivate at once: every session ends (epoch bump), every API token is revoked, unused codes die,
    the person's claimed tasks go back to their office's queue."""
    user = get_staff(actor, user_id)
    if user.id == actor.user_id:
        raise AdminError("self_deactivate")
    if not user.active:
        return {"tokens": 0, "tasks": 0}
    before = _snapshot(user)
    user.active = False
    user.session_epoch = (user.session_epoch or 0) + 1
    now = utcnow()
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used.is_(None))
                       .values(used=now))
    released = 0
    for task in db.session.execute(select(Task).where(Task.claimed_by_id == user.id,
                                                      Task.state == TASK_READY)).scalars():
        task.claimed_by_id = None
        released += 1
        record("task.unclaimed", actor, task.bpmn_id, application_id=task.application_id, centre_id=task.centre_id,
               data={"task": task.id, "from": user.username, "reason": "account deactivated"})
    record("user.deactivated", actor, user.username, centre_id=user.centre_id,
           data={"before": before, "after": _snapshot(user), "reason": (reason or "").strip(),
                 "tasks_released": released})
    revoked = tokens.revoke_all(user)  # commits the whole change with the revocation
    return {"tokens": revoked, "tasks": released}


def reactivate(actor: Actor, user_id: int) -> tuple[User, str]:
    """Reactivate an account; it gets a fresh one-time code (old sessions and tokens stay dead)."""
    user = get_staff(actor, user_id)
    before = _snapshot(user)
    user.active = True
    user.failed_logins, user.locked_until = 0, None
    code = _issue_code(user, actor)
    record("user.reactivated", actor, user.username, centre_id=user.centre_id,
           data={"before": before, "after": _snapshot(user)})
    db.session.commit()
    return user, code


def reset_password(actor: Actor, user_id: int) -> str:
    """A one-time code with which the staff member chooses a new password. The current password keeps
    working until the code is used."""
    user = get_staff(actor, user_id)
    if not user.active:
        raise AdminError("unknown_user", status=404)
    code = _issue_code(user, actor)
    record("user.password_reset", actor, user.username, centre_id=user.centre_id,
           data={"user": user.username, "expires_hours": int(CODE_TTL.total_seconds() // 3600)})
    db.session.commit()
    return code


def _check_new_password(password: str, password2: str, errors: dict) -> None:
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = "short_password"
    elif password != password2:
        errors["password2"] = "passwords_differ"


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.failed_logins, user.locked_until = 0, None
    user.session_epoch = (user.session_epoch or 0) + 1  # every other session and token ends


def redeem_code(code: str, password: str, password2: str, lang: str = "lo") -> User:
    """Use a one-time code to choose a password. Raises AdminInvalid on a bad code or password."""
    errors: dict[str, str] = {}
    row = db.session.execute(select(PasswordReset).where(PasswordReset.code_hash == _code_hash(code))
                             ).scalar_one_or_none() if normalise_code(code) else None
    user = db.session.get(User, row.user_id) if row else None
    if row is None or row.used is not None or row.expires <= utcnow() or user is None or not user.active:
        errors["code"] = "bad_code"
    _check_new_password(password, password2, errors)
    if errors:
        raise AdminInvalid(errors, lang, n=MIN_PASSWORD)
    # claim the code atomically: of two simultaneous redemptions only one UPDATE finds it unused (the
    # row lock on PostgreSQL, the write lock on SQLite); the other is refused like a used code
    claimed = db.session.execute(update(PasswordReset).where(PasswordReset.id == row.id,
                                                             PasswordReset.used.is_(None))
                                 .values(used=utcnow())).rowcount
    if claimed != 1:
        db.session.rollback()
        raise AdminInvalid({"code": "bad_code"}, lang, n=MIN_PASSWORD)
    _set_password(user, password)
    record("user.password_set", actor_for(user), user.username,
           centre_id=user.centre_id, data={"how": "one-time code"})
    db.session.commit()
    tokens.revoke_all(user)
    return user


def change_password(user: User, current: str, password: str, password2: str, lang: str = "lo") -> User:
    """The logged-in user changes their password (required at first login when must_change_password)."""
    errors: dict[str, str] = {}
    if not verify_password(user, current or ""):
        errors["current"] = "wrong_password"
    _check_new_password(password, password2, errors)
    if not errors and password == current:
        errors["password"] = "same_password"
    if errors:
        raise AdminInvalid(errors, lang, n=MIN_PASSWORD)
    forced = bool(user.must_change_password)
    _set_password(user, password)
    record("user.password_changed", actor_for(user), user.username, centre_id=user.centre_id,
           data={"forced": forced})
    db.session.commit()
    return user
