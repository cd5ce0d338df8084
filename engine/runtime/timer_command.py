"""Engine commands run by background jobs: firing due BPMN timers and completing service tasks.

Same transaction pattern as engine.runtime.commands: load with a version check (FOR UPDATE on PostgreSQL),
restore, run, save, sync the read models, audit, commit; events are published after the commit.
"""
from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.util.task import TaskState

from engine import timers
from engine.audit import SYSTEM, record
from engine.db import db
from engine.errors import Conflict
from engine.models.application import CLOSED_STATUSES
from engine.runtime import readmodel, store
from engine.runtime.commands import _advance, _cache_after_commit, _finish, _load_app, _workflow, transaction
from engine.runtime.specs import compiled


class _Unchanged(Exception):
    """Nothing was due after all: roll back quietly (no version bump, no audit)."""


def fire_due_timers(application_id: int) -> list[str]:
    """Fire every timer of the application that is due; returns the BPMN ids of the timers that fired."""
    app = _load_app(application_id)
    if app.status in CLOSED_STATUSES:
        timers.forget(app.id)
        db.session.commit()
        return []
    service = compiled(app.service_version_id)
    fired: list[str] = []
    try:
        with transaction(app.id):
            workflow, before = _workflow(app, service)
            waiting = timers.waiting_timers(workflow)
            prints = store.fingerprints(workflow)
            workflow.refresh_timers()
            reached: list[str] = []
            _advance(workflow, app, reached)
            if store.fingerprints(workflow) == prints:
                raise _Unchanged(set(waiting))
            still = timers.waiting_timers(workflow)
            fired = [element for tid, (element, due) in waiting.items() if tid not in still or still[tid][1] != due]
            _finish(app, service, workflow, before, reached, SYSTEM)
            record("timer.fired", SYSTEM, ", ".join(fired) or "timer", application_id=app.id,
                   centre_id=app.centre_id, data={"elements": fired})
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
