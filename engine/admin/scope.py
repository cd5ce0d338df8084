"""Which centres an administrator manages: the ministry all, a province its own and those below it."""
from __future__ import annotations

from engine.admin.errors import AdminError
from engine.audit import Actor
from engine.db import db
from engine.errors import Forbidden
from engine.models import Centre
from engine.stats.scope import descendants


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


def check_scope(actor: Actor, centre_id: str | None) -> None:
    if not can_manage(actor, centre_id):
        raise AdminError("out_of_scope", status=403)
