"""The designer's dry run goes through the runtime's own steps: it honours the chosen decisions (a reject
path), fires timers behind an event-based gateway, and sees the same milestones as a real case."""
from __future__ import annotations

import pytest

from tests.conformance.harness import Case, load_bundle, publish


def dry(name: str, decisions: dict | None = None):
    from engine.designer import dryrun

    bundle, _problems = load_bundle(name)
    return dryrun.run(bundle.definition, bundle.bpmn, decisions or {}, {"applicant_name": "ສົມຊາຍ"})


def user_steps(result) -> list[str]:
    return [s["element"] for s in result.steps if s["kind"] == "UserTask"]


def test_dry_run_walks_the_reject_path_the_designer_chose(conf):
    result = dry("exclusive_gateway", {"Task_Check": "reject"})
    assert result.outcome == "rejected"
    assert [m["id"] for m in result.milestones] == ["received", "rejected"]
    assert result.decisions_used == {"Task_Check": "reject"}


def test_dry_run_fires_the_timer_behind_an_event_based_gateway(conf):
    result = dry("event_gateway")
    assert result.outcome == "completed", result.error
    assert user_steps(result) == ["Task_Ask", "Task_FollowUp"]
    assert [m["id"] for m in result.milestones] == ["received", "in_review", "completed"]


def test_dry_run_fires_intermediate_timers_by_duration_and_date(conf):
    result = dry("intermediate_timers")
    assert result.outcome == "completed", result.error
    assert user_steps(result) == ["Task_Between", "Task_Last"]


def test_dry_run_reports_a_failing_script_by_element(conf):
    from engine.designer import dryrun

    bundle, _problems = load_bundle("script_failure")
    form = bundle.definition["forms"]["conf_score"]
    assert dryrun.sample_answers(form)["score"] == 1  # the sample answer passes; a 0 would divide by zero
    result = dry("gateway_gap")
    assert result.outcome == "rejected"  # a sample score of 1 takes the 'fail' route


@pytest.mark.parametrize("scenario,decisions", [
    ("exclusive_gateway", {"Task_Check": "return"}),
    ("exclusive_gateway", {"Task_Check": "reject"}),
    ("standard_loop", {"Task_Review": "return"}),
    ("escalation_boundary", {}),
    ("mi_sequential_cardinality", {}),
    ("mi_completion_condition", {}),
    ("human_tasks", {}),
    ("call_activity", {"Task_CalledReview": "approve"}),
    ("terminate_end", {"Task_A": "reject"}),
])
def test_dry_run_sees_what_a_real_case_sees(conf, scenario, decisions):
    """Replay the dry run's steps in a real case (restored between steps): same milestones, same end."""
    from engine.designer.dryrun import sample_answers

    result = dry(scenario, decisions)
    assert result.outcome in ("completed", "rejected"), result.error
    bundle, _problems = load_bundle(scenario)
    case = Case(publish(scenario))
    for step in [s for s in result.steps if s["kind"] == "UserTask"]:
        answers = sample_answers(bundle.definition["forms"].get(step["form"] or ""))
        if step.get("decision"):
            answers.update(decision=step["decision"], reason="ຕົວຢ່າງ")
        assert (step["element"], step["role"]) in case.inbox()
        case.complete(step["element"], answers, user="supervisor.xs")
    assert case.inbox() == []
    assert case.app().status == result.outcome
    assert [m["id"] for m in result.milestones] == case.milestones()


def test_dry_run_writes_nothing(conf):
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import Application, AuditEvent

    before = [db.session.execute(select(func.count()).select_from(m)).scalar() for m in (Application, AuditEvent)]
    dry("service_task")
    dry("embedded_subprocess")
    assert [db.session.execute(select(func.count()).select_from(m)).scalar()
            for m in (Application, AuditEvent)] == before
