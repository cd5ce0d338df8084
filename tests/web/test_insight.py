"""Issue 18: feedback per service, status by SMS, open performance data; the clock on the status page and API."""
from __future__ import annotations

import hashlib
import json
import time

from sqlalchemy import select

from tests.api.api_helpers import Api
from tests.engine.helpers import APPROVE_PATH, actor, ready_task, start_residence
from tests.web.web_helpers import CITIZEN, login

SECRET = "gateway-shared-secret-for-tests"


def finished_case(app, *, reject: bool = False) -> tuple[int, str]:
    """A residence certificate taken to its end by the demo clerks: (application id, tracking code)."""
    from engine.runtime.commands import complete_task
    from engine.runtime.commands import reject as reject_task

    with app.app_context():
        case = start_residence()
        if reject:
            reject_task(ready_task(case.id).id, actor("desk.xs"), "Not a resident here")
        else:
            for username, bpmn, answers in APPROVE_PATH:
                task = ready_task(case.id)
                assert task.bpmn_id == bpmn
                complete_task(task.id, actor(username), answers)
        return case.id, case.tracking_code


def open_case(app) -> tuple[int, str]:
    with app.app_context():
        case = start_residence()
        return case.id, case.tracking_code


# ---- the clock on the status page and the API --------------------------------------------------------

def test_status_api_and_page_show_the_clock_in_words(app, client):
    _id, code = open_case(app)
    body = client.get(f"/api/v1/status/{code}").get_json()
    assert body["clock"]["state"] == "running"
    assert set(body["clock"]) == {"state", "working_days_left", "due_date", "paused_working_days"}
    left = body["clock"]["working_days_left"]
    html = client.get(f"/status/{code}?lang=lo").get_data(as_text=True)
    assert f"ເຫຼືອ {left} ມື້ລັດຖະການ" in html or (left == 0 and "ຄົບກຳນົດມື້ນີ້" in html)
    html = client.get(f"/status/{code}?lang=en").get_data(as_text=True)
    words = f"{left} working day left" if left == 1 else f"{left} working days left"
    assert words in html or (left == 0 and "Due today" in html)


def test_the_clock_in_english_says_one_working_day_in_the_singular(app):
    from flask import render_template

    def render(lang, **clock):
        with app.test_request_context(f"/?lang={lang}"):
            return render_template("public/_clock.html", clock={"due_date": None, "paused_working_days": 0,
                                                                 **clock})

    assert "1 working day left" in render("en", state="running", working_days_left=1)
    assert "1 working day late" in render("en", state="running", working_days_left=-1)
    assert "3 working days left" in render("en", state="running", working_days_left=3)
    assert "Finished 1 working day late" in render("en", state="stopped", working_days_left=-1)
    assert "ເຫຼືອ 1 ມື້ລັດຖະການ" in render("lo", state="running", working_days_left=1)
    assert "ເຫຼືອ 4 ມື້ລັດຖະການ" in render("lo", state="running", working_days_left=4)


def test_a_returned_case_says_paused_waiting_for_your_documents(app, client):
    from engine.runtime.commands import return_to_citizen

    app_id, code = open_case(app)
    with app.app_context():
        return_to_citizen(ready_task(app_id).id, actor("desk.xs"), "Page 2 of the family book is missing")
    body = client.get(f"/api/v1/status/{code}").get_json()
    assert body["clock"]["state"] == "paused" and body["overdue"] is False
    assert "ໂມງຢຸດຊົ່ວຄາວ: ລໍຖ້າເອກະສານຂອງທ່ານ" in client.get(f"/status/{code}?lang=lo").get_data(as_text=True)
    assert "Clock paused: waiting for your documents" in client.get(f"/status/{code}?lang=en").get_data(as_text=True)


