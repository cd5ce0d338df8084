"""A parallel join waits for every incoming flow: a model where a token can miss one leaves the case waiting for
ever, with no task, timer or incident (fresh review rev12d: accepted, published, then stuck). Refused at upload
at the join (engine.catalogue.joins); the shapes that close the case are still accepted, and run."""
from __future__ import annotations

import re

import pytest

from tests.conformance.harness import Case, load_bundle, publish

LAO = re.compile("[\u0e80-\u0eff]")


@pytest.mark.parametrize(("scenario", "code", "words"), [
    # the approver's reject ends its branch at a plain end event; the join waits for it for ever
    ("join_branch_ends", "bpmn.join_waits_for_ever", ("Gw_A", "End_Rejected")),
    # an interrupting boundary timer on one branch leads to an end event
    ("join_timer_branch_ends", "bpmn.join_waits_for_ever", ("End_",)),
    # an inclusive split closed by a parallel join: a branch not taken never arrives
    ("join_after_inclusive_split", "bpmn.join_after_choice", ("Join",)),
])
def test_a_parallel_join_a_token_can_miss_is_refused_at_the_join(conf, scenario, code, words):
    bundle, problems = load_bundle(scenario)
    assert bundle is None
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.element) for p in errors] == [(code, "Join")], [str(p) for p in problems]
    found = errors[0]
    assert found.line and found.file.endswith(".bpmn")
    assert all(w in found.message["en"] and w in found.message["lo"] for w in words), found.message
    assert LAO.search(found.message["lo"]) and LAO.search(found.hint["lo"]) and "terminate" in found.hint["en"] + \
        found.hint["lo"] or "inclusive" in found.hint["en"]


@pytest.mark.parametrize("scenario", ["join_ok_terminate", "join_ok_no_join", "parallel_gateway", "parallel_ends",
                                      "path_well_formed", "inclusive_gateway"])
def test_joins_every_token_reaches_are_accepted(conf, scenario):
    bundle, problems = load_bundle(scenario)
    assert bundle is not None, [str(p) for p in problems if p.severity == "error"]


def test_a_refusal_that_terminates_closes_the_case_while_the_other_branch_is_open(conf):
    case = Case(publish("join_ok_terminate"), {"amount": 10, "kind": "shop"})
    ready = {bpmn_id for bpmn_id, _role in case.inbox()}
    assert ready == {"Task_A", "Task_B"}
    case.complete("Task_A", {}, action="reject", reason="not eligible")
    app = case.app()
    assert case.inbox() == [] and app.status == "rejected"
