"""Creating, editing, closing and reopening centres, with their offices and the services they offer.

A declaration has the shape of one entry of the centres file (see engine.catalogue.centres.public):
id, name {lo, en}, level, parent, address {lo, en}, phone, opening_hours {lo, en}, active, timezone (IANA),
services [{id, fee}], offices [{id, name {lo, en}, roles}]. Changes go through
engine.catalogue.publish.apply_centres, which records centre.created / centre.updated with before and after.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import select

from engine.admin.errors import AdminError, AdminInvalid
from engine.admin.scope import check_scope, manageable_centres, require_admin
from engine.audit import Actor, record
from engine.catalogue.centres import DEFAULT_TIMEZONE, ID_RE, LEVELS, valid_timezone
from engine.catalogue.publish import apply_centres, centre_snapshot
from engine.db import db
from engine.errors import NotFound
from engine.inputs import problem_in
from engine.models import Centre, Office, OfficeRole, Service

# which level a parent must have
PARENT_LEVEL = {"province": "ministry", "district": "province"}
_listeners: list = []


def on_change(callback) -> None:
    """Register a callable run after every committed centre change (cache invalidation)."""
    if callback not in _listeners:
        _listeners.append(callback)


def invalidate_caches() -> None:
    for callback in list(_listeners):
        callback()


def visible(actor: Actor) -> list[Centre]:
    """The centres the administrator manages, parents before children."""
    scope = manageable_centres(actor)
    rows = db.session.execute(select(Centre).order_by(Centre.id)).scalars().all()
    rows = [c for c in rows if scope is None or c.id in scope]
    return tree_order(rows)


def tree_order(rows: list[Centre]) -> list[Centre]:
    """Depth first: each centre followed by the centres below it (children by id)."""
    ids = {c.id for c in rows}
    children: dict[str | None, list[Centre]] = {}
    for c in sorted(rows, key=lambda c: c.id):
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    out: list[Centre] = []
    seen: set[str] = set()

    def walk(c: Centre):
        if c.id in seen:
            return
        seen.add(c.id)
        out.append(c)
        for child in children.get(c.id, []):
            walk(child)

    for root in children.get(None, []):
        walk(root)
    for c in rows:  # a cycle in parent links: still list every centre
        walk(c)
    return out


def snapshot(centre_id: str) -> dict:
    row = db.session.get(Centre, centre_id)
    if row is None:
        raise NotFound(what="centre")
    return centre_snapshot(row)


def _text(value) -> dict:
    value = value if isinstance(value, dict) else {}
    return {"lo": _nfc(value.get("lo")), "en": _nfc(value.get("en"))}


def _nfc(value) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


def normalise(decl: dict) -> dict:
    """A declaration with exactly the keys of a centre snapshot, whitespace trimmed."""
    services = []
    for s in decl.get("services") or []:
        fee = s.get("fee")
        services.append({"id": str(s.get("id") or ""), "fee": fee})
    offices = []
    for o in decl.get("offices") or []:
        offices.append({"id": str(o.get("id") or "").strip(), "name": _text(o.get("name")),
                        "roles": [str(r) for r in o.get("roles") or []]})
    return {
        "id": str(decl.get("id") or "").strip(), "name": _text(decl.get("name")), "level": decl.get("level"),
        "parent": decl.get("parent") or None, "address": _text(decl.get("address")),
        "phone": _nfc(decl.get("phone")), "opening_hours": _text(decl.get("opening_hours")),
        "active": bool(decl.get("active", True)),
        "timezone": _nfc(decl.get("timezone")) or DEFAULT_TIMEZONE,
        "services": sorted(services, key=lambda s: s["id"]), "offices": sorted(offices, key=lambda o: o["id"]),
    }


def text_errors(decl: dict) -> dict[str, str]:
    """{field: code} for text of a normalised declaration that no column can store (engine.inputs: NUL,
    controls, lone surrogates; lengths of the centre and office columns)."""
    checks = [(f"{key}.{lang}", decl[key][lang], limit) for key, limit in (("name", 200), ("address", 300),
                                                                            ("opening_hours", 200))
              for lang in ("lo", "en")]
    checks.append(("phone", decl["phone"], 64))
    checks.append(("timezone", decl["timezone"], 64))
    checks += [(f"offices.{o['id']}.name", o["name"][lang], 200) for o in decl["offices"] for lang in ("lo", "en")]
    errors = {}
    for field, value, limit in checks:
        if problem_in(value):
            errors[field] = "bad_text"
        elif len(value) > limit:
            errors[field] = "too_long"
    return errors


def validate(decl: dict, actor: Actor, *, creating: bool, locale: str = "lo") -> None:
    """Raise AdminInvalid naming each bad field (name.lo, parent, services.<id>, offices.<n>.id, ...)."""
    errors: dict[str, str] = text_errors(decl)
    cid = decl["id"]
    if not ID_RE.match(cid):
        errors["id"] = "bad_id"
    elif creating and db.session.get(Centre, cid) is not None:
        errors["id"] = "centre_exists"
    for key in ("name", "address", "opening_hours"):
        for lang in ("lo", "en"):
            if not decl[key][lang] and key == "name":
                errors[f"{key}.{lang}"] = "required"
    if "timezone" not in errors and not valid_timezone(decl["timezone"]):
        errors["timezone"] = "bad_timezone"
    if decl["level"] not in LEVELS:
        errors["level"] = "bad_level"
    else:
        wanted = PARENT_LEVEL.get(decl["level"])
        parent = db.session.get(Centre, decl["parent"]) if decl["parent"] else None
        if wanted is None:
            if decl["parent"]:
                errors["parent"] = "bad_parent"
        elif parent is None or parent.level != wanted or parent.id == cid:
            errors["parent"] = "bad_parent"
        if "parent" not in errors and "level" not in errors:
            before = db.session.get(Centre, cid) if not creating else None
            moved = before is None or before.parent_id != decl["parent"] or before.level != decl["level"]
            scope = manageable_centres(actor)
            if moved and scope is not None and (decl["parent"] not in scope):
                errors["parent"] = "parent_out_of_scope"
    for s in decl["services"]:
        if db.session.get(Service, s["id"]) is None:
            errors[f"services.{s['id']}"] = "unknown_service"
        elif s["fee"] is not None and (not isinstance(s["fee"], int) or isinstance(s["fee"], bool) or s["fee"] < 0):
            errors[f"fee.{s['id']}"] = "bad_fee"
    roles = set(db.session.execute(select(OfficeRole.id)).scalars())
    seen: set[str] = set()
    for n, o in enumerate(decl["offices"]):
        if not ID_RE.match(o["id"]):
            errors[f"offices.{o['id'] or n}.id"] = "bad_id"
            continue
        other = db.session.get(Office, o["id"])
        if o["id"] in seen or (other is not None and other.centre_id != cid):
            errors[f"offices.{o['id']}.id"] = "office_taken"
        seen.add(o["id"])
        if not o["name"]["lo"] or not o["name"]["en"]:
            errors[f"offices.{o['id']}.name"] = "required"
        if not o["roles"]:
            errors[f"offices.{o['id']}.roles"] = "office_roles"
        elif set(o["roles"]) - roles:
            errors[f"offices.{o['id']}.roles"] = "unknown_role"
    if errors:
        raise AdminInvalid(errors, locale)


def save(actor: Actor, decl: dict, *, creating: bool, locale: str = "lo") -> Centre:
    """Create (creating=True) or replace a centre's declaration. One transaction; audit with before/after."""
    require_admin(actor)
    decl = normalise(decl)
    if not creating:
        check_scope(actor, decl["id"])
        current = db.session.get(Centre, decl["id"])
        if current is None:
            raise NotFound(what="centre")
        decl["active"] = current.active  # closing and reopening are separate, explicit actions
    validate(decl, actor, creating=creating, locale=locale)
    if creating:
        check_scope(actor, decl["parent"])
    return _apply(decl, actor)