def test_a_returned_case_shows_the_moved_due_date_everywhere(app, client):
    """While the clock is paused the due date moves on with the wait: the page's "Due date" is the clock's."""
    from datetime import timedelta

    from engine.db import db
    from engine.models import Application
    from engine.queries import public_status
    from engine.runtime.commands import return_to_citizen

    app_id, code = open_case(app)
    with app.app_context():
        return_to_citizen(ready_task(app_id).id, actor("desk.xs"), "Page 2 of the family book is missing")
        case = db.session.get(Application, app_id)
        case.clock_paused_since = case.clock_paused_since - timedelta(days=14)  # waiting for two weeks
        original = case.due_date
        db.session.commit()
        info = public_status(code)
    assert info["clock"]["state"] == "paused"
    assert info["due_date"] == info["clock"]["due_date"] and info["due_date"] > original


def test_milestone_sms_carries_the_days_left(app):
    from engine.models.jobs import Notification

    app_id, _code = open_case(app)
    with app.app_context():
        from engine.db import db

        bodies = list(db.session.execute(select(Notification.body).where(
            Notification.application_id == app_id, Notification.kind == "milestone")).scalars())
    assert bodies and all("ມື້ລັດຖະການ" in b or "ກຳນົດແມ່ນມື້ນີ້" in b for b in bodies), bodies


def test_a_returned_sms_keeps_the_reason_whole_next_to_the_links(app):
    """With the status link and the clock's words a 40-letter reason used to be cut to a few letters: the
    clock's words give way first, the reason stays readable, and the text still fits two UCS-2 SMS."""
    from engine.db import db
    from engine.models.jobs import Notification
    from engine.runtime.commands import return_to_citizen
    from engine.sms import LIMIT, units

    app.config["PUBLIC_BASE_URL"] = "https://odsc.example.la"
    reason = ("ກະລຸນາເອົາໜ້າທີສອງຂອງປຶ້ມສຳມະໂນຄົວມາໃຫ້ແດ່" * 2)[:40]
    assert len(reason) == 40
    app_id, code = open_case(app)
    with app.app_context():
        return_to_citizen(ready_task(app_id).id, actor("desk.xs"), reason)
        bodies = list(db.session.execute(select(Notification.body).where(
            Notification.application_id == app_id, Notification.kind == "milestone",
            Notification.body.contains("ສົ່ງຄືນ"))).scalars())
    assert bodies
    for body in bodies:
        assert reason in body, body
        assert f"https://odsc.example.la/status/{code}" in body
        assert units(body) <= LIMIT == 134


# ---- feedback ----------------------------------------------------------------------------------------

def test_applicant_rates_once_through_the_api_after_the_case_is_finished(app, client):
    api = Api(client).login(CITIZEN)
    open_id, _ = open_case(app)
    early = api.post(f"/applications/{open_id}/feedback", json={"rating": 5})
    assert early.status_code == 409 and early.get_json()["code"] == "feedback_not_yet"
    app_id, _ = finished_case(app)
    bad = api.post(f"/applications/{app_id}/feedback", json={"rating": 9})
    assert bad.status_code == 422 and "1 to 5" in json.dumps(bad.get_json())
    ok = api.post(f"/applications/{app_id}/feedback", json={"rating": 4, "comment": "Quick and polite"})
    assert ok.status_code == 201 and ok.get_json()["rating"] == 4
    again = api.post(f"/applications/{app_id}/feedback", json={"rating": 1})
    assert again.status_code == 409 and again.get_json()["code"] == "feedback_given"
    officer = Api(client).login("officer.xs")
    assert officer.post(f"/applications/{app_id}/feedback", json={"rating": 1}).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "post" in spec["paths"]["/applications/{application_id}/feedback"]


