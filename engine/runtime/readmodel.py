"""Keeping the read models (application status and milestone, task rows) in step with the workflow."""
from __future__ import annotations

from typing import NamedTuple

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import inspect, select

from engine import clock
from engine.catalogue.confirm import CONFIRM_FORM_ID
from engine.catalogue.services import APPLICANT, SUPERVISOR
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


def _default_form(task) -> str | None:
    """Versions published before manual and plain tasks were routed have no metadata for them."""
    return None if isinstance(task.task_spec, UserTask) else CONFIRM_FORM_ID


def sync(app: Application, definition: dict, workflow, reached: list[str], *, actor_id: int | None,
         completed_task_id: str | None = None) -> list[str]:
    """Update task rows, milestone and status after a step; return the milestones entered, in order."""
    now = utcnow()
    ready = {str(t.id): t for t in ready_user_tasks(workflow)}
    rows = {row.id: row for row in db.session.execute(
        select(Task).where(Task.application_id == app.id, Task.state == TASK_READY)).scalars()}
    day = clock.today()
    # the centre's calendar before any row changes: its first read (a centre, the calendar version) would
    # otherwise flush half-made changes and split one UPDATE of a task row into two
    calendar = clock.calendar_for(app.centre_id)
    for tid, row in rows.items():
        if tid not in ready:
            row.state = TASK_COMPLETED if tid == completed_task_id else TASK_CANCELLED
            row.completed_at = now
            row.completed_by_id = actor_id if tid == completed_task_id else None
            if tid == completed_task_id:  # the bottleneck map's working time spent in this step
                row.working_days = calendar.working_days_between(
                    clock.local_date(row.created_at) or day, day)
    meta = definition["tasks"]
    created: list[Task] = []
    for tid, task in ready.items():
        if tid in rows:
            continue
        element = bpmn_id(task)
        info = meta.get(element, {})
        row = Task(id=tid, application_id=app.id, centre_id=app.centre_id, service_id=app.service_id, bpmn_id=element,
                   office_role=info.get("role") or SUPERVISOR, form_id=info.get("form") or _default_form(task),
                   state=TASK_READY, created_at=now)
        db.session.add(row)
        created.append(row)
        reached.append(element)
    entered = milestones_entered(app, definition, workflow, reached, ready)
    held = db.session.info.setdefault(MILESTONE_ROWS, {})
    for milestone in entered:
        event = MilestoneEvent(application_id=app.id, milestone=milestone, at=now)
        db.session.add(event)
        held[(app.id, milestone)] = event  # the outbox names its message after this row (no read for it)
    before = app.status
    if workflow.is_completed():  # the only place a case closes: its final status follows closing_milestone
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
    # the application's ready task rows after the step, for an answer built without reading them again
    # (only the last step's: a long session stepping many applications does not keep them all)
    db.session.info[READY_ROWS] = {app.id: [row for tid, row in rows.items() if tid in ready] + created}
    return entered


READY_ROWS = "odsc_ready_rows"
MILESTONE_ROWS = "odsc_milestone_rows"
APPLICANT_COLUMNS = "odsc_applicant_columns"


class Addresses(NamedTuple):
    """The applicant account's columns a milestone message needs."""

    phone: str | None
    username: str
    kind: str
    email: str | None


def milestone_row(app_id: int, milestone: str) -> MilestoneEvent | None:
    """The milestone row a step of this session's transaction added for `app_id`, or None."""
    return db.session.info.get(MILESTONE_ROWS, {}).get((app_id, milestone))


def applicant_columns(app_id: int):
    """(phone, username, kind, email) of the applicant, when the command read them with its task; else None."""
    return db.session.info.get(APPLICANT_COLUMNS, {}).get(app_id)


def take_ready_rows(app_id: int) -> list[Task] | None:
    """The ready task rows the last step of this session left on `app_id` (oldest first), or None when no
    step of this session wrote them; handed out once."""
    held = db.session.info.get(READY_ROWS, {}).pop(app_id, None)
    if held is None or any(inspect(row).expired for row in held):  # committed and expired since: read again
        return None
    return sorted(held, key=lambda row: row.created_at)


TERMINAL = ("completed", "rejected")


