# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Time limits (reminders and escalations), the supervisor's incidents page and the developer outbox."""
from __future__ import annotations

import time
from datetime import date, timedelta

from sqlalchemy import select

from engine.jobs.publisher import drain
from tests.jobs.jobs_support import http_server, japp, staff, start  # noqa: F401 - fixtures


def login(client, username):
    client.post("/login", data={"username": username, "password": "demo-pass-2026"})


def review_task(app_id):
    """Let the timer scenario reach its officer task (Task_Review) without waiting a second."""
    from flask import current_app

    from engine.db import db, utcnow
    from engine.jobs.ticker import Ticker
    from engine.models import Task
    from engine.models.jobs import DueTimer

    db.session.execute(DueTimer.__table__.update().where(DueTimer.application_id == app_id)
                       .values(due_at=utcnow()))
    db.session.commit()
    for _ in range(30):
        Ticker(current_app._get_current_object()).tick(force=True)
        db.session.expire_all()
        task = db.session.execute(select(Task).where(Task.application_id == app_id, Task.state == "ready")).scalar()
        if task is not None:
            return task
        time.sleep(0.1)
    raise AssertionError("the timer did not fire")


def notifications_of(app_id, kind):
    from engine.db import db
    from engine.models.jobs import Notification

    return list(db.session.execute(select(Notification).where(
        Notification.application_id == app_id, Notification.kind == kind)).scalars())


def test_reminder_before_the_due_date_and_escalation_once_overdue(japp):
    from engine.db import db
    from engine.jobs import timelimits
    from engine.models import AuditEvent, User
    from engine.workdays import calendar

    with japp.app_context():
        app_id = start("jobs_timers").id
        task = review_task(app_id)
        due = task.due_date
        cal = calendar()
        # two working days before: nothing yet
        day = due - timedelta(days=1)
        while cal.working_days_between(day, due) < 2:
            day -= timedelta(days=1)
        assert timelimits.check(today=day) == {"reminders": 0, "escalations": 0}
        # one working day before: the officers holding the role are reminded, once
        day = due - timedelta(days=1)
        while not cal.is_working_day(day):
            day -= timedelta(days=1)
        assert timelimits.check(today=day)["reminders"] == 1
        assert timelimits.check(today=day)["reminders"] == 0
        reminded = {n.user_id for n in notifications_of(app_id, "reminder")}
        officer = db.session.query(User).filter_by(username="officer.xs").one()
        assert officer.id in reminded
        (note,) = [n for n in notifications_of(app_id, "reminder") if n.user_id == officer.id]
        assert note.status == "sent" and "ເຕືອນ" in note.body and due.isoformat() in note.body
        # the day after the due date: escalated to the supervisor, once, and written to the audit trail
        assert timelimits.check(today=due + timedelta(days=1))["escalations"] == 1
        assert timelimits.check(today=due + timedelta(days=2))["escalations"] == 0
        supervisor = db.session.query(User).filter_by(username="supervisor.xs").one()
        escalations = notifications_of(app_id, "escalation")
        assert [n.user_id for n in escalations] == [supervisor.id]
        assert "ກາຍກຳນົດ" in escalations[0].body
        assert db.session.execute(select(AuditEvent).where(
            AuditEvent.application_id == app_id, AuditEvent.kind == "task.escalated")).scalar() is not None


def test_periodic_job_runs_from_the_schedule(japp):
    from engine.jobs.queues import CHECK_TIME_LIMITS, DISPATCH_DUE
    from engine.jobs.ticker import Ticker

    ticker = Ticker(japp)
    first = ticker.tick(now=1000.0)
    assert set(first) >= {DISPATCH_DUE, CHECK_TIME_LIMITS}
    second = ticker.tick(now=1002.0)
    assert DISPATCH_DUE in second and CHECK_TIME_LIMITS not in second


def test_supervisor_sees_overdue_tasks_and_retries_an_incident(japp, http_server):
    from engine.db import db
    from engine.models import Application, Task
    from engine.models.jobs import Incident

    registry = http_server(statuses=[500] * 100)
    japp.config.update(CONNECTORS={"http_registry": {"type": "http", "url": registry.url},
                                   "certificate_number": {"type": "sequence"}}, CONNECTOR_MAX_ATTEMPTS=1)
    with japp.app_context():
        broken = start("jobs_service").id
        late = start("jobs_timers").id
        task = review_task(late)
        db.session.get(Task, task.id).due_date = date.today() - timedelta(days=3)
        db.session.commit()
        incident_id = db.session.execute(select(Incident.id).where(Incident.application_id == broken)).scalar_one()
        code = db.session.get(Application, broken).tracking_code

    client = japp.test_client()
    assert client.get("/ops/incidents").status_code == 302  # login first
    login(client, "officer.xs")
    assert client.get("/ops/incidents").status_code == 403
    client.post("/logout")
    login(client, "supervisor.xs")
    page = client.get("/ops/incidents?lang=en").get_data(as_text=True)
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in page
    assert "HTTP 500" in page and "Overdue" in page and "Task_Review" in page

    registry.statuses.clear()
    resp = client.post(f"/ops/incidents/{incident_id}/retry", follow_redirects=True)
    assert "The step is running again." in resp.get_data(as_text=True)
    drain(japp)  # the service call runs on the after-commit thread, after the response
    with japp.app_context():
        assert db.session.get(Application, broken).milestone == "ready"
    # retrying twice is refused with a message, not an error page
    resp = client.post(f"/ops/incidents/{incident_id}/retry", follow_redirects=True)
    assert resp.status_code == 200 and "already resolved" in resp.get_data(as_text=True)


def test_supervisor_cancels_the_application_of_an_incident(japp, http_server):
    from engine.db import db
    from engine.models import Application
    from engine.models.jobs import DueTimer, Incident

    registry = http_server(statuses=[500] * 100)
    japp.config.update(CONNECTORS={"http_registry": {"type": "http", "url": registry.url}}, CONNECTOR_MAX_ATTEMPTS=1)
    with japp.app_context():
        app_id = start("jobs_service").id
        incident_id = db.session.execute(select(Incident.id).where(Incident.application_id == app_id)).scalar_one()
    client = japp.test_client()
    login(client, "supervisor.xs")
    resp = client.post(f"/ops/incidents/{incident_id}/cancel", data={"reason": ""}, follow_redirects=True)
    assert resp.status_code == 200
    resp = client.post(f"/ops/incidents/{incident_id}/cancel", data={"reason": "registry retired"},
                       follow_redirects=True)
    assert resp.status_code == 200
    with japp.app_context():
        assert db.session.get(Application, app_id).status == "cancelled"
        assert db.session.get(Incident, incident_id).status == "cancelled"
        assert db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id)).first() is None


def test_outbox_page_in_embedded_mode_and_for_admins_only_in_production(japp, database_template, tmp_path):
    with japp.app_context():
        start("jobs_timers", locale="en")
    client = japp.test_client()
    assert client.get("/dev/outbox").status_code == 302
    login(client, "02055551234")
    page = client.get("/dev/outbox?lang=en").get_data(as_text=True)
    assert "020 5555 1234" in page and "Received" in page  # the phone number as people write it

    japp.extensions["odsc_publisher"].mode = "rq"  # as in production: administrators only
    try:
        assert client.get("/dev/outbox").status_code == 403
        client.post("/logout")
        login(client, "admin")
        page = client.get("/dev/outbox?lang=lo").get_data(as_text=True)
        assert "ກ່ອງຂໍ້ຄວາມອອກ" in page and "020 5555 1234" in page
    finally:
        japp.extensions["odsc_publisher"].mode = "inprocess"
