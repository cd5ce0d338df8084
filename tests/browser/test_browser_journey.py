"""The whole journey in a real Chromium at phone width, through the UI only: a citizen applies online with an
upload, the front desk returns it for a missing document, the citizen answers with a new upload, the desk,
officer, approver and cashier complete it, the certificate is handed out, and the public status page says
it is done. Once in Lao (with screenshots of the main pages) and once in English."""
from __future__ import annotations

import re

import pytest

from tests.browser.browser_support import PHONE, lao_fonts, layout_problems, shot
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

LABELS = {
    "lo": {
        "province": "ນະຄອນຫຼວງວຽງຈັນ", "district": "ເມືອງໄຊເສດຖາ", "service": "ໃບຢັ້ງຢືນທີ່ຢູ່",
        "apply": "ຍື່ນຄຳຮ້ອງອອນລາຍ", "login": "ເຂົ້າສູ່ລະບົບ", "send": "ສົ່ງຄືນ", "send_app": "ສົ່ງຄຳຮ້ອງ",
        "required": "ກະລຸນາຕື່ມຊ່ອງນີ້", "bad_phone": "ເບີໂທບໍ່ຖືກຕ້ອງ", "receipt": "ໃບຮັບຄຳຮ້ອງ",
        "open": "ເປີດ", "return": "ເອກະສານບໍ່ຄົບ, ສົ່ງຄືນຜູ້ຍື່ນ", "complete_docs": "ເອກະສານຄົບຖ້ວນ",
        "agree": "ເຫັນດີ, ສົ່ງຕໍ່ເພື່ອອະນຸມັດ", "approve": "ອະນຸມັດ", "complete": "ສຳເລັດວຽກ",
        "logout": "ອອກຈາກລະບົບ", "my": "ຄຳຮ້ອງຂອງຂ້ອຍ", "answer": "ຕອບຄຳຂໍ", "send_answer": "ສົ່ງຄຳຕອບ",
        "yes": "ແມ່ນ", "done": "ສຳເລັດ, ມອບເອກະສານແລ້ວ", "returned_flash": "ສົ່ງຄືນຜູ້ຍື່ນຄຳຮ້ອງແລ້ວ",
        "reason": "ກະລຸນາແນບສຳເນົາບັດປະຈຳຕົວ", "thanks": "ຂອບໃຈ", "case": "ເປີດຄຳຮ້ອງທັງໝົດ",
        "name": "ທ້າວ ສົມຊາຍ ພົມມະຈັນ", "village": "ບ້ານໂພນພະເນົາ",
    },
    "en": {
        "province": "Vientiane Capital", "district": "Xaysettha District", "service": "Residence certificate",
        "apply": "Apply online", "login": "Log in", "send_app": "Send the application",
        "required": "This field is required", "bad_phone": "Not a valid Lao phone number", "receipt": "Receipt",
        "open": "Open", "return": "Documents missing, return to the applicant", "complete_docs": "Documents complete",
        "agree": "Agree, forward for approval", "approve": "Approve", "complete": "Complete the task",
        "logout": "Log out", "my": "My applications", "answer": "Answer the request", "send_answer": "Send my answer",
        "yes": "Yes", "done": "Completed, handed over", "returned_flash": "Returned to the applicant",
        "reason": "Please attach a copy of the ID card", "thanks": "Thank you", "case": "Open the whole case",
        "name": "Somchai Phommachanh", "village": "Ban Phonphanao",
    },
}


