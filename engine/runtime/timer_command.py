"""Engine commands run by background jobs: firing due BPMN timers and completing service tasks.

Same transaction pattern as engine.runtime.commands: load with a version check (FOR UPDATE on PostgreSQL),
restore, run, save, sync the read models, audit, commit; events are published after the commit.
"""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import timers
from engine.audit import SYSTEM, record
from engine.db import db, utcnow
from engine.errors import Conflict
from engine.models.application import CLOSED_STATUSES
from engine.models.jobs import TIMER, DueTimer
from engine.runtime import readmodel, store
from engine.runtime.commands import _advance, _cache_after_commit, _finish, _load_app, _workflow, transaction
from engine.runtime.specs import compiled


class _Unchanged(Exception):
    """Nothing was due after all: roll back quietly (no version bump, no audit)."""


def fire_due_timers(application_id: int, actor=None, now: datetime | None = None,
                    force: set[str] | None = None) -> list[str]:
    """Fire every timer of the application whose due_timer row is due (due_at <= `now`, naive UTC), and the
    rows of the task ids in `force` whatever their due time (an operator's "fire now").

    The row is the truth, not the workflow's copy of the time (see engine.timers.hold). Returns the BPMN ids
    of the timers that fired; audited as timer.fired by `actor` (the system unless an operator fired it)."""
    app = _load_app(application_id)
    if app.status in CLOSED_STATUSES:
        timers.forget(app.id)
        db.session.commit()
        return []
    service = compiled(app.service_version_id)
    now = now or utcnow()
    fired: list[str] = []
    try:
        with transaction(app.id):
            workflow, before = _workflow(app, service)
            zone = timers.centre_zone(app.centre_id)
            waiting = timers.waiting_timers(workflow, zone)
            due = {row.task_id: row for row in db.session.execute(select(DueTimer).where(
                DueTimer.application_id == app.id, DueTimer.kind == TIMER)).scalars()
                if row.task_id in waiting and (row.due_at <= now or row.task_id in (force or ()))}
            prints = store.fingerprints(workflow)
            for task_id in due:
                timers.let_fire(workflow.get_task_from_id(UUID(task_id)))
            workflow.refresh_timers()
            reached: list[str] = []
            _advance(workflow, app, reached)
            if store.fingerprints(workflow) == prints:
                raise _Unchanged(set(waiting))
            fired = [row.element for row in due.values()]
            _finish(app, service, workflow, before, reached, actor or SYSTEM)
            record("timer.fired", actor or SYSTEM, ", ".join(fired) or "timer", application_id=app.id,
                   centre_id=app.centre_id, data={"elements": fired, "manual": bool(force)})
    except _Unchanged as unchanged:
        # rows whose task is not waiting any more (e.g. the instance was migrated): forget them
        timers.forget_except(application_id, unchanged.args[0] if unchanged.args else set())
        db.session.commit()
        return []
    _cache_after_commit(app)
    return fired


def complete_service_task(application_id: int, task_id: str, connector=None, result: dict | None = None) -> None:
    """Complete a waiting service task with its connector's result (an in-transaction connector runs here)."""
    app = _load_app(application_id)
    if app.status in CLOSED_STATUSES:
        raise Conflict("application_closed")
    service = compiled(app.service_version_id)
    with transaction(app.id):
        workflow, before = _workflow(app, service)
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except Exception as exc:  # noqa: BLE001 - no such task any more
            raise Conflict("task_not_ready") from exc
        if task is None or task.state != TaskState.STARTED:
            raise Conflict("task_not_ready")
        if connector is not None and connector.in_transaction:
            result = connector.call(app, dict(task.data))
        task.data.update(result or {})
        element = readmodel.bpmn_id(task)
        reached = [element]
        task.complete()
        _advance(workflow, app, reached)
        _finish(app, service, workflow, before, reached, SYSTEM)
        record("service_task.completed", SYSTEM, element, application_id=app.id, centre_id=app.centre_id,
               data={"task": element, "connector": getattr(connector, "name", None),
                     "result": _short(result or {})})
    _cache_after_commit(app)


def _short(result: dict) -> dict:
    import json

    text = json.dumps(result, ensure_ascii=False, default=str)
    return result if len(text) <= 2000 else {"truncated": text[:2000]}
