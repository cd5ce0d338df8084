"""The citizen's legal clock (engine/clock.py) and per-step time limits (issue 18 §1, issue 16 fault 12).

The clock's day is engine.clock.today(); the tests set it to chosen dates of November 2026 (Monday 2 is a
working day; 7/8, 14/15 are weekends) and drive real commands through the seed residence certificate
(time limit: 1 working day, with a 'return for missing documents' path) and construction permit."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.workdays import Calendar
from tests.engine.helpers import actor, ready_task, start_residence

MON = date(2026, 11, 2)


@pytest.fixture
def on_day(monkeypatch):
    """Set the clock's 'today' (Vientiane date) for the commands that follow."""
    from engine import clock

    current = {"day": MON}
    monkeypatch.setattr(clock, "today", lambda: current["day"])

    def set_day(day: date) -> date:
        current["day"] = day
        return day

    return set_day


def _return(app_id, day, on_day):
    from engine.runtime.commands import return_to_citizen

    on_day(day)
    task = ready_task(app_id)
    assert task.bpmn_id == "Task_Check"
    return return_to_citizen(task.id, actor("desk.xs"), "The family book page 2 is missing")


def _resubmit(app_id, day, on_day):
    from engine.runtime.commands import resubmit

    on_day(day)
    return resubmit(app_id, actor("02055551234"), {"response": "Added page 2"})


def test_a_case_returned_for_four_working_days_gets_four_more_days(ctx, on_day):
    from engine import clock
    from engine.db import db
    from engine.models import Application

    on_day(MON)
    app = start_residence()
    assert app.due_date == date(2026, 11, 3)  # one working day
    assert clock.of(app, MON) == {"state": "running", "working_days_left": 1, "due_date": date(2026, 11, 3),
                                  "paused_working_days": 0}
    _return(app.id, MON, on_day)
    app = db.session.get(Application, app.id)
    assert app.status == "returned" and app.clock_paused_since == MON
    # paused: the days left stay where they were; nothing is overdue while the applicant has the case
    paused = clock.of(app, date(2026, 11, 5))
    assert paused["state"] == "paused" and paused["working_days_left"] == 1
    assert paused["paused_working_days"] == 3
    _resubmit(app.id, date(2026, 11, 6), on_day)  # Friday: Tue, Wed, Thu, Fri waited = 4 working days
    app = db.session.get(Application, app.id)
    assert app.status != "returned" and app.clock_paused_since is None
    assert app.paused_working_days == 4
    assert app.due_date == date(2026, 11, 9)  # Tuesday 3 + 4 working days = Monday 9 (over the weekend)
    assert clock.of(app, date(2026, 11, 6)) == {"state": "running", "working_days_left": 1,
                                                "due_date": date(2026, 11, 9), "paused_working_days": 4}
    # the document check asked again is due with the case, not on the old date (issue 16 fault 12)
    assert ready_task(app.id).due_date == date(2026, 11, 9)


def test_holidays_are_not_counted_as_waiting(ctx, on_day):
    from engine import workdays
    from engine.catalogue.publish import bump_calendar_version
    from engine.db import db
    from engine.models import Application, CalendarDay

    db.session.add(CalendarDay(day=date(2026, 11, 10), name={"lo": "ວັນພັກ", "en": "Test holiday"}))
    bump_calendar_version()
    db.session.commit()
    workdays.reset()
    on_day(date(2026, 11, 5))  # Thursday
    app = start_residence()
    assert app.due_date == date(2026, 11, 6)
    _return(app.id, date(2026, 11, 5), on_day)
    _resubmit(app.id, date(2026, 11, 12), on_day)  # Fri 6, Mon 9, (Tue 10 holiday), Wed 11, Thu 12 = 4
    app = db.session.get(Application, app.id)
    assert app.paused_working_days == 4
    assert app.due_date == date(2026, 11, 13)  # Fri 6 + 4 working days skipping the weekend and Tue 10


def test_a_swapped_working_saturday_counts(ctx, on_day, monkeypatch):
    from engine import clock
    from engine.db import db
    from engine.models import Application

    saturday = date(2026, 11, 7)
    monkeypatch.setattr(clock, "calendar_for", lambda centre_id=None: Calendar(working={saturday}))
    on_day(date(2026, 11, 6))  # Friday
    app = start_residence()
    assert app.due_date == saturday  # the swapped Saturday is the next working day
    _return(app.id, date(2026, 11, 6), on_day)
    _resubmit(app.id, date(2026, 11, 9), on_day)  # Sat 7 (working), Mon 9 = 2 working days waited
    app = db.session.get(Application, app.id)
    assert app.paused_working_days == 2
    assert app.due_date == date(2026, 11, 10)  # Sat 7 + Mon 9 + Tue 10


def test_a_resubmission_after_the_due_date_does_not_create_an_overdue_task(ctx, on_day):
    """Issue 16 fault 12: on main every task got the application's due date, so the document check created
    by a resubmission two weeks later was overdue the moment it appeared."""
    from engine import queries
    from engine.db import db
    from engine.models import Application

    on_day(MON)
    app = start_residence()
    _return(app.id, MON, on_day)
    late = _resubmit(app.id, date(2026, 11, 16), on_day)
    task = ready_task(late.id)
    assert task.due_date >= date(2026, 11, 16)
    assert not any(t.id == task.id for t, _a in queries.inbox(actor("desk.xs"), overdue_only=True))
    assert db.session.get(Application, app.id).due_date >= date(2026, 11, 16)