def _apply(decl: dict, actor: Actor) -> Centre:
    try:
        apply_centres({}, [decl], actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    invalidate_caches()
    return db.session.get(Centre, decl["id"])


def set_active(actor: Actor, centre_id: str, active: bool, reason: str = "") -> Centre:
    """Close (active=False) or reopen a centre. A closed centre keeps its history and applications;
    new applications there are refused (engine: NotAllowed('centre_closed'))."""
    require_admin(actor)
    check_scope(actor, centre_id)
    decl = snapshot(centre_id)
    if decl["active"] == active:
        return db.session.get(Centre, centre_id)
    if not active and not reason.strip():
        raise AdminInvalid({"reason": "required"}, actor.locale)
    decl["active"] = active
    try:
        apply_centres({}, [decl], actor)
        record("centre.closed" if not active else "centre.reopened", actor, centre_id, centre_id=centre_id,
               data={"reason": reason.strip()})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    invalidate_caches()
    return db.session.get(Centre, centre_id)


def office_roles() -> list[OfficeRole]:
    return list(db.session.execute(select(OfficeRole).order_by(OfficeRole.id)).scalars())


def services() -> list[Service]:
    return list(db.session.execute(select(Service).where(Service.current_version_id.is_not(None))
                                   .order_by(Service.id)).scalars())


def parents_for(actor: Actor, level: str) -> list[Centre]:
    """Centres that may be the parent of a centre of `level`, within the actor's scope."""
    wanted = PARENT_LEVEL.get(level)
    if wanted is None:
        return []
    scope = manageable_centres(actor)
    rows = db.session.execute(select(Centre).where(Centre.level == wanted).order_by(Centre.id)).scalars()
    return [c for c in rows if scope is None or c.id in scope]


__all__ = ["AdminError", "invalidate_caches", "on_change", "save", "set_active", "snapshot", "validate", "visible"]