def test_rating_from_the_status_page_and_the_one_time_sms_link(app, client):
    from engine.db import db
    from engine.feedback import link_path
    from engine.models import Feedback
    from engine.models.jobs import Notification

    app.config["PUBLIC_BASE_URL"] = "https://odsc.example.la"
    app_id, code = finished_case(app)
    page = client.get(f"/status/{code}?lang=lo").get_data(as_text=True)
    assert "ໃຫ້ຄະແນນບໍລິການນີ້" in page
    assert client.get(f"/status/{code}/feedback").status_code == 302  # log in first
    login(client, CITIZEN)
    form = client.get(f"/status/{code}/feedback?lang=lo").get_data(as_text=True)
    assert "ທ່ານພໍໃຈກັບການບໍລິການຫຼາຍປານໃດ?" in form
    wrong = client.post(f"/status/{code}/feedback?lang=lo", data={"rating": "0"})
    assert wrong.status_code == 422 and "ຄະແນນຕ້ອງແມ່ນ 1 ຫາ 5" in wrong.get_data(as_text=True)
    done = client.post(f"/status/{code}/feedback?lang=lo", data={"rating": "5", "comment": "ດີຫຼາຍ"})
    assert done.status_code == 200 and "ຂອບໃຈ" in done.get_data(as_text=True)

    # the final SMS of a second case carries a one-time link that needs no login
    other_id, _ = finished_case(app, reject=True)
    with app.app_context():
        bodies = list(db.session.execute(select(Notification.body).where(
            Notification.application_id == other_id, Notification.kind == "milestone")).scalars())
        link = link_path(other_id)
    # the final SMS keeps its label whole and carries the rating link (the status link gives way first when the
    # Lao text with both links and the 32-letter token would not fit two SMS)
    assert any("ຄຳຮ້ອງຖືກປະຕິເສດ." in b and link in b for b in bodies), bodies
    anonymous = app.test_client()
    assert anonymous.get(link[:-1] + ("0" if link[-1] != "0" else "1")).status_code == 404  # forged token
    assert anonymous.post(link, data={"rating": "2"}).status_code == 200
    second = anonymous.post(link, data={"rating": "5"})
    assert second.status_code == 422 and "already rated" in anonymous.get(link + "?lang=en").get_data(as_text=True)
    with app.app_context():
        rows = {f.application_id: (f.rating, f.channel) for f in db.session.query(Feedback)}
    assert rows == {app_id: (5, "web"), other_id: (2, "sms_link")}


def test_ratings_are_public_only_from_five_and_comments_only_for_supervisors(app, client):
    from engine.db import db
    from engine.models import Feedback

    ids = [finished_case(app)[0] for _ in range(5)]
    with app.app_context():
        for i, app_id in enumerate(ids[:4]):
            db.session.add(Feedback(application_id=app_id, service_id="residence_certificate",
                                    centre_id="xaysettha", rating=4, comment=f"secret comment {i}", channel="web"))
        db.session.commit()
    page = client.get("/transparency/?lang=en").get_data(as_text=True)
    assert "Not enough ratings yet." in page and "secret comment" not in page
    with app.app_context():
        db.session.add(Feedback(application_id=ids[4], service_id="residence_certificate", centre_id="xaysettha",
                                rating=2, comment="secret comment 4", channel="web"))
        db.session.commit()
    page = client.get("/transparency/?lang=en").get_data(as_text=True)
    assert "3.6 / 5" in page and "secret comment" not in page  # (4*4 + 2) / 5
    assert client.get("/monitor/feedback").status_code == 302
    login(client, "officer.xs")
    assert client.get("/monitor/feedback").status_code == 403
    login(client, "supervisor.xs")
    staff_page = client.get("/monitor/feedback?lang=en").get_data(as_text=True)
    assert "secret comment 4" in staff_page
    # names in the page's language, not ids; each summary row is a card on a phone (table.report)
    assert ">residence_certificate<" not in staff_page and "residence_certificate ·" not in staff_page
    assert ">xaysettha<" not in staff_page and "· xaysettha ·" not in staff_page
    assert 'class="table report feedback-summary"' in staff_page
    lao_page = client.get("/monitor/feedback?lang=lo").get_data(as_text=True)
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in lao_page


