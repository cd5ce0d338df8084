"""Dashboard figures against counts recomputed independently from the raw rows (tests/monitor/conftest.py)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from engine.db import db
from engine.stats import descendants, figures, public_summary
from engine.stats.dashboard import percentile_cont
from tests.monitor.conftest import expected, local_today

VTE_AREA = ["vte", "xaysettha", "chanthabouly", "sisattanak"]


def _check(got: dict, want: dict) -> None:
    for p in got["periods"]:
        w = want[p["key"]]
        for key in ("received", "completed", "rejected", "in_progress", "returned", "overdue", "on_time"):
            assert p[key] == w[key], (p["key"], key, p[key], w[key])
        rate = w["on_time"] / w["completed"] if w["completed"] else None
        assert p["on_time_rate"] == pytest.approx(rate) if rate is not None else p["on_time_rate"] is None
    assert got["now"] == want["now"]
    services = {s["service_id"]: (s["completed"], s["median_days"], s["p90_days"]) for s in got["services"]}
    assert set(services) == set(want["services"])
    for sid, (n, p50, p90) in want["services"].items():
        assert services[sid][0] == n
        assert services[sid][1] == pytest.approx(p50, abs=1e-6)
        assert services[sid][2] == pytest.approx(p90, abs=1e-6)
    assert {r["role"]: r["open"] for r in got["backlog_roles"]} == dict(want["roles"])
    assert {c["user_id"]: c["open"] for c in got["backlog_clerks"]} == dict(want["clerks"])
    assert [d["received"] for d in got["trend_days"]] == want["trend_received"]
    assert [d["completed"] for d in got["trend_days"]] == want["trend_completed"]
    assert [w["received"] for w in got["trend_weeks"]] == want["week_received"]
    for row in got["centres"]:
        w = want["centres"].get(row["centre_id"])
        if w is None:
            assert row["received"] == row["completed"] == row["backlog"] == 0
            continue
        for key in ("received", "completed", "backlog", "overdue"):
            assert row[key] == w[key], (row["centre_id"], key)
        assert row["on_time_rate"] == pytest.approx(w["on_time_rate"]) if w["on_time_rate"] is not None \
            else row["on_time_rate"] is None


def test_ministry_figures_match_the_raw_rows(seeded):
    with seeded.app_context():
        got = figures(None)
        want = expected(None)
        assert got["periods"][-1]["received"] > 50  # the data set is not trivially empty
        assert want["now"]["backlog"] > 0 and want["services"]
        _check(got, want)
        assert len(got["centres"]) == 11


def test_province_and_centre_figures_match_the_raw_rows(seeded):
    with seeded.app_context():
        area = descendants("vte")
        assert sorted(area) == sorted(VTE_AREA)
        _check(figures(area), expected(set(area)))
        _check(figures(["xaysettha"]), expected({"xaysettha"}))


def test_chosen_range_matches_the_raw_rows(seeded):
    today = local_today()
    start, end = today - timedelta(days=90), today - timedelta(days=20)
    with seeded.app_context():
        got = figures(None, range_start=start, range_end=end)
        assert (got["periods"][-1]["start"], got["periods"][-1]["end"]) == (start, end)
        _check(got, expected(None, range_start=start, range_end=end))


def test_day_boundaries_are_vientiane_days(app):
    """23:59 in Vientiane belongs to that day, 00:01 to the next, whatever the UTC date says."""
    from engine.models import Application, Service

    today = local_today()
    midnight_utc = datetime(today.year, today.month, today.day) - timedelta(hours=7)  # 00:00 Vientiane today
    with app.app_context():
        version = db.session.get(Service, "birth_certificate").current_version_id
        for i, at in enumerate((midnight_utc - timedelta(minutes=1), midnight_utc + timedelta(minutes=1))):
            db.session.add(Application(tracking_code=f"B{i:09d}", service_id="birth_certificate",
                                       service_version_id=version, centre_id="xaysettha", status="submitted",
                                       data={}, submitted_at=at, due_date=today, updated_at=at))
        db.session.commit()
        got = figures(["xaysettha"])
        assert got["periods"][0]["received"] == 1  # today: only the one after local midnight
        assert got["trend_days"][-1]["received"] == 1 and got["trend_days"][-2]["received"] == 1


def test_on_time_means_completed_by_the_due_date(app):
    from engine.models import Application, Service

    today = local_today()
    now = datetime.now(UTC).replace(tzinfo=None)
    with app.app_context():
        version = db.session.get(Service, "birth_certificate").current_version_id
        for i, due in enumerate((today, today, today - timedelta(days=1), today + timedelta(days=3))):
            db.session.add(Application(tracking_code=f"O{i:09d}", service_id="birth_certificate",
                                       service_version_id=version, centre_id="xaysettha", status="completed",
                                       data={}, submitted_at=now - timedelta(days=2), due_date=due,
                                       completed_at=now, updated_at=now))
        db.session.commit()
        today_fig = figures(["xaysettha"])["periods"][0]
        assert (today_fig["completed"], today_fig["on_time"]) == (4, 3)
        assert today_fig["on_time_rate"] == pytest.approx(0.75)
        service = figures(["xaysettha"])["services"][0]
        assert service["median_days"] == pytest.approx(2.0, abs=0.01)


def test_percentile_cont_is_linear_interpolation():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([4.0], 0.9) == 4.0
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile_cont([float(i) for i in range(1, 11)], 0.9) == pytest.approx(9.1)


def test_public_summary_has_no_personal_data(seeded):
    with seeded.app_context():
        summary = public_summary(None)
    text = repr(summary)
    assert "ທົດສອບ ລັບ" not in text and "T000000001" not in text
    assert "backlog_clerks" not in summary


def test_task_rows_of_other_centres_are_not_counted(seeded):
    from engine.models import Application, Task

    with seeded.app_context():
        before = figures(["xaysettha"])["now"]["backlog"]
        other = db.session.query(Application).filter_by(centre_id="pakse").first()
        db.session.add(Task(id=str(uuid.uuid4()), application_id=other.id, centre_id="pakse", bpmn_id="X",
                            office_role="approver", state="ready"))
        db.session.commit()
        assert figures(["xaysettha"])["now"]["backlog"] == before


def test_rollup_gives_the_same_figures_as_the_rows(seeded):
    from engine.models.stats import StatsDaily, StatsDayDone
    from engine.stats import rollup

    today = local_today()
    start = today - timedelta(days=100)
    with seeded.app_context():
        live = figures(None, range_start=start, use_rollup=False)
        assert db.session.query(StatsDayDone).count() == 0
        rolled = figures(None, range_start=start)
        days_done = db.session.query(StatsDayDone).count()
        assert days_done >= 98 and db.session.query(StatsDaily).count() > 0
        assert rolled == live
        # the second view reads the rollup (nothing new to compute) and still agrees
        assert figures(["xaysettha", "vte"]) == figures(["xaysettha", "vte"], use_rollup=False)
        assert db.session.query(StatsDayDone).count() == days_done
        # rebuild forgets it; the next view recomputes it
        rollup.rebuild()
        assert db.session.query(StatsDaily).count() == 0
        assert figures(None, range_start=start) == live


def test_an_application_started_through_the_engine_shows_up(app):
    """End to end: the engine's own commands keep the read models the dashboard reads."""
    from tests.engine.helpers import start_residence

    with app.app_context():
        before = figures(["xaysettha"])
        application = start_residence()
        after = figures(["xaysettha"])
        assert after["periods"][0]["received"] == before["periods"][0]["received"] + 1
        assert after["now"]["open"] == before["now"]["open"] + 1
        assert after["now"]["backlog"] == before["now"]["backlog"] + 1
        roles = {r["role"]: r["open"] for r in after["backlog_roles"]}
        assert roles.get("front_desk") == 1
        assert application.centre_id == "xaysettha"
        # the ministry and the capital see it too; Luang Prabang does not
        assert figures(None)["periods"][0]["received"] == after["periods"][0]["received"]
        assert figures(descendants("vte"))["periods"][0]["received"] == 1
        assert figures(descendants("luangprabang"))["periods"][0]["received"] == 0


