"""A case closes only when its workflow has really ended (review 12c, faults 1 and 2).

Fault 1: an end event reached on one branch while another branch still had work open closed the case: the
public milestone became `completed`, the certificate was issued and the "Completed, rate us" SMS sent, and a
refusal on the other branch afterwards was lost (the case stayed `completed`). Now the closing milestone,
the final status, the certificate or decision letter, the closing SMS and the legal clock's stop all wait for
`workflow.is_completed()`, and a refusal end on any branch wins over a completion end.

Fault 2: a non-interrupting cycle boundary timer that had fired and still waited for its next repetition was
cancelled with the task it watched, and SpiffWorkflow cancelled the reminder task it had started with it: the
reminder vanished undone and the case closed. The join now stops such a timer without its paths
(engine.runtime.specs._keep_cycle_paths).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conformance.harness import Case, in_other_process, load_bundle, publish


def closing_messages(case) -> list[str]:
    """The event keys of the milestone messages that close the case (they carry the rating link)."""
    from engine.db import db
    from engine.models.jobs import Notification

    keys = db.session.execute(select(Notification.event_key).where(
        Notification.application_id == case.id, Notification.kind == "milestone")).scalars()
    return sorted({k for k in keys if k.split(":")[2] in ("completed", "rejected")})


def certificates(case) -> list[str]:
    from engine.db import db
    from engine.models.documents import IssuedCertificate

    return list(db.session.execute(select(IssuedCertificate.kind).where(
        IssuedCertificate.application_id == case.id)).scalars())


def still_open(case) -> None:
    """Nothing of a closed case has happened yet."""
    app = case.app()
    assert (app.status, app.milestone) == ("in_progress", "in_review")
    assert app.completed_at is None and app.working_days_taken is None
    assert "completed" not in case.milestones() and "rejected" not in case.milestones()
    assert closing_messages(case) == [] and certificates(case) == []


def test_one_branch_ending_does_not_close_the_case_and_a_later_refusal_wins(conf):
    case = Case(publish("parallel_ends"))
    assert case.inbox() == [("Task_Check", "front_desk"), ("Task_Vet", "approver")]
    case.complete("Task_Check", {"decision": "approve"})  # reaches EndEvent_Checked (a `completed` end)
    assert case.inbox() == [("Task_Vet", "approver")]
    still_open(case)
    # the vetting refuses, in another OS process: the terminate end in `rejected` ends the workflow
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Vet",
                                   "data": {"decision": "reject"}, "action": "reject", "reason": "ບໍ່ຜ່ານ"})
    assert seen == {"ready": [], "status": "rejected", "milestone": "rejected"}
    app = case.app()
    assert app.completed_at is not None and app.working_days_taken is not None  # the legal clock stopped
    assert case.milestones() == ["received", "in_review", "rejected"]
    assert [k.split(":")[2] for k in closing_messages(case)] == ["rejected"]
    assert certificates(case) == ["decision"]  # the refusal letter, never a certificate


def test_a_refusal_end_on_one_branch_wins_when_the_other_branch_ends_completed(conf):
    case = Case(publish("parallel_ends"))
    case.complete("Task_Check", {"decision": "reject"}, action="reject", reason="ເອກະສານບໍ່ຄົບ")
    still_open(case)  # a plain refusal end on one branch: the vetting is still open
    case.complete("Task_Vet", {"decision": "approve"})  # the last branch ends on a `completed` end
    app = case.app()
    assert (app.status, app.milestone) == ("rejected", "rejected")
    assert case.inbox() == []
    assert certificates(case) == ["decision"]


def test_both_branches_ending_completed_close_once_with_one_closing_message(conf):
    case = Case(publish("parallel_ends"))
    case.complete("Task_Vet", {"decision": "approve"})
    still_open(case)
    case.complete("Task_Check", {"decision": "approve"})
    app = case.app()
    assert (app.status, app.milestone) == ("completed", "completed")
    assert case.milestones() == ["received", "in_review", "completed"]
    assert len(closing_messages(case)) == 1 and certificates(case) == ["certificate"]


def test_the_dry_run_ends_as_a_real_case_does(conf):
    from engine.designer import dryrun

    bundle, _problems = load_bundle("parallel_ends")
    result = dryrun.run(bundle.definition, bundle.bpmn, {"Task_Vet": "reject"}, {"applicant_name": "ສົມຊາຍ"})
    assert result.outcome == "rejected", result.error
    assert [m["id"] for m in result.milestones] == ["received", "in_review", "rejected"]


def test_a_reminder_a_cycle_timer_started_outlives_the_task_it_watched(conf):
    case = Case(publish("cycle_boundary_open_path"))
    assert case.fire_timers(timedelta(hours=10, minutes=5)) == ["Timer_Remind"]  # first of three repetitions
    assert case.inbox() == [("Task_Remind", "front_desk"), ("Task_Review", "approver")]
    case.complete("Task_Review")  # the watched task ends while its timer waits for the second repetition
    assert case.inbox() == [("Task_Remind", "front_desk")]
    assert (case.app().status, case.app().milestone) == ("in_progress", "in_review")
    assert case.fire_timers(timedelta(days=3)) == []  # the timer stopped with its task: no more reminders
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Remind"})
    assert seen == {"ready": [], "status": "completed", "milestone": "completed"}


def test_a_reminder_a_cycle_timer_started_outlives_an_interrupting_timer(conf):
    case = Case(publish("cycle_boundary_open_path"))
    assert case.fire_timers(timedelta(hours=10, minutes=5)) == ["Timer_Remind"]
    # at 24 h: the second repetition and the interrupting timer; the third repetition is still waiting
    assert sorted(case.fire_timers(timedelta(hours=14))) == ["Timer_Late", "Timer_Remind"]
    assert case.inbox() == [("Task_Remind", "front_desk"), ("Task_Remind", "front_desk"),
                            ("Task_Takeover", "approver")]
    case.complete("Task_Takeover")
    assert case.inbox() == [("Task_Remind", "front_desk"), ("Task_Remind", "front_desk")]
    assert case.app().status == "in_progress"
    case.complete("Task_Remind")
    assert case.app().status == "in_progress"
    case.complete("Task_Remind")
    app = case.app()
    assert (app.status, app.milestone, case.inbox()) == ("completed", "completed", [])


def test_a_cycle_timer_that_started_nothing_yet_is_cancelled_with_its_task(conf):
    case = Case(publish("cycle_boundary_open_path"))
    case.complete("Task_Review")
    app = case.app()
    assert (app.status, app.milestone, case.inbox()) == ("completed", "completed", [])


def test_a_branch_that_ended_does_not_stop_a_real_loop_back_on_the_other(conf):
    case = Case(publish("parallel_return_loop"))
    case.complete("Task_Stamp")  # one branch ends on a `completed` end: the case is not closed
    assert (case.app().status, case.app().milestone) == ("submitted", "received")
    case.complete("Task_Check", {"decision": "return"}, action="return", reason="ບໍ່ມີສຳເນົາບັດ")
    assert (case.app().status, case.app().milestone) == ("returned", "returned")
    case.complete("Task_ProvideDocuments", {"note": "ແນບແລ້ວ"})
    assert case.app().milestone == "received"  # a real loop back, although the other branch has ended
    case.complete("Task_Check", {"decision": "approve"})
    assert case.milestones() == ["received", "returned", "received", "completed"]
    assert (case.app().status, case.inbox()) == ("completed", [])
