# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Issue 12 fault 10: an operator lists due and overdue timers and fires one now (CLI and supervisor page)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.jobs.jobs_support import build, japp, start  # noqa: F401 - fixtures

PASSWORD = "demo-pass-2026"


def _ready(app_id):
    from engine.db import db
    from engine.models import Task

    db.session.expire_all()
    return sorted(t.bpmn_id for t in db.session.execute(
        select(Task).where(Task.application_id == app_id, Task.state == "ready")).scalars())


def _row(app_id, element):
    from engine.db import db
    from engine.models.jobs import DueTimer

    db.session.expire_all()
    return db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id,
                                                     DueTimer.element == element)).scalar_one()


def _audit(app_id):
    from engine.db import db
    from engine.models import AuditEvent

    return [(e.actor_name, e.summary, e.data.get("manual")) for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired")).scalars()]


def test_odsc_timers_list_and_fire(japp):
    from engine.db import db
    from engine.models import Application

    runner = japp.test_cli_runner()
    with japp.app_context():
        app = start("jobs_local_date")
        code = app.tracking_code
        row = _row(app.id, "Timer_Local")
        row_id, app_id = row.id, app.id
    listed = runner.invoke(args=["timers", "list"])
    assert listed.exit_code == 0, listed.output
    line = next(ln for ln in listed.output.splitlines() if ln.startswith(f"{row_id}\t"))
    assert code in line and "Timer_Local (09:00 in the centre)" in line
    assert "2027-01-15T02:00:00Z" in line and "2027-01-15T09:00:00+07:00 Asia/Vientiane" in line
    assert "\tdue\t" in line  # not overdue: 2027 is ahead
    fired = runner.invoke(args=["timers", "fire", str(row_id)])
    assert fired.exit_code == 0, fired.output
    assert "fired: Timer_Local" in fired.output
    with japp.app_context():
        assert _audit(app_id) == [("system", "Timer_Local", True)]
        # the zoned timer still waits; the case is still in progress (the join needs both)
        assert db.session.get(Application, app_id).status != "completed"
    missing = runner.invoke(args=["timers", "fire", "999999"])
    assert missing.exit_code == 1 and "timer 999999" in missing.output


def test_scope_a_supervisor_sees_and_fires_only_their_centre(japp):
    from engine.audit import Actor
    from engine.errors import Forbidden, NotFound
    from engine.timerops import fire_now, list_timers

    with japp.app_context():
        app_id = start("jobs_timers").id
        row_id = _row(app_id, "Timer_Wait").id
        other = Actor(99, "other", "staff", "chanthabouly", frozenset({"supervisor"}))
        assert [r.id for r in list_timers(other)] == []
        with pytest.raises(NotFound):
            fire_now(row_id, other)
        clerk = Actor(98, "clerk", "staff", "xaysettha", frozenset({"front_desk"}))
        with pytest.raises(Forbidden):
            list_timers(clerk)
        mine = Actor(97, "mine", "staff", "xaysettha", frozenset({"supervisor"}))
        overdue = list_timers(mine, within=timedelta(hours=1))
        assert row_id in [r.id for r in overdue]


@pytest.fixture
def csrf_app(database_template, tmp_path):
    app = build(database_template, tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    from engine.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _login(client, username):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.data[:500]


def test_the_supervisor_page_lists_and_fires_with_csrf_and_audit(csrf_app):
    with csrf_app.app_context():
        app_id = start("jobs_timers").id
        row_id = _row(app_id, "Timer_Wait").id
    desk = csrf_app.test_client()
    _login(desk, "desk.xs")
    assert desk.get("/ops/timers").status_code == 403
    assert desk.post(f"/ops/timers/{row_id}/fire").status_code in (400, 403)

    client = csrf_app.test_client()
    _login(client, "supervisor.xs")
    page = client.get("/ops/timers?lang=en")
    assert page.status_code == 200
    assert f'id="timer-{row_id}"'.encode() in page.data and b"Timer_Wait" in page.data
    assert client.post(f"/ops/timers/{row_id}/fire").status_code == 400  # no CSRF token: refused
    with csrf_app.app_context():
        assert _ready(app_id) == []
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    fired = client.post(f"/ops/timers/{row_id}/fire", data={"csrf_token": token})
    assert fired.status_code == 302
    after = client.get("/ops/timers?lang=en")
    assert b"Timer fired: Timer_Wait" in after.data
    with csrf_app.app_context():
        assert _ready(app_id) == ["Task_Review"]
        assert _audit(app_id) == [("ທ່ານ ຄຳມາ", "Timer_Wait", True)]
    lao = client.get("/ops/timers?lang=lo")
    assert "ໂມງຈັບເວລາ".encode() in lao.data and "ໃຫ້ເຮັດວຽກດຽວນີ້".encode() in lao.data

    admin = csrf_app.test_client()
    _login(admin, "admin")
    assert admin.get("/ops/timers").status_code == 200
