"""The scope model, in one place (docs/SECURITY.md): which centres a staff member may see and act on.

Levels: a centre (district), a province (the province centre and every centre below it), the nation (a
ministry centre, or no centre for an administrator). An administrator manages the centres of its level and
below; a monitor watches the same reach, read-only; a supervisor and the office roles work at their own
centre. Roles that act on the whole country (NATIONAL_ROLES) are held and granted only nationally.
"""
from __future__ import annotations

from engine.admin.errors import AdminError
from engine.audit import Actor
from engine.db import db
from engine.errors import Forbidden
from engine.models import Centre
from engine.stats.scope import descendants

# roles whose power is national whatever the holder's centre: only a national administrator grants them,
# and only a national administrator manages an account holding one
NATIONAL_ROLES = frozenset({"designer"})


def is_national(actor: Actor) -> bool:
    """True when the actor's home is the nation: no centre, or a ministry-level centre."""
    if not actor.centre_id:
        return True
    home = db.session.get(Centre, actor.centre_id)
    return home is not None and home.level == "ministry"


def reach(actor: Actor | None) -> set[str] | None:
    """The centres whose cases and figures the actor may read: None means every centre; empty means none.

    Administrators and monitors: their home centre and every centre below it (the nation from a ministry
    centre); supervisors and office roles: their own centre; citizens: none (they see their own cases).
    """
    if actor is None or actor.kind != "staff":
        return set()
    if not actor.centre_id:
        return None if "admin" in actor.roles else set()
    if {"admin", "monitor"} & set(actor.roles):
        if is_national(actor):
            return None
        return set(descendants(actor.centre_id))
    return {actor.centre_id} if actor.centre_id else set()


def may_grant(actor: Actor, centre_id: str | None, roles) -> str | None:
    """Why `actor` may not give `roles` at `centre_id` (an AdminError code), or None when it may.

    Every grant lies within the granter's own scope; national roles only from a national administrator.
    """
    scope = manageable_centres(actor)
    if scope is not None and centre_id not in scope:
        return "out_of_scope"
    if scope is not None and NATIONAL_ROLES & set(roles or ()):
        return "national_role"
    return None


def require_admin(actor: Actor | None) -> Actor:
    if actor is None or actor.kind != "staff" or "admin" not in actor.roles:
        raise Forbidden()
    return actor


def manageable_centres(actor: Actor) -> set[str] | None:
    """The ids of the centres the actor administers; None means every centre (ministry administrator)."""
    require_admin(actor)
    if not actor.centre_id:
        return None
    home = db.session.get(Centre, actor.centre_id)
    if home is None:
        return set()
    if home.level == "ministry":
        return None
    return set(descendants(home.id))


def can_manage(actor: Actor, centre_id: str | None) -> bool:
    scope = manageable_centres(actor)
    return scope is None or centre_id in scope


def check_account(actor: Actor, centre_id: str | None, roles) -> None:
    """Refuse (403) managing an account outside the actor's scope or holding a national role it cannot grant."""
    code = may_grant(actor, centre_id, roles)
    if code:
        raise AdminError(code, status=403)


def check_scope(actor: Actor, centre_id: str | None) -> None:
    if not can_manage(actor, centre_id):
        raise AdminError("out_of_scope", status=403)
