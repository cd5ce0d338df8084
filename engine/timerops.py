"""Operating BPMN timers: list the due and overdue ones and fire one now (CLI `odsc timers`, the Timers page).

The due_timer table is the truth the runtime fires from (engine.timers), so what this lists is what will fire,
and firing a row here runs the same command the dispatcher runs, audited with the operator's name.
Scope: a centre supervisor sees and fires the timers of their centre; an administrator (or the CLI) all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import timers
from engine.audit import SYSTEM, Actor
from engine.db import db, utcnow
from engine.errors import Forbidden, NotFound
from engine.models import Application
from engine.models.jobs import TIMER, WAITING, DueTimer


@dataclass(frozen=True)
class TimerRow:
    id: int
    application_id: int
    tracking_code: str
    centre_id: str
    element: str
    element_name: str
    due_utc: datetime  # naive UTC
    due_local: datetime  # aware, in the centre's time zone
    zone: str
    overdue: bool


def _scope(actor: Actor) -> set[str] | None:
    """The centres `actor` may operate timers of (None: every centre): an administrator's (its province's,
    or the nation's, engine.admin.scope), a supervisor's own centre. Raises Forbidden."""
    if actor.kind == "system":
        return None
    if actor.kind == "staff" and "admin" in actor.roles:
        from engine.admin.scope import manageable_centres

        return manageable_centres(actor)
    if actor.kind == "staff" and "supervisor" in actor.roles and actor.centre_id:
        return {actor.centre_id}
    raise Forbidden()


def _element_name(app: Application, element: str) -> str:
    from engine.runtime.specs import compiled

    try:
        service = compiled(app.service_version_id)
    except Exception:  # noqa: BLE001 - a version that no longer compiles: show the id alone
        return ""
    for spec in [service.spec, *service.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None) == element:
                return (getattr(task_spec, "bpmn_name", None) or "").strip()
    return ""


def list_timers(actor: Actor = SYSTEM, *, centre_id: str | None = None, within: timedelta | None = None,
                now: datetime | None = None, limit: int = 500) -> list[TimerRow]:
    """Waiting BPMN timers, earliest first: overdue ones (due_at before `now`) and, with `within`, those due
    in that time from now (all waiting timers when `within` is None). Raises Forbidden outside the actor's scope."""
    scope = _scope(actor)
    if scope is not None and centre_id is not None and centre_id not in scope:
        raise Forbidden()
    now = now or utcnow()
    query = (select(DueTimer, Application).join(Application, Application.id == DueTimer.application_id)
             .where(DueTimer.kind == TIMER, DueTimer.state == WAITING).order_by(DueTimer.due_at).limit(limit))
    if centre_id:
        query = query.where(Application.centre_id == centre_id)
    elif scope is not None:
        query = query.where(Application.centre_id.in_(sorted(scope) or [""]))
    if within is not None:
        query = query.where(DueTimer.due_at <= now + within)
    out = []
    zones: dict[str, str] = {}
    for row, app in db.session.execute(query).all():
        zone = zones.setdefault(app.centre_id, timers.centre_zone(app.centre_id))
        out.append(TimerRow(row.id, app.id, app.tracking_code, app.centre_id, row.element,
                            _element_name(app, row.element), row.due_at,
                            row.due_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)), zone, row.due_at <= now))
    return out


def fire_now(timer_id: int, actor: Actor = SYSTEM) -> list[str]:
    """Fire due_timer `timer_id` now, whatever its due time; returns the BPMN ids that fired.

    One transaction (engine.runtime.timer_command.fire_due_timers), audited as timer.fired with the actor.
    Raises NotFound for an unknown row or one outside the actor's centre, Forbidden without the role."""
    from engine.runtime.timer_command import fire_due_timers

    scope = _scope(actor)
    row = db.session.get(DueTimer, timer_id)
    app = db.session.get(Application, row.application_id) if row is not None else None
    if row is None or row.kind != TIMER or app is None or (scope is not None and app.centre_id not in scope):
        raise NotFound(what=f"timer {timer_id}")
    task_id, app_id = row.task_id, app.id
    db.session.commit()  # end the read; the command opens its own transaction
    return fire_due_timers(app_id, actor=None if actor is SYSTEM else actor, force={task_id})
