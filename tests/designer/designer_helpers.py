"""Helpers of the designer tests: logging in as a demo account, the files of a test scenario, zips."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def scenario_files(name: str) -> list[tuple[str, bytes]]:
    """The files of tests/designer/data/<name>/ as (path inside the service folder, bytes)."""
    root = DATA / name
    return [(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()]


def with_condition(files: list[tuple[str, bytes]], flow: str, text: bytes) -> list[tuple[str, bytes]]:
    """`files` with the condition expression of sequence flow `flow` replaced by `text` (XML-escaped)."""
    import re

    pattern = rb'(<bpmn:sequenceFlow id="' + re.escape(flow.encode()) + rb'"[^>]*>\s*<bpmn:conditionExpression[^>]*>)[^<]*'
    return [(name, re.sub(pattern, lambda m: m.group(1) + text, data)) for name, data in files]


def failing_at_run_time() -> list[tuple[str, bytes]]:
    """camunda_modeler_v3 with gateway conditions every check accepts but that divide by zero when run: the
    upload passes, and only running the process (the dry run) finds the fault."""
    files = with_condition(scenario_files("camunda_modeler_v3"), "Flow_Check_Return",
                           b"${fee_amount / (fee_amount - fee_amount) > 1}")
    return with_condition(files, "Flow_Check_Reject", b"${fee_amount &lt; 0}")


def make_zip(files: list[tuple[str, bytes]], folder: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(f"{folder}/{name}" if folder else name, data)
    return buf.getvalue()


def login(client, username: str) -> None:
    from engine import sessions
    from engine.db import db
    from engine.models import User

    with client.application.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        uid, epoch = user.id, user.session_epoch
        sid = sessions.start(uid)  # a real server-side session, as the login form makes
    with client.session_transaction() as session:
        session.clear()
        session["sid"] = sid
        session["uid"] = uid
        session["epoch"] = epoch
        session["lang"] = "en"


def upload(client, files: list[tuple[str, bytes]]):
    """POST files to the designer's upload form as a browser does."""
    data = {"files": [(io.BytesIO(content), name.rsplit("/", 1)[-1]) for name, content in files]}
    return client.post("/designer/upload", data=data, content_type="multipart/form-data")


def audit_kinds(app, kind: str) -> list:
    from engine.db import db
    from engine.models import AuditEvent

    with app.app_context():
        return [(e.kind, e.summary, e.data) for e in db.session.query(AuditEvent).filter_by(kind=kind)
                .order_by(AuditEvent.id)]


ROLE_USERS = {"front_desk": "desk.xs", "approver": "approver.xs", "cashier": "cashier.xs",
              "public_works_officer": "officer.xs", "applicant": "desk.xs"}


def actor(username: str):
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import User

    return actor_for(db.session.query(User).filter_by(username=username).one())


def ready_tasks(app_id: int) -> list:
    from engine.db import db
    from engine.models import Task

    return db.session.query(Task).filter_by(application_id=app_id, state="ready").order_by(Task.created_at).all()


def complete_next(app_id: int, decision: str | None = None) -> str:
    """Complete the first waiting task of the application as the demo user of its role; return its BPMN id."""
    from engine import documents
    from engine.db import db
    from engine.designer.dryrun import sample_answers
    from engine.models import Application
    from engine.runtime.commands import complete_task
    from engine.runtime.specs import compiled

    task = ready_tasks(app_id)[0]
    application = db.session.get(Application, app_id)
    form = compiled(application.service_version_id).definition["forms"].get(task.form_id)
    answers = sample_answers(form)
    who = actor(ROLE_USERS[task.office_role])
    for field in (form or {}).get("fields", []):
        if field.get("equals_fee"):
            answers[field["name"]] = application.fee_amount or 0  # the cashier records the fee
        elif field["type"] == "file":
            answers[field["name"]] = documents.store(b"%PDF-1.4\n%%EOF\n", "sample.pdf", who.user_id).meta()
    if decision and "decision" in answers:
        answers["decision"] = decision
    elif "decision" in answers:
        answers["decision"] = "approve"
    complete_task(task.id, who, answers)
    return task.bpmn_id


def start(service_id: str, centre_id: str = "xaysettha"):
    from engine import documents
    from engine.db import db
    from engine.designer.dryrun import sample_answers
    from engine.models import Service
    from engine.runtime.commands import start_application
    from engine.runtime.specs import compiled

    definition = compiled(db.session.get(Service, service_id).current_version_id).definition
    form = definition["forms"][definition["application_form"]]
    data = sample_answers(form)
    clerk = actor("desk.xs")
    for field in form["fields"]:
        if field["type"] == "file":  # a form may only name the clerk's own uploads
            data[field["name"]] = documents.store(b"%PDF-1.4\n%%EOF\n", "sample.pdf", clerk.user_id).meta()
    return start_application(service_id=service_id, centre_id=centre_id, data=data, actor=clerk,
                             channel="desk", locale="en")
