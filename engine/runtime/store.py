"""Workflow persistence: a row of workflow-level state plus one row per SpiffWorkflow task.

A step writes only the tasks it changed (found by comparing a cheap fingerprint of each task), so its
cost stays flat however many loops an application went through. Restored workflows are kept in a small
per-process cache keyed by the application's version: a hit is valid only while nobody else has written.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.db import db
from engine.errors import DomainError
from engine.models.workflow import FORMAT_VERSION, WorkflowState, WorkflowTaskState
from engine.runtime.specs import CompiledService, script_engine

SERIALIZER = BpmnWorkflowSerializer()
_registry = SERIALIZER.registry

_STATE = WorkflowState.__table__
_TASKS = WorkflowTaskState.__table__

_UPSERTS: dict[str, object] = {}


def _upsert_tasks(dialect: str):
    """INSERT … ON CONFLICT (application_id, task_id) DO UPDATE SET body (SQLite and PostgreSQL alike)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        ins = insert(_TASKS)
        stmt = _UPSERTS[dialect] = ins.on_conflict_do_update(
            index_elements=[_TASKS.c.application_id, _TASKS.c.task_id], set_={"body": ins.excluded.body})
    return stmt


_CACHE_MAX = 512
_cache: OrderedDict[int, tuple[int, BpmnWorkflow, dict]] = OrderedDict()
_cache_lock = threading.Lock()


_SETTLED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR


def fingerprint(task) -> tuple:
    """What a save compares to find the tasks it must write.

    State, last change, children and `triggered` catch what running a task does. A live task's data and
    internal data change too without any of those changing: a multi-instance or loop task merges each
    finished instance into its own data and its `merged` list while it stays STARTED. Missing that write
    loses every instance's answer but the last one after a restore, so live tasks also carry a digest of
    both. Settled tasks are never changed again, and skipping their digests keeps the save's cost flat
    however long the history is.
    """
    base = (task.state, task.last_state_change, len(task._children), task.triggered)
    if task.state & _SETTLED:
        return base
    return (*base, hash(repr(task.data)), hash(repr(task.internal_data)))


class Snapshot(dict):
    """Fingerprints of every task after a save, plus the next free restore sequence number; `compact`: the
    tasks are stored in the workflow row (a closed case), not as task rows."""

    next_seq: int = 0
    compact: bool = False


def fingerprints(workflow: BpmnWorkflow, next_seq: int = 0) -> Snapshot:
    snap = Snapshot((tid, fingerprint(task)) for tid, task in workflow.tasks.items())
    snap.next_seq = next_seq
    return snap


