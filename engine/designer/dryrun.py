"""Dry run: the process of a draft or a version, run in memory with the sandboxed script engine.

The designer picks a decision at each task whose form has a `decision` choice (that is how gateways choose
their path) and may give the application's answers, which are checked as a real application's are (types,
required fields, choices: outcome `invalid_answers` with the field errors); every other answer is sample data.
Nothing is written to the database. The result lists the steps taken (tasks, gateways, events, scripts, timers)
and the milestones a citizen would see.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.catalogue.bpmn import specs_from_xml
from engine.runtime.failures import explain

MAX_STEPS = 300
MAX_SECONDS = 15.0  # a whole dry run; each script has the sandbox's own limits
SETTLING = ("approve", "complete", "accept", "yes", "ok")


@dataclass
class DryRun:
    steps: list[dict] = field(default_factory=list)
    milestones: list[dict] = field(default_factory=list)
    outcome: str = "stuck"  # completed | rejected | waiting | stuck | error | too_long | invalid_answers
    error: str | None = None
    decisions_used: dict = field(default_factory=dict)
    answer_errors: dict = field(default_factory=dict)  # {field: {"lo", "en"}} when outcome is invalid_answers


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


def check_answers(form: dict | None, answers: dict) -> tuple[dict, dict[str, dict[str, str]]]:
    """The application answers as the real application path takes them (engine.catalogue.forms.validate_answers,
    the validator engine.runtime.commands.start_application uses): (clean data, {field: {"lo", "en"}}).

    A dry run with answers a citizen could never submit would show a path no real case can take. The check of
    uploaded-document references (commands.check_references) is left out: a dry run has no stored documents."""
    from engine.catalogue.forms import validate_answers

    if form is None:
        return dict(answers), {}
    clean, errors_lo = validate_answers(form, answers, "lo")
    _clean, errors_en = validate_answers(form, answers, "en")
    return clean, {name: {"lo": errors_lo.get(name) or errors_en[name], "en": errors_en[name]}
                   for name in errors_en}


def _timer_text(expression) -> str:
    """A timer as the designer wrote it: the ISO text of a quoted literal, an expression over data unchanged
    (`"P" + str(days) + "D"` is not a quoted literal, though it starts and ends with a quote)."""
    from engine.timerexpr import string_literal

    text = str(expression)
    literal = string_literal(text)
    return text if literal is None else literal


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
    """Run the service in memory. `decisions`: {task id: decision value} for the first visit of each task.

    The steps are the runtime's own (engine.runtime.steps, readmodel): specs wired as for a real case, tasks
    completed as a clerk completes them (a failing gateway fails the step the same way), the public
    milestone moved by the same rule, inbox routing from the same task table, and timers fired by letting the
    clock pass to the next one (intermediate, event-based gateway and, when nothing else can move, boundary
    timers). Only persistence is left out: nothing is written to the database.
    """
    from types import SimpleNamespace

    from engine.catalogue.services import SUPERVISOR
    from engine.runtime import readmodel, steps
    from engine.runtime.failures import StepFailed, describe
    from engine.runtime.specs import wire

    if script_engine is None:
        from engine.runtime.specs import script_engine as shared

        script_engine = shared()
    decisions = dict(decisions or {})
    result = DryRun()
    app_form = definition.get("forms", {}).get(definition.get("application_form") or "")
    answers, result.answer_errors = check_answers(app_form, application if application is not None
                                                  else sample_answers(app_form))
    if result.answer_errors:  # refused as a real application would be: no case starts
        result.outcome = "invalid_answers"
        return result
    try:
        spec, subprocess_specs = wire(*specs_from_xml(bpmn, definition["process"]))
    except ValueError as exc:
        result.outcome, result.error = "error", explain(exc)
        return result
    choices = decision_choices(definition)
    tasks_meta = definition.get("tasks", {})
    labels = {m["id"]: m["label"] for m in definition.get("milestones", [])}
    case = SimpleNamespace(milestone=None)  # what readmodel's milestone rule reads and moves
    visits: dict[str, int] = {}
    names = {}
    seen_ready: set[str] = set()

    def record(reached: list[str], workflow, first: dict | None = None) -> None:
        """Steps and milestones for the elements one engine step reached, as the read model would see them."""
        ready = {str(t.id): t for t in readmodel.ready_user_tasks(workflow)}
        # as readmodel.sync: a task that became ready counts as reached (its inbox row is created now)
        fresh = [readmodel.bpmn_id(t) for tid, t in ready.items() if tid not in seen_ready]
        seen_ready.update(ready)
        entered = readmodel.milestones_entered(case, definition, workflow, [*reached, *fresh], ready)
        for i, element in enumerate(reached):
            if element not in names:
                continue  # SpiffWorkflow's own Start/End tasks
            info = names[element]
            step = {"element": element, "kind": info["kind"], "name": info["name"]}
            if "timer" in info:
                step["timer"] = info["timer"]
            if i == 0 and first:
                step.update(first)  # the task the clerk completed (its loop shares its id)
            result.steps.append(step)
        for milestone in entered:
            hit = next((s for s in reversed(result.steps) if definition.get("element_milestones", {}).get(
                s["element"]) == milestone), result.steps[-1] if result.steps else None)
            if hit is not None:
                hit.setdefault("milestone", milestone)
            result.milestones.append({"id": milestone, "label": labels.get(milestone, {}),
                                      "element": hit["element"] if hit else ""})

    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            # a loop or multi-instance task shares its bpmn id with its inner (manual) task: name the outer kind
            if element and not (task_spec.manual and element in names):
                extra = {}
                event = getattr(task_spec, "event_definition", None)
                if isinstance(event, TimerEventDefinition):
                    extra["timer"] = _timer_text(event.expression)
                names[element] = {"kind": type(task_spec).__name__, "name": getattr(task_spec, "bpmn_name", None)
                                  or "", **extra}
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            event = getattr(task_spec, "event_definition", None)
            if not isinstance(event, MultipleEventDefinition):
                continue
            # an event-based gateway holds its catch events' definitions (in the order of its flows): the step
            # that fires is the catch event, so the timer is named there, not at the gateway
            for index, item in enumerate(event.event_definitions):
                outputs = list(task_spec.outputs)
                target = getattr(outputs[index], "bpmn_id", None) if index < len(outputs) else None
                if isinstance(item, TimerEventDefinition) and target in names:
                    names[target]["timer"] = _timer_text(item.expression)
    initial = {**answers, "fee_amount": definition.get("fee", {}).get("amount", 0), "centre_id": "dry_run",
               "service_id": definition.get("id")}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    try:
        reached: list[str] = []
        steps.run(workflow, reached)
        record(reached, workflow)
        deadline = time.monotonic() + MAX_SECONDS
        for _ in range(MAX_STEPS):
            if workflow.is_completed():
                break
            if time.monotonic() > deadline:
                result.outcome = "too_long"
                break
            ready = readmodel.ready_user_tasks(workflow)
            if not ready:
                reached = []
                if not steps.fire_next_timer(workflow, reached):
                    result.outcome = "waiting"
                    break
                record(reached, workflow)
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
            reached = []
            steps.complete(workflow, task, answers, reached)
            record(reached, workflow, {"kind": "UserTask", "name": task.task_spec.bpmn_name or "",
                                       "role": meta.get("role") or SUPERVISOR, "form": meta.get("form"),
                                       "task_name": meta.get("name") or {}, "decision": answers.get("decision")})
        else:
            result.outcome = "too_long"
    except StepFailed as failed:
        result.outcome, result.error = "error", f"{failed.element}: {failed.detail}"
        return result
    except SpiffWorkflowException as exc:
        failed = describe(exc)
        result.outcome, result.error = "error", f"{failed.element}: {failed.detail}"
        return result
    except Exception as exc:  # noqa: BLE001 - an untrusted process may fail in many ways; report, never crash
        result.outcome, result.error = "error", explain(exc)
        return result
    if workflow.is_completed():
        result.outcome = "rejected" if case.milestone == "rejected" else "completed"
    return result
