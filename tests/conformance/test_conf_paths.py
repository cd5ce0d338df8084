"""A condition may only read names that every path to it has set (engine.catalogue.dataflow).

Before, a name was checked against the whole service: a gateway reading `score` was accepted as soon as some task
anywhere set `score`, the default-path dry run passed, and a real application that came the other way failed
at the gateway on every try. Each refused scenario here was accepted by the old code; the well-formed one shows
that what every path provides (after a parallel join, around a loop, from inside a subprocess to its error
boundary) is still accepted, and runs, restored between steps.
"""
from __future__ import annotations

import io
import re

import pytest

from tests.conformance.harness import DATA, Case, load_bundle, publish

LAO = re.compile("[\u0e80-\u0eff]")


@pytest.mark.parametrize(("scenario", "code", "element", "name", "setter"), [
    # the default branch of a review reaches the second gateway without the score
    ("path_other_branch", "expr.name_not_on_every_path", "Flow_High", "score", "Task_Score"),
    # a parallel branch reads what its sibling sets: the sibling may not have finished (and SpiffWorkflow gives
    # each branch its own copy of the data until the join)
    ("path_parallel_sibling", "expr.name_not_on_every_path", "Flow_High", "score", "Task_Score"),
    # a boundary timer fires before the task's form was ever submitted
    ("path_timer_boundary", "expr.name_not_on_every_path", "Flow_High", "score", "Task_Score"),
    # a script task is held to the same rule as a condition (a NameError there fails the step for ever)
    ("path_script_reads", "expr.name_not_on_every_path", "Script_Total", "score", "Task_Score"),
    # an error thrown inside a subprocess before the task that sets the name (fresh review rv16)
    ("path_error_boundary", "expr.name_not_on_every_path", "Flow_Boss", "checked_by", "Activity_Check"),
    # the same with an escalation (rv22b)
    ("path_escalation_boundary", "expr.name_not_on_every_path", "Flow_Boss", "checked_by", "Activity_Check"),
    # a called process that sets the name on one of its branches only (rv23)
    ("path_call_partial", "expr.name_not_on_every_path", "Flow_Pay", "computed_fee", "Activity_Compute"),
    # a multi-instance task whose count comes from the data may run no instance at all (rv24)
    ("path_mi_zero", "expr.name_not_on_every_path", "Flow_Good", "quality", "Activity_Copy"),
    # a loop tested before its first round may run no round at all (rv25)
    ("path_loop_test_before", "expr.name_not_on_every_path", "Flow_Good", "page_ok", "Activity_Page"),
    # a called process with data outputs returns only those: its task's verdict stays inside (rev12d)
    ("path_call_output_not_returned", "expr.name_not_on_every_path", "F3", "verdict", "Task_Survey"),
    # a called process with data inputs receives only those: the application's kind is not among them (rev12d)
    ("path_call_input_not_passed", "expr.name_not_on_every_path", "S_shop", "kind", "data input"),
    # an optional field the applicant may leave blank is not in the case data at all
    ("path_optional_field", "expr.optional_field", "Flow_Large", "amount", None),
])
def test_a_name_not_set_on_every_path_is_refused_at_its_element(conf, scenario, code, element, name, setter):
    bundle, problems = load_bundle(scenario)
    assert bundle is None
    errors = [p for p in problems if p.severity == "error"]
    assert {p.code for p in errors} == {code} and element in {p.element for p in errors}, [str(p) for p in problems]
    found = next(p for p in errors if p.element == element)
    assert found.file.endswith(".bpmn") and found.line
    assert name in found.message["en"] and name in found.message["lo"]
    if setter:
        assert setter in found.message["en"] and setter in found.message["lo"]
    assert LAO.search(found.message["lo"]) and LAO.search(found.hint["lo"]) and found.hint["en"]


def test_the_designer_api_refuses_the_upload_in_the_designers_language(conf, client):
    folder = DATA / "path_other_branch"
    files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
    files += [(f"forms/{p.name}", p.read_bytes()) for p in sorted((DATA / "_forms").glob("*.yaml"))]
    token = client.post("/api/v1/auth/token", json={"username": "designer", "password": "demo-pass-2026"})
    for language, words in (("en", "nothing has set it yet"), ("lo", "ຍັງບໍ່ມີຫຍັງກຳນົດຄ່ານີ້")):
        headers = {"Authorization": f"Bearer {token.get_json()['access_token']}", "Accept-Language": language}
        response = client.post("/api/v1/designer/uploads", headers=headers, content_type="multipart/form-data",
                               data={"files": [(io.BytesIO(data), name.rsplit("/", 1)[-1]) for name, data in files]})
        assert response.status_code == 422, response.data
        found = [p for p in response.get_json()["report"] if p["element"] == "Flow_High"]
        assert len(found) == 1 and words in found[0]["message"] and "Task_Score" in found[0]["message"], found


