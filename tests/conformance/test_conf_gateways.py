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


# FEEL `is defined(amount)` on an optional answer (Camunda 8): a blank optional answer is not in the case data
# (engine.catalogue.forms.validate_answers drops it), so the guard is what keeps `amount > 10` from failing
def test_feel_is_defined_routes_an_answered_large_amount(conf):
    case = Case(publish("feel_is_defined"), {"amount": 50})
    assert case.inbox() == [("Task_Big", "approver")]
    case.complete("Task_Big")
    closed(case)


def test_feel_is_defined_is_false_when_the_optional_answer_was_left_blank(conf):
    case = Case(publish("feel_is_defined"))
    assert "amount" not in case.app().data
    assert case.inbox() == [("Task_Small", "front_desk")]
    assert case.app().status == "in_progress" or case.app().status == "submitted"
    case.complete("Task_Small")
    closed(case)


def test_feel_is_defined_then_the_comparison_decides(conf):
    case = Case(publish("feel_is_defined"), {"amount": 5})
    assert case.inbox() == [("Task_Small", "front_desk")]


def _findings(scenario: str, replacements: dict[bytes, bytes], code: str) -> list:
    """The findings with `code` of a scenario whose process.bpmn has the replacements made."""
    from engine.catalogue.forms import parse_form
    from engine.catalogue.loader import load_service
    from engine.catalogue.yamlio import load_yaml
    from tests.conformance.harness import DATA, _repo_catalogue

    folder = DATA / scenario
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for old, new in replacements.items():
        assert old in files["process.bpmn"]
        files["process.bpmn"] = files["process.bpmn"].replace(old, new)
    problems: list = []
    forms = dict(_repo_catalogue().forms)
    for path in sorted((DATA / "_forms").glob("*.yaml")):
        form = parse_form(load_yaml(path.read_text("utf-8")), path.name, problems)
        forms[form["id"]] = form
    service_id = load_yaml(files["service.yaml"].decode())["id"]
    load_service(folder, f"workflows/{service_id}", forms, _repo_catalogue().roles, problems, files=files)
    return [p for p in problems if p.code == code]


def _unknown_name_findings(condition: str) -> list:
    """The expr.unknown_name findings of the feel_is_defined scenario with its condition replaced."""
    return _findings("feel_is_defined", {b"= is defined(amount) and amount &gt; 10": condition.replace(
        ">", "&gt;").encode()}, "expr.unknown_name")


def test_a_name_asked_about_by_is_defined_alone_is_not_an_unknown_name(conf):
    assert _unknown_name_findings("= is defined(bonus)") == []
    assert [p.element for p in _unknown_name_findings("= bonus > 10")] == ["Flow_Big"]  # the check still works


def test_a_name_read_behind_is_defined_is_not_an_unknown_name(conf):
    assert _unknown_name_findings("= is defined(bonus) and bonus > 10") == []


def test_is_defined_of_a_name_the_task_form_does_not_hold_is_undecided_for_the_route_check(conf):
    """The route check evaluates a gateway over the deciding task's own answers: a name from another form may
    be in the case, so `is defined(applicant_name)` there is undecided (a route), not false (no route)."""
    approve = b"<bpmn:conditionExpression>decision == 'approve'</bpmn:conditionExpression>"
    changes = {b'name="Documents complete?" default="Flow_Return"': b'name="Documents complete?"',
               approve: b'<bpmn:conditionExpression>= decision = "approve" and is defined(applicant_name)'
                        b"</bpmn:conditionExpression>",
               b'targetRef="Task_ProvideDocuments" />': b'targetRef="Task_ProvideDocuments"><bpmn:conditionExpression>'
                                                      b"decision == 'return'</bpmn:conditionExpression>"
                                                      b"</bpmn:sequenceFlow>"}
    assert _findings("exclusive_gateway", changes, "route.no_route") == []
    # a value no condition can take is still refused
    changes[approve] = b"<bpmn:conditionExpression>= decision = \"approve\" and false</bpmn:conditionExpression>"
    assert [p.element for p in _findings("exclusive_gateway", changes, "route.no_route")] == ["Gateway_Check"]
