# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Service tasks call named connectors on the worker: a per-centre number sequence and an HTTP registry.
A connector that keeps failing opens an incident after its last retry; the supervisor retries it."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.jobs.jobs_support import http_server, japp, staff, start  # noqa: F401 - fixtures


def connectors_for(url):
    return {
        "http_registry": {"type": "http", "url": url + "/registry", "send": ["applicant_name"], "result": "registry",
                          "timeout": 5},
        "certificate_number": {"type": "sequence", "result": "certificate_number"},
    }


def ready_tasks(app_id):
    from engine.db import db
    from engine.models import Task

    return sorted(t.bpmn_id for t in db.session.execute(
        select(Task).where(Task.application_id == app_id, Task.state == "ready")).scalars())


def workflow_data(app_id):
    from engine.db import db
    from engine.models import Application
    from engine.runtime import store
    from engine.runtime.specs import compiled

    app = db.session.get(Application, app_id)
    workflow = store.restore(app_id, compiled(app.service_version_id))
    task = next(t for t in workflow.get_tasks() if getattr(t.task_spec, "bpmn_id", None) == "Task_Issue")
    return task.data


def test_service_tasks_call_their_connectors(japp, http_server):
    from engine.db import db
    from engine.models import Application, AuditEvent

    registry = http_server(body={"found": True, "person": "P-1"})
    japp.config["CONNECTORS"] = connectors_for(registry.url)
    with japp.app_context():
        first = start("jobs_service").id
        second = start("jobs_service").id
        db.session.expire_all()
        for app_id in (first, second):
            assert ready_tasks(app_id) == ["Task_Issue"]
            assert db.session.get(Application, app_id).milestone == "ready"
        year = time.localtime().tm_year
        assert workflow_data(first)["certificate_number"] == f"XAYSETTHA-{year}-000001"
        assert workflow_data(second)["certificate_number"] == f"XAYSETTHA-{year}-000002"
        assert workflow_data(first)["registry"] == {"found": True, "person": "P-1"}
        assert len(registry.requests) == 2
        sent = registry.requests[0]
        assert sent["json"]["data"] == {"applicant_name": "ສົມຊາຍ"}
        assert sent["headers"]["Idempotency-Key"].startswith("odsc-")
        done = db.session.execute(select(AuditEvent.summary).where(
            AuditEvent.application_id == first, AuditEvent.kind == "service_task.completed")).scalars().all()
        assert done == ["Service_Registry", "Service_Number"]


def test_failing_connector_opens_an_incident_that_the_supervisor_retries(japp, http_server):
    from engine import incidents
    from engine.db import db
    from engine.errors import DomainError
    from engine.jobs.ticker import Ticker
    from engine.models import Application
    from engine.models.jobs import DueTimer, Incident

    registry = http_server(statuses=[503] * 100)
    japp.config["CONNECTORS"] = connectors_for(registry.url)
    ticker = Ticker(japp)
    with japp.app_context():
        app_id = start("jobs_service").id
        for _ in range(20):
            time.sleep(0.06)
            ticker.tick(force=True)
            db.session.expire_all()
            if db.session.get(Application, app_id).incident:
                break
        app = db.session.get(Application, app_id)
        assert len(registry.requests) == 3  # CONNECTOR_MAX_ATTEMPTS in the tests
        assert "503" in app.incident
        incident = db.session.execute(select(Incident).where(Incident.application_id == app_id)).scalar_one()
        assert (incident.status, incident.element, incident.connector, incident.attempts) == (
            "open", "Service_Registry", "http_registry", 3)
        assert ready_tasks(app_id) == []
        # no more attempts once the incident is open
        time.sleep(0.1)
        ticker.tick(force=True)
        assert len(registry.requests) == 3

        # only the centre's supervisor sees and retries it
        with pytest.raises(DomainError):
            incidents.retry(incident.id, staff("officer.xs"))
        listed = incidents.open_incidents(staff("supervisor.xs"))
        assert [i.id for i, _ in listed] == [incident.id]

        registry.statuses.clear()  # the registry is back
        incidents.retry(incident.id, staff("supervisor.xs"))
        db.session.expire_all()
        assert ready_tasks(app_id) == ["Task_Issue"]
        assert db.session.get(Application, app_id).incident is None
        assert db.session.get(Incident, incident.id).status == "retried"
        assert incidents.open_incidents(staff("supervisor.xs")) == []
        assert db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id)).first() is None


def test_unknown_connector_is_an_incident_with_a_clear_error(japp, tmp_path):
    from engine.db import db
    from engine.jobs.ticker import Ticker
    from engine.models.jobs import Incident

    japp.config.update(CONNECTORS={}, CATALOGUE_DIR=str(tmp_path))  # no workflows/connectors.yaml
    with japp.app_context():
        app_id = start("jobs_service").id
        for _ in range(10):
            time.sleep(0.06)
            Ticker(japp).tick(force=True)
        incident = db.session.execute(select(Incident).where(Incident.application_id == app_id)).scalar_one()
        assert "no connector named 'http_registry'" in incident.error


def test_the_supervisor_is_told_about_a_new_incident(japp, tmp_path):
    from engine.db import db
    from engine.models import User
    from engine.models.jobs import Notification

    japp.config.update(CONNECTORS={}, CATALOGUE_DIR=str(tmp_path), CONNECTOR_MAX_ATTEMPTS=1)
    with japp.app_context():
        app_id = start("jobs_service").id
        supervisor = db.session.query(User).filter_by(username="supervisor.xs").one()
        (note,) = db.session.execute(select(Notification).where(
            Notification.application_id == app_id, Notification.kind == "incident")).scalars()
        assert note.user_id == supervisor.id and "Service_Registry" in note.body and note.status == "sent"


def test_a_failing_script_is_an_incident_and_retry_runs_it_again(japp):
    from engine import incidents
    from engine.db import db
    from engine.models import Application
    from engine.models.jobs import Incident

    with japp.app_context():
        app_id = start("jobs_script").id
        db.session.expire_all()
        assert "Script_Score" in db.session.get(Application, app_id).incident
        (incident,) = [i for i, _ in incidents.open_incidents(staff("supervisor.xs"))]
        assert (incident.kind, incident.element, incident.application_id) == ("script", "Script_Score", app_id)
        # the cause is still there: the retry runs the script again and a new incident is opened
        incidents.retry(incident.id, staff("supervisor.xs"))
        db.session.expire_all()
        rows = db.session.execute(select(Incident).where(Incident.application_id == app_id)
                                  .order_by(Incident.id)).scalars().all()
        assert [r.status for r in rows] == ["retried", "open"]
        assert ready_tasks(app_id) == []