def test_dashboard_links_to_the_bottleneck_maps_and_the_ratings(app, client):
    finished_case(app)
    login(client, "supervisor.xs")
    for lang, map_words, ratings in (("lo", "ແຜນທີ່ຈຸດຕິດຂັດ", "ຄະແນນຈາກຜູ້ຍື່ນຄຳຮ້ອງ"),
                                     ("en", "Bottleneck map", "Applicants' ratings")):
        page = client.get(f"/monitor/?lang={lang}").get_data(as_text=True)
        assert "/monitor/services/residence_certificate/elements?scope=" in page and map_words in page
        assert 'href="/monitor/feedback"' in page and ratings in page.replace("&#39;", "'")
    public = client.get("/transparency/?lang=en").get_data(as_text=True)
    assert "/elements" not in public  # the public page keeps its plain table


# ---- status by SMS -----------------------------------------------------------------------------------

def _signed(client, payload, *, as_json=False, ts=None, secret=SECRET, sig=None):
    from engine.sms_inbound import signature

    ts = str(int(time.time()) if ts is None else ts)
    if as_json:
        raw = json.dumps(payload).encode()
        ctype = "application/json"
    else:
        from urllib.parse import urlencode

        raw = urlencode(payload).encode()
        ctype = "application/x-www-form-urlencoded"
    headers = {"X-ODSC-Timestamp": ts, "X-ODSC-Signature": sig or signature(secret, ts, raw)}
    return client.post("/sms/inbound", data=raw, content_type=ctype, headers=headers)


def _replies(app):
    from engine.db import db
    from engine.models.jobs import Notification

    with app.app_context():
        return [(n.recipient, n.body) for n in db.session.execute(
            select(Notification).where(Notification.kind == "status_reply").order_by(Notification.id)).scalars()]


def test_sms_with_a_code_anywhere_gets_a_one_segment_lao_reply(app, client):
    app.config["SMS_INBOUND_SECRET"] = SECRET
    _id, code = open_case(app)
    messy = f"sabaidee status {code[:4].lower()} {code[4:8]}-{code[8:]} please"
    r = _signed(client, {"from": "020 7777 1234", "text": messy})
    assert r.status_code == 202 and r.get_json() == {"outcome": "found"}
    (recipient, body), = _replies(app)
    assert recipient == "+8562077771234"
    assert len(body) <= 70 and f"{code[:4]}-{code[4:8]}-{code[8:]}" in body
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in body and "ໄດ້ຮັບຄຳຮ້ອງແລ້ວ" in body and "ມື້" in body
    assert "ສົມຊາຍ" not in body and "LA" not in body  # nothing personal
    r = _signed(client, {"from": "020 7777 1234", "text": "what is my status?"}, as_json=True)
    assert r.get_json() == {"outcome": "unknown"}
    assert "ລະຫັດຕິດຕາມ" in _replies(app)[-1][1] and len(_replies(app)[-1][1]) <= 70


def test_every_reply_of_the_seed_catalogue_fits_one_segment(app):
    """Every service × every milestone × 0-99 days left, paused and late, from the real seed data."""
    from engine import sms_inbound
    from engine.db import db
    from engine.models import Service, ServiceVersion

    with app.app_context():
        for service in db.session.query(Service):
            defn = db.session.get(ServiceVersion, service.current_version_id).definition
            for milestone in defn["milestones"]:
                for state, left in (("running", 99), ("running", 0), ("running", -42), ("paused", 12),
                                    ("stopped", -3)):
                    info = {"tracking_code": "ABCDEFGHJK", "service": {"lo": service.name_lo},
                            "milestone_label": milestone["label"],
                            "clock": {"state": state, "working_days_left": left}}
                    text = sms_inbound.compose(info)
                    assert len(text) <= 70, (service.id, milestone["id"], state, text, len(text))
                    assert "ABCD-EFGH-JK" in text