def test_cli_rebuilds_the_rollup(seeded):
    from engine.models.stats import StatsDayDone

    with seeded.app_context():
        figures(None)
        assert db.session.query(StatsDayDone).count() > 0
    result = seeded.test_cli_runner().invoke(args=["monitor", "rebuild-rollup"])
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        assert db.session.query(StatsDayDone).count() == 0


def test_both_percentile_queries_agree(seeded, monkeypatch):
    """PostgreSQL: one aggregate per service (few services) or GROUP BY service (many) give the same."""
    from engine.stats import dashboard

    with seeded.app_context():
        few = figures(None)["services"]
        monkeypatch.setattr(dashboard, "FILTERED_PERCENTILE_SERVICES", 0)
        many = figures(None)["services"]
        assert few == many and len(few) >= 5


def test_figures_survive_a_database_that_refuses_the_rollup(seeded, monkeypatch):
    """A read-only database (fault injected: the rollup insert fails) still gets exact figures from the rows."""
    from sqlalchemy.exc import OperationalError

    from engine.stats import rollup

    def refuse(*_a, **_k):
        raise OperationalError("INSERT INTO stats_daily", {}, Exception("read-only transaction"))

    with seeded.app_context():
        live = figures(None, use_rollup=False)
        monkeypatch.setattr(rollup, "insert", refuse)
        assert figures(None) == live
