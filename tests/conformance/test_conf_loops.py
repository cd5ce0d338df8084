"""Standard loop and multi-instance user tasks, restored from the database between every pair of steps.

Fault 1 of issue 12: the inner task of a loop is connected to its loop only on the spec object of the process
that created the first iteration; a command in any other process completed an iteration and the case stalled
with no ready task. Every step here runs after a restart (or in another OS process).
"""
from __future__ import annotations

from tests.conformance.harness import Case, in_other_process, publish

APPROVER = ("Task_Vote", "approver")


def assert_completed(case):
    app = case.app()
    assert case.inbox() == []
    assert (app.status, app.milestone) == ("completed", "completed")


def test_standard_loop_repeats_across_restarts_until_approved(conf):
    case = Case(publish("standard_loop"))
    assert case.inbox() == [("Task_Review", "front_desk")]
    case.complete("Task_Review", {"decision": "return"})
    assert case.inbox() == [("Task_Review", "front_desk")]
    case.complete("Task_Review", {"decision": "return"})
    assert case.inbox() == [("Task_Review", "front_desk")]
    case.complete("Task_Review", {"decision": "approve"})
    assert_completed(case)


def test_standard_loop_iterations_in_two_os_processes(conf):
    case = Case(publish("standard_loop"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Review",
                                   "data": {"decision": "return"}})
    assert seen["ready"] == ["Task_Review"]
    case.complete("Task_Review", {"decision": "return"})
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Review",
                                   "data": {"decision": "approve"}})
    assert (seen["ready"], seen["status"], seen["milestone"]) == ([], "completed", "completed")
    assert_completed(case)


def test_parallel_multi_instance_with_cardinality(conf):
    case = Case(publish("mi_parallel_cardinality"))
    assert case.inbox() == [APPROVER] * 3
    case.complete("Task_Vote", {"vote": "yes"})
    assert case.inbox() == [APPROVER] * 2
    case.complete("Task_Vote", {"vote": "no"})
    assert case.inbox() == [APPROVER]
    assert case.app().milestone == "in_review"
    case.complete("Task_Vote", {"vote": "yes"})
    assert_completed(case)


def test_parallel_multi_instance_votes_in_two_os_processes(conf):
    case = Case(publish("mi_parallel_cardinality"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Vote",
                                   "data": {"vote": "yes"}})
    assert seen["ready"] == ["Task_Vote"] * 2
    case.complete("Task_Vote", {"vote": "yes"})
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Vote",
                                   "data": {"vote": "yes"}})
    assert (seen["ready"], seen["status"]) == ([], "completed")


def test_sequential_multi_instance_with_cardinality(conf):
    case = Case(publish("mi_sequential_cardinality"))
    for _ in range(3):
        assert case.inbox() == [APPROVER]
        case.complete("Task_Vote", {"vote": "yes"})
    assert_completed(case)


def test_sequential_multi_instance_in_two_os_processes(conf):
    case = Case(publish("mi_sequential_cardinality"))
    case.complete("Task_Vote", {"vote": "yes"})
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Vote",
                                   "data": {"vote": "yes"}})
    assert seen["ready"] == ["Task_Vote"]
    case.complete("Task_Vote", {"vote": "yes"})
    assert_completed(case)


def test_multi_instance_completion_condition_ends_early(conf):
    case = Case(publish("mi_completion_condition"))
    assert case.inbox() == [APPROVER] * 3
    case.complete("Task_Vote", {"vote": "yes"})
    assert case.inbox() == [APPROVER] * 2
    case.complete("Task_Vote", {"vote": "no"})  # the condition holds: the last vote is not needed
    assert_completed(case)


def test_multi_instance_completion_condition_runs_all_when_never_met(conf):
    case = Case(publish("mi_completion_condition"))
    for left in (3, 2, 1):
        assert case.inbox() == [APPROVER] * left
        case.complete("Task_Vote", {"vote": "yes"})
    assert_completed(case)


def test_multi_instance_over_a_collection_collects_each_answer(conf):
    from engine.runtime import store
    from engine.runtime.specs import compiled

    case = Case(publish("mi_collection"))
    assert case.inbox() == [APPROVER] * 3
    case.complete("Task_Vote", {"vote": "yes"})
    case.complete("Task_Vote", {"vote": "no"})
    case.complete("Task_Vote", {"vote": "yes"})
    assert_completed(case)
    workflow = store.restore(case.id, compiled(case.app().service_version_id))
    assert sorted(workflow.last_task.data["votes"]) == ["no", "yes", "yes"]
