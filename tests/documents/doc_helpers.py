"""Helpers for the documents tests: demo actors, logging in, driving an application through every task with
engine commands as the demo users, and reading PDFs (text, QR codes) the way a person would."""
from __future__ import annotations

import io
import re

from engine.accounts import actor_for
from engine.catalogue.services import APPLICANT
from engine.db import db
from engine.models import Application, Service, Task, User
from engine.models.application import CLOSED_STATUSES, TASK_READY
from engine.runtime.commands import complete_task, start_application
from engine.runtime.specs import compiled
from web.demo import DEMO_PASSWORD

CITIZEN = "02055551234"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
# which demo user does the tasks of an office role at Xaysettha
ROLE_USER = {"front_desk": "desk.xs", "approver": "approver.xs", "cashier": "cashier.xs", APPLICANT: CITIZEN}

LONG_VILLAGE = "ບ້ານໂພນສະອາດເໜືອ ຄຸ້ມທີສາມ ໜ່ວຍທີສິບສອງ ຖະໜົນກຳແພງເມືອງ ໃກ້ກັບໂຮງຮຽນມັດທະຍົມສົມບູນ"

SERVICE_DATA = {
    "residence_certificate": {
        "applicant_name": "ທ້າວ ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA1234567", "birth_date": "1990-05-17",
        "phone": "020 5555 1234", "village": LONG_VILLAGE, "family_book_number": "FB-778", "purpose": "bank",
    },
    "birth_certificate": {
        "child_name": "ນາງ ມະລິວັນ ພົມມະຈັນ", "child_sex": "female", "birth_date": "2026-11-01",
        "birth_place": "ໂຮງໝໍມະໂຫສົດ", "mother_name": "ນາງ ແສງຈັນ", "father_name": "ທ້າວ ສົມຊາຍ",
        "parent_id_number": "LA1234567", "phone": "020 5555 1234", "family_book_number": "FB-778",
    },
}


def actor(username: str):
    return actor_for(db.session.query(User).filter_by(username=username).one())


def user_for(role: str) -> str:
    return ROLE_USER.get(role, "officer.xs")


def answers_for(form: dict, act, fee: int) -> dict:
    """Valid answers to any task form; decisions approve; documents are real uploads by the actor."""
    from engine import documents

    out = {}
    for field in form["fields"]:
        kind, name = field["type"], field["name"]
        if kind == "choice":
            values = [c["value"] for c in field.get("choices", [])]
            out[name] = "approve" if "approve" in values else values[0]
        elif kind == "yes_no":
            out[name] = "yes"
        elif kind == "date":
            out[name] = "2026-11-20"
        elif kind == "money":
            out[name] = fee
        elif kind == "number":
            out[name] = 1
        elif kind == "phone":
            out[name] = "020 5555 1234"
        elif kind == "national_id":
            out[name] = "LA1234567"
        elif kind == "file":
            out[name] = documents.store(PDF_BYTES, f"{name}.pdf", act.user_id).meta()
        elif field.get("required"):
            out[name] = "ທົດສອບ"
    return out


def start(service_id: str, data: dict | None = None, channel: str = "online") -> Application:
    from engine import documents

    citizen = actor(CITIZEN)
    definition = compiled(db.session.get(Service, service_id).current_version_id).definition
    form = definition["forms"][definition["application_form"]]
    if data is None and service_id not in SERVICE_DATA:
        data = answers_for(form, citizen, 0)
    answers = dict(data if data is not None else SERVICE_DATA[service_id])
    for field in form["fields"]:
        if field["type"] == "file" and field["name"] not in answers:
            answers[field["name"]] = documents.store(PDF_BYTES, f"{field['name']}.pdf", citizen.user_id).meta()
    return start_application(service_id=service_id, centre_id="xaysettha", data=answers, actor=citizen,
                             applicant_id=citizen.user_id, channel=channel)


def drive(application_id: int, *, stop_before: str | None = None, limit: int = 30) -> list[tuple[str, str]]:
    """Complete every ready task with valid answers as the demo user of its office; return (task, user)."""
    done = []
    for _ in range(limit):
        app = db.session.get(Application, application_id)
        db.session.refresh(app)
        if app.status in CLOSED_STATUSES:
            return done
        row = db.session.query(Task).filter_by(application_id=application_id, state=TASK_READY).first()
        assert row is not None, f"no ready task, status {app.status}"
        if stop_before and row.bpmn_id == stop_before:
            return done
        username = user_for(row.office_role)
        act = actor(username)
        form = compiled(app.service_version_id).definition["forms"].get(row.form_id) or {"fields": []}
        complete_task(row.id, act, answers_for(form, act, app.fee_amount))
        done.append((row.bpmn_id, username))
    raise AssertionError("the process did not end")


def login(client, username: str, password: str = DEMO_PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """Text without spaces, line breaks and zero-width spaces (extraction puts spaces around stacked marks)."""
    return re.sub(r"[\s\u200b]+", "", text)


def flat_pdf_text(data: bytes) -> str:
    return flat(pdf_text(data))


def page_image(data: bytes, page: int = 0, scale: float = 3.0):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return doc[page].render(scale=scale).to_pil()


def qr_payloads(data: bytes, page: int = 0) -> list[str]:
    """Decode the QR codes from the rendered page image, as a phone camera would."""
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(page_image(data, page)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def text_boxes(data: bytes, page: int = 0) -> tuple[float, list[tuple[str, float, float]]]:
    """(page width in pt, [(char, left, right)]) of every visible character on a page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    pg = doc[page]
    text = pg.get_textpage()
    out = []
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if not ch.strip() or ch == "\u200b":
            continue
        left, _bottom, right, _top = text.get_charbox(i)
        out.append((ch, left, right))
    return pg.get_width(), out
