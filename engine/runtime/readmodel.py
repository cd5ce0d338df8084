"""Keeping the read models (application status and milestone, task rows) in step with the workflow."""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import clock
from engine.catalogue.services import APPLICANT
from engine.db import db, utcnow
from engine.models import Application, MilestoneEvent, Task
from engine.models.application import (
    CANCELLED,
    COMPLETED,
    IN_PROGRESS,
    REJECTED,
    RETURNED,
    SUBMITTED,
    TASK_CANCELLED,
    TASK_COMPLETED,
    TASK_READY,
)


def bpmn_id(task) -> str:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def ready_user_tasks(workflow) -> list:
    return [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)]


def sync(app: Application, definition: dict, workflow, reached: list[str], *, actor_id: int | None,
         completed_task_id: str | None = None) -> list[str]:
    """Update task rows, milestone and status after a step; return the milestones entered, in order."""
    now = utcnow()
    ready = {str(t.id): t for t in ready_user_tasks(workflow)}
    rows = {row.id: row for row in db.session.execute(
        select(Task).where(Task.application_id == app.id, Task.state == TASK_READY)).scalars()}
    day = clock.today()
    for tid, row in rows.items():
        if tid not in ready:
            row.state = TASK_COMPLETED if tid == completed_task_id else TASK_CANCELLED
            row.completed_at = now
            row.completed_by_id = actor_id if tid == completed_task_id else None
            if tid == completed_task_id:  # the bottleneck map's working time spent in this step
                row.working_days = clock.calendar_for(app.centre_id).working_days_between(
                    clock.local_date(row.created_at) or day, day)
    meta = definition["tasks"]
    created: list[Task] = []
    for tid, task in ready.items():
        if tid in rows:
            continue
        element = bpmn_id(task)
        info = meta.get(element, {})
        row = Task(id=tid, application_id=app.id, centre_id=app.centre_id, service_id=app.service_id, bpmn_id=element,
                   office_role=info.get("role") or "", form_id=info.get("form"), state=TASK_READY, created_at=now)
        db.session.add(row)
        created.append(row)
        reached.append(element)
    entered = []
    element_milestones = definition.get("element_milestones", {})
    for element in reached:
        milestone = element_milestones.get(element)
        if milestone and milestone != app.milestone:
            app.milestone = milestone
            entered.append(milestone)
            db.session.add(MilestoneEvent(application_id=app.id, milestone=milestone, at=now))
    before = app.status
    if workflow.is_completed():
        app.status = REJECTED if app.milestone == "rejected" else COMPLETED
        app.completed_at = app.completed_at or now
    elif any(meta.get(bpmn_id(t), {}).get("role") == APPLICANT for t in ready.values()):
        app.status = RETURNED
    elif app.milestone in (None, "received"):
        app.status = SUBMITTED
    else:
        app.status = IN_PROGRESS
    app.updated_at = now
    # the legal clock first (a resubmission moves the due date on), then the new tasks' own due dates
    if before != app.status:
        clock.on_status_change(app, before, app.status, day)
    limits = definition.get("step_limits") or {}
    for row in created:
        if row.office_role != APPLICANT:
            row.due_date = clock.task_due_date(app, limits.get(row.bpmn_id), day)
    return entered


def cancel_all(app: Application) -> None:
    now = utcnow()
    for row in db.session.execute(
            select(Task).where(Task.application_id == app.id, Task.state == TASK_READY)).scalars():
        row.state, row.completed_at = TASK_CANCELLED, now
    before = app.status
    app.status, app.completed_at, app.updated_at = CANCELLED, now, now
    clock.on_status_change(app, before, CANCELLED)
