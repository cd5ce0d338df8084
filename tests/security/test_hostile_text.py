"""The input boundary, property-based: arbitrary Unicode (NUL, every control character, lone surrogates,
combining marks, very long text) thrown at the web forms and API operations that take text. Two properties:
no answer is a 5xx, and a case accepted at its first step can always be driven to its end — every task
completed, the certificate issued, its PDF and the receipt rendered — on SQLite and on PostgreSQL (where NUL
used to strand cases)."""
from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.db import db
from engine.models import Application
from tests.security.sec_helpers import CITIZEN, RESIDENCE, login, multipart

SPECIALS = ["\x00", "\ud800", "\udfff", "\x1b[31m", "\r\n", "\t", "\u202e", "\ufeff", "ຫຼ\u0ec8\u0ec8", "e\u0301",
            "\U0001f600", "\x7f", "%00", "\\u0000", "'; DROP TABLE application; --", "<script>x</script>"]
hostile = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
    st.sampled_from(SPECIALS),
    st.lists(st.sampled_from(SPECIALS), min_size=1, max_size=5).map("".join),
    st.integers(min_value=150, max_value=5000).map(lambda n: "ກ" * n),
)
TEXT_FIELDS = ["applicant_name", "village", "family_book_number", "id_number", "phone", "birth_date", "purpose"]
RELAXED = settings(max_examples=12, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def wire(value: str) -> bytes:
    """A form value as a hostile client puts it on the wire: UTF-8, lone surrogates included (as their
    invalid three-byte forms: no browser sends them, anyone can)."""
    return value.encode("utf-8", "surrogatepass")


_phones = itertools.count(100000)


def _drive_to_the_end(app_id: int) -> None:
    """Every later step on the stored answers: the whole approval path, certificate issued, PDFs rendered."""
    from engine import certificates
    from engine.runtime import commands
    from tests.engine.helpers import APPROVE_PATH, actor, ready_task

    for user, _bpmn, answers in APPROVE_PATH:
        commands.complete_task(ready_task(app_id).id, actor(user), answers)
    application = db.session.get(Application, app_id)
    assert application.status == "completed"
    cert = certificates.certificate_of_application(app_id)
    assert cert is not None and certificates.verify(cert.number)["authentic"]
    assert certificates.certificate_pdf(cert, "http://localhost/verify").startswith(b"%PDF")
    assert certificates.receipt_pdf(application, "http://localhost/status").startswith(b"%PDF")


def _newest(app) -> int | None:
    with app.app_context():
        row = db.session.query(Application).order_by(Application.id.desc()).first()
        return row.id if row else None


@RELAXED
@given(field=st.sampled_from(TEXT_FIELDS), value=hostile)
def test_web_application_form(both_dbs, field, value):
    app = both_dbs
    client = app.test_client()
    login(client, CITIZEN)
    before = _newest(app)
    body, ctype = multipart({**RESIDENCE, field: wire(value)}, {"family_book_scan": (b"%PDF-1.4\n%%EOF\n", "b.pdf")})
    r = client.post("/centres/xaysettha/services/residence_certificate/apply", data=body, content_type=ctype)
    assert r.status_code < 500, (field, value, r.status_code)
    if r.status_code == 302:
        app_id = _newest(app)
        assert app_id != before
        with app.app_context():
            _drive_to_the_end(app_id)
    else:
        assert _newest(app) == before  # refused: nothing stored


_tokens: dict = {}


def _token(app, client) -> dict:
    key = app.config["SQLALCHEMY_DATABASE_URI"]
    if key not in _tokens:
        r = client.post("/api/v1/auth/token", json={"username": CITIZEN, "password": "demo-pass-2026"})
        _tokens[key] = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    return _tokens[key]


@RELAXED
@given(field=st.sampled_from(TEXT_FIELDS), value=hostile)
def test_api_application(both_dbs, field, value):
    from engine import documents
    from engine.models import User

    app = both_dbs
    client = app.test_client()
    auth = _token(app, client)
    with app.app_context():
        owner = db.session.query(User).filter_by(username=CITIZEN).one().id
        scan = documents.store(b"%PDF-1.4\n%%EOF\n", "b.pdf", owner).meta()
    before = _newest(app)
    body = {"service_id": "residence_certificate", "centre_id": "xaysettha",
            "data": {**RESIDENCE, field: value, "family_book_scan": {"id": scan["id"]}}}
    r = client.post("/api/v1/applications", data=json.dumps(body, ensure_ascii=True),
                    content_type="application/json", headers=auth)
    assert r.status_code < 500, (field, value, r.status_code)
    if r.status_code == 201:
        with app.app_context():
            _drive_to_the_end(r.get_json()["id"])
    else:
        assert r.content_type == "application/problem+json" and _newest(app) == before


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(username=hostile, password=hostile, name=hostile)
def test_logins_and_registration(app, username, password, name):
    client = app.test_client()
    assert client.post("/login", data={"username": wire(username), "password": wire(password)}).status_code < 500
    r = client.post("/api/v1/auth/token", data=json.dumps({"username": username, "password": password}),
                    content_type="application/json")
    assert r.status_code < 500
    phone = f"020 77{next(_phones)}"
    r = client.post("/register", data={"phone": phone, "full_name": wire(name), "password": "long-enough-1",
                                       "password2": "long-enough-1"})
    assert r.status_code < 500
    if r.status_code == 302:  # an account was made: its name is storable and shows
        assert client.get("/my").status_code == 200


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=hostile, reason=hostile)
def test_staff_comments_and_reasons(app, text, reason):
    from tests.engine.helpers import ready_task, start_residence

    with app.app_context():
        app_id = start_residence().id
        task = ready_task(app_id).id
    client = app.test_client()
    login(client, "desk.xs")
    assert client.post(f"/staff/cases/{app_id}/comment", data={"text": wire(text)}).status_code < 500
    r = client.post(f"/staff/tasks/{task}", data={"decision": "return", "reason": wire(reason)})
    assert r.status_code < 500
    auth = {"Authorization": "Bearer " + client.post("/api/v1/auth/token", json={
        "username": "desk.xs", "password": "demo-pass-2026"}).get_json()["access_token"]}
    r = client.post(f"/api/v1/applications/{app_id}/comments", data=json.dumps({"text": text}, ensure_ascii=True),
                    content_type="application/json", headers=auth)
    assert r.status_code < 500
    client.get(f"/staff/cases/{app_id}")  # the case page shows whatever was stored
    assert client.get(f"/staff/cases/{app_id}").status_code == 200
