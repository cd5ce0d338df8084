"""Warnings that say what will really happen. The warning of a process run although its file does not mark it executable says what happens to it
(fresh review rev12c: a called process in its own file, written isExecutable="false", was said to be "not marked
executable ... treated as the executable process", though the service starts another one)."""
from __future__ import annotations

from engine.catalogue.bpmn import read_document

BARE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="Process_fee"{attr}>
    <bpmn:startEvent id="S" /><bpmn:endEvent id="E" />
    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>"""


def _warning(attr: str):
    problems: list = []
    doc = read_document(BARE.format(attr=attr).encode(), "fee.bpmn", problems)
    assert doc is not None and doc.executable == ["Process_fee"]
    (found,) = [p for p in problems if p.code == "bpmn.process_not_marked_executable"]
    return found


def test_a_process_written_not_executable_is_said_so_and_what_it_is_run_as():
    found = _warning(' isExecutable="false"')
    assert 'isExecutable="false"' in found.message["en"] and "a call activity calls" in found.message["en"]
    assert "isExecutable" in found.message["lo"] and found.element == "Process_fee" and found.line == 3


def test_a_process_without_the_attribute_is_said_to_be_unmarked():
    found = _warning("")
    assert "is not marked executable" in found.message["en"] and "the only process with a flow" in found.message["en"]


def test_a_task_whose_candidate_groups_and_lane_disagree_is_said_at_the_task():
    """rv11: a task in the front desk's lane with candidateGroups="approver" goes to the approver, silently."""
    from tests.conformance.harness import DATA, load_bundle

    folder = DATA / "exclusive_gateway"
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    files["process.bpmn"] = files["process.bpmn"].replace(
        b'<bpmn:userTask id="Task_Check" name="Check documents"',
        b'<bpmn:userTask id="Task_Check" name="Check documents" camunda:candidateGroups="approver"')
    bundle, problems = load_bundle("exclusive_gateway", files=files)
    assert bundle is not None  # a warning: the process runs, the approver gets the task
    found = [p for p in problems if p.code == "service.lane_and_candidate_groups_differ"]
    assert [(p.element, p.severity) for p in found] == [("Task_Check", "warning")], [str(p) for p in problems]
    assert "approver" in found[0].message["en"] and "front_desk" in found[0].message["lo"]
