"""Fault 3 of issue 12: public milestones never go backwards unless the process really loops back.

A non-interrupting escalation path reaching an earlier public step beside the main path moves nothing; a
case returned for documents does go back; a completed case shows its end milestone; the citizen gets one
notification per real change.
"""
from __future__ import annotations

from sqlalchemy import select

from tests.conformance.harness import Case, publish


def sms_count(case) -> int:
    """How many milestone SMS the citizen gets (outbox rows)."""
    from engine.db import db
    from engine.models.jobs import Notification

    return len(list(db.session.execute(select(Notification.id).where(
        Notification.application_id == case.id, Notification.kind == "milestone",
        Notification.channel == "sms")).scalars()))


def test_escalation_side_path_never_moves_the_milestone_back(conf):
    case = Case(publish("escalation_boundary"))
    case.complete("Task_Check")
    assert case.app().milestone == "in_review"
    case.complete("Task_Review")  # throws the escalation: the supervisor is told, the main path goes on
    assert case.inbox() == [("Task_Notify", "front_desk"), ("Task_Sign", "approver")]
    assert case.app().milestone == "approved"
    case.complete("Task_Sign")
    assert case.app().milestone == "ready"
    case.complete("Task_Issue")
    # the main path has ended but the supervisor's task is still open: the case is not closed yet
    assert (case.app().status, case.app().milestone) == ("in_progress", "ready")
    assert case.inbox() == [("Task_Notify", "front_desk")]
    case.complete("Task_Notify")  # the side path ends last: now the workflow has ended
    app = case.app()
    assert (app.status, app.milestone) == ("completed", "completed")
    assert case.milestones() == ["received", "in_review", "approved", "ready", "completed"]
    assert sms_count(case) == 5


def test_side_path_finishing_after_the_main_path_keeps_the_end_milestone(conf):
    case = Case(publish("escalation_boundary"))
    case.complete("Task_Check")
    case.complete("Task_Review")
    case.complete("Task_Notify")  # side path first: the main path is still at 'approved'
    assert case.app().milestone == "approved"
    case.complete("Task_Sign")
    case.complete("Task_Issue")
    assert case.milestones() == ["received", "in_review", "approved", "ready", "completed"]
    assert case.app().status == "completed"


def test_returned_for_documents_really_goes_back_and_forward_again(conf):
    case = Case(publish("exclusive_gateway"))
    assert case.app().milestone == "received"
    case.complete("Task_Check", {"decision": "return", "reason": "missing ID"})
    assert (case.app().status, case.app().milestone) == ("returned", "returned")
    assert case.inbox() == [("Task_ProvideDocuments", "applicant")]
    case.complete("Task_ProvideDocuments", {"note": "attached"})
    assert case.app().milestone == "received"  # a real loop back to an earlier public step
    case.complete("Task_Check", {"decision": "approve"})
    case.complete("Task_Approve")
    assert case.milestones() == ["received", "returned", "received", "in_review", "completed"]
    assert case.app().status == "completed"


def test_rejection_ends_on_the_rejected_milestone(conf):
    case = Case(publish("exclusive_gateway"))
    case.complete("Task_Check", {"decision": "reject", "reason": "not eligible"})
    app = case.app()
    assert (app.status, app.milestone) == ("rejected", "rejected")
    assert case.inbox() == []
