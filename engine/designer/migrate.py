"""Moving waiting applications of a centre from an old service version to a newer one.

SpiffWorkflow's diff (`SpiffWorkflow.bpmn.util.diff`) aligns the old process with the new one. A workflow is
moved only when that is safe: no step it went through or waits in was removed, no waiting step changes its
kind, subprocesses still exist, the new waiting steps have an office at the centre, and the moved workflow
runs. Otherwise it stays on its version and the reason is reported. Each move is audited.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select

from engine.audit import Actor, record
from engine.db import db
from engine.errors import DomainError, Forbidden, NotFound
from engine.models import Application, Centre, Service, ServiceVersion, Task
from engine.models.application import CLOSED_STATUSES, TASK_READY
from engine.models.designer import VersionMigration
from engine.models.workflow import WorkflowState, WorkflowTaskState
from engine.runtime import readmodel, steps, store
from engine.runtime.failures import explain
from engine.runtime.specs import compiled

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


class MigrationRefused(DomainError):
    code, status = "migration_refused", 409

    def message(self, locale: str = "lo") -> str:
        reason = self.params.get("reason", "")
        return (f"ບໍ່ສາມາດຍ້າຍໄປສະບັບໃໝ່: {reason}" if locale == "lo"
                else f"Cannot move to the new version: {reason}")


def _require_supervisor(actor: Actor, centre_id: str) -> None:
    if actor.kind != "staff" or "supervisor" not in actor.roles or actor.centre_id != centre_id:
        raise Forbidden()


def waiting(centre_id: str, service_id: str | None = None) -> list[dict]:
    """Open applications of the centre that are on an older version than their service's current one."""
    stmt = (select(Application, Service, ServiceVersion)
            .join(Service, Service.id == Application.service_id)
            .join(ServiceVersion, ServiceVersion.id == Application.service_version_id)
            .where(Application.centre_id == centre_id, Application.status.not_in(CLOSED_STATUSES),
                   Application.service_version_id != Service.current_version_id)
            .order_by(Application.service_id, Application.id))
    if service_id:
        stmt = stmt.where(Application.service_id == service_id)
    out = []
    for app, service, version in db.session.execute(stmt).all():
        out.append({"application": app, "service": service, "version": version,
                    "current": db.session.get(ServiceVersion, service.current_version_id)})
    return out


def _names(tasks) -> str:
    return ", ".join(sorted({readmodel.bpmn_id(t) for t in tasks}))


def check(workflow, old, new, centre: Centre) -> tuple[str | None, object]:
    """(reason to refuse or None, WorkflowDiff) for moving `workflow` from version `old` to `new`."""
    spec_diff = SpecDiff(store._registry, workflow.spec, new.spec)
    diff = WorkflowDiff(workflow, spec_diff)
    if diff.removed:
        return f"steps no longer in version {new.number}: {_names(diff.removed)}", diff
    for sp in workflow.subprocesses.values():
        if sp.spec.name not in new.subprocess_specs:
            return f"subprocess {sp.spec.name} is not in version {new.number}", diff
        sub_diff = WorkflowDiff(sp, SpecDiff(store._registry, sp.spec, new.subprocess_specs[sp.spec.name]))
        if sub_diff.removed:
            return f"steps no longer in version {new.number}: {_names(sub_diff.removed)}", diff
    for task in diff.changed:
        if task.state & ACTIVE and "typename" in spec_diff.changed.get(task.task_spec, []):
            return f"the waiting step {readmodel.bpmn_id(task)} changes its kind", diff
    covered = {role for office in centre.offices for role in office.roles} | {"applicant"}
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        target = diff.alignment.get(task)
        element = getattr(target, "bpmn_id", None) if target is not None else None
        role = new.definition["tasks"].get(element or "", {}).get("role")
        if role and role not in covered:
            return f"no office of the centre has the role {role} for {element}", diff
    return None, diff


