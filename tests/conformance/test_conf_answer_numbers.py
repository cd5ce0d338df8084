"""A number the citizen gives must have a route at every gateway that compares it (fresh review rev12d:
`= amount > 1000` and `= amount < 1000` without a default flow were accepted; an application for exactly 1000
was stuck, at a clerk's task or right at the start with an incident nobody could clear). The number is tried at
each number the conditions name, one less and one more (engine.catalogue.routes_answers)."""
from __future__ import annotations

import re

import pytest

from tests.conformance.harness import Case, load_bundle, publish

LAO = re.compile("[\u0e80-\u0eff]")


@pytest.mark.parametrize("scenario", ["answer_number_gap", "answer_number_gap_at_start"])
def test_a_number_between_the_conditions_is_refused_at_the_gateway(conf, scenario):
    bundle, problems = load_bundle(scenario)
    assert bundle is None
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.element) for p in errors] == [("route.no_route_answer", "Gw")], [str(p) for p in problems]
    assert "amount = 1000" in errors[0].message["en"] and "amount = 1000" in errors[0].message["lo"]
    assert LAO.search(errors[0].message["lo"]) and errors[0].line


def test_an_answer_an_earlier_gateway_already_routed_away_is_not_judged(conf):
    """1000 leaves at the first gateway, so the second one never sees it: accepted, and it runs both ways."""
    bundle, problems = load_bundle("answer_sorted_upstream")
    assert bundle is not None, [str(p) for p in problems if p.severity == "error"]
    service = publish("answer_sorted_upstream")
    for amount, inbox in ((1000, []), (5000, [("Task_Big", "approver")])):
        case = Case(service, {"amount": amount, "kind": "shop"})
        case.complete("Task_Desk", {"verdict": "pass"})
        assert case.inbox() == inbox


def test_a_decimal_between_whole_number_conditions_is_refused(conf):
    """rev12e: `amount >= 100` and `amount <= 99` leave 99.5, which a number field takes, without a route."""
    bundle, problems = load_bundle("answer_number_gap_decimal")
    assert bundle is None
    (found,) = [p for p in problems if p.severity == "error"]
    assert (found.code, found.element) == ("route.no_route_answer", "Gw") and "99.5" in found.message["en"]


def test_conditions_that_cover_every_number_are_accepted(conf):
    bundle, problems = load_bundle("answer_number_no_gap")
    assert bundle is not None, [str(p) for p in problems if p.severity == "error"]
