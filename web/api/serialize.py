"""Read models as the API's plain dicts (the schemas in web.api.schemas dump them)."""
from __future__ import annotations

from sqlalchemy import select

from engine.audit import Actor
from engine.catalogue.forms import json_schema
from engine.catalogue.services import APPLICANT
from engine.db import db
from engine.models import Application, AuditEvent, Centre, MilestoneEvent, Service, Task, User
from engine.models.application import CLOSED_STATUSES, TASK_READY
from engine.queries import milestone_labels
from engine.runtime.commands import local_today
from engine.runtime.specs import compiled


def text(lo: str | None, en: str | None) -> dict:
    return {"lo": lo or en or "", "en": en or lo or ""}


def local(value) -> dict:
    if isinstance(value, dict):
        return text(value.get("lo"), value.get("en"))
    return text(str(value or ""), str(value or ""))


def definition(version_id: int) -> dict:
    return compiled(version_id).definition


def label(version_id: int, milestone: str | None) -> dict:
    labels = milestone_labels(version_id)
    return local(labels.get(milestone) or milestone or "")


def _ref(model, key: str) -> dict:
    row = db.session.get(model, key)
    return {"id": key, "name": text(row.name_lo, row.name_en) if row else text(key, key)}


def claimed_by(user_id: int | None) -> dict | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return {"id": user_id, "name": (user.full_name or user.username) if user else "?"}


def application_summary(app: Application) -> dict:
    return {
        "id": app.id, "tracking_code": app.tracking_code,
        "service": _ref(Service, app.service_id), "centre": _ref(Centre, app.centre_id),
        "status": app.status, "milestone": app.milestone,
        "milestone_label": label(app.service_version_id, app.milestone), "channel": app.channel,
        "fee_amount": app.fee_amount or 0, "submitted_at": app.submitted_at, "due_date": app.due_date,
        "completed_at": app.completed_at, "version": app.version,
    }


def task_name(defn: dict, bpmn_id: str) -> dict:
    info = defn.get("tasks", {}).get(bpmn_id) or {}
    return local(info.get("name") or bpmn_id)


def return_reason(app_id: int) -> str | None:
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.application_id == app_id, AuditEvent.kind == "application.returned")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    if event is None:
        return None
    answers = (event.data or {}).get("answers") or {}
    return answers.get("reason")


def form_schema(defn: dict, form_id: str | None, locale: str) -> dict:
    form = defn.get("forms", {}).get(form_id) if form_id else None
    if not form:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    return json_schema(form, locale)


def application_detail(app: Application, actor: Actor, ready: list[Task] | None = None) -> dict:
    """`ready`: the application's ready task rows, oldest first, when the caller holds them (a command just
    wrote them); read here otherwise."""
    out = application_summary(app)
    defn = definition(app.service_version_id)
    steps = db.session.execute(select(MilestoneEvent.milestone, MilestoneEvent.at)
                               .where(MilestoneEvent.application_id == app.id).order_by(MilestoneEvent.id)).all()
    out["steps"] = [{"milestone": m, "label": label(app.service_version_id, m), "at": at} for m, at in steps]
    if ready is None:
        ready = db.session.execute(select(Task).where(Task.application_id == app.id, Task.state == TASK_READY)
                                   .order_by(Task.created_at)).scalars().all()
    out["waiting_for"] = [{"id": t.id, "name": task_name(defn, t.bpmn_id), "office_role": t.office_role,
                           "claimed_by": claimed_by(t.claimed_by_id), "due_date": t.due_date} for t in ready]
    out["action_required"] = None
    applicant_task = next((t for t in ready if t.office_role == APPLICANT), None)
    if applicant_task is not None:
        out["action_required"] = {
            "task_id": applicant_task.id, "name": task_name(defn, applicant_task.bpmn_id),
            "reason": return_reason(app.id), "form": form_schema(defn, applicant_task.form_id, actor.locale),
        }
    out["data"] = app.data or {}
    out["incident"] = app.incident if actor.kind == "staff" else None
    return out


def task_summary(task: Task, app: Application) -> dict:
    defn = definition(app.service_version_id)
    return {
        "id": task.id, "application_id": app.id, "tracking_code": app.tracking_code,
        "service": _ref(Service, app.service_id), "centre_id": task.centre_id, "bpmn_id": task.bpmn_id,
        "name": task_name(defn, task.bpmn_id), "office_role": task.office_role, "form_id": task.form_id,
        "state": task.state, "claimed_by": claimed_by(task.claimed_by_id), "created_at": task.created_at,
        "due_date": task.due_date,
        "overdue": bool(task.due_date and task.state == TASK_READY and app.status not in CLOSED_STATUSES
                        and task.due_date < local_today()),
        "application_version": app.version,
    }


def task_actions(defn: dict, task: Task, app: Application) -> list[str]:
    """What the clerk may do: return and reject only where the form offers them and the process honours them
    (engine.runtime.actions)."""
    from engine.runtime.actions import offered

    return offered(app.service_version_id, task.bpmn_id, defn.get("forms", {}).get(task.form_id))


def task_detail(task: Task, app: Application, actor: Actor) -> dict:
    out = task_summary(task, app)
    defn = definition(app.service_version_id)
    out["form"] = form_schema(defn, task.form_id, actor.locale)
    out["actions"] = task_actions(defn, task, app)
    out["application"] = application_detail(app, actor)
    return out