def milestones_entered(app, definition: dict, workflow, reached: list[str], ready: dict) -> list[str]:
    """Move `app.milestone` for the elements this step reached; return the milestones entered, in order.

    `app`: anything with a `milestone` attribute (the Application row, or the dry run's stand-in); `reached`:
    BPMN ids in the order the step reached them; `ready`: {task id: ready SpiffWorkflow task} after the step.

    The public milestone only moves forward (in the order service.yaml lists the milestones), with one
    exception: the process really went back, e.g. a case returned for documents and resubmitted. That is
    told apart from a side path (a non-interrupting escalation or timer branch reaching an earlier step while
    the main path is further on) by where the live tokens stand after the step (`live_tokens`: people's tasks,
    and also intermediate timers, event-based gateways, service tasks and joins, so a main path that waits
    only on a timer or a connector counts too; `position`: a token's own milestone or the nearest one behind
    it): a move back is taken only when no token still stands at the current milestone or a later one. A branch
    that has ended at an end event of the case's process (`ended_branches`) stands at the last open step it
    passed: the case does not go back because the main path ended while a side path is still at an earlier
    step.

    The closing milestones (completed, rejected) are entered only when the workflow has really ended
    (`workflow.is_completed()`): an end event reached on one branch while another branch still has work open
    (a parallel vetting that may yet refuse, a reminder the officer has not done) does not close the case, and
    the citizen is not told "completed" (nor sent the rating link, nor issued the certificate) for a case that
    may still be refused. Which one it ends on is `closing_milestone`. A closed milestone never changes again.
    """
    element_milestones = definition.get("element_milestones", {})
    order = {m["id"]: i for i, m in enumerate(definition.get("milestones", []))}
    rank = lambda m: order.get(m, -1)  # noqa: E731 - a one-line key
    live: list | None = None  # read only when a move back is considered (most steps move forward or not at all)
    entered: list[str] = []
    for element in reached:
        milestone = element_milestones.get(element)
        current = app.milestone
        # a closing milestone is decided below, once the whole workflow has ended
        if not milestone or milestone == current or current in TERMINAL or milestone in TERMINAL:
            continue
        if current is not None and rank(milestone) < rank(current):
            if live is None:
                # an ended branch stands at the last step it passed, not at its closing end: a branch that
                # ended does not stop a real loop back on another branch (returned, then resubmitted)
                open_steps = {e: m for e, m in element_milestones.items() if m not in TERMINAL}
                live = [position(t, element_milestones) for t in live_tokens(workflow, ready)] + \
                       [position(t, open_steps) for t in ended_branches(workflow)]
            if any(m is not None and rank(m) >= rank(current) for m in live):
                continue  # a side path: the main path is still at the current step or further on
        app.milestone = milestone
        entered.append(milestone)
    if workflow.is_completed():
        # (also corrects a case that an earlier version closed early on one branch's end: it ends as decided)
        closing = closing_milestone(workflow, definition)
        if closing is not None and closing != app.milestone:
            app.milestone = closing
            entered.append(closing)
    return entered


def closing_milestone(workflow, definition: dict) -> str | None:
    """The milestone a workflow that has ended closes on: `rejected` when any element of the `rejected`
    milestone completed on the way (a terminate end, or one branch's refusal end), else `completed`; None when
    the service lists neither.

    A refusal wins over a completion because the branches of one case are parts of one decision: a case whose
    security vetting refused it is refused even when the card was printed on the other branch first (a
    terminate end cancels what is still open, but a branch that ended before it has already completed its
    end); closing it `completed` would tell the citizen the opposite of the decision and issue a certificate
    for a refused case. A terminate end in `rejected` is the usual form of this."""
    order = {m["id"] for m in definition.get("milestones", [])}
    element_milestones = definition.get("element_milestones", {})
    if "rejected" in order and any(element_milestones.get(getattr(t.task_spec, "bpmn_id", None) or "") == "rejected"
                                   for t in workflow.get_tasks(state=TaskState.COMPLETED)):
        return "rejected"
    return "completed" if "completed" in order else None


def live_tokens(workflow, ready: dict | None = None) -> list:
    """The tasks where the process stands after a step: ready or started people's tasks, started service
    tasks, waiting intermediate catch events and event-based gateways, waiting joins. `ready`: {task id: task}
    of the ready people's tasks, when the caller has them already.

    Boundary events and their joins wait beside their activity (the activity itself is the token), and a
    subprocess, call activity or loop container stands wherever its inner tasks stand: none of them is a token."""
    tokens = list((ready if ready is not None else {str(t.id): t for t in ready_user_tasks(workflow)}).values())
    seen = {t.id for t in tokens}
    for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.STARTED):
        spec = task.task_spec
        if task.id in seen or isinstance(spec, (BoundaryEvent, BoundaryEventJoin, SubWorkflowTask, LoopTask)):
            continue
        if task.state == TaskState.STARTED and not (spec.manual or isinstance(spec, ServiceTask)):
            continue
        if task.state == TaskState.WAITING and not isinstance(spec, (CatchingEvent, Join)):
            continue
        if getattr(spec, "bpmn_id", None) is None:  # SpiffWorkflow's own joins (end of a process or subprocess)
            continue
        tokens.append(task)
        seen.add(task.id)
    return tokens


def ended_branches(workflow) -> list:
    """The end events of the case's own process that a branch has reached (a subprocess's ends only end the
    subprocess, whose parent goes on). A real loop back never passes an end event, so a branch that ended is
    never a sign of one."""
    return [t for t in workflow.get_tasks(state=TaskState.COMPLETED, skip_subprocesses=True)
            if isinstance(t.task_spec, EndEvent) and t.workflow is workflow]


def position(task, element_milestones: dict) -> str | None:
    """The milestone a live token has reached: its own element's, else that of the nearest element behind it
    on its path (across the subprocess boundary); None when no milestone is behind it."""
    node = task
    for _ in range(100000):  # a path is finite; the bound only guards against a corrupt tree
        if node is None:
            return None
        milestone = element_milestones.get(getattr(node.task_spec, "bpmn_id", None) or "")
        if milestone:
            return milestone
        if node.parent is not None:
            node = node.parent
            continue
        parent_id = node.workflow.parent_task_id
        node = node.workflow.top_workflow.get_task_from_id(parent_id) if parent_id is not None else None
    return None


def cancel_all(app: Application) -> None:
    now = utcnow()
    for row in db.session.execute(
            select(Task).where(Task.application_id == app.id, Task.state == TASK_READY)).scalars():
        row.state, row.completed_at = TASK_CANCELLED, now
    before = app.status
    app.status, app.completed_at, app.updated_at = CANCELLED, now, now
    clock.on_status_change(app, before, CANCELLED)
