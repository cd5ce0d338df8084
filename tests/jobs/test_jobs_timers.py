# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""BPMN timers in the embedded mode: intermediate and boundary timers fire through the ticker, once."""
from __future__ import annotations

import time

from sqlalchemy import select

from tests.jobs.jobs_support import japp, start  # noqa: F401 - fixtures


def due_rows(app_id):
    from engine.db import db
    from engine.models.jobs import DueTimer

    return {r.element: r for r in db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id)).scalars()}


def tasks(app_id, state="ready"):
    from engine.db import db
    from engine.models import Task

    return sorted(t.bpmn_id for t in db.session.execute(
        select(Task).where(Task.application_id == app_id, Task.state == state)).scalars())


def wait_until(when):
    from engine.db import utcnow

    delay = (when - utcnow()).total_seconds()
    if delay > 0:
        time.sleep(delay + 0.05)


def test_intermediate_and_boundary_timers_fire_on_time(japp):
    from engine.db import db
    from engine.jobs.ticker import Ticker
    from engine.models import Application, AuditEvent

    ticker = Ticker(japp)
    with japp.app_context():
        app = start("jobs_timers")
        app_id = app.id
        rows = due_rows(app_id)
        assert list(rows) == ["Timer_Wait"]
        assert tasks(app_id) == []
        first_due = rows["Timer_Wait"].due_at
        ticker.tick(force=True)  # not due yet: nothing happens
        assert tasks(app_id) == []

        wait_until(first_due)
        ticker.tick(force=True)
        db.session.expire_all()
        assert tasks(app_id) == ["Task_Review"]
        assert db.session.get(Application, app_id).milestone == "in_review"
        rows = due_rows(app_id)
        assert sorted(rows) == ["Boundary_Deadline", "Boundary_Remind"]

        # the non-interrupting reminder fires; the review task stays
        wait_until(rows["Boundary_Remind"].due_at)
        ticker.tick(force=True)
        db.session.expire_all()
        assert tasks(app_id) == ["Task_Review"]
        assert sorted(due_rows(app_id)) == ["Boundary_Deadline"]

        # the interrupting deadline fires: the review is cancelled, the escalation task is ready
        wait_until(rows["Boundary_Deadline"].due_at)
        ticker.tick(force=True)
        db.session.expire_all()
        assert tasks(app_id) == ["Task_Escalated"]
        assert tasks(app_id, "cancelled") == ["Task_Review"]
        assert due_rows(app_id) == {}
        assert db.session.get(Application, app_id).milestone == "ready"
        fired = db.session.execute(select(AuditEvent.summary).where(
            AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired")).scalars().all()
        assert fired == ["Timer_Wait", "Boundary_Remind", "Boundary_Deadline"]

        # nothing is left to fire: more ticks change nothing
        ticker.tick(force=True)
        assert db.session.execute(select(AuditEvent).where(
            AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired")).scalars().all().__len__() == 3


def test_completing_the_task_removes_its_boundary_timers(japp):
    from engine.db import db
    from engine.jobs.ticker import Ticker
    from engine.models import Task
    from engine.runtime.commands import complete_task
    from tests.jobs.jobs_support import staff

    with japp.app_context():
        app_id = start("jobs_timers").id
        wait_until(due_rows(app_id)["Timer_Wait"].due_at)
        Ticker(japp).tick(force=True)
        db.session.expire_all()
        task = db.session.execute(select(Task).where(Task.application_id == app_id, Task.state == "ready")).scalar_one()
        complete_task(task.id, staff("officer.xs"), {"note": "done"})
        assert due_rows(app_id) == {}
        assert tasks(app_id) == []


def test_a_past_date_fires_at_once_and_a_cycle_fires_its_repetitions(japp):
    from engine.db import db
    from engine.jobs.ticker import Ticker
    from engine.models import AuditEvent

    ticker = Ticker(japp)
    with japp.app_context():
        app_id = start("jobs_cycle").id
        assert tasks(app_id) == ["Task_Wait"]  # a date in the past does not wait
        assert list(due_rows(app_id)) == ["Boundary_Cycle"]
        for _ in range(4):
            rows = due_rows(app_id)
            if "Boundary_Cycle" not in rows:
                break
            wait_until(rows["Boundary_Cycle"].due_at)
            ticker.tick(force=True)
            db.session.expire_all()
            assert tasks(app_id) == ["Task_Wait"]  # non-interrupting: the task stays
        assert due_rows(app_id) == {}
        fired = db.session.execute(select(AuditEvent.summary).where(
            AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired")).scalars().all()
        assert fired == ["Boundary_Cycle", "Boundary_Cycle"]


def test_the_ticker_thread_of_odsc_serve_fires_timers(japp):
    from engine.db import db
    from engine.jobs.ticker import start_ticker

    japp.config["JOBS_DISPATCH_SECONDS"] = 0.1
    with japp.app_context():
        app_id = start("jobs_timers").id
    ticker = start_ticker(japp)
    try:
        with japp.app_context():
            deadline = time.monotonic() + 10
            while tasks(app_id) != ["Task_Review"] and time.monotonic() < deadline:
                time.sleep(0.1)
                db.session.remove()
            assert tasks(app_id) == ["Task_Review"]
    finally:
        ticker.stop()


def test_a_row_whose_task_no_longer_waits_is_dropped_not_retried_forever(japp):
    from engine.db import db, utcnow
    from engine.jobs.ticker import Ticker
    from engine.models.jobs import DueTimer

    with japp.app_context():
        app_id = start("jobs_timers").id
        db.session.add(DueTimer(application_id=app_id, task_id="00000000-0000-0000-0000-000000000000",
                                element="Gone", kind="timer", due_at=utcnow(), state="waiting"))
        db.session.commit()
        Ticker(japp).tick(force=True)
        db.session.expire_all()
        assert list(due_rows(app_id)) == ["Timer_Wait"]
