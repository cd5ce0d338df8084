"""The bottleneck map's monthly rollup (engine/stats/element_rollup.py): its figures equal those computed from
the task rows alone, and those of an independent calculation in plain Python, at every month boundary (the
current month, a month closed only two days ago, partial months at either end of the period, the instant of
local midnight), for the nation, a province and a centre; `odsc monitor rebuild-rollup` forgets it."""
from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest

SERVICE = "residence_certificate"
ELEMENTS = ["Task_Check", "Task_VillageCertify", "Task_Approve", "Task_Payment", "Task_Issue",
            "Task_ProvideDocuments"]
CENTRES = ["xaysettha", "chanthabouly", "sisattanak", "vte", "pakse", "kaysone", "luangprabang_district"]
FIRST, LAST = date(2025, 9, 1), date(2026, 12, 10)  # local days the generated steps are completed on


def _local_midnight_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day) - timedelta(hours=7)


def _month_ends(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        if (d + timedelta(days=1)).day == 1:
            out.append(d)
        d += timedelta(days=1)
    return out


@pytest.fixture
def steps(app):
    """~2,500 task rows of the service (and some of another) over 15 months at seven centres: completed ones
    with 0–12 working days, cancelled ones (no working days), ready ones; many right at local midnight on
    either side of a month's end. Returns the rows as plain dicts, for the independent calculation."""
    from engine.db import db
    from engine.models import Application, Service, Task

    rnd = random.Random(1818)
    rows = []
    with app.app_context():
        versions = {s.id: s.current_version_id for s in db.session.query(Service).all()}
        apps = []
        for i, cid in enumerate(CENTRES * 3):
            sid = SERVICE if i % 5 else "birth_certificate"
            a = Application(tracking_code=f"ER{i:08d}", service_id=sid, service_version_id=versions[sid],
                            centre_id=cid, channel="desk", locale="lo", status="in_progress", fee_amount=0,
                            data={}, submitted_at=_local_midnight_utc(FIRST), due_date=LAST,
                            updated_at=_local_midnight_utc(FIRST))
            db.session.add(a)
            apps.append(a)
        db.session.flush()
        span = (LAST - FIRST).days + 1
        instants = []
        for _ in range(2000):
            instants.append(_local_midnight_utc(FIRST) + timedelta(seconds=rnd.random() * span * 86400))
        for end in _month_ends(FIRST, LAST):
            midnight = _local_midnight_utc(end + timedelta(days=1))
            instants += [midnight, midnight - timedelta(microseconds=1), midnight + timedelta(microseconds=1),
                         midnight - timedelta(seconds=1)]
            instants += [midnight - timedelta(hours=7)] * 3  # UTC midnight: still the last local day + 7 h
        for k, at in enumerate(instants):
            a = apps[k % len(apps)]
            kind = rnd.random()
            wd = rnd.choice([0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 7, 12])
            state, completed_at, working_days = "completed", at, wd
            if kind < 0.08:
                state, working_days = "cancelled", None
            elif kind < 0.12:
                state, completed_at, working_days = "ready", None, None
            row = {"id": str(uuid.UUID(int=k + 1)), "application_id": a.id, "centre_id": a.centre_id,
                   "service_id": a.service_id, "bpmn_id": rnd.choice(ELEMENTS), "office_role": "front_desk",
                   "state": state, "created_at": at - timedelta(days=wd), "completed_at": completed_at,
                   "working_days": working_days}
            rows.append(row)
            db.session.add(Task(**row))
        db.session.commit()
    return rows


def _percentile(values: list[int], fraction: float) -> float | None:
    """percentile_cont written out again: rank (n - 1) * fraction, linear between its neighbours."""
    if not values:
        return None
    values = sorted(values)
    pos = (len(values) - 1) * fraction
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return float(values[lo] + (values[hi] - values[lo]) * (pos - lo))


def _independent(rows, centre_ids, start: date, end: date) -> dict[str, tuple]:
    """{element: (completed, median, p90, waiting)} from the generated rows, local days by adding 7 hours."""
    spent, waiting = defaultdict(list), defaultdict(int)
    for r in rows:
        if r["service_id"] != SERVICE or (centre_ids is not None and r["centre_id"] not in centre_ids):
            continue
        if r["state"] == "ready":
            waiting[r["bpmn_id"]] += 1
        if r["working_days"] is None:
            continue
        day = (r["completed_at"] + timedelta(hours=7)).date()
        if start <= day <= end:
            spent[r["bpmn_id"]].append(r["working_days"])
    return {e: (len(spent[e]), _percentile(spent[e], 0.5), _percentile(spent[e], 0.9), waiting[e])
            for e in set(spent) | set(waiting)}


def _seen(figures: list[dict]) -> dict[str, tuple]:
    return {e["element_id"]: (e["completed"], e["median_working_days"], e["p90_working_days"], e["waiting"])
            for e in figures if e["completed"] or e["waiting"]}


SCOPES = {"nation": None, "province": ["vte", "xaysettha", "chanthabouly", "sisattanak"],
          "centre": ["xaysettha"]}
CASES = [
    # today, start, end
    (date(2026, 11, 30), date(2025, 12, 1), date(2026, 11, 30)),  # the default year on a month's last day
    (date(2026, 12, 1), date(2025, 12, 2), date(2026, 12, 1)),  # November ended yesterday: still from rows
    (date(2026, 12, 2), date(2025, 12, 3), date(2026, 12, 2)),  # November closed today: from the rollup
    (date(2026, 12, 3), date(2025, 12, 4), date(2026, 12, 3)),
    (date(2026, 12, 2), date(2025, 11, 15), date(2026, 10, 20)),  # partial months at both ends
    (date(2026, 12, 2), date(2026, 10, 31), date(2026, 11, 1)),  # two days across a month's end
    (date(2026, 12, 2), date(2026, 10, 1), date(2026, 10, 31)),  # exactly one closed month
    (date(2026, 6, 15), date(2025, 9, 1), date(2027, 1, 31)),  # beyond today: later months from rows
    (date(2027, 3, 1), date(2025, 9, 1), date(2027, 2, 28)),  # every month closed
]


@pytest.mark.parametrize("today,start,end", CASES)
def test_rollup_figures_equal_the_rows_and_an_independent_count(steps, app, today, start, end):
    from engine.db import db
    from engine.models.stats import StatsElementMonthDone
    from engine.stats import element_rollup
    from engine.stats.elements import figures

    with app.app_context():
        for name, ids in SCOPES.items():
            with_rollup = figures(SERVICE, ids, start, end, today=today)
            rows_only = figures(SERVICE, ids, start, end, today=today, use_rollup=False)
            assert with_rollup == rows_only, name
            expected = _independent(steps, ids, start, end)
            assert _seen(with_rollup) == expected, name
            assert sum(e["completed"] for e in with_rollup) > 0, name
        months = element_rollup.closed_months(start, end, today)
        done = {m for (m,) in db.session.query(StatsElementMonthDone.month).filter_by(service_id=SERVICE)}
        if months is None:
            assert not done
        else:  # the closed months inside the period, and no other, were rolled up
            assert done == set(element_rollup._months(*months))


def test_which_months_are_closed():
    from engine.stats.element_rollup import closed_months

    # a month is closed two days after it ended (ROLLUP_LAG_DAYS, as the daily rollup)
    assert closed_months(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 1)) == (date(2026, 1, 1),
                                                                                      date(2026, 10, 1))
    assert closed_months(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 2)) == (date(2026, 1, 1),
                                                                                      date(2026, 11, 1))
    assert closed_months(date(2026, 1, 2), date(2026, 3, 30), date(2027, 1, 1)) == (date(2026, 2, 1),
                                                                                    date(2026, 2, 1))
    assert closed_months(date(2026, 1, 2), date(2026, 2, 27), date(2027, 1, 1)) is None
    assert closed_months(date(2025, 12, 1), date(2026, 11, 30), date(2026, 11, 30)) == (date(2025, 12, 1),
                                                                                        date(2026, 10, 1))


