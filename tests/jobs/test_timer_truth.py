# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Issue 12 faults 9 and 10: timer dates in the centre's time zone, and the due_timer row as the truth."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import select, update

from tests.jobs.jobs_support import japp, start  # noqa: F401 - fixtures


def _rows(app_id):
    from engine.db import db
    from engine.models.jobs import DueTimer

    db.session.expire_all()
    return {r.element: r for r in db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id)).scalars()}


def _ready(app_id):
    from engine.db import db
    from engine.models import Task

    db.session.expire_all()
    return sorted(t.bpmn_id for t in db.session.execute(
        select(Task).where(Task.application_id == app_id, Task.state == "ready")).scalars())


def _set_due(app_id, element, when):
    from engine.db import db
    from engine.models.jobs import DueTimer

    db.session.execute(update(DueTimer).where(DueTimer.application_id == app_id, DueTimer.element == element)
                       .values(due_at=when))
    db.session.commit()


def _fired(app_id):
    from engine.db import db
    from engine.models import AuditEvent

    return db.session.execute(select(AuditEvent.summary).where(
        AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired").order_by(AuditEvent.id)).scalars().all()


def test_a_date_without_offset_is_the_centres_local_time_and_the_zone_id_form_runs(japp):
    with japp.app_context():
        app = start("jobs_local_date")
        rows = _rows(app.id)
        # 09:00 in Vientiane (UTC+7) is 02:00 UTC, for the plain local form and for the zone-id form alike
        assert rows["Timer_Local"].due_at == datetime(2027, 1, 15, 2, 0)
        assert rows["Timer_Zoned"].due_at == datetime(2027, 1, 15, 2, 0)
        assert app.incident is None


def test_a_postponed_timer_does_not_fire_by_the_workflows_own_clock(japp):
    from engine.db import utcnow
    from engine.jobs.ticker import Ticker

    ticker = Ticker(japp)
    with japp.app_context():
        app_id = start("jobs_timers").id
        _set_due(app_id, "Timer_Wait", utcnow() - timedelta(seconds=1))
        ticker.tick(force=True)
        assert _ready(app_id) == ["Task_Review"]
        rows = _rows(app_id)  # Boundary_Remind PT2S (non-interrupting), Boundary_Deadline PT4S (interrupting)
        original = rows["Boundary_Deadline"].due_at
        _set_due(app_id, "Boundary_Deadline", utcnow() + timedelta(hours=1))  # an operator postpones it
        deadline = time.monotonic() + 15
        while utcnow() <= original + timedelta(seconds=1) and time.monotonic() < deadline:
            time.sleep(0.1)
        ticker.tick(force=True)  # the reminder is due and fires; the workflow runs its timers again
        assert _fired(app_id) == ["Timer_Wait", "Boundary_Remind"]
        assert _ready(app_id) == ["Task_Review"], "the postponed deadline fired by the workflow's own copy"
        assert _rows(app_id)["Boundary_Deadline"].due_at > utcnow() + timedelta(minutes=59)


def test_a_timer_brought_forward_fires_before_the_workflow_would(japp):
    from engine.db import utcnow
    from engine.jobs.ticker import Ticker
    from engine.models.jobs import DueTimer

    with japp.app_context():
        app_id = start("jobs_timers").id
        _set_due(app_id, "Timer_Wait", utcnow() - timedelta(seconds=1))
        Ticker(japp).tick(force=True)
        assert _ready(app_id) == ["Task_Review"]
        boundary = _rows(app_id)["Boundary_Deadline"]  # PT4S: move it a day on, then fire it through the row
        assert isinstance(boundary, DueTimer)
        _set_due(app_id, "Boundary_Deadline", utcnow() - timedelta(seconds=1))
        Ticker(japp).tick(force=True)
        assert _ready(app_id) == ["Task_Escalated"]
