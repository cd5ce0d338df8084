"""Camunda 7 and Camunda 8 multi-instance counters in completion conditions, restored between every step.

`nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances`, `loopCounter` (Camunda 7, JUEL) and
`numberOfInstances`, `numberOfActiveInstances`, `numberOfCompletedInstances`, `loopCounter` (Camunda 8, FEEL,
counting from 1) were accepted at upload and then every vote failed with a NameError. The engine's script
engine now gives them to the condition (engine.sandbox.loop_variables), for parallel and sequential activities.
"""
from __future__ import annotations

import pytest

from tests.conformance.harness import Case, in_other_process, load_bundle, publish

APPROVER = ("Task_Vote", "approver")


def _completed(case):
    app = case.app()
    assert case.inbox() == []
    assert (app.status, app.milestone) == ("completed", "completed")


@pytest.mark.parametrize("scenario", ["mi_vars_juel_parallel", "mi_vars_feel_parallel"])
def test_parallel_vote_ends_when_two_of_three_instances_are_completed(conf, scenario):
    case = Case(publish(scenario))
    assert case.inbox() == [APPROVER] * 3
    case.complete("Task_Vote", {"vote": "yes"})
    assert case.inbox() == [APPROVER] * 2  # one completed of three: the condition does not hold yet
    assert case.app().status == "in_progress"
    case.complete("Task_Vote", {"vote": "no"})
    _completed(case)  # the third vote is not needed


@pytest.mark.parametrize("scenario", ["mi_vars_juel_sequential", "mi_vars_feel_sequential"])
def test_sequential_vote_ends_after_the_second_instance_by_its_loop_counter(conf, scenario):
    case = Case(publish(scenario))
    assert case.inbox() == [APPROVER]
    case.complete("Task_Vote", {"vote": "yes"})
    assert case.inbox() == [APPROVER]
    assert case.app().status == "in_progress"
    case.complete("Task_Vote", {"vote": "yes"})
    _completed(case)


def test_counters_in_a_second_os_process(conf):
    case = Case(publish("mi_vars_feel_parallel"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Vote",
                                   "data": {"vote": "yes"}})
    assert seen["ready"] == ["Task_Vote"] * 2
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Vote",
                                   "data": {"vote": "yes"}})
    assert (seen["ready"], seen["status"]) == ([], "completed")


@pytest.mark.parametrize("scenario", ["mi_vars_juel_parallel", "mi_vars_juel_sequential",
                                      "mi_vars_feel_parallel", "mi_vars_feel_sequential"])
def test_the_dry_run_reaches_the_end_with_the_counters(conf, scenario):
    from engine.designer import dryrun

    bundle, problems = load_bundle(scenario)
    assert bundle is not None, [str(p) for p in problems]
    result = dryrun.run(bundle.definition, bundle.bpmn)
    assert (result.outcome, result.error) == ("completed", None)
    assert sum(1 for s in result.steps if s["element"] == "Task_Vote" and s.get("role")) == 2


# ---- collections as Camunda 7 and Camunda 8 write them -----------------------------------------------------

def test_a_camunda_7_collection_multi_instance_runs_one_instance_per_item(conf):
    """`camunda:collection="${members}" camunda:elementVariable="member"` (sequential) is read as the standard
    loopDataInputRef and inputDataItem (engine.catalogue.bpmn._vendor_loops)."""
    case = Case(publish("mi_camunda_collection"))
    for _ in range(3):
        assert case.inbox() == [APPROVER]
        case.complete("Task_Vote", {"vote": "yes"})
    _completed(case)


def test_a_camunda_8_collection_multi_instance_collects_each_answer(conf):
    from engine.runtime import store
    from engine.runtime.specs import compiled

    case = Case(publish("mi_zeebe_collection"))
    assert case.inbox() == [APPROVER] * 3
    case.complete("Task_Vote", {"vote": "yes"})
    case.complete("Task_Vote", {"vote": "no"})
    case.complete("Task_Vote", {"vote": "yes"})
    _completed(case)
    workflow = store.restore(case.id, compiled(case.app().service_version_id))
    assert sorted(workflow.last_task.data["votes"]) == ["no", "yes", "yes"]


# ---- counts and collections from case data (rev12 D17) ------------------------------------------------------

def test_a_cardinality_computed_as_a_decimal_runs_that_many_instances(conf):
    """`${amount div per_vote}` is 1500 / 500 = 3.0: three instances, not a 500 at the citizen's start."""
    case = Case(publish("mi_count_from_data"), {"amount": 1500})
    assert case.inbox() == [APPROVER] * 3
    for _ in range(3):
        case.complete("Task_Vote", {"vote": "yes"})
    _completed(case)


def test_an_engine_error_at_the_start_is_an_incident_naming_the_element_not_a_500(conf):
    """A collection that is a number makes SpiffWorkflow raise a bare TypeError; the case is kept with an
    incident at the multi-instance task, in words without Python's exception name."""
    import re

    from sqlalchemy import select

    from engine.db import db
    from engine.models import Incident

    case = Case(publish("mi_not_a_list"))
    app = case.app()
    assert app.incident is not None and case.inbox() == []
    incident = db.session.execute(select(Incident).where(Incident.application_id == case.id)).scalars().one()
    assert incident.element == "Task_Vote"
    assert not re.search(r"\b[A-Z]\w*(Error|Exception)\b", incident.error), incident.error