def test_the_rollup_is_read_and_rebuild_rollup_forgets_it(steps, app):
    """A step written straight into the database for a rolled-up month is not counted until
    `odsc monitor rebuild-rollup` (the same contract as the daily rollup): proof that the month is read from
    the rollup, and that the command rebuilds it."""
    from engine.db import db
    from engine.models import Task
    from engine.models.stats import StatsElementMonth, StatsElementMonthDone
    from engine.stats.elements import figures

    today, start, end = date(2026, 12, 2), date(2025, 12, 1), date(2026, 11, 30)
    with app.app_context():
        before = {e["element_id"]: e["completed"] for e in figures(SERVICE, None, start, end, today=today)}
        assert db.session.query(StatsElementMonth).count() > 0
        assert db.session.query(StatsElementMonthDone).filter_by(service_id=SERVICE).count() == 12
        app_id = db.session.query(Task.application_id).filter_by(service_id=SERVICE).limit(1).scalar()
        db.session.add(Task(id=str(uuid.uuid4()), application_id=app_id, centre_id="pakse", service_id=SERVICE,
                            bpmn_id="Task_Check", office_role="front_desk", state="completed",
                            created_at=datetime(2026, 3, 10, 3), completed_at=datetime(2026, 3, 12, 3),
                            working_days=2))
        db.session.commit()
        stale = {e["element_id"]: e["completed"] for e in figures(SERVICE, None, start, end, today=today)}
        assert stale == before
        rows = {e["element_id"]: e["completed"]
                for e in figures(SERVICE, None, start, end, today=today, use_rollup=False)}
        assert rows["Task_Check"] == before["Task_Check"] + 1
    result = app.test_cli_runner().invoke(args=["monitor", "rebuild-rollup", "--from", "2026-03-20"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        months = {m for (m,) in db.session.query(StatsElementMonthDone.month)}
        assert date(2026, 3, 1) not in months and date(2026, 2, 1) in months  # from the month of that day on
        fresh = {e["element_id"]: e["completed"] for e in figures(SERVICE, None, start, end, today=today)}
        assert fresh == rows
    result = app.test_cli_runner().invoke(args=["monitor", "rebuild-rollup"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(StatsElementMonthDone).count() == 0
        assert db.session.query(StatsElementMonth).count() == 0


def test_bad_rebuild_day_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["monitor", "rebuild-rollup", "--from", "31/13/2026"])
    assert result.exit_code != 0 and "--from" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("which", ["dashboard_day", "opendata_day", "opendata_month", "element_month"])
def test_a_timestamp_just_before_local_midnight_stays_on_its_day(app, which):
    """SQLite's date functions round fractional seconds to milliseconds, so 23:59:59.9996 in Vientiane became
    the next day (and month) in the grouping, while the range filters (text comparison) kept it on its day: a
    step or an application fell between a rollup and the rows. Every local-day expression cuts to whole
    seconds; on PostgreSQL the same expressions are exact."""
    from sqlalchemy import text

    from engine.db import db
    from engine.models import Application, Service
    from engine.stats import dashboard, element_rollup, opendata

    exprs = {"dashboard_day": lambda c: dashboard._Sql().day(c), "opendata_day": opendata._day,
             "opendata_month": opendata._month, "element_month": lambda c: element_rollup._month_expr()}
    expected = {"dashboard_day": "2026-10-31", "opendata_day": "2026-10-31", "opendata_month": "2026-10",
                "element_month": "2026-10-01"}
    with app.app_context():
        version = db.session.get(Service, SERVICE).current_version_id
        at = datetime(2026, 10, 31, 16, 59, 59, 999600)  # 23:59:59.9996 on 31 October in Vientiane
        row = Application(tracking_code="ERMIDNIGHT", service_id=SERVICE, service_version_id=version,
                          centre_id="xaysettha", channel="desk", locale="lo", status="completed", fee_amount=0,
                          data={}, submitted_at=at, due_date=date(2026, 11, 5), completed_at=at, updated_at=at)
        db.session.add(row)
        db.session.commit()
        got = db.session.execute(text(f"SELECT {exprs[which]('completed_at')} FROM application WHERE id = :i"),
                                 {"i": row.id}).scalar()
        assert str(got)[:len(expected[which])] == expected[which]


def test_a_rolled_up_year_costs_the_same_few_statements_as_a_month(steps, app):
    """Once the months are rolled up, a map reads them in one grouped statement whatever their number: the
    statements of a national year equal those of a single closed month (deterministic, counted on the engine)."""
    from sqlalchemy import event

    from engine.db import db
    from engine.stats.elements import figures

    today = date(2026, 12, 2)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        figures(SERVICE, None, date(2025, 12, 1), date(2026, 11, 30), today=today)  # rolls the year up
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for start, end in ((date(2025, 12, 1), date(2026, 11, 30)), (date(2026, 10, 1), date(2026, 10, 31))):
                db.session.expire_all()
                statements.clear()
                figures(SERVICE, ["vte", "xaysettha"], start, end, today=today)
                reads = [s for s in statements if "FROM task" in s]
                assert len(reads) == 1, reads  # only the cases waiting now come from the task rows
                assert not any(s.lstrip().upper().startswith("INSERT") for s in statements)
                assert len(statements) == 5, statements  # service, version, waiting, months done, histogram
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
