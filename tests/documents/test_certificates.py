"""A certificate issued through the whole process: its PDF text, its QR code read from the rendered page,
its signature, the public verify page for genuine, forged and altered numbers, and who may download it."""
from __future__ import annotations

import re

from engine.certificates import certificate_of_application, verify
from engine.db import db
from engine.models import Application, AuditEvent
from engine.models.documents import IssuedCertificate
from tests.documents.doc_helpers import (
    CITIZEN,
    LONG_VILLAGE,
    drive,
    flat,
    flat_pdf_text,
    login,
    qr_payloads,
    start,
    text_boxes,
)

NUMBER_RE = re.compile(r"XAYSETTHA-\d{4}-\d{6}")


def _issue(app, service_id="residence_certificate"):
    with app.app_context():
        application = start(service_id)
        steps = drive(application.id)
        application = db.session.get(Application, application.id)
        cert = certificate_of_application(application.id)
        return application.id, application.tracking_code, application.status, steps, \
            cert.number if cert else None


def test_certificate_through_the_whole_process(app, client):
    app_id, code, status, steps, number = _issue(app)
    # every office took part, through engine commands as the demo users
    users = {user for _task, user in steps}
    assert {"desk.xs", "officer.xs", "approver.xs", "cashier.xs"} <= users
    assert status == "completed"
    assert number and NUMBER_RE.fullmatch(number)

    login(client, CITIZEN)
    response = client.get(f"/certificates/{number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    data = response.data
    text = flat_pdf_text(data)
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in text  # the service's own template
    assert "ທ້າວສົມຊາຍພົມມະຈັນ" in text  # the applicant's name from the answers
    assert "LA1234567" in text and flat(LONG_VILLAGE) in text
    assert number in text
    assert "ທ່ານສົມພອນ" in text  # the approver who approved the case
    assert "ສາທາລະນະລັດປະຊາທິປະໄຕປະຊາຊົນລາວ" in text  # the national header

    # the QR code, decoded from the rendered page image, opens the verify page of this number
    payloads = qr_payloads(data)
    assert payloads == [f"http://localhost/verify/{number}"]

    # the signature printed on the page is the one on record
    with app.app_context():
        cert = db.session.query(IssuedCertificate).filter_by(number=number).one()
        assert cert.signature in text
        audit = db.session.query(AuditEvent).filter_by(application_id=app_id, kind="certificate.issued").one()
        assert audit.data["number"] == number

    # long Lao lines wrap inside the margins (20 mm = 56.7 pt each side)
    width, boxes = text_boxes(data)
    lao = [b for b in boxes if "\u0e80" <= b[0] <= "\u0eff"]
    assert len(lao) > 300
    assert min(left for _c, left, _r in boxes) >= 56.7 - 1
    assert max(right for _c, _l, right in boxes) <= width - 56.7 + 1


def test_verify_page_genuine_forged_and_altered(app, client):
    _app_id, _code, _status, _steps, number = _issue(app)
    client.get("/logout")
    genuine = client.get(f"/verify/{number}?lang=en")
    assert genuine.status_code == 200
    html = genuine.get_data(as_text=True)
    assert "Authentic" in html and "issued on" in html and number in html
    assert "Residence certificate" in html and "Xaysettha" in html
    # nothing personal: not the name, the ID number, the village or the phone
    for personal in ("ສົມຊາຍ", "LA1234567", LONG_VILLAGE[:10], "5555"):
        assert personal not in html

    lao = client.get(f"/verify/{number}?lang=lo").get_data(as_text=True)
    assert "ແທ້" in lao

    forged_number = number[:-6] + "999999"
    forged = client.get(f"/verify/{forged_number}?lang=en")
    assert forged.status_code == 404
    assert "not issued by this platform" in forged.get_data(as_text=True)
    assert client.get("/verify/<script>alert(1)</script>?lang=en").status_code == 404

    # a record altered in the database no longer matches its signature
    with app.app_context():
        cert = db.session.query(IssuedCertificate).filter_by(number=number).one()
        cert.approver_name = "Someone else"
        db.session.commit()
        assert verify(number)["authentic"] is False
    altered = client.get(f"/verify/{number}?lang=en")
    assert altered.status_code == 404
    assert "altered" in altered.get_data(as_text=True)


def test_verify_form_and_case_insensitive_number(app, client):
    _app_id, _code, _status, _steps, number = _issue(app)
    assert client.get("/verify?lang=en").status_code == 200
    response = client.get(f"/verify?number={number.lower()}&lang=en")
    assert response.status_code == 200 and "Authentic" in response.get_data(as_text=True)


def test_numbers_are_unique_per_centre_and_year(app):
    numbers = [_issue(app)[4] for _ in range(2)]
    with app.app_context():
        birth = start("birth_certificate")
        drive(birth.id)
        numbers.append(certificate_of_application(birth.id).number)
    assert len(set(numbers)) == 3
    seq = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seq == [1, 2, 3]


def test_certificate_download_is_for_the_applicant_and_the_centre(app, client):
    _app_id, _code, _status, _steps, number = _issue(app)
    for username, expected in (("desk.xs", 200), ("supervisor.xs", 200), ("desk.ctb", 404),
                               ("monitor.vte", 404)):
        login(client, username)
        assert client.get(f"/certificates/{number}.pdf").status_code == expected, username
    client.post("/logout")
    response = client.get(f"/certificates/{number}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_rejected_application_gets_a_signed_decision_letter_with_the_reason(app, client):
    from engine.models import Task
    from engine.runtime.commands import reject
    from tests.documents.doc_helpers import actor

    with app.app_context():
        application = start("residence_certificate")
        task = db.session.query(Task).filter_by(application_id=application.id, state="ready").one()
        reject(task.id, actor("desk.xs"), "ສຳເນົາປື້ມສຳມະໂນຄົວບໍ່ກົງກັບບັດປະຈຳຕົວ")
        assert db.session.get(Application, application.id).status == "rejected"
        letter = certificate_of_application(application.id)
        assert letter.kind == "decision"
        number = letter.number
    login(client, CITIZEN)
    data = client.get(f"/certificates/{number}.pdf").data
    text = flat_pdf_text(data)
    assert "ແຈ້ງການຜົນການພິຈາລະນາຄຳຮ້ອງ" in text
    assert "ສຳເນົາປື້ມສຳມະໂນຄົວບໍ່ກົງກັບບັດປະຈຳຕົວ" in text  # the reason
    assert "ຜູ້ພິຈາລະນາ" in text and "ນາງແສງເດືອນ" in text  # decided by the clerk who rejected it
    assert qr_payloads(data) == [f"http://localhost/verify/{number}"]
    page = client.get(f"/verify/{number}?lang=en").get_data(as_text=True)
    assert "Authentic" in page and "Decision letter" in page
    assert "ບັດປະຈຳຕົວ" not in page  # the reason is personal: only on the letter


def test_birth_and_enterprise_templates_and_default_template(app, client):
    with app.app_context():
        birth = start("birth_certificate")
        drive(birth.id)
        birth_number = certificate_of_application(birth.id).number
        enterprise = start("enterprise_registration", {
            "applicant_name": "ນາງ ດາວວອນ ສີສຸລາດ", "id_number": "LA7654321", "phone": "020 5555 1234",
            "enterprise_name": "ຮ້ານອາຫານ ແສງຕາເວັນ", "business_type": "restaurant",
            "registered_capital": 50000000, "employees": 4, "business_address": "ບ້ານໂພນສະອາດ, ເມືອງໄຊເສດຖາ",
        })
        drive(enterprise.id)
        enterprise_number = certificate_of_application(enterprise.id).number
        family = start("family_book_change")
        drive(family.id)
        family_number = certificate_of_application(family.id).number
    login(client, CITIZEN)
    birth_text = flat_pdf_text(client.get(f"/certificates/{birth_number}.pdf").data)
    assert "ໃບແຈ້ງເກີດ" in birth_text and "ມະລິວັນ" in birth_text and "ຍິງ" in birth_text
    enterprise_text = flat_pdf_text(client.get(f"/certificates/{enterprise_number}.pdf").data)
    assert "ໃບທະບຽນວິສາຫະກິດ" in enterprise_text and "ແສງຕາເວັນ" in enterprise_text
    assert "50.000.000ກີບ" in enterprise_text and "ຮ້ານອາຫານ" in enterprise_text
    # a service without its own template gets the default one: its name and the answers as a table
    family_text = flat_pdf_text(client.get(f"/certificates/{family_number}.pdf").data)
    assert "ປື້ມສຳມະໂນຄົວ" in family_text and "ຄ່າທຳນຽມທີ່ໄດ້ຊຳລະ" in family_text


def test_certificate_is_ready_before_hand_out_and_withdrawn_if_cancelled(app, client):
    from engine.runtime.commands import cancel
    from tests.documents.doc_helpers import actor

    with app.app_context():
        application = start("residence_certificate")
        drive(application.id, stop_before="Task_Approve")
        assert certificate_of_application(application.id) is None  # nothing before approval
        drive(application.id, stop_before="Task_Issue")
        cert = certificate_of_application(application.id)
        assert cert is not None  # the desk can print it before handing it out
        number = cert.number
        assert db.session.get(Application, application.id).status == "in_progress"
        cancel(application.id, actor("supervisor.xs"), "ຜູ້ຍື່ນຂໍຍົກເລີກ")
    response = client.get(f"/verify/{number}?lang=en")
    assert response.status_code == 404
    assert "withdrawn" in response.get_data(as_text=True)
