"""The commands on an application. Each is one transaction: load with a version check, restore the
workflow, run it, write state and read models and audit, commit; events are published after commit."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from engine import events
from engine.audit import Actor, record
from engine.catalogue.confirm import CONFIRM_FORM_ID, confirmation_form
from engine.catalogue.forms import fee_decision, validate_answers
from engine.catalogue.services import APPLICANT
from engine.db import db, is_postgres
from engine.documents import check_references
from engine.errors import Conflict, DomainError, Forbidden, InvalidData, NotAllowed, NotFound
from engine.inputs import TextProblem, clean_text
from engine.jobs import hooks as job_hooks
from engine.models import Application, Centre, CentreService, Service, Task, User
from engine.models.application import CLOSED_STATUSES, TASK_READY
from engine.runtime import failures, readmodel, steps, store
from engine.runtime.actions import offered as offered_actions
from engine.runtime.specs import CompiledService, compiled
from engine.tracking import new_code


def local_today():
    """Today in Vientiane: the legal clock's day (engine.clock.today, one place for every command)."""
    from engine import clock

    return clock.today()


@contextmanager
def transaction(app_id: int | None = None, keep: bool = False):
    """Commit on success; on any failure roll back, forget cached state, publish nothing.

    `keep`: the objects the command holds are not expired by this commit, so the answer is built from them
    (they hold exactly what was just committed) instead of being read again."""
    try:
        yield
        session = db.session()
        if keep:
            session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
            for key in (readmodel.MILESTONE_ROWS, readmodel.APPLICANT_COLUMNS):  # this transaction's only
                session.info.pop(key, None)
    except BaseException as exc:
        db.session.rollback()
        events.discard()
        db.session.info.pop("odsc_after_commit_cache", None)
        for key in (readmodel.READY_ROWS, readmodel.MILESTONE_ROWS, readmodel.APPLICANT_COLUMNS):
            db.session.info.pop(key, None)
        if app_id:
            store.forget(app_id)
        if isinstance(exc, StaleDataError):  # the version check failed: someone else changed the case
            raise Conflict() from exc
        raise
    events.publish(events.take())


def _load_app(app_id: int) -> Application:
    stmt = select(Application).where(Application.id == app_id)
    if is_postgres():
        stmt = stmt.with_for_update()
    app = db.session.execute(stmt).scalar_one_or_none()
    if app is None:
        raise NotFound(what="application")
    return app


def _workflow(app: Application, service: CompiledService):
    hit = store.take(app.id, app.version)
    if hit is not None:
        return hit
    return store.load(app.id, service)


def _advance(workflow, app: Application, reached: list[str]) -> None:
    """Run engine steps after automatic work (the start of a case, a timer, a service task, a retry).

    Nobody is there to tell, so a failing gateway, script or condition becomes an incident on the
    application, naming the element by id and name. A person's action on a task goes through
    `steps.complete` instead, where the same failure rolls the whole command back (failures.StepFailed).
    """
    try:
        steps.run(workflow, reached)
        app.incident = None
    except SpiffWorkflowException as exc:
        failed = failures.describe(exc)
        app.incident = DomainError("script_failed", element=failed.params["element"],
                                   detail=failed.detail).message("en")
        events.emit("incident", application_id=app.id, element=failed.element, detail=failed.detail)


def _finish(app: Application, service: CompiledService, workflow, before: dict | None, reached: list[str],
            actor: Actor, completed_task_id: str | None = None) -> list[str]:
    entered = readmodel.sync(app, service.definition, workflow, reached, actor_id=actor.user_id,
                             completed_task_id=completed_task_id)
    job_hooks.after_step(app, service, workflow)  # engine.jobs: due timers and service tasks of this step
    from engine.certificates import after_step  # attach uploads; issue the certificate when ready/completed

    after_step(app, service.definition, workflow, actor, completed_task_id)
    prints = store.save(app.id, workflow, before)
    # one message per step: a step that passes several milestones tells the citizen where the case is now
    for milestone in entered[-1:]:
        events.emit("milestone", application_id=app.id, milestone=milestone)
    db.session.flush()  # bumps app.version (the mapper's version counter)
    db.session.info.setdefault("odsc_after_commit_cache", []).append((app.id, app.version, workflow, prints))
    return entered


