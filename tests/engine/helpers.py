"""Helpers for engine tests: demo actors, valid application data, driving a case through its tasks."""
from __future__ import annotations

from engine.accounts import actor_for
from engine.db import db
from engine.models import Task, User
from engine.models.application import TASK_READY


def actor(username: str):
    return actor_for(db.session.query(User).filter_by(username=username).one())


def residence_data(**over) -> dict:
    data = {
        "applicant_name": "ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA123456", "birth_date": "1990-01-02",
        "phone": "020 5555 1234", "village": "ບ້ານໂພນສະອາດ", "family_book_number": "FB-001",
        "purpose": "employment", "family_book_scan": {"id": "doc-1", "name": "family-book.pdf"},
    }
    data.update(over)
    return data


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def own_document(user_id: int, name: str = "family-book.pdf") -> dict:
    """A real upload of `user_id` (a form may only name its own documents)."""
    from engine import documents

    return documents.store(PDF_BYTES, name, user_id).meta()


def start_residence(**over):
    from engine.runtime.commands import start_application

    citizen = actor("02055551234")
    if "family_book_scan" not in over:
        over["family_book_scan"] = own_document(citizen.user_id)
    return start_application(service_id="residence_certificate", centre_id="xaysettha",
                             data=residence_data(**over), actor=citizen, applicant_id=citizen.user_id)


def ready_task(application_id: int) -> Task:
    rows = db.session.query(Task).filter_by(application_id=application_id, state=TASK_READY).all()
    assert len(rows) == 1, [r.bpmn_id for r in rows]
    return rows[0]


# (user, answers) to take the residence certificate from its document check to the end
APPROVE_PATH = [
    ("desk.xs", "Task_Check", {"decision": "approve"}),
    ("officer.xs", "Task_VillageCertify", {"decision": "approve"}),
    ("approver.xs", "Task_Approve", {"decision": "approve"}),
    ("cashier.xs", "Task_Payment", {"receipt_number": "R-1", "amount_paid": 25000}),
    ("desk.xs", "Task_Issue", {"handed_over": "yes"}),
]
