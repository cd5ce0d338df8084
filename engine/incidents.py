"""Incidents: automatic work that gave up. A connector after its last retry, or a failing script.

The centre supervisor sees them (with the error) and can retry them (the service call runs again, or the
failed script step is run again) or cancel the application.
"""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import events, timers
from engine.audit import Actor, record
from engine.db import db, utcnow
from engine.errors import MESSAGES, DomainError, Forbidden, NotAllowed, NotFound
from engine.models import Application
from engine.models.jobs import OPEN, RETRIED, SERVICE, STUCK, WAITING, DueTimer, Incident

SCRIPT = "script"
NOTIFICATION = "notification"
MESSAGES.setdefault("incident_closed", ("ບັນຫານີ້ຖືກແກ້ໄຂແລ້ວ", "This incident is already resolved"))


def open_service_incident(row: DueTimer, error: str) -> Incident:
    """Called by the service-task job in its transaction after the last attempt failed."""
    app = db.session.get(Application, row.application_id)
    row.state = STUCK
    incident = Incident(application_id=app.id, centre_id=app.centre_id, kind=SERVICE, element=row.element,
                        connector=row.connector, due_timer_id=row.id, error=error[:4000], attempts=row.attempts,
                        status=OPEN)
    db.session.add(incident)
    app.incident = DomainError("script_failed", element=row.element, detail=error).message("en")[:4000]
    record("incident.opened", _system(), f"{row.element}: {error[:200]}", application_id=app.id,
           centre_id=app.centre_id, data={"element": row.element, "connector": row.connector, "error": error[:2000]})
    events.emit("incident_opened", application_id=app.id, element=row.element)
    return incident


def open_notification_incident(notification_id: int, error: str) -> Incident | None:
    """A message failed all its attempts: an incident at its centre, so someone calls the applicant or
    retries once the provider is back. None for a message without application. Caller commits."""
    from engine.models.jobs import Notification

    n = db.session.get(Notification, notification_id)
    app = db.session.get(Application, n.application_id) if n is not None and n.application_id else None
    if app is None:
        return None
    incident = Incident(application_id=app.id, centre_id=app.centre_id, kind=NOTIFICATION,
                        element=f"{n.channel}:{n.kind}", error=error[:4000], attempts=n.attempts, status=OPEN,
                        details={"notification_id": n.id, "channel": n.channel, "recipient": n.recipient})
    db.session.add(incident)
    record("incident.opened", _system(), f"{n.channel} message failed: {error[:200]}", application_id=app.id,
           centre_id=app.centre_id, data={"notification": n.id, "channel": n.channel, "error": error[:2000]})
    return incident


def retry_notification(incident: Incident, actor: Actor) -> None:
    """Send the message again from a fresh set of attempts (inside the caller's transaction)."""
    from engine.models.jobs import PENDING, Notification

    n = db.session.get(Notification, (incident.details or {}).get("notification_id"))
    if n is None:
        raise NotAllowed("incident_closed")
    n.status, n.attempts, n.next_attempt_at, n.last_error = PENDING, 0, utcnow(), None
    n.claimed_by = n.claimed_at = n.claim_owner = None
    incident.status, incident.resolved_at, incident.resolved_by_id = RETRIED, utcnow(), actor.user_id
    record("incident.retried", actor, incident.element, application_id=incident.application_id,
           centre_id=incident.centre_id, data={"incident": incident.id, "notification": n.id})
    events.emit("notification", notification_id=n.id)


def record_script_incident(application_id: int, element: str, detail: str) -> None:
    """A script or condition failed during an engine step (engine.runtime.commands._advance)."""
    app = db.session.get(Application, application_id)
    if app is None:
        return
    exists = db.session.execute(select(Incident.id).where(
        Incident.application_id == application_id, Incident.element == element, Incident.status == OPEN)).first()
    if exists is None:
        db.session.add(Incident(application_id=application_id, centre_id=app.centre_id, kind=SCRIPT,
                                element=element, error=detail[:4000], attempts=1, status=OPEN))