def _cache_after_commit(app: Application | None = None) -> None:
    """Keep the workflow we just committed, so the next command on it need not restore it."""
    for app_id, version, workflow, prints in db.session.info.pop("odsc_after_commit_cache", []):
        store.remember(app_id, version, workflow, prints)


# ---- start ------------------------------------------------------------------------------------------

def start_application(*, service_id: str, centre_id: str, data: dict, actor: Actor, channel: str = "online",
                      locale: str = "lo", applicant_id: int | None = None) -> Application:
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotFound(what="centre")
    service_row = db.session.get(Service, service_id)
    if service_row is None or service_row.current_version_id is None:
        raise NotFound(what="service")
    if not centre.active:
        raise NotAllowed("centre_closed")
    offer = db.session.get(CentreService, (centre_id, service_id))
    if offer is None or not offer.active:
        raise NotAllowed("service_not_offered", service=service_row.name_lo if locale == "lo" else service_row.name_en)
    if channel == "desk" and (actor.kind != "staff" or actor.centre_id != centre_id):
        raise Forbidden()
    service = compiled(service_row.current_version_id)
    defn = service.definition
    form = defn["forms"][defn["application_form"]]
    clean, errors = validate_answers(form, data, locale)
    if not errors:
        clean, errors = check_references(form, clean, actor, None, locale)
    if errors:
        raise InvalidData(errors)
    fee = offer.fee_override if offer.fee_override is not None else defn["fee"]["amount"]
    from engine import clock

    due = clock.calendar_for(centre_id).add_working_days(local_today(), defn["time_limit_days"])
    for _attempt in range(5):
        app = Application(
            tracking_code=new_code(), service_id=service_id, service_version_id=service.version_id,
            centre_id=centre_id, applicant_id=applicant_id, registered_by_id=actor.user_id if channel == "desk" else None,
            channel=channel, locale=locale, fee_amount=fee, data=clean, due_date=due,
        )
        try:
            with transaction():
                db.session.add(app)
                db.session.flush()
                workflow = store.new_workflow(service)
                initial = {**clean, "fee_amount": fee, "centre_id": centre_id, "service_id": service_id}
                for task in workflow.get_tasks(state=TaskState.READY):
                    task.data.update(initial)
                reached: list[str] = []
                # the application itself is never lost: a process failing right at the start keeps it, with
                # an incident naming the element, for the supervisor to retry once the cause is fixed
                _advance(workflow, app, reached)
                _finish(app, service, workflow, None, reached, actor)
                record("application.started", actor, f"{service_id} at {centre_id} ({channel})",
                       application_id=app.id, centre_id=centre_id,
                       data={"tracking_code": app.tracking_code, "channel": channel,
                             "service_version": service.number})
                events.emit("application_started", application_id=app.id)
        except IntegrityError as exc:
            # a tracking code collision (1 in 2**50 per pair): try a fresh code
            if "tracking_code" not in str(exc.orig).lower():
                raise
            continue
        _cache_after_commit(app)
        return app
    raise Conflict()


# ---- task commands ----------------------------------------------------------------------------------

def can_act(actor: Actor, row: Task, app: Application) -> bool:
    if row.office_role == APPLICANT:
        return actor.kind == "citizen" and actor.user_id is not None and app.applicant_id == actor.user_id \
            or actor.kind == "staff" and actor.centre_id == row.centre_id and "front_desk" in actor.roles
    return actor.kind == "staff" and actor.centre_id == row.centre_id and (
        row.office_role in actor.roles or "supervisor" in actor.roles)


