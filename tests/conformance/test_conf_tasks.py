"""Script and service tasks, embedded subprocesses and call activities with data in and out, data objects,
nested lanes, error boundary events and terminate end events, restored between every pair of steps."""
from __future__ import annotations

from tests.conformance.harness import Case, in_other_process, publish


def closed(case, status="completed", milestone="completed"):
    app = case.app()
    assert case.inbox() == []
    assert (app.status, app.milestone) == (status, milestone)


def test_script_task_result_steers_the_gateway_pass(conf):
    case = Case(publish("script_task"))
    case.complete("Task_Score", {"score": 6})
    assert case.inbox() == [("Task_Issue", "front_desk")]
    assert case.app().milestone == "ready"
    case.complete("Task_Issue")
    closed(case)


def test_script_task_result_steers_the_gateway_fail(conf):
    case = Case(publish("script_task"))
    case.complete("Task_Score", {"score": 2})
    closed(case, "rejected", "rejected")


def test_script_task_in_another_os_process(conf):
    case = Case(publish("script_task"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Score",
                                   "data": {"score": 9}})
    assert (seen["ready"], seen["milestone"]) == (["Task_Issue"], "ready")
    case.complete("Task_Issue")
    closed(case)


def test_service_task_runs_as_a_job_after_a_restart(conf):
    from engine.runtime import store
    from engine.runtime.specs import compiled

    case = Case(publish("service_task"))
    case.complete("Task_Check")  # the connector runs as a job, after a restart
    assert case.inbox() == [("Task_Issue", "front_desk")]
    workflow = store.restore(case.id, compiled(case.app().service_version_id))
    number = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "Task_Issue"][0].data["certificate_number"]
    assert number.startswith("XAYSETTHA-")
    case.complete("Task_Issue")
    closed(case)


def test_embedded_subprocess_short_path(conf):
    case = Case(publish("embedded_subprocess"))
    assert case.inbox() == [("Task_Inner", "approver")]
    case.complete("Task_Inner", {"decision": "approve"})
    assert case.inbox() == [("Task_After", "approver")]
    case.complete("Task_After")
    closed(case)


def test_embedded_subprocess_long_path_in_two_os_processes(conf):
    case = Case(publish("embedded_subprocess"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Inner",
                                   "data": {"decision": "return"}})
    assert seen["ready"] == ["Task_Second"]
    case.complete("Task_Second")
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_After"})
    assert (seen["ready"], seen["status"]) == ([], "completed")


def test_call_activity_passes_data_in_and_out(conf):
    case = Case(publish("call_activity"), {"applicant_name": "ບຸນມີ"})
    assert case.inbox() == [("Task_CalledReview", "approver")]
    assert case.app().milestone == "in_review"
    case.complete("Task_CalledReview", {"decision": "approve"})  # the called process's script reads the name
    assert case.inbox() == [("Task_Issue", "front_desk")]
    case.complete("Task_Issue")
    closed(case)


def test_call_activity_refusal_path_in_another_os_process(conf):
    case = Case(publish("call_activity"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_CalledReview",
                                   "data": {"decision": "reject", "reason": "no"}})
    assert (seen["ready"], seen["status"], seen["milestone"]) == ([], "rejected", "rejected")


def test_data_object_written_by_a_script_read_downstream(conf):
    from engine.runtime import store
    from engine.runtime.specs import compiled

    case = Case(publish("data_objects"))
    case.complete("Task_Score", {"score": 8})
    assert case.inbox() == [("Task_High", "front_desk")]
    workflow = store.restore(case.id, compiled(case.app().service_version_id))
    assert workflow.data["data_objects"]["rating"] == "high"
    case.complete("Task_High")
    closed(case)


def test_data_object_low_path(conf):
    case = Case(publish("data_objects"))
    case.complete("Task_Score", {"score": 2})
    closed(case)


def test_nested_lanes_route_to_the_innermost_lane(conf):
    case = Case(publish("nested_lanes"))
    assert case.inbox() == [("Task_Desk", "front_desk")]
    case.complete("Task_Desk")
    assert case.inbox() == [("Task_Pay", "cashier")]
    assert case.visible_in_inbox_of("cashier.xs", "Task_Pay")
    case.complete("Task_Pay")
    assert case.inbox() == [("Task_Sign", "approver")]
    case.complete("Task_Sign")
    closed(case)


def test_error_end_event_is_caught_by_the_boundary(conf):
    case = Case(publish("error_boundary"))
    case.complete("Task_Check", {"decision": "reject", "reason": "fault"})
    assert case.inbox() == [("Task_Handle", "front_desk")]
    case.complete("Task_Handle")
    closed(case)


def test_error_boundary_not_triggered(conf):
    case = Case(publish("error_boundary"))
    case.complete("Task_Check", {"decision": "approve"})
    closed(case)


def test_terminate_end_cancels_the_other_branch(conf):
    case = Case(publish("terminate_end"))
    assert case.inbox() == [("Task_A", "front_desk"), ("Task_B", "approver")]
    case.complete("Task_A", {"decision": "reject", "reason": "stop"})
    app = case.app()
    assert case.inbox() == []
    assert app.milestone == "rejected" and app.status in ("rejected", "completed")


def test_terminate_end_not_reached(conf):
    case = Case(publish("terminate_end"))
    case.complete("Task_A", {"decision": "approve"})
    case.complete("Task_B")
    closed(case)