def _meta(workflow: BpmnWorkflow) -> dict:
    return {
        "data": _registry.convert(_registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "root": str(workflow.task_tree.id),
        "subprocesses": {str(k): _registry.convert(sp) for k, sp in workflow.subprocesses.items()},
        "bpmn_events": _registry.convert(workflow.bpmn_events),
    }


def new_workflow(service: CompiledService) -> BpmnWorkflow:
    return BpmnWorkflow(service.spec, service.subprocess_specs, script_engine=script_engine())


def save(application_id: int, workflow: BpmnWorkflow, before: Snapshot | None) -> Snapshot:
    """Write what changed since `before` (the snapshot taken at restore or at the last save).

    A closed workflow (completed, rejected, cancelled: nothing will run in it again) is compacted: its whole
    task tree goes into the workflow row and its task rows are deleted, one row per case instead of one per
    task. `load` restores either layout."""
    if workflow.is_completed():
        return _save_compact(application_id, workflow, before)
    if before is not None and before.compact:  # never reached today: a closed case does not run again
        before = None
        db.session.connection().execute(_STATE.delete().where(_STATE.c.application_id == application_id))
    after = fingerprints(workflow)
    changed = [tid for tid, fp in after.items() if before is None or before.get(tid) != fp]
    # a child's data is stored as a delta against its parent: rewrite children of changed tasks too
    extra = set()
    for tid in changed:
        extra.update(workflow.tasks[tid]._children)
    changed_set = set(changed) | {c for c in extra if c in after}
    removed = [tid for tid in (before or {}) if tid not in after]
    seq = before.next_seq if before is not None else 0
    known = before or {}
    rows = []
    # insertion order of workflow.tasks puts parents before children; a known task keeps its row's seq (the
    # upsert below changes only the body of an existing row, so the 0 given for it is never stored)
    for tid in workflow.tasks:
        if tid not in changed_set:
            continue
        body = _registry.convert(workflow.tasks[tid])
        if tid in known:
            rows.append({"application_id": application_id, "task_id": str(tid), "seq": 0, "body": body})
        else:
            rows.append({"application_id": application_id, "task_id": str(tid), "seq": seq, "body": body})
            seq += 1
    meta = _meta(workflow)
    # Core statements on the session's connection: the ORM's bulk machinery costs more than the SQL here
    conn = db.session.connection()
    if before is None:
        conn.execute(_STATE.insert(), [{
            "application_id": application_id, "format_version": FORMAT_VERSION,
            "serializer_version": SERIALIZER_VERSION, "meta": meta, "next_seq": seq}])
    else:
        conn.execute(_STATE.update().where(_STATE.c.application_id == application_id)
                     .values(meta=meta, next_seq=seq))
    if rows:  # new and changed task rows in one statement
        conn.execute(_upsert_tasks(conn.dialect.name), rows)
    after.next_seq = seq
    if removed:
        conn.execute(_TASKS.delete().where(_TASKS.c.application_id == application_id,
                                           _TASKS.c.task_id.in_([str(t) for t in removed])))
    return after


def _save_compact(application_id: int, workflow: BpmnWorkflow, before: Snapshot | None) -> Snapshot:
    """The closed workflow in its one row: meta plus every task (parents before children), no task rows."""
    after = fingerprints(workflow)
    after.compact = True
    meta = _meta(workflow)
    meta["tasks"] = [_registry.convert(task) for task in workflow.tasks.values()]
    conn = db.session.connection()
    if before is None:
        conn.execute(_STATE.insert(), [{
            "application_id": application_id, "format_version": FORMAT_VERSION,
            "serializer_version": SERIALIZER_VERSION, "meta": meta, "next_seq": 0}])
    else:
        conn.execute(_STATE.update().where(_STATE.c.application_id == application_id).values(meta=meta, next_seq=0))
        if not before.compact:
            conn.execute(_TASKS.delete().where(_TASKS.c.application_id == application_id))
    return after


def restore(application_id: int, service: CompiledService) -> BpmnWorkflow:
    """The workflow rebuilt from its stored rows (a private copy)."""
    return load(application_id, service)[0]


def load(application_id: int, service: CompiledService) -> tuple[BpmnWorkflow, Snapshot]:
    """The workflow and the snapshot `save` needs to write only what the next step changes."""
    state = db.session.get(WorkflowState, application_id)
    if state is None or state.format_version != FORMAT_VERSION:
        raise DomainError("not_found", what=f"workflow state of application {application_id}")
    meta = state.meta
    compact = "tasks" in meta  # a closed case: its tasks are in the workflow row (see _save_compact)
    rows = meta["tasks"] if compact else db.session.execute(
        select(WorkflowTaskState.body).where(WorkflowTaskState.application_id == application_id)
        .order_by(WorkflowTaskState.seq)
    ).scalars()
    workflow = BpmnWorkflow(service.spec, service.subprocess_specs, script_engine=script_engine(),
                            deserializing=True)
    for body in rows:
        _registry.restore(body, workflow=workflow)
    workflow.task_tree = workflow.tasks[UUID(meta["root"])]
    workflow.success = meta["success"]
    workflow.completed = meta.get("completed", False)
    workflow.correlations = meta.get("correlations", {})
    if meta.get("last_task"):
        workflow.last_task = workflow.tasks.get(UUID(meta["last_task"]))
    workflow.data = _registry.restore(meta.get("data", {}))
    _restore_subprocesses(dict(meta.get("subprocesses") or {}), workflow, workflow)
    workflow.bpmn_events = _registry.restore(meta.get("bpmn_events", []))
    snapshot = fingerprints(workflow, state.next_seq)
    snapshot.compact = compact
    return workflow, snapshot


def _restore_subprocesses(dct: dict, parent, top) -> None:
    for task in list(parent.tasks.values()):
        if isinstance(task.task_spec, SubWorkflowTask) and str(task.id) in dct:
            sp = _registry.restore(dct.pop(str(task.id)), task=task, top_workflow=top)
            top.subprocesses[task.id] = sp
            sp.completed_event.connect(task.task_spec._on_subworkflow_completed, task)
            _restore_subprocesses(dct, sp, top)


# ---- per-process cache of restored workflows ----------------------------------------------------------

def take(application_id: int, version: int):
    """Hand the cached workflow to one caller only: a concurrent command on the same application restores its
    own copy from the database, so two threads never mutate one object. Put back by `remember` after commit."""
    with _cache_lock:
        hit = _cache.pop(application_id, None)
    if hit is not None and hit[0] == version:
        return hit[1], hit[2]
    return None


def peek(application_id: int, version: int):
    """The cached workflow without taking it (tests and diagnostics)."""
    with _cache_lock:
        hit = _cache.get(application_id)
    return (hit[1], hit[2]) if hit is not None and hit[0] == version else None


def remember(application_id: int, version: int, workflow: BpmnWorkflow, prints: dict) -> None:
    with _cache_lock:
        _cache[application_id] = (version, workflow, prints)
        _cache.move_to_end(application_id)
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)


def forget(application_id: int) -> None:
    with _cache_lock:
        _cache.pop(application_id, None)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