@cache
def _task_statement(postgres: bool):
    """The statement of `_task_for`, built once per process (building it, with its two aliases, cost more CPU
    than running it on SQLite); the task id is a bound parameter."""
    parent, applicant = aliased(Centre), aliased(User)
    stmt = (select(Task, Application, Centre, parent, Service, applicant.id, applicant.phone, applicant.username,
                   applicant.kind, applicant.email)
            .join(Application, Application.id == Task.application_id)
            .join(Centre, Centre.id == Application.centre_id).outerjoin(parent, parent.id == Centre.parent_id)
            .join(Service, Service.id == Application.service_id)
            .outerjoin(applicant, applicant.id == Application.applicant_id)
            .where(Task.id == bindparam("task_id")).execution_options(populate_existing=True))
    return stmt.with_for_update(of=(Task, Application)) if postgres else stmt


def _task_for(task_id: str, actor: Actor) -> tuple[Task, Application]:
    """The task and its application, the application locked first (PostgreSQL) so the task row read after it
    is current."""
    if not isinstance(task_id, str) or len(task_id) > 36:
        raise NotFound(what="task")
    # one statement: both rows locked on PostgreSQL, so a concurrent command's commit is seen in both (the
    # re-check after the lock wait returns the newest version of every locked row)
    # (with the centre and its parent: the province whose calendar the step's due dates count in)
    # and the service, which the answer names: held for the rest of the session (its identity map is weak)
    # and the applicant's addresses, which a milestone's message goes to
    found = db.session.execute(_task_statement(is_postgres()), {"task_id": task_id}).first()
    if found is None:
        raise NotFound(what="task")
    row, app, centre, above, service, applicant_id = found[:6]
    _remember_province(centre, above)
    held = db.session.info.setdefault("odsc_held", {})  # one entry per row: bounded in a long session
    held[("centre", centre.id)], held[("service", service.id)] = centre, service
    if applicant_id is not None:
        db.session.info.setdefault(readmodel.APPLICANT_COLUMNS, {})[app.id] = readmodel.Addresses(*found[6:])
    if not can_act(actor, row, app):
        if actor.kind == "staff" and actor.centre_id == row.centre_id or app.applicant_id == actor.user_id:
            raise Forbidden()
        raise NotFound(what="task")  # do not reveal other centres' tasks
    return row, app


def _remember_province(centre: Centre, above: Centre | None) -> None:
    """Tell engine.workdays the province of the centre just loaded, when the centre or its parent says it."""
    from engine import workdays

    if centre.level == "province":
        workdays.remember_province(centre.id, centre.id)
    elif centre.parent_id is None:
        workdays.remember_province(centre.id, None)
    elif above is not None and above.level == "province":
        workdays.remember_province(centre.id, above.id)


# "This task cannot be returned / rejected" in each language (engine.errors: action_not_allowed)
_ACTION_WORDS = {"return": {"lo": "ສົ່ງຄືນ", "en": "returned"}, "reject": {"lo": "ປະຕິເສດ", "en": "rejected"}}


