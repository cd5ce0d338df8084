"""Boundary timers on a subprocess and intermediate timers by duration, date and cycle.

Timers become due by moving the clock of the case (its stored due times), never by sleeping."""
from __future__ import annotations

from datetime import timedelta

from tests.conformance.harness import Case, in_other_process, make_due, publish


def closed(case, status="completed", milestone="completed"):
    app = case.app()
    assert case.inbox() == []
    assert (app.status, app.milestone) == (status, milestone)


def test_non_interrupting_then_interrupting_timer_on_a_subprocess(conf):
    case = Case(publish("embedded_subprocess"))
    assert case.fire_timers(timedelta(hours=1)) == []  # nothing is due yet
    assert case.fire_timers(timedelta(days=3)) == ["Timer_Remind"]
    assert case.inbox() == [("Task_Inner", "approver"), ("Task_Remind", "front_desk")]
    case.complete("Task_Remind")
    assert case.fire_timers(timedelta(days=21)) == ["Timer_Late"]
    assert case.inbox() == [("Task_Late", "front_desk")]
    case.complete("Task_Late")
    closed(case)


def test_subprocess_timer_fires_in_another_os_process(conf):
    case = Case(publish("embedded_subprocess"))
    make_due(case.id, timedelta(days=21))
    seen = in_other_process(conf, {"op": "fire_timers", "application_id": case.id})
    assert "Task_Late" in seen["ready"] and "Task_Inner" not in seen["ready"]


def test_intermediate_timers_by_duration_and_by_date(conf):
    case = Case(publish("intermediate_timers"))
    assert case.inbox() == [] and case.app().status == "submitted"
    assert case.fire_timers(timedelta(days=1)) == []
    assert case.fire_timers(timedelta(days=3)) == ["Timer_Duration"]
    assert case.inbox() == [("Task_Between", "front_desk")]
    case.complete("Task_Between")
    assert case.fire_timers(timedelta(days=365)) == []  # 2099 is far away
    assert case.fire_timers(timedelta(days=366 * 80)) == ["Timer_Date"]
    case.complete("Task_Last")
    closed(case)


def test_cycle_timer_fires_its_number_of_times(conf):
    case = Case(publish("cycle_timer"))
    assert case.fire_timers(timedelta(days=1, hours=1)) == ["Timer_Cycle"]
    assert case.inbox() == [("Task_Remind", "front_desk"), ("Task_Review", "approver")]
    case.complete("Task_Remind")
    assert case.fire_timers(timedelta(days=1, hours=1)) == ["Timer_Cycle"]
    case.complete("Task_Remind")
    assert case.fire_timers(timedelta(days=5)) == []  # R2: twice only
    assert case.inbox() == [("Task_Review", "approver")]
    case.complete("Task_Review")
    closed(case)
