"""Fault 8 of issue 12 (and issue 13's fault 5): every task lands in an inbox.

Manual tasks and plain `bpmn:task`s become inbox tasks of their lane's office role with a generated
confirmation form; `camunda:candidateGroups` routes a task; a task nothing routes goes to the centre's
supervisor, with a validation warning naming the element; tasks on boundary-timer paths get their lane's role.
"""
from __future__ import annotations

from datetime import timedelta

from tests.conformance.harness import Case, actor, load_bundle, publish, restart


def test_manual_plain_and_grouped_tasks_reach_the_right_inboxes(conf):
    bundle, problems = load_bundle("human_tasks")
    warnings = [p for p in problems if p.severity == "warning" and p.element == "Manual_Unrouted"]
    assert len(warnings) == 1 and "supervisor" in warnings[0].text("en")
    assert not [p for p in problems if p.severity == "error"]
    case = Case(publish("human_tasks"))
    assert case.inbox() == [("Manual_Stamp", "front_desk")]
    assert case.visible_in_inbox_of("desk.xs", "Manual_Stamp")
    assert case.task("Manual_Stamp").form_id == "odsc_confirm"
    case.complete("Manual_Stamp", {"note": "stamped"}, user="desk.xs")
    assert case.inbox() == [("Task_Phone", "approver")]
    assert case.visible_in_inbox_of("approver.xs", "Task_Phone")
    assert not case.visible_in_inbox_of("desk.xs", "Task_Phone")
    case.complete("Task_Phone", {}, user="approver.xs")
    assert case.inbox() == [("Task_Cashier", "cashier")]
    case.complete("Task_Cashier", {"note": "paid"}, user="cashier.xs")
    assert case.inbox() == [("Manual_Unrouted", "supervisor")]
    assert case.visible_in_inbox_of("supervisor.xs", "Manual_Unrouted")
    case.complete("Manual_Unrouted", {}, user="supervisor.xs")
    app = case.app()
    assert (app.status, app.milestone) == ("completed", "completed")


def test_supervisor_reassigns_a_plain_task_and_the_officer_completes_it(conf):
    from engine.errors import InvalidData
    from engine.runtime.commands import reassign

    case = Case(publish("human_tasks"))
    case.complete("Manual_Stamp", user="desk.xs")
    row = case.task("Task_Phone")
    restart()
    try:
        reassign(row.id, actor("supervisor.xs"), actor("desk.xs").user_id)
        raise AssertionError("a front-desk clerk cannot take an approver's task")
    except InvalidData as exc:
        assert "approver" in exc.errors["user"] and "''" not in exc.errors["user"]
    restart()
    reassign(row.id, actor("supervisor.xs"), actor("approver.xs").user_id)
    assert case.task("Task_Phone").claimed_by_id == actor("approver.xs").user_id
    case.complete("Task_Phone", user="approver.xs")
    assert case.inbox() == [("Task_Cashier", "cashier")]


def test_tasks_on_boundary_timer_paths_get_their_lane_role(conf):
    case = Case(publish("timer_boundary_task"))
    assert case.inbox() == [("Task_Review", "approver")]
    assert case.fire_timers(timedelta(days=2)) == ["Timer_Remind"]  # non-interrupting: the review stays
    assert case.inbox() == [("Task_Remind", "front_desk"), ("Task_Review", "approver")]
    assert case.app().milestone == "in_review"
    case.complete("Task_Remind", user="desk.xs")
    assert case.fire_timers(timedelta(days=11)) == ["Timer_Late"]  # interrupting: the review is taken back
    assert case.inbox() == [("Task_Chase", "front_desk")]
    assert case.visible_in_inbox_of("desk.xs", "Task_Chase")
    case.complete("Task_Chase", user="desk.xs")
    app = case.app()
    assert (app.status, app.milestone) == ("completed", "completed")


def test_boundary_timer_that_never_fires(conf):
    case = Case(publish("timer_boundary_task"))
    case.complete("Task_Review", user="approver.xs")
    app = case.app()
    assert (app.status, app.milestone) == ("completed", "completed")
    from engine.db import db
    from engine.models.jobs import DueTimer

    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() == 0


def test_manual_and_plain_tasks_in_two_os_processes(conf):
    from tests.conformance.harness import in_other_process

    case = Case(publish("human_tasks"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Manual_Stamp",
                                   "user": "desk.xs"})
    assert seen["ready"] == ["Task_Phone"]
    case.complete("Task_Phone", user="approver.xs")
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Cashier",
                                   "user": "cashier.xs", "data": {"note": "paid"}})
    assert seen["ready"] == ["Manual_Unrouted"]
    case.complete("Manual_Unrouted", user="supervisor.xs")
    assert case.app().status == "completed"


def test_a_process_with_tasks_for_the_supervisor_can_be_offered_at_a_centre(conf):
    """Fresh-designer review: the documented default (unrouted tasks go to the supervisor) made the designer's
    publish skip every centre for lacking an office with the 'supervisor' role; supervisors are accounts."""
    from engine.designer.service import centre_choices

    bundle, _problems = load_bundle("human_tasks")
    defn = bundle.definition
    assert any(task["role"] == "supervisor" for task in defn["tasks"].values())
    choices = {choice["id"]: choice for choice in centre_choices(defn)}
    assert choices["xaysettha"]["missing"] == []
