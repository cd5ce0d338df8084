"""No message shows a Python repr, an empty name or `?` for an element (issue 12, item 6)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from SpiffWorkflow.exceptions import WorkflowException

from tests.conformance.harness import load_bundle

BAD = ("<Element", " at 0x", "''", "element ?", "..", "'?'")


@pytest.mark.parametrize("raw,expected", [
    ("Error evaluating <Element {http://x}sourceRef at 0x7f12ab34>. . found 0.. ", "Error evaluating. found 0"),
    ("No conditions satisfied for Gateway_1. ", "No conditions satisfied for Gateway_1"),
    ("", "error"),
])
def test_clean_messages(raw, expected):
    from engine.runtime.failures import clean

    assert clean(raw) == expected


def test_gateway_failure_without_a_task_names_the_gateway(conf):
    from engine.runtime.failures import describe, explain
    from engine.runtime.specs import wire

    bundle, _problems = load_bundle("gateway_gap")
    from engine.catalogue.bpmn import specs_from_xml

    spec, _subs = wire(*specs_from_xml(bundle.bpmn, bundle.definition["process"]))
    gateway = next(s for s in spec.task_specs.values() if getattr(s, "bpmn_id", None) == "Gateway_Score")
    exc = WorkflowException("No conditions satisfied for Gateway_Score", task_spec=gateway)  # as ExclusiveChoice raises
    failed = describe(exc)
    assert failed.code == "gateway_no_route" and failed.element == "Gateway_Score"
    assert "«Score high enough?» (Gateway_Score)" in failed.message("en")
    assert explain(exc) == "«Score high enough?» (Gateway_Score): No conditions satisfied for Gateway_Score"
    for text in (failed.message("en"), failed.message("lo"), explain(exc)):
        assert not any(bad in text for bad in BAD), text
    # the clerk reading Lao meets no engine English (fresh review rev12d)
    assert "No conditions satisfied" not in failed.message("lo")


def test_a_failing_step_is_said_in_lao_in_the_lao_message():
    from engine.runtime.failures import StepFailed, clean

    for raw, lao in (("line 1: NameError: name 'verdict' is not defined", "ແຖວ 1: ຂໍ້ມູນຂອງຄຳຮ້ອງບໍ່ມີຄ່າຊື່ verdict"),
                     ("ZeroDivisionError: division by zero", "ການຫານດ້ວຍສູນ")):
        failed = StepFailed("step_failed", "Script_X", "«Work out» (Script_X)", clean(raw))
        assert lao in failed.message("lo") and "NameError" not in failed.message("lo")
        assert "division" not in failed.message("lo") and "has no value" not in failed.message("lo")
        assert failed.detail == clean(raw)  # the API's and the incident's detail stay in English


def test_automatic_step_failure_becomes_an_incident_naming_the_element(conf):
    """After a timer or a service task nobody is there to tell: the failure is an incident with a real name."""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from engine import events
    from engine.catalogue.bpmn import specs_from_xml
    from engine.runtime.commands import _advance
    from engine.runtime.specs import script_engine, wire

    bundle, _problems = load_bundle("gateway_gap")
    spec, subs = wire(*specs_from_xml(bundle.bpmn, bundle.definition["process"]))
    workflow = BpmnWorkflow(spec, subs, script_engine=script_engine())
    workflow.do_engine_steps()
    task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data["score"] = 4
    task.run()
    app = SimpleNamespace(id=0, incident=None)
    _advance(workflow, app, [])
    emitted = events.take()
    assert "«Score high enough?» (Gateway_Score)" in app.incident
    assert not any(bad in app.incident for bad in BAD), app.incident
    assert [e["element"] for e in emitted if e["kind"] == "incident"] == ["Gateway_Score"]