def _go(page, locator):
    """Click something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def _check_page(page, name: str | None, lang: str):
    page.wait_for_load_state("load")
    page.wait_for_function("document.fonts.status === 'loaded'")
    problems = layout_problems(page)
    assert not problems, (name, problems)
    if lang == "lo":
        fonts = lao_fonts(page, "h1")
        assert fonts & {"Phetsarath OT", "Noto Sans Lao"}, (name, fonts)
    if name:
        shot(page, name)


def _login(page, username: str, t: dict):
    _go(page, page.get_by_role("link", name=t["login"], exact=True).first)
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    _go(page, page.locator("form.card button[type=submit]"))


def _logout(page, t: dict):
    _go(page, page.get_by_role("button", name=t["logout"]))


def _open_first_task(page, t: dict):
    _go(page, page.get_by_role("link", name=t["open"], exact=True).first)
    page.wait_for_selector("form.card")


def _staff_step(page, username: str, t: dict, button: str, fill=None, name: str | None = None, lang="lo"):
    _login(page, username, t)
    if name == "inbox":
        _check_page(page, f"{lang}-inbox", lang)
    _open_first_task(page, t)
    if fill:
        fill(page)
    if name == "task":
        _check_page(page, f"{lang}-task", lang)
    _go(page, page.get_by_role("button", name=button, exact=True))
    assert "/staff/" in page.url and "/tasks/" not in page.url, page.content()[:3000]
    _logout(page, t)


def journey(chromium, server, tmp_path, lang: str, citizen: str | None):
    t = LABELS[lang]
    pdf_file, png_file = tmp_path / "family-book.pdf", tmp_path / "id-card.png"
    pdf_file.write_bytes(PDF)
    png_file.write_bytes(PNG)
    people = chromium.new_context(viewport=PHONE, locale="lo-LA" if lang == "lo" else "en-US")
    staff = chromium.new_context(viewport=PHONE)
    try:
        page = people.new_page()
        page.goto(server.url + "/")
        _check_page(page, f"{lang}-home" if lang == "lo" else None, lang)
        if lang == "en":
            _go(page, page.get_by_role("link", name="English"))
            assert page.locator("html").get_attribute("lang") == "en"
        # catalogue: province -> district centre -> service
        _go(page, page.locator(".main-nav a").first)
        _check_page(page, f"{lang}-catalogue", lang)
        _go(page, page.get_by_role("link", name=t["district"], exact=True))
        _go(page, page.get_by_role("link", name=t["service"]).first)
        _check_page(page, f"{lang}-service", lang)
        _go(page, page.get_by_role("link", name=t["apply"]))
        # not logged in: the login page, then back to the form
        if citizen:
            _check_page(page, f"{lang}-login", lang)
            page.fill("#username", citizen)
            page.fill("#password", DEMO_PASSWORD)
            _go(page, page.locator("form.card button[type=submit]"))
        else:
            _go(page, page.locator("a[href*='/register']"))
            page.fill("#r-phone", "020 2345 6789")
            page.fill("#r-full_name", t["name"])
            page.fill("#r-password", "browser-pass-1")
            page.fill("#r-password2", "browser-pass-1")
            _go(page, page.locator("form.card button[type=submit]"))
        page.wait_for_selector("#f-applicant_name")
        # first attempt: a wrong phone and a missing field -> messages in the language, nothing lost
        page.fill("#f-applicant_name", t["name"])
        page.fill("#f-phone", "12345")
        page.fill("#f-village", t["village"])
        page.set_input_files("#f-family_book_scan", str(pdf_file))
        _go(page, page.get_by_role("button", name=t["send_app"]))
        page.wait_for_selector(".error-summary")
        assert t["bad_phone"] in page.content() and t["required"] in page.content()
        assert page.input_value("#f-applicant_name") == t["name"] and page.input_value("#f-village") == t["village"]
        assert "family-book.pdf" in page.content()  # the upload is kept
        _check_page(page, f"{lang}-apply-errors", lang)
        page.fill("#f-phone", "020 5555 1234")
        page.fill("#f-id_number", "LA1234567")
        page.fill("#f-birth_date", "17/05/1990")  # day/month/year, the Lao way, in both languages
        page.fill("#f-family_book_number", "FB-778")
        page.locator("input[name=purpose]").first.check()
        _go(page, page.get_by_role("button", name=t["send_app"]))
        page.wait_for_selector("#tracking-code")
        code = page.inner_text("#tracking-code").strip()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code)
        assert page.locator(".qr svg").count() == 1
        _check_page(page, f"{lang}-receipt", lang)

        # the front desk returns it for a missing document
        desk = staff.new_page()
        desk.goto(server.url + ("/?lang=en" if lang == "en" else "/"))

        def reason(p):
            p.fill("#f-reason", t["reason"])
        _staff_step(desk, "desk.xs", t, t["return"], fill=reason, name="inbox" if lang == "lo" else None, lang=lang)

        # the citizen answers with a new document
        _go(page, page.get_by_role("link", name=t["my"]).first)
        _go(page, page.get_by_role("link", name=t["answer"]))
        assert t["reason"] in page.content()
        page.fill("#f-response", t["reason"])
        page.set_input_files("#f-documents", str(png_file))
        _go(page, page.get_by_role("button", name=t["send_answer"]))
        page.wait_for_selector(".flash-success")
        assert t["thanks"] in page.content()

        # desk (with a look at the case), officer, approver, cashier, desk hand-out
        _login(desk, "desk.xs", t)
        _open_first_task(desk, t)
        _check_page(desk, f"{lang}-task" if lang == "lo" else None, lang)
        _go(desk, desk.get_by_role("link", name=t["case"]))
        assert "id-card.png" in desk.content() and "family-book.pdf" in desk.content()
        _check_page(desk, f"{lang}-case", lang)
        desk.go_back()
        _go(desk, desk.get_by_role("button", name=t["complete_docs"], exact=True))
        assert "/tasks/" not in desk.url
        _logout(desk, t)
        _staff_step(desk, "officer.xs", t, t["agree"], lang=lang)
        _staff_step(desk, "approver.xs", t, t["approve"], lang=lang)

        def payment(p):
            p.fill("#f-receipt_number", "R-2026-0042")
            assert p.input_value("#f-amount_paid") == ("25.000" if lang == "lo" else "25,000")
        _staff_step(desk, "cashier.xs", t, t["complete"], fill=payment, lang=lang)

        def handout(p):
            assert p.locator("#f-certificate_number").count() == 0  # the number was issued at payment
            assert re.search(r"XAYSETTHA-\d{4}-\d{6}", p.inner_text("main"))
            p.get_by_label(t["yes"], exact=True).check()
        _staff_step(desk, "desk.xs", t, t["complete"], fill=handout, lang=lang)

        # the citizen's status page says it is done
        _go(page, page.get_by_role("link", name=t["my"]).first)
        _go(page, page.locator(".item h2 a").first)  # list items are h2 under the page h1
        _go(page, page.locator("a[href^='/status/']"))
        main = page.inner_text("main")
        assert t["done"] in main
        assert t["name"] not in main and "LA1234567" not in main and "5555" not in main
        _check_page(page, f"{lang}-status", lang)
        return code
    finally:
        people.close()
        staff.close()


def test_journey_in_lao(chromium, live_server, tmp_path):
    journey(chromium, live_server, tmp_path, "lo", citizen="02055551234")


def test_journey_in_english(chromium, live_server, tmp_path):
    journey(chromium, live_server, tmp_path, "en", citizen=None)
