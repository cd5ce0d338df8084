"""Parsed specs of published service versions, cached per process (versions never change once published)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask, SequentialMultiInstanceTask
from SpiffWorkflow.util.task import TaskState

from engine.catalogue.bpmn import specs_from_xml
from engine.db import db
from engine.errors import NotFound
from engine.models import ServiceVersion

_MAX = 256
_cache: OrderedDict[int, CompiledService] = OrderedDict()
_lock = threading.Lock()
_script_engine = None


@dataclass(frozen=True)
class CompiledService:
    version_id: int
    service_id: str
    number: int
    definition: dict
    spec: object
    subprocess_specs: dict
    # tasks whose decision no condition reads: their form's return/reject is not offered (engine.runtime.actions)
    unread_decisions: frozenset = frozenset()


def script_engine():
    """One sandboxed script engine per process; it holds no per-workflow state."""
    global _script_engine
    if _script_engine is None:
        from engine.sandbox import create_script_engine

        _script_engine = create_script_engine()
    return _script_engine


def compiled(version_id: int) -> CompiledService:
    with _lock:
        hit = _cache.get(version_id)
        if hit is not None:
            _cache.move_to_end(version_id)
            return hit
    row = db.session.get(ServiceVersion, version_id)
    if row is None:
        raise NotFound(what=f"service version {version_id}")
    spec, subprocess_specs = wire(*specs_from_xml(row.bpmn, row.definition["process"]))
    from engine.runtime.actions import unread_decisions

    item = CompiledService(row.id, row.service_id, row.number, row.definition, spec, subprocess_specs,
                           unread_decisions(row.bpmn, row.definition))
    with _lock:
        _cache[version_id] = item
        while len(_cache) > _MAX:
            _cache.popitem(last=False)
    return item


def wire(spec, subprocess_specs: dict):
    """Connect what SpiffWorkflow connects only while a workflow runs, as its own serializer does on restore.

    A standard loop or multi-instance task connects its inner task's `completed_event` to `merge_child` when it
    creates the first instance, on the (shared) spec object, not in any task's state. A workflow restored in a
    process whose spec never ran that loop would complete an instance without merging it: no next iteration,
    no ready task, no error. SpiffWorkflow's `BpmnProcessSpecConverter.from_dict` makes the same connections;
    we parse specs from the stored BPMN instead of restoring them, so we make them here, once per parse, for
    the main process and every called or embedded process. Returns its arguments.

    A boundary event's join also learns to stop a non-interrupting cycle timer without losing the paths it
    started (`_keep_cycle_paths`).
    """
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in list(process.task_specs.values()):
            if isinstance(task_spec, BoundaryEventJoin):
                _keep_cycle_paths(task_spec)
            if isinstance(task_spec, SequentialMultiInstanceTask):
                _keep_item_in_instance(task_spec)
            if isinstance(task_spec, LoopTask):
                child = process.task_specs.get(task_spec.task_spec)
                if child is not None and not child.completed_event.is_connected(task_spec.merge_child):
                    child.completed_event.connect(task_spec.merge_child)
    return spec, subprocess_specs


def _keep_item_in_instance(task_spec) -> None:
    """A sequential multi-instance with an input item and no output item merges each finished instance's data,
    its input item included, into the activity; SpiffWorkflow then refuses to create the next instance
    ("Multiinstance input item … already exists") and the case is stuck after the first. The item belongs to
    its instance: it is dropped from the finished instance's data before the merge. Idempotent per spec."""
    if task_spec.input_item is None or task_spec.output_item is not None or "merge_child" in vars(task_spec):
        return
    original = type(task_spec).merge_child.__get__(task_spec)
    key = task_spec.input_item.bpmn_id

    def merge_child(workflow, child):
        child.data.pop(key, None)
        original(workflow, child)

    task_spec.merge_child = merge_child


def _keep_cycle_paths(join) -> None:
    """When the activity ends (completed, or interrupted by another boundary event), its join cancels the
    boundary events still waiting. A non-interrupting cycle timer is still waiting after it fired (it waits for
    its next repetition), and the paths each repetition started are its children in the task tree: SpiffWorkflow
    cancels a task together with its unfinished children, so the task a repetition had made ready ("remind the
    officer") vanished without being done, and the case could close while it was open. Such a timer is stopped
    here instead: it is marked cancelled and leaves the event manager (it fires no more), its copies of the
    join are cancelled as the join itself would, and the paths it started run on. Idempotent per spec."""
    if "_check_threshold_structured" in vars(join):
        return
    original = type(join)._check_threshold_structured.__get__(join)

    def check(my_task):
        finished, cancel = original(my_task)
        if finished:
            cycles = [t for t in cancel if _started_paths(t)]
            for task in cycles:
                _stop_keeping_paths(task)
            cancel = [t for t in cancel if t not in cycles]
        return finished, cancel

    join._check_threshold_structured = check


def _started_paths(task) -> bool:
    """A waiting cycle boundary event that has started a path (a child other than its copy of the join)."""
    definition = getattr(task.task_spec, "event_definition", None)
    return task.state == TaskState.WAITING and isinstance(definition, CycleTimerEventDefinition) and any(
        not isinstance(child.task_spec, BoundaryEventJoin) for child in task.children)


def _stop_keeping_paths(task) -> None:
    for child in list(task.children):
        if isinstance(child.task_spec, BoundaryEventJoin) and not child.has_state(TaskState.FINISHED_MASK):
            child._set_state(TaskState.CANCELLED)
            child._drop_children()
    task._set_state(TaskState.CANCELLED)
    task.workflow.top_workflow.event_manager.remove_task(task)
    task.task_spec.cancelled_event.emit(task.workflow, task)


def clear() -> None:
    with _lock:
        _cache.clear()
