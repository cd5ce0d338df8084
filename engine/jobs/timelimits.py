"""Time limits: reminders before a task's due date and escalation of overdue tasks to the centre supervisor.

Due dates count working days (engine.workdays: weekends and the holidays of workflows/holidays.yaml). The
reminder goes REMINDER_WORKING_DAYS (default 1) working days before the due date (never on the day the task was
created, so a one-day service is not reminded at submission) to whoever claimed the task,
or to every active staff member of the centre holding its office role. An overdue task is escalated to the
centre's supervisors. Each is an outbox notification with a unique key, so it is sent once however often
the periodic job runs; an escalation is also written to the audit trail.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from engine import workdays
from engine.audit import SYSTEM, record
from engine.catalogue.services import APPLICANT
from engine.db import db
from engine.models import Application, Task, User, UserRole
from engine.models.application import CLOSED_STATUSES, TASK_READY
from engine.models.jobs import Notification


def _today():
    from engine.runtime.commands import local_today

    return local_today()


def _staff(centre_id: str, role: str) -> list[User]:
    return list(db.session.execute(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.centre_id == centre_id, User.active.is_(True), User.kind == "staff", UserRole.role == role)
    ).scalars().unique())


def _label(app: Application, task: Task) -> dict:
    from engine.runtime.specs import compiled

    info = compiled(app.service_version_id).definition.get("tasks", {}).get(task.bpmn_id, {})
    return info.get("name") or {"lo": task.bpmn_id, "en": task.bpmn_id}


def check(today=None) -> dict:
    from engine import notifications
    from engine.runtime.commands import transaction

    today = today or _today()
    days_before = int(current_app.config.get("REMINDER_WORKING_DAYS", 1))
    horizon = today + timedelta(days=days_before * 3 + 14)
    rows = db.session.execute(
        select(Task, Application).join(Application, Application.id == Task.application_id)
        .where(Task.state == TASK_READY, Task.due_date.is_not(None), Task.due_date <= horizon,
               Task.office_role != APPLICANT, Application.status.not_in(CLOSED_STATUSES))
        .order_by(Task.due_date).limit(5000)).all()
    keys = {f"reminder:{t.id}" for t, _ in rows} | {f"escalation:{t.id}" for t, _ in rows}
    done = {k.rsplit(":", 1)[0] for k in db.session.execute(
        select(Notification.event_key).where(
            Notification.application_id.in_(sorted({a.id for _, a in rows}) or [0]),
            Notification.kind.in_(("reminder", "escalation")))).scalars()
        if k.rsplit(":", 1)[0] in keys}
    stats = {"reminders": 0, "escalations": 0}
    with transaction():
        for task, app in rows:
            due = task.due_date
            if due < today:
                key = f"escalation:{task.id}"
                if key in done:
                    continue
                who = db.session.get(User, task.claimed_by_id) if task.claimed_by_id else None
                params = {"task": _label(app, task), "due": due.isoformat(),
                          "who": (who.full_name or who.username) if who else task.office_role}
                sent = []
                for supervisor in _staff(task.centre_id, "supervisor"):
                    sent += notifications.for_staff("escalation", key, supervisor, app, params)
                if not sent:  # no supervisor account: keep the escalation on the outbox of the centre
                    sent += notifications.for_centre("escalation", key, app, params)
                record("task.escalated", SYSTEM, f"{task.bpmn_id} overdue since {due.isoformat()}",
                       application_id=app.id, centre_id=app.centre_id,
                       data={"task": task.id, "due_date": due.isoformat(), "notifications": len(sent)})
                _emit(sent)
                stats["escalations"] += 1
            elif _in_reminder_window(workdays.for_centre(app.centre_id), task, today, days_before):
                key = f"reminder:{task.id}"
                if key in done:
                    continue
                who = db.session.get(User, task.claimed_by_id) if task.claimed_by_id else None
                recipients = [who] if who is not None and who.active else _staff(task.centre_id, task.office_role)
                params = {"task": _label(app, task), "due": due.isoformat()}
                sent = []
                for user in recipients:
                    sent += notifications.for_staff("reminder", key, user, app, params)
                if not recipients:  # nobody holds the role: remember that we looked, tell the supervisor
                    for supervisor in _staff(task.centre_id, "supervisor"):
                        sent += notifications.for_staff("reminder", key, supervisor, app, params)
                if not sent:
                    sent += notifications.for_centre("reminder", key, app, params)
                _emit(sent)
                stats["reminders"] += 1
    return stats


def _in_reminder_window(cal, task: Task, today, days_before: int) -> bool:
    """Remind when the task is due within `days_before` working days, but not on the day it was created:
    whoever gets a new task sees it in the inbox then, and a one-day service is not reminded at submission."""
    from engine.clock import local_date

    created = local_date(task.created_at) or today
    return created < today and cal.working_days_between(today, task.due_date) <= days_before


def _emit(ids: list[int]) -> None:
    from engine import events

    for nid in ids:
        events.emit("notification", notification_id=nid, _outbox=True)


def overdue_tasks(actor, limit: int = 200) -> list[tuple[Task, Application]]:
    """Ready tasks of the supervisor's centre past their due date (what the escalation is about)."""
    from engine.errors import Forbidden

    if actor.kind != "staff" or "supervisor" not in actor.roles or not actor.centre_id:
        raise Forbidden()
    return list(db.session.execute(
        select(Task, Application).join(Application, Application.id == Task.application_id)
        .where(Task.centre_id == actor.centre_id, Task.state == TASK_READY, Task.due_date < _today(),
               Application.status.not_in(CLOSED_STATUSES))
        .order_by(Task.due_date).limit(limit)).all())
