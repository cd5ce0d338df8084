"""The bottleneck map (issue 18 §4): engine figures, the API with its scopes, the page."""
from __future__ import annotations

from datetime import date

import pytest

from tests.api.api_helpers import Api
from tests.engine.helpers import APPROVE_PATH, actor, ready_task, start_residence
from tests.web.web_helpers import login

MON = date(2026, 11, 2)


@pytest.fixture
def on_day(monkeypatch):
    from engine import clock

    current = {"day": MON}
    monkeypatch.setattr(clock, "today", lambda: current["day"])
    return lambda day: current.__setitem__("day", day)


def _complete(app_id, username, answers):
    from engine.runtime.commands import complete_task

    complete_task(ready_task(app_id).id, actor(username), answers)


def test_working_time_per_step_and_cases_waiting(app, on_day):
    """Three cases: the document check takes 0, 2 and 4 working days; one case then waits at the village."""
    from engine.db import db
    from engine.models import Task
    from engine.stats.elements import bottlenecks

    with app.app_context():
        from datetime import datetime

        ids = []
        for _ in range(3):
            on_day(MON)
            ids.append(start_residence().id)
        # created on Monday 09:00 in Vientiane (02:00 UTC), the clock's day
        db.session.query(Task).update({Task.created_at: datetime(2026, 11, 2, 2, 0)})
        db.session.commit()
        for app_id, day in zip(ids, (date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 6)), strict=True):
            on_day(day)
            _complete(app_id, *APPROVE_PATH[0][::2])
        assert sorted(t.working_days for t in db.session.query(Task).filter_by(bpmn_id="Task_Check")) == [0, 2, 4]
        data = bottlenecks(actor("supervisor.xs"), "residence_certificate", start=date(2026, 11, 1),
                           end=date(2026, 11, 30))
        by = {e["element_id"]: e for e in data["elements"]}
        check = by["Task_Check"]
        assert (check["completed"], check["median_working_days"]) == (3, 2.0)
        assert check["p90_working_days"] == pytest.approx(3.6)  # percentile_cont of 0, 2, 4
        assert check["limit_days"] == 1 and check["level"] == "late"
        assert by["Task_VillageCertify"]["waiting"] == 3
        assert by["Task_ProvideDocuments"]["limit_days"] is None  # the applicant's own step has no limit
        # the period filters by completion day
        empty = bottlenecks(actor("supervisor.xs"), "residence_certificate", start=date(2026, 10, 1),
                            end=date(2026, 10, 31))
        assert {e["element_id"]: e["completed"] for e in empty["elements"]}["Task_Check"] == 0


def test_api_scopes_and_errors(app, client):
    with app.app_context():
        start_residence()
    monitor = Api(client).login("monitor.moha")
    supervisor = Api(client).login("supervisor.xs")
    ok = supervisor.get("/monitor/services/residence_certificate/elements")
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["scope"] == "xaysettha" and {"from", "to", "elements"} <= set(body)
    assert {e["element_id"]: e["waiting"] for e in body["elements"]}["Task_Check"] >= 1
    assert supervisor.get("/monitor/services/residence_certificate/elements?scope=moha").status_code == 403
    assert supervisor.get("/monitor/services/nope/elements").status_code == 404
    bad = supervisor.get("/monitor/services/residence_certificate/elements?from=2026-12-01&to=2026-01-01")
    assert bad.status_code == 422
    citizen = Api(client).login("02055551234")
    assert citizen.get("/monitor/services/residence_certificate/elements").status_code == 403
    nation = monitor.get("/monitor/services/residence_certificate/elements?scope=moha")
    assert nation.status_code == 200 and nation.get_json()["scope"] == "moha"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "get" in spec["paths"]["/monitor/services/{service_id}/elements"]


def test_page_shows_the_table_in_lao(app, client):
    with app.app_context():
        start_residence()
    login(client, "supervisor.xs")
    html = client.get("/monitor/services/residence_certificate/elements?lang=lo").get_data(as_text=True)
    assert "ແຜນທີ່ຈຸດຕິດຂັດ" in html and "ກວດສອບເອກະສານ" in html and "data-elements-diagram" in html
    assert client.get("/monitor/services/residence_certificate/elements?from=x").status_code == 422
    # the period uses the platform's Lao-first date field (dd/mm/yyyy), not the browser's mm/dd/yyyy picker
    assert 'type="date"' not in html and 'data-date-input' in html and 'placeholder="ວວ/ດດ/ປປປປ"' in html
    ranged = client.get("/monitor/services/residence_certificate/elements?from=01/11/2026&to=30/11/2026")
    assert ranged.status_code == 200 and 'value="01/11/2026"' in ranged.get_data(as_text=True)
    moved = client.get("/monitor/services/residence_certificate/elements?service=birth_certificate&from=2026-01-01")
    assert moved.status_code == 302 and "/monitor/services/birth_certificate/elements" in moved.headers["Location"]