def complete_task(task_id: str, actor: Actor, data: dict, *, action: str = "complete", reason: str | None = None,
                  expected_version: int | None = None, confirmed_amount=None) -> Application:
    """Complete a user task with its form's answers. `action` 'return' or 'reject' sets the form's decision.
    `confirmed_amount`: the paid amount (kip) the clerk confirmed although it is not the fee; the decision is
    engine.catalogue.forms.fee_decision, and the confirmation goes into the completion's audit event in the
    same transaction. Raises InvalidData (field errors, a different amount unconfirmed), Conflict, NotFound."""
    row, app = _task_for(task_id, actor)
    if expected_version is not None and expected_version != app.version:
        raise Conflict()
    if row.state != TASK_READY:
        raise Conflict("task_not_ready")
    if row.claimed_by_id and row.claimed_by_id != actor.user_id and "supervisor" not in actor.roles:
        other = db.session.get(User, row.claimed_by_id)
        raise Conflict("claimed_by_other", who=other.full_name or other.username if other else "?")
    service = compiled(app.service_version_id)
    form = service.definition["forms"].get(row.form_id) or (
        confirmation_form() if row.form_id == CONFIRM_FORM_ID else {"id": row.form_id, "fields": []})
    data = dict(data or {})
    # only what the process honours: a return or reject nothing routes by would be recorded and ignored
    offered = offered_actions(app.service_version_id, row.bpmn_id, form)
    if action in ("return", "reject"):
        if action not in offered:
            raise NotAllowed(action=_ACTION_WORDS[action])
        try:
            reason = clean_text(reason or "", long=True, max_length=2000)
        except TextProblem as exc:
            raise InvalidData({"reason": exc.text(actor.locale)}) from exc
        if not reason:
            raise InvalidData({"reason": DomainError("reason_required").message(actor.locale)})
        data.update(decision=action, reason=reason)
    elif action != "complete":
        raise NotAllowed(action=action)
    elif data.get("decision") in ("return", "reject") and data["decision"] not in offered:
        raise NotAllowed(action=_ACTION_WORDS[data["decision"]])
    # a form without a `reason` field still carries the clerk's reason (the applicant reads it): it is the
    # platform's, not an answer of the form, so it is kept beside the validated answers
    own_reason = action in ("return", "reject") and not any(f["name"] == "reason" for f in form["fields"])
    given_reason = data.pop("reason") if own_reason else None
    clean, errors = validate_answers(form, data, actor.locale)
    if own_reason and not errors:
        clean["reason"] = given_reason
    audit_note = None
    if not errors:
        # an amount other than the fee stands only when the clerk confirmed exactly that amount (audited)
        fee = fee_decision(form, clean, app.fee_amount or 0, confirmed_amount, actor.locale)
        errors, audit_note = fee.errors, fee.note
    if not errors:
        clean, errors = check_references(form, clean, actor, app.id, actor.locale)
    if errors:
        raise InvalidData(errors)
    with transaction(app.id, keep=True):
        workflow, before = _workflow(app, service)
        try:
            task = workflow.get_task_from_id(UUID(row.id))
        except Exception as exc:  # noqa: BLE001 - read model and state disagree: treat as stale
            raise Conflict("task_not_ready") from exc
        if task.state != TaskState.READY:
            raise Conflict("task_not_ready")
        reached: list[str] = []
        steps.complete(workflow, task, clean, reached)  # a failing gateway or script raises: nothing is kept
        app.incident = None
        _finish(app, service, workflow, before, reached, actor, completed_task_id=row.id)
        kind = {"complete": "task.completed", "return": "application.returned", "reject": "application.rejected"}
        record(kind[action], actor, f"{row.bpmn_id}", application_id=app.id, centre_id=app.centre_id,
               data={"task": row.bpmn_id, "form": row.form_id, "answers": _audit_safe(clean),
                     **({"confirmed": audit_note} if audit_note else {})})
        db.session.flush()
    _cache_after_commit(app)
    return app


def _audit_safe(answers: dict) -> dict:
    """Uploads are recorded by reference; everything else as given."""
    return {k: ({"document": v.get("id")} if isinstance(v, dict) else v) for k, v in answers.items()}


def return_to_citizen(task_id: str, actor: Actor, reason: str, data: dict | None = None, **kw) -> Application:
    return complete_task(task_id, actor, data or {}, action="return", reason=reason, **kw)


def reject(task_id: str, actor: Actor, reason: str, data: dict | None = None, **kw) -> Application:
    return complete_task(task_id, actor, data or {}, action="reject", reason=reason, **kw)


def resubmit(application_id: int, actor: Actor, data: dict) -> Application:
    """The citizen answers a 'missing documents' request: completes the waiting applicant task."""
    row = db.session.execute(select(Task).where(
        Task.application_id == application_id, Task.state == TASK_READY, Task.office_role == APPLICANT,
    )).scalars().first()
    if row is None:
        raise Conflict("task_not_ready")
    return complete_task(row.id, actor, data)