def test_sms_inbound_refuses_bad_signatures_old_timestamps_replays_and_floods(app, client):
    app.config.update(SMS_INBOUND_SECRET=SECRET, SMS_INBOUND_PER_HOUR=3)
    payload = {"from": "+856 20 5555 0000", "text": "hello"}
    bad = _signed(client, payload, secret="wrong")
    assert bad.status_code == 401 and bad.get_json()["error"] == "sms_signature"
    assert "ລາຍເຊັນ" in bad.get_json()["message"]["lo"]
    old = _signed(client, payload, ts=int(time.time()) - 3600)
    assert old.status_code == 401 and old.get_json()["error"] == "sms_timestamp"
    ts = int(time.time())
    assert _signed(client, payload, ts=ts).status_code == 202
    replay = _signed(client, payload, ts=ts)
    assert replay.status_code == 401 and replay.get_json()["error"] == "sms_replay"
    missing = _signed(client, {"text": "hi"})
    assert missing.status_code == 400 and missing.get_json()["error"] == "sms_fields"
    outcomes = [_signed(client, {**payload, "text": f"hello {i}"}).get_json()["outcome"] for i in range(4)]
    assert outcomes == ["unknown", "unknown", "limited", "limited"]
    assert len(_replies(app)) == 3
    with app.app_context():
        from engine.db import db
        from engine.models import InboundSms

        hashes = set(db.session.execute(select(InboundSms.phone_hash)).scalars())
    assert hashes == {hashlib.sha256(b"+8562055550000").hexdigest()}  # the number itself is not kept
    app.config["SMS_INBOUND_SECRET"] = ""
    assert _signed(client, payload).status_code == 401


# ---- open performance data ---------------------------------------------------------------------------

def test_open_data_csv_and_json_suppress_small_rows_and_carry_no_personal_data(app, client):
    import csv
    import io

    for _ in range(5):
        finished_case(app)
    finished_case(app, reject=True)
    open_case(app)
    r = client.get("/transparency/data.json")
    assert r.status_code == 200 and "public" in r.headers["Cache-Control"]
    data = r.get_json()
    assert data["licence"]["id"] == "CC-BY-4.0"
    rows = [x for x in data["rows"] if x["centre_id"] == "xaysettha" and x["service_id"] == "residence_certificate"]
    month = rows[-1]
    assert (month["received"], month["completed"], month["rejected"], month["open_at_month_end"]) >= (7, 5, 1, 1)
    assert month["on_time_rate"] is not None and month["median_working_days"] is not None
    small = [x for x in data["rows"] if x["completed"] < 5]
    assert all(x["on_time_rate"] is None and x["median_working_days"] is None and x["p90_working_days"] is None
               for x in small)
    text = client.get("/transparency/data.csv").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == data["fields"] and len(table) == len(data["rows"])
    for personal in ("ສົມຊາຍ", "LA123456", "5555", "FB-"):
        assert personal not in text and personal not in json.dumps(data, ensure_ascii=False)


def test_one_number_in_any_written_form_shares_one_hourly_limit_and_one_recipient(app, client):
    """A gateway may send `from` as +856…, 856… (no plus), 020… or 20… (no trunk 0): one number, one limit,
    one canonical recipient (found by the issue-18 verification: 856… and 20… each got a fresh limit)."""
    app.config.update(SMS_INBOUND_SECRET=SECRET, SMS_INBOUND_PER_HOUR=2)
    forms = ["+856 20 5555 6666", "8562055556666", "2055556666", "020 5555 6666", "00856 20 5555 6666"]
    outcomes = [_signed(client, {"from": phone, "text": f"hi {i}"}).get_json()["outcome"]
                for i, phone in enumerate(forms)]
    assert outcomes == ["unknown", "unknown", "limited", "limited", "limited"]
    assert {recipient for recipient, _body in _replies(app)} == {"+8562055556666"}
    from engine.notifications import normalize_phone

    assert normalize_phone("030 512 3456") == normalize_phone("305123456") == "+856305123456"
