"""Read-side queries over the read models; none of them restores a workflow."""
from __future__ import annotations

from sqlalchemy import case, select

from engine.audit import Actor
from engine.catalogue.services import APPLICANT
from engine.db import db
from engine.errors import NotFound
from engine.models import Application, AuditEvent, Centre, MilestoneEvent, Service, ServiceVersion, Task
from engine.models.application import CLOSED_STATUSES, TASK_READY
from engine.runtime.commands import local_today
from engine.tracking import normalize


def inbox(actor: Actor, *, service_id: str | None = None, status: str | None = None, mine: bool = False,
          overdue_only: bool = False, limit: int = 200) -> list[tuple[Task, Application]]:
    """Ready tasks of the actor's centre and office roles (supervisors: every task), overdue first."""
    if actor.kind != "staff" or not actor.centre_id:
        return []
    stmt = (select(Task, Application).join(Application, Application.id == Task.application_id)
            .where(Task.centre_id == actor.centre_id, Task.state == TASK_READY))
    if "supervisor" not in actor.roles:
        roles = set(actor.roles)
        if "front_desk" in roles:
            roles.add(APPLICANT)
        stmt = stmt.where(Task.office_role.in_(sorted(roles)))
    if service_id:
        stmt = stmt.where(Application.service_id == service_id)
    if status == "claimed":
        stmt = stmt.where(Task.claimed_by_id.is_not(None))
    elif status == "unclaimed":
        stmt = stmt.where(Task.claimed_by_id.is_(None))
    if mine:
        stmt = stmt.where(Task.claimed_by_id == actor.user_id)
    today = local_today()
    if overdue_only:
        stmt = stmt.where(Task.due_date < today)
    overdue_first = case((Task.due_date < today, 0), else_=1)
    stmt = stmt.order_by(overdue_first, Task.due_date, Task.created_at).limit(limit)
    return list(db.session.execute(stmt).all())


def application_for(actor: Actor, application_id: int) -> Application:
    """An application the actor may see: the applicant, or staff of its centre (404 otherwise)."""
    app = db.session.get(Application, application_id)
    if app is None:
        raise NotFound(what="application")
    if actor.kind == "citizen" and app.applicant_id == actor.user_id:
        return app
    if actor.kind == "staff" and actor.centre_id == app.centre_id:
        return app
    if actor.kind == "staff" and "monitor" in actor.roles and actor.centre_id in ancestors(app.centre_id):
        return app
    raise NotFound(what="application")


def ancestors(centre_id: str) -> list[str]:
    out, current = [], db.session.get(Centre, centre_id)
    while current is not None and current.parent_id and len(out) < 10:
        out.append(current.parent_id)
        current = db.session.get(Centre, current.parent_id)
    return out


def my_applications(actor: Actor) -> list[Application]:
    if actor.kind != "citizen" or actor.user_id is None:
        return []
    return list(db.session.execute(select(Application).where(Application.applicant_id == actor.user_id)
                                   .order_by(Application.submitted_at.desc())).scalars())


def history(application_id: int) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.application_id == application_id)
                                   .order_by(AuditEvent.id)).scalars())


def public_status(code: str) -> dict | None:
    """The public, personal-data-free view of an application, by tracking code."""
    canonical = normalize(code)
    if canonical is None:
        return None
    row = db.session.execute(
        select(Application.id, Application.tracking_code, Application.status, Application.milestone,
               Application.submitted_at, Application.due_date, Application.completed_at,
               Application.service_version_id, Application.centre_id, Centre.name_lo, Centre.name_en,
               Service.name_lo, Service.name_en)
        .join(Centre, Centre.id == Application.centre_id).join(Service, Service.id == Application.service_id)
        .where(Application.tracking_code == canonical)
    ).first()
    if row is None:
        return None
    steps = db.session.execute(select(MilestoneEvent.milestone, MilestoneEvent.at)
                               .where(MilestoneEvent.application_id == row.id).order_by(MilestoneEvent.id)).all()
    labels = milestone_labels(row.service_version_id)
    closed = row.status in CLOSED_STATUSES
    return {
        "tracking_code": row.tracking_code,
        "service": {"lo": row[11], "en": row[12]},
        "centre": {"id": row.centre_id, "lo": row[9], "en": row[10]},
        "status": row.status,
        "milestone": row.milestone,
        "milestone_label": labels.get(row.milestone, {"lo": row.milestone or "", "en": row.milestone or ""}),
        "steps": [{"milestone": m, "label": labels.get(m, {"lo": m, "en": m}), "at": at} for m, at in steps],
        "milestones": [{"id": mid, "label": label} for mid, label in labels.items()],
        "submitted_at": row.submitted_at,
        "due_date": row.due_date,
        "completed_at": row.completed_at,
        "overdue": bool(row.due_date and not closed and row.due_date < local_today()),
    }


_labels_cache: dict[int, dict] = {}


def milestone_labels(version_id: int) -> dict:
    hit = _labels_cache.get(version_id)
    if hit is None:
        defn = db.session.execute(select(ServiceVersion.definition).where(ServiceVersion.id == version_id)).scalar()
        hit = {m["id"]: m["label"] for m in (defn or {}).get("milestones", [])}
        hit.setdefault("cancelled", {"lo": "ຍົກເລີກແລ້ວ", "en": "Cancelled"})
        _labels_cache[version_id] = hit
    return hit