def notify_supervisors(application_id: int, element: str) -> list[int]:
    """Outbox rows telling the centre's supervisors about a new incident (once per open incident)."""
    from engine import notifications

    app = db.session.get(Application, application_id)
    db.session.flush()
    incident_id = db.session.execute(select(Incident.id).where(
        Incident.application_id == application_id, Incident.element == element, Incident.status == OPEN)
        .order_by(Incident.id.desc()).limit(1)).scalar()
    if app is None or incident_id is None:
        return []
    return notifications.for_supervisors("incident", f"incident:{incident_id}", app,
                                         {"task": {"lo": element, "en": element}})


def _system() -> Actor:
    from engine.audit import SYSTEM

    return SYSTEM


def open_incidents(actor: Actor, limit: int = 200) -> list[tuple[Incident, Application]]:
    if actor.kind != "staff" or "supervisor" not in actor.roles or not actor.centre_id:
        raise Forbidden()
    return list(db.session.execute(
        select(Incident, Application).join(Application, Application.id == Incident.application_id)
        .where(Incident.centre_id == actor.centre_id, Incident.status == OPEN)
        .order_by(Incident.created_at.desc()).limit(limit)).all())


def _incident_for(incident_id: int, actor: Actor) -> Incident:
    incident = db.session.get(Incident, incident_id)
    # the operations console: an administrator reaches the incidents of the centres it administers
    from engine.admin.scope import can_manage

    national = incident is not None and actor.kind == "staff" and "admin" in actor.roles and can_manage(
        actor, incident.centre_id)
    if incident is None or actor.kind != "staff" or (actor.centre_id != incident.centre_id and not national):
        raise NotFound(what="incident")
    if "supervisor" not in actor.roles and not national:
        raise Forbidden()
    if incident.status != OPEN:
        raise NotAllowed("incident_closed")
    return incident


def retry(incident_id: int, actor: Actor) -> Incident:
    """Run the failed step again: the service call (from a fresh set of attempts) or the failed script."""
    from engine.runtime.commands import transaction

    incident = _incident_for(incident_id, actor)
    if incident.kind == SCRIPT:
        _retry_script(incident, actor)
        return incident
    if incident.kind == NOTIFICATION:
        with transaction():
            retry_notification(incident, actor)
        return incident
    with transaction():
        row = db.session.get(DueTimer, incident.due_timer_id) if incident.due_timer_id else None
        if row is None:
            raise NotAllowed("incident_closed")
        row.state, row.attempts, row.due_at = WAITING, 0, utcnow()
        row.claimed_by = row.claimed_at = None
        incident.status, incident.resolved_at, incident.resolved_by_id = RETRIED, utcnow(), actor.user_id
        app = db.session.get(Application, incident.application_id)
        app.incident = None
        record("incident.retried", actor, incident.element, application_id=app.id, centre_id=app.centre_id,
               data={"incident": incident.id, "connector": incident.connector})
        events.emit("service_task", application_id=app.id, due_timer_id=row.id)
    return incident


def _retry_script(incident: Incident, actor: Actor) -> None:
    from engine.runtime.commands import _advance, _finish, _load_app, _workflow, transaction
    from engine.runtime.specs import compiled

    app = _load_app(incident.application_id)
    service = compiled(app.service_version_id)
    with transaction(app.id):
        workflow, before = _workflow(app, service)
        failed = workflow.get_tasks(state=TaskState.ERROR)
        for task in failed:
            task._set_state(TaskState.READY)
        reached: list[str] = []
        _advance(workflow, app, reached)
        _finish(app, service, workflow, before, reached, actor)
        incident.status, incident.resolved_at, incident.resolved_by_id = RETRIED, utcnow(), actor.user_id
        record("incident.retried", actor, incident.element, application_id=app.id, centre_id=app.centre_id,
               data={"incident": incident.id})


def cancel(incident_id: int, actor: Actor, reason: str) -> Incident:
    """Give up: cancel the application (with the supervisor's reason); the incident is closed with it."""
    from engine.runtime import commands

    incident = _incident_for(incident_id, actor)
    app_id = incident.application_id
    commands.cancel(app_id, actor, reason)
    incident = db.session.get(Incident, incident_id)
    from engine.runtime.commands import transaction

    with transaction():
        incident.status, incident.resolved_at, incident.resolved_by_id = "cancelled", utcnow(), actor.user_id
        timers.forget(app_id)
    return incident
