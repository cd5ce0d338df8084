"""Every engine command, run as SpiffWorkflow's own tests do: state restored from the database at each step."""
from __future__ import annotations

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.db import db
from engine.errors import Conflict, Forbidden, InvalidData, NotAllowed, NotFound
from engine.models import Application, AuditEvent, MilestoneEvent, Task, WorkflowTaskState
from engine.models.application import TASK_CANCELLED, TASK_COMPLETED
from engine.runtime import commands, store
from engine.runtime.specs import compiled
from tests.engine.helpers import APPROVE_PATH, actor, ready_task, start_residence


def restored_equals_live(app_id: int) -> None:
    """The workflow rebuilt from the stored rows is the one the engine has in memory."""
    app = db.session.get(Application, app_id)
    hit = store.peek(app.id, app.version)
    assert hit is not None, "the committed workflow should be cached for the next command"
    live = store.SERIALIZER.to_dict(hit[0])
    store.forget(app.id)
    restored = store.SERIALIZER.to_dict(store.restore(app.id, compiled(app.service_version_id)))
    for key in ("spec", "subprocess_specs"):
        live.pop(key), restored.pop(key)
    assert restored == live


def test_start_gives_a_tracking_code_due_date_and_first_task(ctx):
    app = start_residence()
    assert len(app.tracking_code) == 10
    assert app.status == "submitted" and app.milestone == "received"
    assert app.due_date is not None and app.fee_amount == 25000
    task = ready_task(app.id)
    assert (task.bpmn_id, task.office_role, task.form_id) == ("Task_Check", "front_desk", "document_check")
    assert db.session.query(AuditEvent).filter_by(application_id=app.id, kind="application.started").count() == 1
    restored_equals_live(app.id)


def test_start_rejects_invalid_answers_in_lao_and_writes_nothing(ctx):
    before = db.session.query(Application).count()
    with pytest.raises(InvalidData) as info:
        start_residence(phone="12", birth_date="yesterday", applicant_name="")
    assert set(info.value.errors) >= {"phone", "birth_date", "applicant_name"}
    assert "ເບີໂທ" in info.value.errors["phone"]
    assert db.session.query(Application).count() == before


def test_start_refuses_a_service_the_centre_does_not_offer(ctx):
    citizen = actor("02055551234")
    with pytest.raises(NotAllowed) as info:
        commands.start_application(service_id="residence_certificate", centre_id="moha", data={}, actor=citizen)
    assert info.value.code == "service_not_offered"


def test_full_journey_with_return_loop_restoring_at_each_step(ctx):
    app = start_residence()
    first = ready_task(app.id)
    commands.return_to_citizen(first.id, actor("desk.xs"), "ຂາດສຳເນົາປື້ມສຳມະໂນຄົວ")
    restored_equals_live(app.id)
    assert db.session.get(Application, app.id).status == "returned"
    answer = ready_task(app.id)
    assert answer.office_role == "applicant"
    commands.resubmit(app.id, actor("02055551234"), {"response": "ສົ່ງສຳເນົາແລ້ວ"})
    restored_equals_live(app.id)
    for username, bpmn_id, answers in APPROVE_PATH:
        store.clear_cache()  # force a restore from the database before every step
        task = ready_task(app.id)
        assert task.bpmn_id == bpmn_id
        commands.complete_task(task.id, actor(username), answers)
        if bpmn_id != "Task_Issue":
            restored_equals_live(app.id)
    app = db.session.get(Application, app.id)
    assert app.status == "completed" and app.milestone == "completed" and app.completed_at
    steps = [m.milestone for m in db.session.query(MilestoneEvent).filter_by(application_id=app.id)
             .order_by(MilestoneEvent.id)]
    assert steps == ["received", "returned", "received", "in_review", "payment", "ready", "completed"]
    kinds = [e.kind for e in db.session.query(AuditEvent).filter_by(application_id=app.id).order_by(AuditEvent.id)]
    assert kinds[:3] == ["application.started", "application.returned", "task.completed"]
    assert db.session.query(Task).filter_by(application_id=app.id, state=TASK_COMPLETED).count() == 7


def test_reject_ends_the_application_with_the_reason(ctx):
    app = start_residence()
    commands.reject(ready_task(app.id).id, actor("desk.xs"), "ເອກະສານປອມ")
    app = db.session.get(Application, app.id)
    assert app.status == "rejected" and app.milestone == "rejected"
    event = db.session.query(AuditEvent).filter_by(application_id=app.id, kind="application.rejected").one()
    assert event.data["answers"]["reason"] == "ເອກະສານປອມ"


def test_return_needs_a_reason_and_a_form_that_allows_it(ctx):
    app = start_residence()
    task = ready_task(app.id)
    with pytest.raises(InvalidData) as info:
        commands.return_to_citizen(task.id, actor("desk.xs"), "  ")
    assert "reason" in info.value.errors
    for username, _bpmn, answers in APPROVE_PATH[:3]:
        commands.complete_task(ready_task(app.id).id, actor(username), answers)
    payment = ready_task(app.id)
    assert payment.form_id == "fee_payment"
    with pytest.raises(NotAllowed):
        commands.return_to_citizen(payment.id, actor("cashier.xs"), "no decision on this form")


def test_completion_validates_the_task_form(ctx):
    app = start_residence()
    task = ready_task(app.id)
    with pytest.raises(InvalidData) as info:
        commands.complete_task(task.id, actor("desk.xs"), {"decision": "maybe", "extra": 1})
    assert set(info.value.errors) == {"decision", "extra"}
    assert ready_task(app.id).id == task.id


