"""Citizen pages: catalogue, applying online (validation, uploads), receipt, my applications, resubmitting."""
from __future__ import annotations

import io
import re

from tests.web.web_helpers import (
    APPLY_URL,
    CITIZEN,
    PDF,
    PNG,
    RESIDENCE,
    apply_residence,
    first_task,
    login,
    pdf,
    task_links,
)


def test_catalogue_lao_by_default_and_english_on_request(client):
    html = client.get("/centres").get_data(as_text=True)
    assert '<html lang="lo">' in html
    assert "ນະຄອນຫຼວງວຽງຈັນ" in html and "ເມືອງໄຊເສດຖາ" in html
    centre = client.get("/centres/xaysettha").get_data(as_text=True)
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in centre
    english = client.get("/centres/xaysettha?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Residence certificate" in english
    # the choice sticks for the next page
    assert "Xaysettha District" in client.get("/centres").get_data(as_text=True)


def test_service_page_shows_documents_fee_time_limit_and_steps(client):
    html = client.get("/centres/xaysettha/services/residence_certificate").get_data(as_text=True)
    assert "ປື້ມສຳມະໂນຄົວ" in html and "ບັດປະຈຳຕົວ" in html
    assert re.search(r"\d{1,3}(\.\d{3})+ ກີບ|\d+ ກີບ", html)
    assert "ວັນລັດຖະການ" in html
    assert "ໄດ້ຮັບຄຳຮ້ອງແລ້ວ" in html  # first milestone as a step
    en = client.get("/centres/xaysettha/services/residence_certificate?lang=en").get_data(as_text=True)
    assert "kip" in en and "working day" in en and "Family book" in en


def test_unknown_centre_or_service_is_a_friendly_404(client):
    assert client.get("/centres/nowhere").status_code == 404
    response = client.get("/centres/xaysettha/services/nothing")
    assert response.status_code == 404
    assert "ບໍ່ພົບໜ້ານີ້" in response.get_data(as_text=True)


def test_apply_needs_a_citizen_login(client):
    response = client.get(APPLY_URL)
    assert response.status_code == 302 and "/login" in response.location and "apply" in response.location
    login(client, "desk.xs")
    assert client.get(APPLY_URL).status_code == 403


def test_form_renders_every_field_type(client):
    login(client, CITIZEN)
    html = client.get(APPLY_URL).get_data(as_text=True)
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert 'data-date-input' in html and 'type="date"' not in html and 'type="tel"' in html and 'type="radio"' in html
    assert '<label for="f-applicant_name">' in html
    # construction permit has number/money/yes-no fields
    html = client.get("/centres/xaysettha/services/construction_permit/apply").get_data(as_text=True)
    assert 'inputmode="decimal"' in html or 'inputmode="numeric"' in html


def test_errors_are_per_field_in_lao_and_nothing_typed_is_lost(client):
    login(client, CITIZEN)
    response = apply_residence(client, phone="12", id_number="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "ເບີໂທບໍ່ຖືກຕ້ອງ" in html  # phone message
    assert "ກະລຸນາຕື່ມຊ່ອງນີ້" in html  # required message
    assert 'aria-invalid="true"' in html
    assert RESIDENCE["applicant_name"] in html and 'value="12"' in html and "FB-778" in html
    assert 'value="bank" id="f-purpose-3"\n      checked' in html or re.search(r'value="bank"[^>]*\s+checked', html)
    # the uploaded document is kept: no need to choose it again
    assert "book.pdf" in html
    keep = re.search(r'name="_keep_family_book_scan" value="([^"]+)"', html).group(1)
    data = {**RESIDENCE, "_keep_family_book_scan": keep}
    response = client.post(APPLY_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and "/receipt" in response.location


def test_errors_in_english(client):
    login(client, CITIZEN)
    client.get("/centres?lang=en")
    html = apply_residence(client, phone="12").get_data(as_text=True)
    assert "Not a valid Lao phone number" in html


def test_forged_keep_token_is_ignored(client):
    login(client, CITIZEN)
    data = {**RESIDENCE, "_keep_family_book_scan": "eyJpZCI6ICJ4In0.forged"}
    response = client.post(APPLY_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "ກະລຸນາແນບເອກະສານ" in response.get_data(as_text=True)


def test_upload_accepts_only_pdf_jpeg_png_by_content(client):
    login(client, CITIZEN)
    fake = (io.BytesIO(b"MZ\x90\x00 this is an exe renamed"), "scan.pdf")
    html = apply_residence(client, family_book_scan=fake).get_data(as_text=True)
    assert "ຮັບສະເພາະໄຟລ໌ PDF, JPEG ຫຼື PNG" in html
    big = (io.BytesIO(PDF + b"0" * (5 * 1024 * 1024)), "big.pdf")
    html = apply_residence(client, family_book_scan=big).get_data(as_text=True)
    assert "ໄຟລ໌ໃຫຍ່ກວ່າ 5 MB" in html
    png = (io.BytesIO(PNG), "photo.png")
    assert apply_residence(client, family_book_scan=png).status_code == 302


def test_receipt_has_grouped_code_qr_due_date_and_next_steps(app, client, submitted):
    app_id, code = submitted
    login(client, CITIZEN)
    html = client.get(f"/applications/{app_id}/receipt").get_data(as_text=True)
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    assert grouped in html
    assert "<svg" in html and "</svg>" in html
    assert f"http://localhost/status/{code}" in html
    assert "ວັນຄົບກຳນົດ" in html and "ຂັ້ນຕອນຕໍ່ໄປ" in html
    # the QR code encodes the absolute status URL
    assert html.count("<path") >= 1


def test_my_applications_and_privacy_between_citizens(client, submitted):
    app_id, code = submitted
    login(client, CITIZEN)
    html = client.get("/my").get_data(as_text=True)
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in html and "ໄດ້ຮັບຄຳຮ້ອງແລ້ວ" in html
    client.post("/logout")
    response = client.post("/register", data={"phone": "020 7777 8888", "full_name": "ນາງ ຄຳ",
                                              "password": "another-pass-1", "password2": "another-pass-1"})
    assert response.status_code == 302
    assert code not in client.get("/my").get_data(as_text=True)
    assert client.get(f"/my/{app_id}").status_code == 404
    assert client.get(f"/applications/{app_id}/receipt").status_code == 404
    assert client.post(f"/my/{app_id}", data={"response": "x"}).status_code == 404


def test_returned_application_is_answered_with_an_upload(app, client, submitted):
    app_id, code = submitted
    task = first_task(client, "desk.xs")
    response = client.post(f"/staff/tasks/{task}", data={"decision": "return", "reason": "ກະລຸນາແນບສຳເນົາບັດ"})
    assert response.status_code == 302
    login(client, CITIZEN)
    my = client.get("/my").get_data(as_text=True)
    assert "ຕ້ອງການຄຳຕອບຈາກທ່ານ" in my
    page = client.get(f"/my/{app_id}").get_data(as_text=True)
    assert "ກະລຸນາແນບສຳເນົາບັດ" in page and 'type="file"' in page
    # the answer is required: an empty one is refused with a message, nothing is sent
    assert client.post(f"/my/{app_id}", data={"response": ""}).status_code == 422
    response = client.post(f"/my/{app_id}", data={"response": "ແນບແລ້ວ", "documents": pdf("id.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "ຂອບໃຈ" in page and "ສູນບໍລິການຕ້ອງການຂໍ້ມູນເພີ່ມ" not in page
    # the same application is back at the front desk
    login(client, "desk.xs")
    assert task_links(client.get("/staff/").get_data(as_text=True))


def test_status_page_has_no_personal_data(client, submitted):
    _app_id, code = submitted
    response = client.get(f"/status/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in html and "ເມືອງໄຊເສດຖາ" in html and "ໄດ້ຮັບຄຳຮ້ອງແລ້ວ" in html
    for private in (RESIDENCE["applicant_name"], "ສົມຊາຍ", RESIDENCE["id_number"], "5555", "FB-778", "book.pdf"):
        assert private not in html
    # typed loosely (lower case, with dashes) it is still found
    assert client.get(f"/status/{code[:4].lower()}-{code[4:8]}-{code[8:]}").status_code == 200
    assert client.get(f"/status?code={code.lower()}").status_code == 302


def test_unknown_code_is_a_friendly_not_found(client):
    response = client.get("/status/ZZZZ-ZZZZ-ZZ")
    assert response.status_code == 404
    assert "ບໍ່ພົບລະຫັດຕິດຕາມ" in response.get_data(as_text=True)
    assert client.get("/status/<script>").status_code == 404
    assert client.get("/status?code=abc").status_code == 400


def test_status_page_is_rate_limited(make_app):
    client = make_app(demo=False, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://").test_client()
    codes = [client.get("/status/ZZZZ-ZZZZ-ZZ").status_code for _ in range(31)]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429
    assert "ລໍຖ້າໜຶ່ງນາທີ" in client.get("/status/ZZZZ-ZZZZ-ZY").get_data(as_text=True)