@pytest.mark.parametrize("scenario", [
    "path_well_formed",
    "path_ok_call",  # a called process that sets the name on every path, with an error end caught on the call
    "path_ok_mi_cardinality",  # a multi-instance task with a whole-number cardinality runs at least once
    "path_ok_standard_loop",  # a standard loop tested after each round runs at least once
    "path_ok_all_paths",  # set on every branch, through an inclusive split and a subprocess
    "path_ok_empty_optional",  # JUEL `not empty remark` asks whether an optional answer was given (rv31)
    "path_ok_mi_count_at_least_one",  # a count from a required field with min 1 always runs a round (rev12e)
])
def test_names_every_path_sets_are_accepted(conf, scenario):
    bundle, problems = load_bundle(scenario)
    assert bundle is not None, [str(p) for p in problems]
    assert [p for p in problems if p.severity == "error"] == []


def test_after_the_join_both_branches_names_decide(conf):
    case = Case(publish("path_well_formed"))
    assert case.inbox() == [("Task_Check", "front_desk"), ("Task_Score", "approver")]
    case.complete("Task_Score", {"score": 8})
    case.complete("Task_Check", {"decision": "approve"})
    app = case.app()
    assert case.inbox() == [] and (app.status, app.milestone) == ("completed", "completed")


def test_the_loop_reads_what_the_first_pass_set(conf):
    case = Case(publish("path_well_formed"))
    case.complete("Task_Check", {"decision": "approve"})
    case.complete("Task_Score", {"score": 1})
    assert case.inbox() == [("Task_Note", "front_desk")]
    case.complete("Task_Note")
    assert case.inbox() == [("Task_Note", "front_desk")]  # score 1 < 3: round again
    assert case.app().status == "in_progress"


def test_the_error_boundary_path_reads_the_decision_made_inside(conf):
    case = Case(publish("path_well_formed"))
    case.complete("Task_Check", {"decision": "reject"})
    app = case.app()
    assert case.inbox() == [] and app.milestone == "rejected"


def test_a_script_reading_a_name_nothing_provides_is_refused(conf):
    folder = DATA / "path_script_reads"
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    files["process.bpmn"] = files["process.bpmn"].replace(b"total = score * 2", b"total = points * 2")
    bundle, problems = load_bundle("path_script_reads", files=files)
    assert bundle is None
    found = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.element) for p in found] == [("expr.unknown_name", "Script_Total")], [str(p) for p in problems]
    assert "points" in found[0].message["en"] and "script" in found[0].message["en"]


@pytest.mark.parametrize(("answers", "inbox"), [({"remark": "please hurry"}, [("Activity_Read", "front_desk")]),
                                                ({}, [])])
def test_not_empty_on_an_optional_answer_routes_whether_or_not_it_was_given(conf, answers, inbox):
    case = Case(publish("path_ok_empty_optional"), answers)
    assert case.inbox() == inbox
    assert case.app().status == ("in_progress" if inbox else "completed")


def test_a_setter_that_may_run_no_round_is_said_to(conf):
    """rev12d: "move the condition after «Copy»" was no help when the condition already is after it."""
    _, problems = load_bundle("path_mi_zero")
    (found,) = [p for p in problems if p.severity == "error"]
    assert "may run no round" in found.message["en"] and "ອາດບໍ່ໄດ້ເຮັດຈັກຮອບ" in found.message["lo"]


def test_a_multi_instance_whose_instances_overwrite_one_decision_is_refused(conf):
    """rev12e: round 1 rejected, round 2 approved, the case ended completed: only the last decision reaches the
    gateway. Reading decision in the completion condition (path_ok_mi_count_at_least_one) is accepted."""
    bundle, problems = load_bundle("mi_decision_overwritten")
    assert bundle is None
    found = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.element) for p in found] == [("route.decision_overwritten", "Task_MI")], [str(p) for p in found]
    assert LAO.search(found[0].message["lo"]) and "overwritten" in found[0].message["en"]