def test_the_applicants_own_task_has_no_due_date(ctx, on_day):
    from engine.catalogue.services import APPLICANT
    from engine.db import db
    from engine.models import Task

    on_day(MON)
    app = start_residence()
    _return(app.id, MON, on_day)
    waiting = db.session.execute(select(Task).where(Task.application_id == app.id,
                                                    Task.office_role == APPLICANT)).scalar_one()
    assert waiting.due_date is None


def test_step_limits_give_each_task_its_own_due_date(ctx, on_day):
    """construction_permit declares step_limits: Task_Check 2 working days; the case has 30."""
    from engine import documents
    from engine.runtime.commands import start_application
    from engine.runtime.specs import compiled

    on_day(MON)
    citizen = actor("02055551234")
    plans = documents.store(b"%PDF-1.4\n%plans\n", "plans.pdf", citizen.user_id)  # the applicant's own upload
    data = {"applicant_name": "ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA123456", "phone": "020 5555 1234",
            "land_title_number": "T-1", "building_use": "residential", "floor_area": 120, "building_height": 7,
            "neighbours_consent": "yes", "building_plans": {"id": plans.id, "name": "plans.pdf"}}
    app = start_application(service_id="construction_permit", centre_id="xaysettha", data=data,
                            actor=citizen, applicant_id=citizen.user_id)
    assert compiled(app.service_version_id).definition["step_limits"]["Task_Check"] == 2
    task = ready_task(app.id)
    assert task.bpmn_id == "Task_Check"
    assert task.due_date == date(2026, 11, 4)  # two working days, while the case is due in 30
    assert app.due_date == date(2026, 12, 15)  # 30 working days, skipping National Day (2 December)


def test_one_day_service_is_not_reminded_at_submission(ctx, on_day):
    """Issue 16 fault 12: on main a one-day service was reminded the moment it was submitted."""
    from engine.db import db
    from engine.jobs import timelimits
    from engine.models import Task

    on_day(MON)
    app = start_residence()
    task = ready_task(app.id)
    # created on Monday 09:00 in Vientiane (02:00 UTC)
    db.session.get(Task, task.id).created_at = datetime(2026, 11, 2, 2, 0)
    db.session.commit()
    assert task.due_date == date(2026, 11, 3)
    assert timelimits.check(today=MON)["reminders"] == 0
    # on its due day the clerk is reminded, once
    assert timelimits.check(today=date(2026, 11, 3))["reminders"] == 1
    assert timelimits.check(today=date(2026, 11, 3))["reminders"] == 0


def test_the_clock_stops_when_the_case_closes_and_tells_if_it_was_late(ctx, on_day):
    from engine import clock
    from engine.db import db
    from engine.models import Application
    from engine.runtime.commands import reject

    on_day(MON)
    app = start_residence()
    on_day(date(2026, 11, 5))
    reject(ready_task(app.id).id, actor("desk.xs"), "Not a resident of this district")
    app = db.session.get(Application, app.id)
    app.completed_at = datetime(2026, 11, 5, 3, 0)  # Thursday 10:00 in Vientiane
    state = clock.of(app, date(2026, 11, 20))
    assert state["state"] == "stopped" and state["working_days_left"] == -2  # due Tue 3: Wed, Thu late


def test_step_limits_are_validated(ctx):
    from engine.catalogue.problems import Problem
    from engine.catalogue.services import parse_service

    problems: list[Problem] = []
    doc = {"id": "svc_x", "name": {"lo": "ທົດສອບ", "en": "Test"}, "time_limit_days": 5,
           "step_limits": {"Task_A": -1, "Task_B": "two", "Task_C": 9, "Task_D": 3},
           "milestones": [{"id": "received", "elements": ["Task_A"], "label": {"lo": "ຮັບ", "en": "In"}}]}
    service = parse_service(doc, "service.yaml", "svc_x", problems)
    text = " | ".join(p.messages["en"] for p in problems)
    assert "Task_A: -1 must be a whole number" in text and "Task_B: 'two'" in text
    assert "Task_C: 9 working days is more than the service's time limit of 5" in text
    assert service["step_limits"] == {"Task_D": 3}


def test_status_payload_and_dashboard_use_the_clock(ctx, on_day):
    """A returned case is paused, so neither the status page nor the dashboard calls it overdue."""
    from engine import queries
    from engine.stats import dashboard

    on_day(MON)
    app = start_residence()
    _return(app.id, MON, on_day)
    on_day(MON + timedelta(days=14))
    found = queries.public_status(app.tracking_code)
    assert found["clock"]["state"] == "paused" and found["clock"]["working_days_left"] == 1
    assert found["overdue"] is False
    assert found["clock"]["paused_working_days"] == 10
    figures = dashboard.figures(["xaysettha"], today=MON + timedelta(days=14), with_clerks=False)
    assert figures["now"]["returned"] == 1 and figures["now"]["overdue"] == 0
