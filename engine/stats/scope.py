"""Who may see which centres' figures: engine.admin.scope.reach (monitors and administrators their centre
and every centre below it, the nation from a ministry centre; supervisors their own centre)."""
from __future__ import annotations

from sqlalchemy import select

from engine.audit import Actor
from engine.db import db
from engine.models import Centre

MONITOR_ROLES = ("monitor", "supervisor", "admin")


def centre_tree() -> dict[str, list[str]]:
    """parent id → child ids (None → the roots)."""
    children: dict[str | None, list[str]] = {}
    for cid, parent in db.session.execute(select(Centre.id, Centre.parent_id).order_by(Centre.id)).all():
        children.setdefault(parent, []).append(cid)
    return children


def descendants(centre_id: str, tree: dict | None = None) -> list[str]:
    """The centre and every centre below it, the centre first."""
    tree = tree if tree is not None else centre_tree()
    out, stack, seen = [], [centre_id], set()
    while stack:
        cid = stack.pop(0)
        if cid in seen:  # a cycle in parent links must not loop forever
            continue
        seen.add(cid)
        out.append(cid)
        stack.extend(tree.get(cid, []))
    return out


def all_centre_ids() -> list[str]:
    return list(db.session.execute(select(Centre.id).order_by(Centre.id)).scalars())


def visible_centres(actor: Actor | None) -> set[str]:
    """Every centre whose figures the actor may see (empty: none)."""
    if actor is None or actor.kind != "staff" or not set(MONITOR_ROLES) & set(actor.roles):
        return set()
    from engine.admin.scope import reach  # the one scope model; it imports this module's tree helpers

    centres = reach(actor)
    return set(all_centre_ids()) if centres is None else centres


def home_centre(actor: Actor) -> str | None:
    """The centre a dashboard opens on: the actor's own centre (admins without one: the root)."""
    if actor.centre_id:
        return actor.centre_id
    roots = centre_tree().get(None, [])
    return roots[0] if roots else None


def can_see(actor: Actor | None, centre_id: str) -> bool:
    return centre_id in visible_centres(actor)
