"""BPMN timers and service tasks as due rows: registered after every engine step, claimed atomically when due.

After each step the runtime calls `sync(app, service, workflow)` (through engine.jobs.hooks) inside the
command's transaction: every WAITING timer task gets a `due_timer` row with the due time SpiffWorkflow
computed (its `event_value`), every service task that is waiting for its connector gets a row of kind
'service' due now. Rows of tasks that are no longer waiting are deleted in the same transaction, so a fired
timer can never fire again. The dispatcher claims due rows with an atomic UPDATE (or FOR UPDATE SKIP LOCKED
on PostgreSQL) and hands them to jobs; an abandoned claim (engine.jobs.leases) is claimed again.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

from flask import current_app
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, case, delete, select, update

from engine import events
from engine.db import db, is_postgres, utcnow
from engine.jobs import leases
from engine.models.jobs import SERVICE, TIMER, WAITING, DueTimer
from engine.timerexpr import DEFAULT_ZONE, to_utc


def _bpmn_id(task) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def _timer_definitions(spec) -> list:
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return [definition]
    if isinstance(definition, MultipleEventDefinition):
        return [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
    return []


# The workflow keeps its own copy of a timer's time (internal data `event_value`); the due_timer row is the truth.
# Once a row exists the task is *held*: its copy is set far in the future, so SpiffWorkflow never fires it on
# its own clock (do_engine_steps refreshes timers after every command). The runtime fires a held timer when its
# row is due (`release`), so an operator who moves `due_at`, or fires a timer now, is obeyed.
HELD = "9999-12-31T00:00:00+00:00"
_KEPT = "odsc_due"  # the time SpiffWorkflow computed, kept next to the held copy (ISO text, UTC)


def centre_zone(centre_id: str | None) -> str:
    """The IANA time zone name of a centre (its `centre.timezone` column; Asia/Vientiane for no centre)."""
    from engine.models import Centre

    row = db.session.get(Centre, centre_id) if centre_id else None
    return (row.timezone if row is not None else None) or DEFAULT_ZONE


_CHOSEN = "odsc_timer"  # an event-based gateway with several timers: the index of the one that fires first


def _gateway_timers(task) -> list[tuple[int, TimerEventDefinition]]:
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, MultipleEventDefinition):
        return []
    return [(i, d) for i, d in enumerate(definition.event_definitions) if isinstance(d, TimerEventDefinition)]


def _earliest_of_gateway(task, zone: str | None) -> tuple[int, datetime] | None:
    """(index, naive UTC due) of the timer that fires first among an event-based gateway's several timers.

    SpiffWorkflow 3.2 stores one time for all of them, computed from the first definition listed (the order of
    the gateway's outgoing flows), and once that time passes every timer counts as fired: the first drawn won,
    even a 30-day timer over a 1-day one. Each definition is computed here as SpiffWorkflow computes a single
    timer (a duration counts from now). Cycles never stand behind a gateway (refused at upload)."""
    timers = _gateway_timers(task)
    if len(timers) < 2:
        return None
    now = datetime.now(UTC)
    best = None
    for index, item in timers:
        if isinstance(item, CycleTimerEventDefinition):
            continue
        try:
            value = task.workflow.script_engine.evaluate(task, item.expression)
            if isinstance(item, DurationTimerEventDefinition):
                parsed = TimerEventDefinition.parse_iso_duration(value)
                due = (now + TimerEventDefinition.get_timedelta_from_start(parsed, now)).replace(tzinfo=None)
            else:
                due = to_utc(value, zone)
        except Exception:  # noqa: BLE001 - an unreadable expression: SpiffWorkflow reports it when it refreshes
            continue
        if due is not None and (best is None or due < best[1]):
            best = (index, due)
    return best


def _is_held(value) -> bool:
    return value == HELD or (isinstance(value, dict) and value.get("next") == HELD)


def timer_due_at(task, zone: str | None = None) -> datetime | None:
    """When a waiting timer task fires by the workflow's own computation (naive UTC), or None.

    A date-time without an offset is read in `zone` (the centre's). For a held task, the time kept when it
    was held. Unreadable values count as due now (SpiffWorkflow reports them when it refreshes). Reads only:
    an event-based gateway's choice is made by settle_gateway_timer."""
    definitions = _timer_definitions(task.task_spec)
    if not definitions:
        return None
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if _is_held(value):
        kept = task._get_internal_data(_KEPT)
        return to_utc(kept, zone) if kept else None
    if isinstance(value, dict):  # a cycle: {'cycles', 'next', 'duration'}
        if value.get("cycles") == 0:
            return None
        value = value.get("next")
    elif isinstance(definitions[0], CycleTimerEventDefinition):
        return None
    try:
        return to_utc(value, zone) or utcnow()
    except Exception:  # noqa: BLE001 - an unparseable expression: SpiffWorkflow reports it when it refreshes
        return utcnow()


def settle_gateway_timer(task, zone: str | None = None) -> None:
    """An event-based gateway waiting on several timers: choose the one due first (`zone` as for
    timer_due_at) and hold the task at its time, so that only the chosen timer may fire (see let_fire).
    Changes nothing for any other task, or once the task is held."""
    if not _timer_definitions(task.task_spec):
        return
    value = task._get_internal_data("event_value")
    if value is None or _is_held(value):
        return
    choice = _earliest_of_gateway(task, zone)
    if choice is not None:
        task._set_internal_data(**{_CHOSEN: choice[0]})
        hold(task, choice[1])


def hold(task, due: datetime) -> None:
    """Keep `due` (naive UTC) and stop the workflow from firing `task` by its own clock."""
    value = task._get_internal_data("event_value")
    if value is None or _is_held(value):
        return
    task._set_internal_data(**{_KEPT: due.replace(tzinfo=UTC).isoformat()})
    if isinstance(value, dict):
        task._set_internal_data(event_value=dict(value, next=HELD))
    else:
        task._set_internal_data(event_value=HELD)


def let_fire(task) -> None:
    """Let a held timer fire on the next refresh. A cycle fires once now; its next time counts from now."""
    chosen = task._get_internal_data(_CHOSEN)
    if chosen is not None:  # that timer alone is seen; the others keep the held time and never count as fired
        definition = task.task_spec.event_definition.event_definitions[chosen]
        task._set_internal_data(seen_events=[BpmnEvent(definition)])
        return
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        # SpiffWorkflow fires when next < now (strictly) and sets next += duration: just before now, so the
        # refresh at the end of the same step does not fire the following repetition too
        nxt = utcnow() - timedelta(milliseconds=1)
        task._set_internal_data(event_value=dict(value, next=nxt.replace(tzinfo=UTC).isoformat()))
    else:
        task._set_internal_data(event_fired=True)


def move_kept(task, by: timedelta) -> bool:
    """Dry run: time passes for a held timer (its kept due time moves `by` into the past). False if not held."""
    kept = task._get_internal_data(_KEPT)
    if not kept or not _is_held(task._get_internal_data("event_value")):
        return False
    task._set_internal_data(**{_KEPT: (to_utc(kept).replace(tzinfo=UTC) - by).isoformat()})
    return True


def let_fire_held_due(workflow, now: datetime | None = None) -> None:
    """Dry run: let every held timer whose kept time has come fire, as the ticker does with its due row."""
    now = now or utcnow()
    for task in workflow.get_tasks(state=TaskState.WAITING):
        kept = task._get_internal_data(_KEPT)
        if kept and _is_held(task._get_internal_data("event_value")) and to_utc(kept) <= now:
            let_fire(task)


def timer_element(task) -> str:
    """The BPMN id of the timer event a waiting task stands for.

    A timer catch event is its own task. An event-based gateway waits in the catch events' place (SpiffWorkflow
    moves their definitions into the gateway, in the order of its outgoing flows); the timer that fires first
    (`_earliest_of_gateway`) is named, else the first one listed, not the gateway."""
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        outputs = list(getattr(spec, "outputs", []))
        chosen = task._get_internal_data(_CHOSEN)
        if chosen is not None and chosen < len(outputs):
            return getattr(outputs[chosen], "bpmn_id", None) or _bpmn_id(task)
        for index, item in enumerate(definition.event_definitions):
            if isinstance(item, TimerEventDefinition) and index < len(outputs):
                return getattr(outputs[index], "bpmn_id", None) or _bpmn_id(task)
    return _bpmn_id(task)


def waiting_timers(workflow, zone: str | None = None) -> dict[str, tuple[str, datetime]]:
    """{task id: (BPMN id of the timer event, due as the workflow computed it, naive UTC)} of the waiting timer
    tasks (`zone`: the centre's IANA zone, for date-times without an offset)."""
    out = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        settle_gateway_timer(task, zone)  # before reading its time: a gateway's time is its chosen timer's
        due = timer_due_at(task, zone)
        if due is not None:
            out[str(task.id)] = (timer_element(task), due)
    return out


def waiting_service_tasks(workflow) -> dict[str, str]:
    return {str(t.id): _bpmn_id(t) for t in workflow.get_tasks(state=TaskState.STARTED)
            if isinstance(t.task_spec, ServiceTask)}


def sync(app, service, workflow) -> None:
    """Make the due rows of `app` match its waiting timers and service tasks (inside the caller's transaction)."""
    from engine.connectors import connector_name

    zone = centre_zone(app.centre_id)
    timers = waiting_timers(workflow, zone)
    services = waiting_service_tasks(workflow)
    rows = {row.task_id: row for row in db.session.execute(
        select(DueTimer).where(DueTimer.application_id == app.id)).scalars()}
    held = {str(t.id): t for t in workflow.get_tasks(state=TaskState.WAITING)
            if _is_held(t._get_internal_data("event_value"))}
    for task_id, (_element, due) in timers.items():
        if task_id not in held:  # the workflow computed a (new) time: it goes to the row, the row rules from now
            task = workflow.get_task_from_id(UUID(task_id))
            hold(task, due)
            if task_id in rows and rows[task_id].kind == TIMER:
                row = rows[task_id]
                row.due_at, row.claimed_by, row.claimed_at = due, None, None
    for task_id, row in rows.items():
        if row.kind == TIMER and task_id in timers:
            continue
        elif row.kind == SERVICE and task_id in services:
            continue
        else:
            db.session.delete(row)
    for task_id, (element, due) in timers.items():
        if task_id not in rows:
            db.session.add(DueTimer(application_id=app.id, task_id=task_id, element=element, kind=TIMER,
                                    due_at=due, state=WAITING))
    created = []
    # the job enqueued after the commit runs it; the dispatcher steps in only if that job got lost
    grace = timedelta(seconds=float(current_app.config.get("JOBS_GRACE_SECONDS", 30)))
    for task_id, element in services.items():
        if task_id not in rows:
            row = DueTimer(application_id=app.id, task_id=task_id, element=element, kind=SERVICE,
                           connector=connector_name(service, element), due_at=utcnow() + grace, state=WAITING)
            db.session.add(row)
            created.append(row)
    if created:
        db.session.flush()
        for row in created:
            events.emit("service_task", application_id=app.id, due_timer_id=row.id)


def forget(application_id: int) -> None:
    """An application was closed: nothing of it may fire any more."""
    db.session.execute(delete(DueTimer).where(DueTimer.application_id == application_id))


def forget_except(application_id: int, waiting_task_ids: set[str]) -> None:
    """Delete the timer rows of an application whose task is not among `waiting_task_ids`."""
    db.session.execute(delete(DueTimer).where(DueTimer.application_id == application_id, DueTimer.kind == TIMER,
                                              DueTimer.task_id.not_in(sorted(waiting_task_ids) or [""])))


def drop(row_id: int) -> None:
    db.session.execute(delete(DueTimer).where(DueTimer.id == row_id))


# ---- claiming ----------------------------------------------------------------------------------------

def new_token() -> str:
    return uuid.uuid4().hex


def _claimable(now: datetime):
    return and_(DueTimer.state == WAITING, DueTimer.due_at <= now, leases.claimable(DueTimer, now))


def claim_due(limit: int = 100, now: datetime | None = None) -> list[tuple[int, str, str]]:
    """Claim due rows for this caller in one atomic UPDATE; returns [(id, kind, token)]. Commits.

    The claimable condition is checked again by the UPDATE itself (SQLite serializes writers; PostgreSQL
    locks the candidate rows with FOR UPDATE SKIP LOCKED), so two dispatchers never get the same row.
    """
    now = now or utcnow()
    token = new_token()
    candidates = select(DueTimer.id).where(_claimable(now)).order_by(DueTimer.due_at).limit(limit)
    if is_postgres():
        candidates = candidates.with_for_update(skip_locked=True)
    rows = db.session.execute(
        update(DueTimer).where(DueTimer.id.in_(candidates.scalar_subquery()), _claimable(now))
        .values(claimed_by=token, claimed_at=now, claim_owner=None).returning(DueTimer.id, DueTimer.kind)
        .execution_options(synchronize_session=False)).all()
    db.session.commit()
    return [(row_id, kind, token) for row_id, kind in rows]


def take_claim(row_id: int, token: str | None, runner: str) -> DueTimer | None:
    """The job that was handed `token` takes the row over (compare-and-set); a duplicate job gets None."""
    now = utcnow()
    if token is None:  # a job enqueued right after commit (service tasks): claim it now
        cond = leases.claimable(DueTimer, now)
    else:
        cond = DueTimer.claimed_by == token
    # the row is being run now: if it was not yet due (a service task's grace for its after-commit job), it
    # is due from now on, so that if this worker dies its work is taken over once the claim is released,
    # not only when the grace runs out
    done = db.session.execute(update(DueTimer).where(DueTimer.id == row_id, DueTimer.state == WAITING, cond)
                              .values(claimed_by=runner, claimed_at=now, claim_owner=leases.owner(),
                                      due_at=case((DueTimer.due_at > now, now), else_=DueTimer.due_at))).rowcount
    db.session.commit()
    if done != 1:
        return None
    return db.session.get(DueTimer, row_id)


def release(row_id: int, runner: str, *, due_at: datetime | None = None, error: str | None = None,
            attempts: int | None = None, state: str | None = None) -> None:
    values: dict = {"claimed_by": None, "claimed_at": None, "claim_owner": None}
    if due_at is not None:
        values["due_at"] = due_at
    if error is not None:
        values["last_error"] = error[:4000]
    if attempts is not None:
        values["attempts"] = attempts
    if state is not None:
        values["state"] = state
    db.session.execute(update(DueTimer).where(DueTimer.id == row_id, DueTimer.claimed_by == runner).values(**values))