def test_claim_unclaim_and_claimed_by_other(ctx):
    app = start_residence()
    task = ready_task(app.id)
    commands.claim(task.id, actor("desk.xs"))
    assert db.session.get(Task, task.id).claimed_by_id == actor("desk.xs").user_id
    with pytest.raises(Conflict) as info:
        commands.claim(task.id, actor("supervisor.xs"))
    assert info.value.code == "claimed_by_other"
    with pytest.raises(Conflict) as info:
        commands.complete_task(task.id, actor("supervisor.xs").__class__(
            None, "another clerk", "staff", "xaysettha", frozenset({"front_desk"})), {"decision": "approve"})
    assert info.value.code == "claimed_by_other"
    commands.unclaim(task.id, actor("desk.xs"))
    assert db.session.get(Task, task.id).claimed_by_id is None


def test_supervisor_reassigns_to_a_colleague_with_the_role(ctx):
    app = start_residence()
    task = ready_task(app.id)
    desk = actor("desk.xs")
    commands.reassign(task.id, actor("supervisor.xs"), desk.user_id)
    assert db.session.get(Task, task.id).claimed_by_id == desk.user_id
    with pytest.raises(InvalidData):
        commands.reassign(task.id, actor("supervisor.xs"), actor("cashier.xs").user_id)
    with pytest.raises(Forbidden):
        commands.reassign(task.id, actor("desk.xs"), desk.user_id)


def test_other_centre_and_wrong_role_cannot_act(ctx):
    app = start_residence()
    task = ready_task(app.id)
    with pytest.raises(NotFound):
        commands.complete_task(task.id, actor("desk.ctb"), {"decision": "approve"})
    with pytest.raises(Forbidden):
        commands.complete_task(task.id, actor("cashier.xs"), {"decision": "approve"})
    with pytest.raises(NotFound):
        commands.claim("no-such-task", actor("desk.xs"))
    assert ready_task(app.id).id == task.id


def test_a_stale_version_is_a_conflict(ctx):
    app = start_residence()
    task = ready_task(app.id)
    with pytest.raises(Conflict):
        commands.complete_task(task.id, actor("desk.xs"), {"decision": "approve"}, expected_version=app.version - 1)
    commands.complete_task(task.id, actor("desk.xs"), {"decision": "approve"}, expected_version=app.version)


def test_completing_a_task_twice_is_a_clear_conflict(ctx):
    app = start_residence()
    task = ready_task(app.id)
    commands.complete_task(task.id, actor("desk.xs"), {"decision": "approve"})
    with pytest.raises(Conflict) as info:
        commands.complete_task(task.id, actor("desk.xs"), {"decision": "approve"})
    assert info.value.code == "task_not_ready"
    assert "no longer waiting" in info.value.message("en")


def test_cancel_by_the_applicant(ctx):
    app = start_residence()
    commands.cancel(app.id, actor("02055551234"), "ບໍ່ຕ້ອງການແລ້ວ")
    app = db.session.get(Application, app.id)
    assert app.status == "cancelled"
    assert db.session.query(Task).filter_by(application_id=app.id, state=TASK_CANCELLED).count() == 1
    with pytest.raises(NotAllowed):
        commands.cancel(app.id, actor("02055551234"), "again")


def test_comment_is_recorded_for_the_centre_only(ctx):
    app = start_residence()
    commands.add_comment(app.id, actor("officer.xs"), "ໂທຫາຜູ້ຍື່ນແລ້ວ")
    assert db.session.query(AuditEvent).filter_by(application_id=app.id, kind="comment").one().summary
    with pytest.raises(NotFound):
        commands.add_comment(app.id, actor("desk.ctb"), "not my centre")


def test_a_step_writes_only_the_tasks_it_changed(ctx):
    """After many return loops the number of task rows written per step stays small."""
    from sqlalchemy import event

    app = start_residence()
    for _ in range(10):
        commands.return_to_citizen(ready_task(app.id).id, actor("desk.xs"), "missing")
        commands.resubmit(app.id, actor("02055551234"), {"response": "ok"})
    total = db.session.query(WorkflowTaskState).filter_by(application_id=app.id).count()
    written = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "workflow_task_state" in statement and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            written.append(len(parameters) if executemany else 1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        commands.return_to_citizen(ready_task(app.id).id, actor("desk.xs"), "missing")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert total > 30
    assert 0 < sum(written) <= 12, (sum(written), total)


def test_a_closed_case_keeps_its_workflow_in_one_row(ctx):
    """Completed, rejected or cancelled, a case's task tree is compacted into its workflow row (no task rows
    left), and the workflow restored from that row is exactly the one the engine had."""
    from engine.models import WorkflowState

    def task_rows(app_id: int) -> int:
        return db.session.query(WorkflowTaskState).filter_by(application_id=app_id).count()

    done = start_residence()
    for username, _bpmn_id, answers in APPROVE_PATH:
        assert task_rows(done.id) > 0  # a running case keeps one row per task
        commands.complete_task(ready_task(done.id).id, actor(username), answers)
    rejected = start_residence()
    commands.reject(ready_task(rejected.id).id, actor("desk.xs"), "ເອກະສານປອມ")
    cancelled = start_residence()
    commands.cancel(cancelled.id, actor("02055551234"), "ບໍ່ຕ້ອງການແລ້ວ")
    for app_id in (done.id, rejected.id):
        assert task_rows(app_id) == 0
        assert db.session.get(WorkflowState, app_id).meta["tasks"]
        restored_equals_live(app_id)
    assert task_rows(cancelled.id) == 0
    workflow = store.restore(cancelled.id, compiled(db.session.get(Application, cancelled.id).service_version_id))
    assert workflow.is_completed() and not workflow.get_tasks(state=TaskState.READY)
