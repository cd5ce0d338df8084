"""An event-based gateway with several timers: the timer due first wins, whatever the order they are drawn in.

SpiffWorkflow keeps one stored time for all the timer definitions a gateway holds, computed from the first one
listed (the order of the gateway's outgoing flows), and once it fires every timer counts as fired. With the
30-day timer drawn first, the 1-day timer never fired and the case waited a month (found by the c12rt review).
"""
from __future__ import annotations

from datetime import timedelta

from tests.conformance.harness import Case, in_other_process, make_due, publish
from tests.conformance.test_conf_c12rt import closed
from tests.conformance.test_conf_dryrun import dry


def test_the_earlier_timer_fires_although_the_later_one_is_listed_first(conf):
    from engine.db import db
    from engine.models.jobs import DueTimer

    case = Case(publish("event_gateway_long_first"))
    case.complete("Task_Ask")
    [row] = db.session.query(DueTimer).filter_by(application_id=case.id).all()
    assert row.element == "Timer_Short"  # the operator's list names the timer that will fire
    assert case.fire_timers(timedelta(hours=12)) == []
    assert case.fire_timers(timedelta(days=2)) == ["Timer_Short"]
    assert case.inbox() == [("Task_FollowUp", "front_desk")]  # only the 1-day path, not the expired end
    assert case.app().status == "in_progress"
    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() == 0
    case.complete("Task_FollowUp")
    closed(case)


def test_the_earlier_timer_fires_in_another_os_process(conf):
    case = Case(publish("event_gateway_long_first"))
    case.complete("Task_Ask")
    make_due(case.id, timedelta(days=2))
    seen = in_other_process(conf, {"op": "fire_timers", "application_id": case.id})
    assert seen["ready"] == ["Task_FollowUp"]
    case.complete("Task_FollowUp")
    closed(case)


def test_the_dry_run_takes_the_earlier_timer(conf):
    result = dry("event_gateway_long_first")
    assert result.outcome == "completed", result.error
    elements = [s["element"] for s in result.steps]
    assert "Timer_Short" in elements and "Task_FollowUp" in elements
    assert "Timer_Long" not in elements and "EndEvent_Expired" not in elements
