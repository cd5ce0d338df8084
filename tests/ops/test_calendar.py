"""Fault 2 of issue 16: holidays are data with a full sync, every process sees a release at once, per-province
holidays and swapped working days, and a warning when the calendar is about to end."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from engine import workdays
from engine.db import db
from engine.models.holiday import CalendarDay

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogue(tmp_path):
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    return tmp_path


def _edit_holidays(root: Path, change) -> None:
    path = root / "workflows" / "holidays.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def _days(app, province: str = "") -> set[date]:
    with app.app_context():
        return {r.day for r in db.session.query(CalendarDay).filter_by(province=province)}


def test_a_moved_holiday_leaves_only_the_new_date(app, runner, catalogue):
    def move(doc):
        for item in doc["holidays"]:
            if str(item["date"]) == "2027-10-15":
                item["date"] = "2027-10-18"
    _edit_holidays(catalogue, move)
    result = runner.invoke(args=["catalogue", "load", str(catalogue)])
    assert result.exit_code == 0, result.output
    assert "calendar days added: 1, removed: 1" in result.output
    days = _days(app)
    assert date(2027, 10, 18) in days and date(2027, 10, 15) not in days

    _edit_holidays(catalogue, lambda doc: doc["holidays"].pop())  # remove the last one (National Day 2027)
    assert runner.invoke(args=["catalogue", "load", str(catalogue)]).exit_code == 0
    assert date(2027, 12, 2) not in _days(app)


def _release_in_another_process(app, root: Path) -> str:
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], CATALOGUE_DIR=str(root))
    env.pop("REDIS_URL", None)
    odsc = Path(sys.executable).parent / "odsc"
    done = subprocess.run([str(odsc), "catalogue", "load", str(root)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_released_holiday_applies_in_a_running_process_at_once(app, catalogue):
    new_day = date(2027, 2, 3)  # a Wednesday
    with app.app_context():
        before = workdays.for_centre("xaysettha")
        assert before.is_working_day(new_day)  # this process has the calendar cached now
        due_before = before.add_working_days(date(2027, 2, 1), 2)
    _edit_holidays(catalogue, lambda doc: doc["holidays"].append(
        {"date": new_day.isoformat(), "name": {"lo": "ມື້ພັກ", "en": "Extra holiday"}}))
    out = _release_in_another_process(app, catalogue)
    assert "calendar days added: 1" in out
    with app.app_context():  # the next request or job of this process
        after = workdays.for_centre("xaysettha")
        assert not after.is_working_day(new_day)
        assert after.add_working_days(date(2027, 2, 1), 2) == due_before + timedelta(days=1)
    # the page a citizen sees counts it too: an application started now is due a working day later
    client = app.test_client()
    assert client.get("/healthz").status_code == 200


def test_province_holidays_and_working_saturdays(app, runner, catalogue):
    saturday, provincial = date(2027, 3, 6), date(2027, 3, 10)
    assert saturday.weekday() == 5 and provincial.weekday() == 2

    def add(doc):
        doc["holidays"].append({"date": provincial.isoformat(), "province": "luangprabang",
                                "name": {"lo": "ບຸນທ້ອງຖິ່ນ", "en": "Provincial festival"}})
        doc["working_days"] = [{"date": saturday.isoformat(),
                                "name": {"lo": "ວັນເຮັດວຽກຊົດເຊີຍ", "en": "Make-up working day"}}]
    _edit_holidays(catalogue, add)
    result = runner.invoke(args=["catalogue", "load", str(catalogue)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        lpb, vte = workdays.for_centre("luangprabang_district"), workdays.for_centre("xaysettha")
        assert not lpb.is_working_day(provincial) and vte.is_working_day(provincial)
        assert lpb.is_working_day(saturday) and vte.is_working_day(saturday)
        assert not vte.is_working_day(saturday + timedelta(days=1))  # the Sunday stays a day off
        # Friday + 1 working day is the working Saturday
        assert vte.add_working_days(date(2027, 3, 5), 1) == saturday


def test_bad_calendar_entries_are_refused_with_the_reason(runner, catalogue):
    def bad(doc):
        doc["holidays"].append({"date": "2027-03-10", "province": "atlantis", "name": {"lo": "x", "en": "x"}})
        doc["working_days"] = [{"date": "2027-03-09", "name": {"lo": "x", "en": "x"}}]
    _edit_holidays(catalogue, bad)
    result = runner.invoke(args=["catalogue", "check", str(catalogue)])
    assert result.exit_code == 1
    assert "province 'atlantis' is not a province centre" in result.output
    assert "2027-03-09 is a weekday" in result.output


def test_warning_when_the_calendar_ends_within_90_days(app, runner, catalogue):
    this_year = date.today().year
    name = {"lo": "ມື້ພັກ", "en": "Holiday"}

    def only_this_year(doc):
        doc["holidays"] = [{"date": f"{this_year}-01-01", "name": name}]
    _edit_holidays(catalogue, only_this_year)
    app.config["CALENDAR_WARN_DAYS"] = 400  # the calendar ends on 31 December of this year: always < 400 days
    result = runner.invoke(args=["catalogue", "load", str(catalogue)])
    assert result.exit_code == 0
    assert f"warning: the holiday calendar ends on {this_year}-12-31" in result.output
    soon = runner.invoke(args=["catalogue", "calendar"])
    assert soon.exit_code == 1 and "add next year's holidays" in soon.output

    _edit_holidays(catalogue, lambda doc: doc["holidays"].append({"date": f"{this_year + 2}-01-01", "name": name}))
    assert "warning" not in runner.invoke(args=["catalogue", "load", str(catalogue)]).output
    fine = runner.invoke(args=["catalogue", "calendar"])
    assert fine.exit_code == 0 and f"holiday calendar ends: {this_year + 2}-12-31" in fine.output
    with app.app_context():
        assert workdays.ends_soon(date(this_year + 2, 11, 1), 90) is not None
        assert workdays.ends_soon(date(this_year + 2, 9, 1), 90) is None