def migrate_application(app: Application, new, centre: Centre, actor: Actor) -> str | None:
    """Move one application; returns None when moved, or the reason it was not. Caller commits per item."""
    old = compiled(app.service_version_id)
    workflow = store.restore(app.id, old)
    reason, diff = check(workflow, old, new, centre)
    if reason:
        return reason
    ready_before = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    migrate_workflow(diff, workflow, new.spec)
    for sp in list(workflow.subprocesses.values()):
        sub_diff = WorkflowDiff(sp, SpecDiff(store._registry, sp.spec, new.subprocess_specs[sp.spec.name]))
        migrate_workflow(sub_diff, sp, new.subprocess_specs[sp.spec.name])
    workflow.subprocess_specs = new.subprocess_specs
    reached: list[str] = []
    try:
        steps.run(workflow, reached)
    except Exception as exc:  # noqa: BLE001 - the moved workflow must run; otherwise it stays where it was
        return f"the process does not run on version {new.number}: {explain(exc)}"
    # rewrite the stored state from scratch: every task now names a spec of the new version
    db.session.execute(delete(WorkflowTaskState).where(WorkflowTaskState.application_id == app.id))
    db.session.execute(delete(WorkflowState).where(WorkflowState.application_id == app.id))
    db.session.flush()
    store.save(app.id, workflow, None)
    # waiting tasks that kept their id keep their row (and claim), with the new step's role and form
    ready_now = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    for row in db.session.execute(select(Task).where(Task.application_id == app.id,
                                                     Task.state == TASK_READY)).scalars():
        task = ready_now.get(row.id)
        if task is not None:
            element = readmodel.bpmn_id(task)
            meta = new.definition["tasks"].get(element, {})
            row.bpmn_id, row.office_role, row.form_id = element, meta.get("role") or "", meta.get("form")
    from_version = old.number
    app.service_version_id = new.version_id
    readmodel.sync(app, new.definition, workflow, [r for r in reached if r], actor_id=actor.user_id)
    record("application.migrated", actor, f"{app.service_id} v{from_version} -> v{new.number}",
           application_id=app.id, centre_id=app.centre_id,
           data={"service": app.service_id, "from_version": from_version, "to_version": new.number,
                 "waiting_before": sorted(ready_before), "waiting_after": sorted(ready_now)})
    return None


def migrate(centre_id: str, service_id: str, from_version_id: int, actor: Actor,
            application_ids: list[int] | None = None) -> VersionMigration:
    """Move the centre's open applications of `from_version_id` to the service's current version.

    Each application is its own transaction: one refused application does not hold back the others.
    """
    _require_supervisor(actor, centre_id)
    centre = db.session.get(Centre, centre_id)
    service = db.session.get(Service, service_id)
    source = db.session.get(ServiceVersion, from_version_id)
    if centre is None or service is None or source is None or source.service_id != service_id:
        raise NotFound(what="service version")
    if service.current_version_id == from_version_id:
        raise MigrationRefused(reason="this is already the current version")
    new = compiled(service.current_version_id)
    stmt = select(Application.id).where(
        Application.centre_id == centre_id, Application.service_id == service_id,
        Application.service_version_id == from_version_id, Application.status.not_in(CLOSED_STATUSES))
    if application_ids is not None:
        stmt = stmt.where(Application.id.in_(application_ids))
    ids = list(db.session.execute(stmt.order_by(Application.id)).scalars())
    moved, refused = [], {}
    for app_id in ids:
        try:
            app = db.session.get(Application, app_id)
            reason = migrate_application(app, new, centre, actor)
            if reason:
                db.session.rollback()
                refused[str(app_id)] = reason
                continue
            db.session.commit()
            moved.append(app_id)
        except DomainError as exc:
            db.session.rollback()
            refused[str(app_id)] = exc.message(actor.locale)
        except Exception as exc:  # noqa: BLE001 - report per application, keep the others going
            db.session.rollback()
            refused[str(app_id)] = explain(exc)
        finally:
            store.forget(app_id)
    run = VersionMigration(service_id=service_id, centre_id=centre_id, from_version_id=from_version_id,
                           to_version_id=new.version_id, actor_id=actor.user_id, actor_name=actor.name,
                           migrated=moved, refused=refused)
    db.session.add(run)
    record("designer.migration", actor, f"{service_id} v{source.number} -> v{new.number}: {len(moved)} moved, "
                                        f"{len(refused)} refused", centre_id=centre_id,
           data={"service": service_id, "from_version": source.number, "to_version": new.number,
                 "moved": moved, "refused": refused})
    db.session.commit()
    return run
