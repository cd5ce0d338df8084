"""What people read, type and pay, page by page and role by role (issue 15): the cashier's amount, the audit
trail, the hand-out form, replayed forms, receipts, rejected cases, the page's language for errors, labels
instead of internal values, one round of form errors, dd/mm/yyyy dates, landing pages, inboxes, uploads,
search, compression and cached static files. Each test fails on the code before issue 15."""
from __future__ import annotations

import io
import re

from engine.db import db
from engine.models import Application, AuditEvent, Task, User
from tests.web.web_helpers import APPLY_URL, CITIZEN, PNG, RESIDENCE, apply_residence, first_task, login, pdf


def _app_id(response) -> int:
    return int(re.search(r"/applications/(\d+)/receipt", response.location).group(1))


def _to_cashier(client) -> str:
    for user in ("desk.xs", "officer.xs", "approver.xs"):
        task = first_task(client, user)
        assert client.post(f"/staff/tasks/{task}", data={"decision": "approve"}).status_code == 302
    return first_task(client, "cashier.xs")


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- 1. money --------------------------------------------------------------------------------------------

def test_cashier_amount_is_read_in_the_page_locale_and_checked_against_the_fee(app, client, submitted):
    app_id, _code = submitted
    task = _to_cashier(client)
    url = f"/staff/tasks/{task}?lang=en"
    # "25,000.50" on an English page is not 2,500,050 kip: whole kip only, refused with the reason
    page = client.post(url, data={"receipt_number": "R-1", "amount_paid": "25,000.50"})
    assert page.status_code == 422 and "Kip amounts are whole" in page.get_data(as_text=True)
    # an amount other than the fee is refused until the clerk confirms exactly that amount
    page = client.post(url, data={"receipt_number": "R-1", "amount_paid": "20,000"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "is not the fee of this application (25,000 kip)" in html
    assert 'name="confirm_amount" value="20000"' in html
    with app.app_context():
        assert db.session.get(Task, task).state == "ready"  # nothing happened
    done = client.post(url, data={"receipt_number": "R-1", "amount_paid": "20,000", "confirm_amount": "20000"})
    assert done.status_code == 302
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(application_id=app_id, kind="task.completed") \
            .order_by(AuditEvent.id.desc()).first()
        assert event.data["answers"]["amount_paid"] == 20000
        assert event.data["confirmed"] == {"amount_differs_from_fee": {"fee": 25000, "paid": 20000}}


def test_cashier_amount_in_lao_with_lao_grouping(app, client, submitted):
    task = _to_cashier(client)
    assert client.post(f"/staff/tasks/{task}", data={"receipt_number": "R-2", "amount_paid": "25.000"}).status_code == 302


# ---- 2. audit trail ----------------------------------------------------------------------------------------

def test_audit_trail_survives_reassignment_and_any_event_shape(app, client, submitted):
    with app.app_context():
        desk_id = db.session.query(User).filter_by(username="desk.xs").one().id
    task = first_task(client, "supervisor.xs")
    assert client.post(f"/staff/tasks/{task}/reassign", data={"user_id": desk_id}).status_code == 302
    with app.app_context():
        for data in ({"before": [1, 2], "after": "x"}, {"before": None, "after": {"a": 1}}, {"x": {"y": [1, None]}},
                     {"before": 3}, {}):
            db.session.add(AuditEvent(kind="odd.kind", actor_name="system", summary="", data=data,
                                      centre_id="xaysettha"))
        db.session.commit()
    login(client, "admin")
    page = client.get("/admin/audit?lang=en")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    assert "Task reassigned" in text and "task.reassigned" not in text
    assert "The platform" in text  # not "system"
    lao = client.get("/admin/audit?lang=lo")
    assert lao.status_code == 200 and "task.reassigned" not in _text(lao.get_data(as_text=True))


# ---- 3. hand-out form, 6. certificate text ----------------------------------------------------------------

def test_hand_out_form_shows_the_issued_number_instead_of_asking_for_one(app, client):
    from engine.certificates import certificate_of_application
    from tests.documents.doc_helpers import drive, start

    with app.app_context():
        application = start("residence_certificate")
        drive(application.id, stop_before="Task_Issue")
        number = certificate_of_application(application.id).number
        task = db.session.query(Task).filter_by(application_id=application.id, state="ready").one().id
    login(client, "desk.xs")
    html = client.get(f"/staff/tasks/{task}").get_data(as_text=True)
    assert 'name="certificate_number"' not in html
    assert number in html


def test_certificate_does_not_double_the_village_word(app, client):
    from engine.certificates import certificate_of_application
    from tests.documents.doc_helpers import SERVICE_DATA, drive, flat_pdf_text, start

    with app.app_context():
        application = start("residence_certificate", {**SERVICE_DATA["residence_certificate"],
                                                      "village": "ບ້ານ ໂພນພະເນົາ"})
        drive(application.id)
        number = certificate_of_application(application.id).number
    login(client, CITIZEN)
    text = flat_pdf_text(client.get(f"/certificates/{number}.pdf").data)
    assert "ນາຍບ້ານໂພນພະເນົາ" in text and "ບ້ານບ້ານ" not in text


# ---- 4. replayed forms ----------------------------------------------------------------------------------

def test_the_same_apply_form_sent_twice_creates_one_application(app, client):
    login(client, CITIZEN)
    form = client.get(APPLY_URL).get_data(as_text=True)
    token = re.search(r'name="_submission" value="([^"]+)"', form).group(1)
    first = apply_residence(client, _submission=token)
    again = apply_residence(client, _submission=token)  # a second tap, or a retry on a slow line
    assert first.status_code == again.status_code == 302
    assert again.location == first.location  # the first result, shown again
    with app.app_context():
        assert db.session.query(Application).count() == 1
    # a new form (a new token) is a new application
    token2 = re.search(r'name="_submission" value="([^"]+)"',
                       client.get(APPLY_URL).get_data(as_text=True)).group(1)
    assert token2 != token
    assert apply_residence(client, _submission=token2).location != first.location


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(app, client):
    login(client, CITIZEN)
    token = "t" * 32
    bad = apply_residence(client, _submission=token, phone="12")
    assert bad.status_code == 422 and f'value="{token}"' in bad.get_data(as_text=True)
    assert apply_residence(client, _submission=token).status_code == 302


# ---- 5. receipt ------------------------------------------------------------------------------------------

def test_receipt_lists_as_received_only_the_documents_uploaded(app, client, submitted):
    from tests.documents.doc_helpers import flat_pdf_text

    app_id, _code = submitted
    login(client, CITIZEN)
    text = flat_pdf_text(client.get(f"/applications/{app_id}/receipt.pdf").data)
    received = text.split("ເອກະສານທີ່ໄດ້ຮັບ", 1)[1].split("ເອກະສານທີ່ບໍລິການນີ້ຕ້ອງການ", 1)[0]
    assert "book.pdf" in received  # the one file sent
    assert "ບັດປະຈຳຕົວ" not in received  # the ID card was not uploaded: not "received"


# ---- 7. rejected case ---------------------------------------------------------------------------------------

def test_rejected_case_reads_as_a_decision(app, client, submitted):
    app_id, code = submitted
    task = first_task(client, "desk.xs")
    assert client.post(f"/staff/tasks/{task}", data={"decision": "reject", "reason": "ເອກະສານບໍ່ຖືກຕ້ອງ"}).status_code == 302
    status = client.get(f"/status/{code}?lang=en").get_data(as_text=True)
    assert "Decided on" in status and "Finished" not in status and "Due date" not in status
    login(client, CITIZEN)
    mine = _text(client.get(f"/my/{app_id}?lang=en").get_data(as_text=True))
    assert "Decision letter (PDF)" in mine and "Certificate (PDF)" not in mine
    assert "Due date" not in mine and "Fee" not in mine
    login(client, "desk.xs")
    case = _text(client.get(f"/staff/cases/{app_id}?lang=en").get_data(as_text=True))
    assert "Decision letter (PDF)" in case and "ເອກະສານບໍ່ຖືກຕ້ອງ" in case


# ---- 8. the page's language, not the account's ----------------------------------------------------------

def test_an_english_page_gets_english_errors_from_the_engine(app, client, submitted):
    task = first_task(client, "desk.xs")  # the account's stored language is Lao
    page = client.post(f"/staff/tasks/{task}?lang=en", data={"decision": "return", "reason": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Please give a reason" in html and "ກະລຸນາໃສ່ເຫດຜົນ" not in html


# ---- 9. labels, not internal values ----------------------------------------------------------------------

def test_staff_pages_show_labels_not_internal_values(app, client):
    from tests.documents.doc_helpers import drive, start

    with app.app_context():
        application = start("residence_certificate")
        drive(application.id)
        app_id = application.id
    login(client, "supervisor.xs")
    for lang in ("en", "lo"):
        text = _text(client.get(f"/staff/cases/{app_id}?lang={lang}").get_data(as_text=True))
        for raw in ("certificate.issued", "task.completed", "application.started", "front_desk", "+856",
                    "1990-05-17", "(Approver)", "(Front desk)", "Task_"):
            assert raw not in text, (lang, raw)
        assert "020 5555 1234" in text  # the phone as people write it
    english = _text(client.get(f"/staff/cases/{app_id}?lang=en").get_data(as_text=True))
    assert "Certificate issued" in english and "May 17, 1990" in english
    inbox = _text(client.get("/staff/?lang=lo").get_data(as_text=True))
    assert "ຫົວໜ້າສູນ" in inbox and "supervisor" not in inbox  # roles beside the name, from the role table


def test_demo_staff_names_are_names():
    from web.demo import DEMO_STAFF

    assert not [name for _u, name, _c, _r in DEMO_STAFF if re.search("[A-Za-z()]", name)]


# ---- 10. status and date label ---------------------------------------------------------------------------

def test_submitted_status_and_submitted_on_label_differ_in_lao(app, client, submitted):
    app_id, code = submitted
    with app.test_request_context("/?lang=lo"):
        from flask_babel import gettext

        status, label = gettext("Submitted"), gettext("Submitted on")
        lao = re.compile("[\u0e80-\u0eff]")
        assert lao.search(status) and lao.search(label) and status != label
        assert status != "ຍື່ນເມື່ອ"  # the status is not "submitted on"
    status = _text(client.get(f"/status/{code}").get_data(as_text=True))
    assert "ຍື່ນເມື່ອ" in status


# ---- 11. one round of errors --------------------------------------------------------------------------------

def test_every_form_error_in_one_round_with_the_same_hints(app, client):
    login(client, CITIZEN)
    bad_file = (io.BytesIO(b"just text, not a document"), "notes.txt")
    page = apply_residence(client, id_number="12", phone="12", family_book_scan=bad_file)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "ຮັບສະເພາະໄຟລ໌ PDF, JPEG ຫຼື PNG" in html  # the file
    assert "ເລກບັດປະຈຳຕົວບໍ່ຖືກຕ້ອງ (ຕົວອັກສອນ ຫຼື ຕົວເລກ 6 ຫາ 20 ຕົວ)" in html  # the ID, with its hint
    assert "ເບີໂທບໍ່ຖືກຕ້ອງ (ຕົວຢ່າງ 020 5555 1234)" in html  # the phone, in the same round
    english = client.post(APPLY_URL + "?lang=en", data={**RESIDENCE, "id_number": "12", "phone": "12",
                                                       "family_book_scan": (io.BytesIO(b"x"), "a.txt")},
                          content_type="multipart/form-data")
    assert "Not a valid ID number (6 to 20 letters or digits)" in english.get_data(as_text=True)


# ---- 12. dates --------------------------------------------------------------------------------------------

def test_date_fields_show_and_accept_day_month_year(app, client):
    login(client, CITIZEN)
    form = client.get(APPLY_URL).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="birth_date"[^>]*>', form).group(0)
    assert 'type="date"' not in field and 'placeholder="ວວ/ດດ/ປປປປ"' in field
    assert "ມັງກອນ|ກຸມພາ|ມີນາ" in field  # Lao month names for the words shown beside the field
    response = apply_residence(client, birth_date="17/05/1990")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Application, _app_id(response)).data["birth_date"] == "1990-05-17"
    wrong = apply_residence(client, birth_date="05/17/1990")
    assert wrong.status_code == 422 and "31/01/2026" in wrong.get_data(as_text=True)


def test_filters_take_day_month_year(app, client):
    login(client, "monitor.moha")
    page = client.get("/monitor/?from=01/11/2026&to=15/11/2026&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Dates must look like" not in html and "Nov 1, 2026" in html
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", _text(html).replace("01/11/2026", "").replace("15/11/2026", ""))
    login(client, "admin")
    audit = client.get("/admin/audit?from=01/11/2026&lang=en").get_data(as_text=True)
    assert "Dates must look like" not in audit and 'value="01/11/2026"' in audit


# ---- 13. landing pages, 14. inboxes ---------------------------------------------------------------------------

def test_each_role_lands_on_its_own_page(client):
    for user, page in (("monitor.moha", "/monitor/"), ("designer", "/designer/"), ("admin", "/admin/"),
                       ("desk.xs", "/staff/"), ("supervisor.xs", "/staff/"), (CITIZEN, "/my")):
        assert login(client, user).location == page, user


def test_citizen_tasks_never_in_staff_inboxes_and_the_reason_is_shown(app, client, submitted):
    app_id, code = submitted
    task = first_task(client, "desk.xs")
    reason = "ກະລຸນາສົ່ງສຳເນົາບັດປະຈຳຕົວ"
    assert client.post(f"/staff/tasks/{task}", data={"decision": "return", "reason": reason}).status_code == 302
    for user in ("desk.xs", "supervisor.xs"):
        login(client, user)
        inbox = client.get("/staff/").get_data(as_text=True)
        with app.app_context():
            applicant = db.session.query(Task).filter_by(application_id=app_id, state="ready").one()
            assert applicant.office_role == "applicant"
        assert applicant.id not in inbox  # no Take/Complete for the citizen's own task
        assert reason in _text(inbox)  # but the case is listed, with the reason
        assert reason in _text(client.get(f"/staff/cases/{app_id}").get_data(as_text=True))


# ---- 18. chart axis -----------------------------------------------------------------------------------------

def test_chart_gridlines_are_labelled_with_their_value(app):
    from datetime import date

    from web.blueprints.monitor import bar_chart

    with app.test_request_context("/?lang=en"):
        svg = str(bar_chart([{"day": date(2026, 11, d), "received": r, "completed": 0}
                             for d, r in ((1, 3), (2, 1))], "day", "t"))
    ticks = re.findall(r'<text x="27" y="([\d.]+)" class="axis" text-anchor="end">([^<]+)<', svg)
    lines = [float(y) for y in re.findall(r'<line [^>]*y1="([\d.]+)"', svg)]
    values = [int(t) for _y, t in ticks]
    assert values == [0, 2, 4]  # main labelled the 1.5 gridline "2"
    # each label sits on its gridline, and the gridlines are evenly spaced in value
    assert [round(float(y) - 3, 1) for y, _t in ticks] == [round(v, 1) for v in lines]


# ---- 19. transfer, 20. small things ---------------------------------------------------------------------------

def test_responses_are_compressed_and_static_files_are_hashed_and_immutable(client):
    page = client.get("/centres", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', html).group(1)
    asset = client.get(css)
    assert asset.status_code == 200 and asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', asset.get_data(as_text=True))
    assert fonts and all(re.search(r"\.[0-9a-f]{10}\.woff2$", f) for f in fonts)
    font = client.get("/static/" + fonts[0].replace("../", ""))
    assert font.status_code == 200 and "immutable" in font.headers["Cache-Control"]
    assert client.get("/static/css/app.css").headers["Cache-Control"] != "public, max-age=31536000, immutable"


def test_favicon_title_and_readme(client):
    assert client.get("/favicon.ico").status_code == 200
    title = re.search(r"<title>(.*?)</title>", client.get("/?lang=en").get_data(as_text=True)).group(1)
    assert title.count("One-Door Service") == 1
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "`/staff/inbox`" not in readme  # it named a page that did not exist
    login(client, "desk.xs")
    assert client.get("/staff/inbox").location == "/staff/"  # and the old address leads to the inbox


# ---- 21. uploads, prefill, search, service worker --------------------------------------------------------------

def test_a_photo_larger_than_its_declared_limit_is_refused(app, client):
    login(client, CITIZEN)
    big = PNG + b"\0" * (2 * 1024 * 1024 + 10)  # 2 MB declared for the photos
    url = "/centres/xaysettha/services/small_guesthouse_licence/apply"
    form = client.get(url).get_data(as_text=True)
    assert "ບໍ່ເກີນ 2 MB" in form
    page = client.post(url, data={"photos": (io.BytesIO(big), "photo.png"), "internal_rules": pdf()},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and "ໄຟລ໌ໃຫຍ່ກວ່າ 2 MB" in page.get_data(as_text=True)


def test_the_citizens_phone_is_pre_filled(client):
    login(client, CITIZEN)
    field = re.search(r'<input[^>]*name="phone"[^>]*>', client.get(APPLY_URL).get_data(as_text=True)).group(0)
    assert 'value="020 5555 1234"' in field


def test_services_can_be_searched_across_centres(client):
    html = client.get("/centres?q=ທີ່ຢູ່").get_data(as_text=True)
    links = set(re.findall(r'href="(/centres/[a-z_]+/services/residence_certificate)"', html))
    assert len(links) > 1 and "/centres/xaysettha/services/residence_certificate" in links
    assert "ບໍ່ພົບບໍລິການ" in client.get("/centres?q=zzzz").get_data(as_text=True)


def test_every_page_registers_the_service_worker_and_it_caches_status_pages(client, submitted):
    _app_id, code = submitted
    for url in ("/", "/centres", f"/status/{code}", "/login"):
        assert "register-sw" in client.get(url).get_data(as_text=True), url
    sw = client.get("/sw.js").get_data(as_text=True)
    assert '"/status/"' in sw and "__SHELL__" not in sw and re.search(r"app\.[0-9a-f]{10}\.css", sw)
    status = client.get(f"/status/{code}?lang=en").get_data(as_text=True)
    assert re.search(r"Last updated: <time datetime=\"[^\"]+\">\d+ [A-Z][a-z]{2} 20\d\d \d\d:\d\d", status)


def test_dashboard_says_as_of_with_a_time(client):
    login(client, "monitor.moha")
    html = client.get("/monitor/?lang=en").get_data(as_text=True)
    assert re.search(r"Figures as of \d+ [A-Z][a-z]{2} 20\d\d \d\d:\d\d", html)

