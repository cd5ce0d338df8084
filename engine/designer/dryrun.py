"""Dry run: the process of a draft or a version, run in memory with the sandboxed script engine.

The designer picks a decision at each task whose form has a `decision` choice (that is how gateways choose
their path); every other answer is sample data. Nothing is written to the database. The result lists the
steps taken (tasks, gateways, events, scripts, timers) and the milestones a citizen would see.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.catalogue.bpmn import specs_from_xml

MAX_STEPS = 300
MAX_SECONDS = 15.0  # a whole dry run; each script has the sandbox's own limits
SETTLING = ("approve", "complete", "accept", "yes", "ok")


@dataclass
class DryRun:
    steps: list[dict] = field(default_factory=list)
    milestones: list[dict] = field(default_factory=list)
    outcome: str = "stuck"  # completed | rejected | waiting | stuck | error | too_long
    error: str | None = None
    decisions_used: dict = field(default_factory=dict)


def sample_value(f: dict):
    """A plausible answer for one form field, inside its limits."""
    kind = f["type"]
    if kind == "choice":
        return f["choices"][0]["value"] if f.get("choices") else ""
    if kind == "yes_no":
        return True
    if kind in ("number", "money"):
        low = f.get("min", 0) or 0
        value = max(low, 1 if kind == "number" else 100000)
        return min(value, f["max"]) if f.get("max") is not None else value
    if kind == "date":
        return date.today().isoformat()
    if kind == "phone":
        return "+8562055551234"
    if kind == "national_id":
        return "DRYRUN01"
    if kind == "file":
        return {"id": "dry-run", "name": "sample.pdf", "content_type": "application/pdf", "size": 1}
    text = "ຕົວຢ່າງ"
    return text[: f["max_length"]] if f.get("max_length") else text


def sample_answers(form: dict | None) -> dict:
    return {f["name"]: sample_value(f) for f in (form or {}).get("fields", [])}


def decision_choices(definition: dict) -> dict[str, list[dict]]:
    """{task bpmn id: choices of its form's decision field} for the tasks whose decision steers gateways."""
    out = {}
    for tid, task in sorted(definition.get("tasks", {}).items()):
        form = definition.get("forms", {}).get(task.get("form") or "")
        for f in (form or {}).get("fields", []):
            if f["name"] == "decision" and f.get("choices"):
                out[tid] = f["choices"]
    return out


def _default_decision(choices: list[dict]) -> str:
    values = [c["value"] for c in choices]
    return next((v for v in values if v in SETTLING), next((v for v in values if v not in ("return", "reject")),
                                                           values[0]))


def _element(task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def run(definition: dict, bpmn: dict[str, str], decisions: dict[str, str] | None = None,
        application: dict | None = None, script_engine=None) -> DryRun:
    """Run the service in memory. `decisions`: {task id: decision value} for the first visit of each task."""
    if script_engine is None:
        from engine.runtime.specs import script_engine as shared

        script_engine = shared()
    decisions = dict(decisions or {})
    result = DryRun()
    try:
        spec, subprocess_specs = specs_from_xml(bpmn, definition["process"])
    except ValueError as exc:
        result.outcome, result.error = "error", str(exc)
        return result
    choices = decision_choices(definition)
    tasks_meta = definition.get("tasks", {})
    element_milestones = definition.get("element_milestones", {})
    labels = {m["id"]: m["label"] for m in definition.get("milestones", [])}
    current = {"milestone": None}
    visits: dict[str, int] = {}

    def note(element: str, kind: str, name: str, **extra) -> None:
        step = {"element": element, "kind": kind, "name": name, **extra}
        milestone = element_milestones.get(element)
        if milestone and milestone != current["milestone"]:
            current["milestone"] = milestone
            step["milestone"] = milestone
            result.milestones.append({"id": milestone, "label": labels.get(milestone, {}), "element": element})
        result.steps.append(step)

    def did_complete(task) -> None:
        element = _element(task)
        if element and not (task.task_spec.manual):
            extra = {}
            event = getattr(task.task_spec, "event_definition", None)
            if isinstance(event, TimerEventDefinition):
                extra["timer"] = str(event.expression).strip("'\"")
            note(element, type(task.task_spec).__name__, getattr(task.task_spec, "bpmn_name", None) or "", **extra)

    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    initial = {**(application if application is not None else sample_answers(
        definition.get("forms", {}).get(definition.get("application_form") or ""))),
        "fee_amount": definition.get("fee", {}).get("amount", 0), "centre_id": "dry_run",
        "service_id": definition.get("id")}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    try:
        workflow.do_engine_steps(did_complete_task=did_complete)
        deadline = time.monotonic() + MAX_SECONDS
        for _ in range(MAX_STEPS):
            if workflow.is_completed():
                break
            if time.monotonic() > deadline:
                result.outcome = "too_long"
                break
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                if not _fire_timers(workflow):
                    result.outcome = "waiting"
                    break
                workflow.refresh_waiting_tasks()
                workflow.do_engine_steps(did_complete_task=did_complete)
                continue
            task = ready[0]
            element = _element(task)
            meta = tasks_meta.get(element, {})
            answers = sample_answers(definition.get("forms", {}).get(meta.get("form") or ""))
            if element in choices:
                visits[element] = visits.get(element, 0) + 1
                chosen = decisions.get(element) if visits[element] == 1 else None
                values = [c["value"] for c in choices[element]]
                answers["decision"] = chosen if chosen in values else _default_decision(choices[element])
                result.decisions_used.setdefault(element, answers["decision"])
                if answers["decision"] in ("return", "reject"):
                    answers["reason"] = "ຕົວຢ່າງ"
            note(element, "UserTask", task.task_spec.bpmn_name or "", role=meta.get("role", ""),
                 form=meta.get("form"), task_name=meta.get("name") or {}, decision=answers.get("decision"))
            task.data.update(answers)
            task.run()
            workflow.do_engine_steps(did_complete_task=did_complete)
        else:
            result.outcome = "too_long"
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task", None)
        cause = getattr(exc, "exception", None) or exc.__cause__ or exc
        result.outcome = "error"
        result.error = f"{_element(task) if task is not None else '?'}: {getattr(cause, 'detail', None) or cause}"
        return result
    except Exception as exc:  # noqa: BLE001 - an untrusted process may fail in many ways; report, never crash
        result.outcome, result.error = "error", str(exc)
        return result
    if workflow.is_completed():
        result.outcome = "rejected" if current["milestone"] == "rejected" else "completed"
    return result


def _fire_timers(workflow) -> bool:
    """Let waiting intermediate timers fire at once (the dry run does not wait P3D); boundary timers stay."""
    fired = False
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        if type(task.task_spec).__name__ == "BoundaryEvent":
            continue
        task._set_internal_data(event_fired=True)
        fired = True
    return fired
