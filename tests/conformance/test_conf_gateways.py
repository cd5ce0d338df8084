"""Exclusive, parallel, inclusive and event-based gateways, from start to every end, restored between steps."""
from __future__ import annotations

from datetime import timedelta

from tests.conformance.harness import Case, in_other_process, publish


def closed(case, status="completed", milestone="completed"):
    app = case.app()
    assert case.inbox() == []
    assert (app.status, app.milestone) == (status, milestone)


def test_exclusive_gateway_approve_path(conf):
    case = Case(publish("exclusive_gateway"))
    case.complete("Task_Check", {"decision": "approve"})
    assert case.inbox() == [("Task_Approve", "approver")]
    assert case.app().milestone == "in_review"
    case.complete("Task_Approve")
    closed(case)


def test_exclusive_gateway_reject_path(conf):
    case = Case(publish("exclusive_gateway"))
    case.complete("Task_Check", {"decision": "reject", "reason": "not eligible"})
    closed(case, "rejected", "rejected")


def test_exclusive_gateway_default_flow_returns_to_the_applicant_in_another_process(conf):
    case = Case(publish("exclusive_gateway"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Check",
                                   "data": {"decision": "return", "reason": "missing"}})
    assert (seen["ready"], seen["status"], seen["milestone"]) == (["Task_ProvideDocuments"], "returned", "returned")
    case.complete("Task_ProvideDocuments")
    assert case.inbox() == [("Task_Check", "front_desk")]
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Check",
                                   "data": {"decision": "approve"}})
    assert seen["ready"] == ["Task_Approve"]
    case.complete("Task_Approve")
    closed(case)


def test_parallel_gateway_waits_for_both_branches(conf):
    case = Case(publish("parallel_gateway"))
    assert case.inbox() == [("Task_A", "front_desk"), ("Task_B", "approver")]
    case.complete("Task_B")
    assert case.inbox() == [("Task_A", "front_desk")]
    assert case.app().status == "in_progress"
    case.complete("Task_A")
    closed(case)


def test_parallel_gateway_branches_in_two_os_processes(conf):
    case = Case(publish("parallel_gateway"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_A"})
    assert seen["ready"] == ["Task_B"]
    case.complete("Task_B")
    closed(case)


def test_inclusive_gateway_takes_every_true_branch(conf):
    case = Case(publish("inclusive_gateway"))
    case.complete("Task_Score", {"score": 7})
    assert case.inbox() == [("Task_A", "front_desk"), ("Task_B", "approver")]
    case.complete("Task_A")
    assert case.inbox() == [("Task_B", "approver")]
    case.complete("Task_B")
    closed(case)


def test_inclusive_gateway_takes_one_branch(conf):
    case = Case(publish("inclusive_gateway"))
    case.complete("Task_Score", {"score": 4})
    assert case.inbox() == [("Task_A", "front_desk")]
    case.complete("Task_A")
    closed(case)


def test_inclusive_gateway_default_branch(conf):
    case = Case(publish("inclusive_gateway"))
    case.complete("Task_Score", {"score": 1})
    assert case.inbox() == [("Task_C", "front_desk")]
    case.complete("Task_C")
    closed(case)


def test_event_based_gateway_first_timer_wins_and_cancels_the_other(conf):
    from engine.db import db
    from engine.models.jobs import DueTimer

    case = Case(publish("event_gateway"))
    case.complete("Task_Ask")
    assert case.inbox() == []
    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() >= 1  # the supervisor sees it
    assert case.fire_timers(timedelta(hours=12)) == []
    assert case.fire_timers(timedelta(days=2))
    assert case.inbox() == [("Task_FollowUp", "front_desk")]
    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() == 0
    case.complete("Task_FollowUp")
    closed(case)


def test_event_based_gateway_timer_in_another_os_process(conf):
    from tests.conformance.harness import make_due

    case = Case(publish("event_gateway"))
    case.complete("Task_Ask")
    make_due(case.id, timedelta(days=2))
    seen = in_other_process(conf, {"op": "fire_timers", "application_id": case.id})
    assert seen["ready"] == ["Task_FollowUp"]
    case.complete("Task_FollowUp")
    closed(case)
