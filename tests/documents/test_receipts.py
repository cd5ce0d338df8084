"""The receipt: a one-page PDF in the citizen's language with the tracking code and a QR code to the status
page, the documents received, the fee and the due date; only for the applicant and the centre."""
from __future__ import annotations

from engine.db import db
from engine.models import Application
from engine.tracking import display
from tests.documents.doc_helpers import CITIZEN, flat, flat_pdf_text, login, qr_payloads, start, text_boxes


def _application(app, locale="lo"):
    with app.app_context():
        application = start("residence_certificate")
        if locale != "lo":
            db.session.get(Application, application.id).locale = locale
            db.session.commit()
        return application.id, application.tracking_code, application.due_date


def test_receipt_in_lao_with_qr_to_the_status_page(app, client):
    app_id, code, due = _application(app)
    login(client, CITIZEN)
    response = client.get(f"/applications/{app_id}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = flat_pdf_text(data)
    assert "ໃບຮັບຄຳຮ້ອງ" in text
    assert flat(display(code)) in text
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in text  # the service
    assert "25.000ກີບ" in text  # the fee, Lao grouping
    assert "ປື້ມສຳມະໂນຄົວ" in text and "ບັດປະຈຳຕົວ" in text  # the documents of the checklist
    assert "family_book_scan.pdf" in text  # the upload received with the application
    assert str(due.year) in text and "ກຳນົດສຳເລັດ" in text
    assert qr_payloads(data) == [f"http://localhost/status/{code}"]
    width, boxes = text_boxes(data)
    assert max(right for _c, _l, right in boxes) <= width - 56.7 + 1


def test_receipt_in_english_for_an_english_speaker(app, client):
    app_id, code, _due = _application(app, locale="en")
    login(client, CITIZEN)
    text = flat_pdf_text(client.get(f"/applications/{app_id}/receipt.pdf").data)
    assert "Applicationreceipt" in text and "25,000kip" in text and "Residencecertificate" in text


def test_public_base_url_is_used_for_qr_codes(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://odsc.example.la/"
    app_id, code, _due = _application(app)
    login(client, "desk.xs")
    data = client.get(f"/applications/{app_id}/receipt.pdf").data
    assert qr_payloads(data) == [f"https://odsc.example.la/status/{code}"]


def test_receipt_only_for_the_applicant_and_the_centre(app, client):
    app_id, _code, _due = _application(app)
    for username, expected in ((CITIZEN, 200), ("desk.xs", 200), ("cashier.xs", 200), ("desk.ctb", 404)):
        login(client, username)
        assert client.get(f"/applications/{app_id}/receipt.pdf").status_code == expected, username
    assert client.get("/applications/999999/receipt.pdf").status_code == 404
