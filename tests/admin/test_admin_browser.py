"""A real Chromium at phone width (360 px): an administrator opens a new district centre with two offices and
three staff; a citizen applies there at once (an offered service) and is refused another; a new clerk sets a
password with the one-time code and finds the application in the inbox.

Screenshots: test-artifacts/screenshots/admin-*.png.
"""
from __future__ import annotations

import pytest

from tests.browser.browser_support import (
    CHROMIUM_ARGS,
    PHONE,
    LiveServer,
    chromium_path,
    layout_problems,
    shot,
)
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    # the real thing: CSRF on, as in production; rate limits off (many pages from one address)
    app.config.update(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STAFF = [("desk.nxt", "ນາງ ຄຳແພງ", ["front_desk", "cashier"]),
         ("approver.nxt", "ທ່ານ ບຸນທັນ", ["approver", "supervisor"]),
         ("village.nxt", "ທ້າວ ສີສະຫວາດ", ["village_office"])]


def _check(page, name: str, problems: list[str]) -> None:
    shot(page, f"admin-{name}")
    found = layout_problems(page)
    assert not found, f"{name}: {found}"
    assert not problems, f"{name}: {problems}"


def _login(page, base: str, username: str, password: str = DEMO_PASSWORD, next_url: str = "") -> None:
    page.goto(f"{base}/login" + (f"?next={next_url}" if next_url else ""))
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()


def _logout(page) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/logout'] button").click()


def test_open_a_district_centre_with_two_offices_and_three_staff_on_a_phone(chromium, live_server, tmp_path):
    base = live_server.url
    problems: list[str] = []
    context = chromium.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                   locale="lo-LA")
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)

    _login(page, base, "admin", next_url="/admin/")
    assert page.url.endswith("/admin/"), page.url
    _check(page, "01-centres", problems)

    page.click("#new-centre")
    page.wait_for_selector("#centre-form")
    page.fill("#id", "naxaythong")
    page.fill("#name_lo", "ເມືອງນາຊາຍທອງ")
    page.fill("#name_en", "Naxaythong District")
    page.select_option("#level", "district")
    page.select_option("#parent", "vte")
    page.fill("#address_lo", "ຫ້ອງວ່າການເມືອງນາຊາຍທອງ, ນະຄອນຫຼວງວຽງຈັນ")
    page.fill("#address_en", "Naxaythong District Hall, Vientiane Capital")
    page.fill("#phone", "+856 21 000 290")
    page.check("#service-residence_certificate")
    page.fill("#fee-residence_certificate", "20000")
    page.check("#service-birth_certificate")
    offices = [("naxaythong_front", "ປະຕູບໍລິການ ເມືອງນາຊາຍທອງ", "Naxaythong service counter",
                ["front_desk", "cashier"]),
               ("naxaythong_governor", "ຫ້ອງວ່າການເມືອງນາຊາຍທອງ", "Naxaythong Governor's Office",
                ["approver", "village_office"])]
    for i, (oid, lo, en, roles) in enumerate(offices):
        page.fill(f"#office-{i}-id", oid)
        page.fill(f"#office-{i}-name_lo", lo)
        page.fill(f"#office-{i}-name_en", en)
        for role in roles:
            page.check(f"#office-{i} input[value={role}]")
    _check(page, "02-new-centre-form", problems)
    with page.expect_navigation():
        page.click("#save-centre")
    assert page.url.endswith("/admin/centres/naxaythong"), page.url
    assert page.locator(".flash-success").count() == 1
    assert page.locator("fieldset.office > legend").all_inner_texts()[:2] == [
        "ປະຕູບໍລິການ ເມືອງນາຊາຍທອງ (naxaythong_front)", "ຫ້ອງວ່າການເມືອງນາຊາຍທອງ (naxaythong_governor)"]
    _check(page, "03-centre-created", problems)

    codes = {}
    for n, (username, name, roles) in enumerate(STAFF):
        page.click("#add-staff" if n == 0 else "#add-another")
        page.wait_for_selector("#staff-form")
        assert page.input_value("#centre") == "naxaythong"  # the centre we came from
        page.fill("#username", username)
        page.fill("#full_name", name)
        for role in roles:
            page.check(f"#staff-form input[name=roles][value={role}]")
        if n == 0:
            _check(page, "04-new-staff-form", problems)
        with page.expect_navigation():
            page.click("#save-staff")
        codes[username] = page.inner_text("#code-value").strip()
        assert page.inner_text("#code-username") == username
        if n == 0:
            _check(page, "05-one-time-code", problems)
    page.click("#back-to-centre")
    page.wait_for_selector("#centre-staff")
    listed = page.locator("#centre-staff li code").all_inner_texts()
    assert listed == sorted(u for u, _, _ in STAFF)
    _check(page, "06-centre-with-staff", problems)
    _logout(page)

    # a citizen applies at the new centre at once
    pdf_file = tmp_path / "family-book.pdf"
    pdf_file.write_bytes(PDF)
    _login(page, base, "02055551234", next_url="/centres/naxaythong")
    assert page.locator("h1").inner_text() == "ເມືອງນາຊາຍທອງ"
    _check(page, "07-citizen-centre", problems)
    page.goto(f"{base}/centres/naxaythong/services/residence_certificate/apply")
    page.fill("#f-applicant_name", "ທ້າວ ສົມຊາຍ ພົມມະຈັນ")
    page.fill("#f-id_number", "LA1234567")
    page.fill("#f-birth_date", "1990-05-17")
    page.fill("#f-phone", "020 5555 1234")
    page.fill("#f-village", "ບ້ານ ໂພນພະເນົາ")
    page.fill("#f-family_book_number", "FB-778")
    page.locator("input[name=purpose]").first.check()
    page.set_input_files("#f-family_book_scan", str(pdf_file))
    with page.expect_navigation():
        page.locator("form button[type=submit].primary").last.click()
    page.wait_for_selector("#tracking-code")
    _check(page, "08-citizen-receipt", problems)
    # a service the centre does not offer is refused
    response = page.goto(f"{base}/centres/naxaythong/services/construction_permit/apply")
    assert response.status == 404
    _logout(page)

    # the new clerk chooses a password with the code and finds the application
    page.goto(f"{base}/account/setup?code={codes['desk.nxt']}")
    page.fill("#password", "naxay-desk-2026")
    page.fill("#password2", "naxay-desk-2026")
    _check(page, "09-setup-password", problems)
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    assert "/staff/" in page.url
    assert page.locator("a[href^='/staff/tasks/']").count() >= 1
    _check(page, "10-new-clerk-inbox", problems)
    _logout(page)

    # the audit trail shows who opened the centre
    _login(page, base, "admin", next_url="/admin/audit?centre=naxaythong")
    assert "ສ້າງສູນບໍລິການ" in page.locator(".audit-list").inner_text()  # "centre created", in Lao
    _check(page, "11-audit", problems)
    context.close()
