"""The engine steps every path runs: a real command, a timer job, and the designer's dry run.

Keeping them in one place is what makes the dry run trustworthy: it completes tasks, runs the engine, moves
the public milestone and fires timers with exactly the functions a real case uses; only persistence differs.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.runtime import failures, readmodel

SETTLE_ROUNDS = 20  # engine passes after a timer refresh made an engine task ready (a cycle's last repetition)


def _completed(reached: list[str]):
    def record(task) -> None:
        # a loop or multi-instance task shares its id with its iterations, each of which was counted already:
        # the container finishing is not one more step
        if not isinstance(task.task_spec, LoopTask):
            reached.append(readmodel.bpmn_id(task))
    return record


def run(workflow, reached: list[str]) -> None:
    """Run every engine step that needs no person; append the BPMN id of each completed element to `reached`.

    SpiffWorkflow ends its pass with a timer refresh, which may make an engine task ready (a cycle timer whose
    last repetition fired completes one refresh later): the pass is repeated until only people's tasks and
    waiting events are left. Raises SpiffWorkflowException when a gateway, script or condition fails (callers
    decide what that means); any other error inside the engine (a cardinality that is no whole number, a
    collection that is no list) is raised as one too, naming the task it happened in, so that no caller answers
    it with a 500."""
    record = _completed(reached)
    try:
        workflow.do_engine_steps(did_complete_task=record)
        for _ in range(SETTLE_ROUNDS):
            workflow.refresh_timers()
            if not any(not t.task_spec.manual for t in workflow.get_tasks(state=TaskState.READY)):
                return
            workflow.do_engine_steps(did_complete_task=record)
    except SpiffWorkflowException:
        raise
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow lets Python errors of specs escape as they are
        raise as_engine_error(exc) from exc


def as_engine_error(exc: Exception) -> SpiffWorkflowException:
    """A WorkflowTaskException for a Python error raised inside SpiffWorkflow, with the task it was raised for
    (the innermost `my_task` of the traceback) when there is one."""
    from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

    task, tb = None, exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("my_task")
        if getattr(candidate, "task_spec", None) is not None:
            task = candidate
        tb = tb.tb_next
    return WorkflowTaskException(failures.clean(str(exc)) if str(exc) else "an unexpected error in the process engine",
                                 task=task, exception=exc)


def complete(workflow, task, answers: dict, reached: list[str]) -> None:
    """A person completes a ready task with `answers`, then the engine runs on.

    Raises failures.StepFailed (nothing of the caller's transaction may be kept) when the process fails."""
    task.data.update(answers)
    reached.append(readmodel.bpmn_id(task))
    try:
        try:
            task.run()  # may evaluate a loop's completion condition
        except SpiffWorkflowException:
            raise
        except Exception as exc:  # noqa: BLE001 - as in run()
            raise as_engine_error(exc) from exc
        run(workflow, reached)
    except SpiffWorkflowException as exc:
        raise failures.describe(exc) from exc


def earliest_timer(workflow) -> datetime | None:
    """When the first waiting timer of the workflow is due (naive UTC), or None."""
    from engine.timers import waiting_timers

    dues = [due for _element, due in waiting_timers(workflow).values()]
    return min(dues) if dues else None


def move_clock(workflow, by: timedelta) -> None:
    """Time passes for this workflow: every waiting timer's stored due time moves `by` into the past.

    SpiffWorkflow keeps each timer's due time in the task (`event_value`) and compares it with the wall clock;
    moving those values is how the dry run lets P3D pass at once and fires a timer behind an event-based
    gateway, a boundary timer or a cycle exactly as the real ticker would when the time comes."""
    from engine.timers import move_kept

    for task in workflow.get_tasks(state=TaskState.WAITING):
        value = task._get_internal_data("event_value")
        if value is None:
            continue
        if move_kept(task, by):  # held (an event-based gateway's chosen timer): its kept time moves
            continue
        if isinstance(value, dict) and value.get("next"):
            task._set_internal_data(event_value={**value, "next": _earlier(value["next"], by)})
        elif isinstance(value, str):
            task._set_internal_data(event_value=_earlier(value, by))


def _earlier(value: str, by: timedelta) -> str:
    from engine.timerexpr import to_utc  # c12val replaced engine.timers._as_utc with this one parser

    try:
        when = to_utc(value)
    except Exception:  # noqa: BLE001 - not a date (an unevaluated expression): leave it to SpiffWorkflow
        return value
    if when is None:
        return value
    return (when.replace(tzinfo=UTC) - by).isoformat()


def fire_next_timer(workflow, reached: list[str]) -> bool:
    """Let time pass until the first waiting timer is due, fire it and run on. False if no timer waits."""
    due = earliest_timer(workflow)
    if due is None:
        return False
    from engine.timers import let_fire_held_due

    now = datetime.now(UTC).replace(tzinfo=None)
    move_clock(workflow, max(due - now, timedelta(0)) + timedelta(seconds=1))
    let_fire_held_due(workflow)
    workflow.refresh_waiting_tasks()
    run(workflow, reached)
    return True