def claim(task_id: str, actor: Actor) -> Task:
    row, app = _task_for(task_id, actor)
    if row.state != TASK_READY:
        raise Conflict("task_not_ready")
    if row.claimed_by_id == actor.user_id:
        return row
    if row.claimed_by_id is not None:
        other = db.session.get(User, row.claimed_by_id)
        raise Conflict("claimed_by_other", who=other.full_name or other.username if other else "?")
    with transaction():
        updated = db.session.execute(
            Task.__table__.update()
            .where(Task.id == row.id, Task.claimed_by_id.is_(None), Task.state == TASK_READY)
            .values(claimed_by_id=actor.user_id)
        ).rowcount
        if updated != 1:
            raise Conflict("task_not_ready")
        record("task.claimed", actor, row.bpmn_id, application_id=app.id, centre_id=app.centre_id,
               data={"task": row.id})
    db.session.refresh(row)
    return row


def unclaim(task_id: str, actor: Actor) -> Task:
    row, app = _task_for(task_id, actor)
    if row.claimed_by_id is None:
        return row
    if row.claimed_by_id != actor.user_id and "supervisor" not in actor.roles:
        raise Forbidden()
    with transaction():
        row.claimed_by_id = None
        record("task.unclaimed", actor, row.bpmn_id, application_id=app.id, centre_id=app.centre_id,
               data={"task": row.id})
    return row


def reassign(task_id: str, actor: Actor, to_user_id: int) -> Task:
    row, app = _task_for(task_id, actor)
    if "supervisor" not in actor.roles or actor.centre_id != row.centre_id:
        raise Forbidden()
    if row.state != TASK_READY:
        raise Conflict("task_not_ready")
    target = db.session.get(User, to_user_id)
    if target is None or not target.active or target.centre_id != row.centre_id or target.kind != "staff":
        raise NotFound(what="staff member")
    if row.office_role not in target.role_names:
        raise InvalidData({"user": DomainError("user_lacks_role", user=target.full_name or target.username,
                                               role=row.office_role).message(actor.locale)})
    with transaction():
        before = row.claimed_by_id
        row.claimed_by_id = target.id
        record("task.reassigned", actor, f"{row.bpmn_id} -> {target.username}", application_id=app.id,
               centre_id=app.centre_id, data={"task": row.id, "before": before, "after": target.id})
        events.emit("task_assigned", task_id=row.id, user_id=target.id)
    return row


def cancel(application_id: int, actor: Actor, reason: str) -> Application:
    app = _load_app(application_id)
    owner = actor.kind == "citizen" and app.applicant_id == actor.user_id
    supervisor = actor.kind == "staff" and actor.centre_id == app.centre_id and "supervisor" in actor.roles
    if not (owner or supervisor):
        raise NotFound(what="application") if actor.centre_id != app.centre_id and not owner else Forbidden()
    if app.status in CLOSED_STATUSES:
        raise NotAllowed("application_closed")
    if not (reason or "").strip():
        raise InvalidData({"reason": DomainError("reason_required").message(actor.locale)})
    service = compiled(app.service_version_id)
    with transaction(app.id):
        workflow, before = _workflow(app, service)
        workflow.cancel()
        readmodel.cancel_all(app)
        store.save(app.id, workflow, before)
        record("application.cancelled", actor, reason.strip(), application_id=app.id, centre_id=app.centre_id,
               data={"reason": reason.strip()})
        events.emit("milestone", application_id=app.id, milestone="cancelled")
    store.forget(app.id)
    return app


def add_comment(application_id: int, actor: Actor, text: str) -> None:
    app = db.session.get(Application, application_id)
    if app is None or actor.kind != "staff" or actor.centre_id != app.centre_id:
        raise NotFound(what="application")
    try:
        text = clean_text(text or "", long=True, max_length=4000)
    except TextProblem as exc:
        raise InvalidData({"text": exc.text(actor.locale)}) from exc
    if not text:
        raise InvalidData({"text": DomainError("reason_required").message(actor.locale)})
    with transaction():
        record("comment", actor, text, application_id=app.id, centre_id=app.centre_id, data={"text": text})
