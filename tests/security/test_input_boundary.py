"""Findings 1 and 11: text that no database, PDF or SMS can carry is refused at the one boundary where it
enters (web forms, query strings, paths, API bodies, file names, imports), with a field error in Lao and
English, and nothing is stored; parameters that no column can hold never reach a query. Run on PostgreSQL
too (TEST_DATABASE_URL): NUL is the PostgreSQL fault."""
from __future__ import annotations

import json

import pytest

from engine.db import db
from engine.inputs import clean_file_name
from engine.models import Application
from tests.security.sec_helpers import CITIZEN, apply_residence, login


def _count(app) -> int:
    with app.app_context():
        return db.session.query(Application).count()


@pytest.mark.parametrize("value", ["ສົມ\x00ຊາຍ", "a\x01b", "\x1bZ"])
def test_control_characters_in_a_web_form_are_refused_and_nothing_is_stored(app, client, value):
    login(client, CITIZEN)
    before = _count(app)
    r = apply_residence(client, applicant_name=value)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "applicant_name" in html and "ອັກສອນ" in html  # the field, in Lao (the default language)
    r = client.post("/centres/xaysettha/services/residence_certificate/apply?lang=en",
                    data={"applicant_name": value}, content_type="multipart/form-data")
    assert r.status_code == 400 and ("NUL" in r.get_data(as_text=True) or "control" in r.get_data(as_text=True))
    assert _count(app) == before


def test_a_line_break_in_a_short_text_field_is_a_field_error(app, client):
    login(client, CITIZEN)
    before = _count(app)
    r = client.post("/centres/xaysettha/services/residence_certificate/apply?lang=en",
                    data={"applicant_name": "a\nb"}, content_type="multipart/form-data")
    assert r.status_code == 422 and "control character" in r.get_data(as_text=True)
    assert _count(app) == before


def test_bytes_that_are_not_utf8_in_a_form_or_query_are_refused_not_stored_as_escapes(app, client):
    """A lone surrogate (or any byte that is not UTF-8) in a url-encoded form or query string is refused
    with a field error; werkzeug used to keep it as the literal text `%ED%A0%80`, which was then stored."""
    from engine.models import User

    login(client, "admin")
    form = {"username": "bad.bytes", "full_name": b"A\xed\xa0\x80B", "centre": "xaysettha",
            "roles": ["front_desk"], "phone": "", "email": "", "locale": "lo"}
    r = client.post("/admin/staff/new?lang=en", data=form)
    assert r.status_code == 400 and "full_name" in r.get_data(as_text=True)
    assert "invalid Unicode" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(username="bad.bytes").count() == 0
    r = client.get("/admin/audit?lang=lo&actor=%ED%A0%80")
    assert r.status_code == 400 and "actor" in r.get_data(as_text=True)
    assert client.get("/admin/audit?actor=%E0%BA%81").status_code == 200  # real Lao text is fine


def test_text_is_stored_in_nfc(app, client):
    login(client, CITIZEN)
    decomposed = "Cafe\u0301 ສົມຊາຍ"
    r = apply_residence(client, applicant_name=decomposed)
    assert r.status_code == 302
    with app.app_context():
        stored = db.session.query(Application).order_by(Application.id.desc()).first().data["applicant_name"]
    assert stored == "Caf\u00e9 ສົມຊາຍ"


def _raw_json(client, url, payload, headers=None):
    # ensure_ascii escapes lone surrogates as \udxxx: valid JSON text, not valid Unicode
    body = json.dumps(payload, ensure_ascii=True)
    return client.post(url, data=body, content_type="application/json", headers=headers or {})


def test_lone_surrogates_in_json_bodies_are_a_422_never_a_500(app, client):
    r = _raw_json(client, "/api/v1/auth/token", {"username": "\ud800", "password": "x"})
    assert r.status_code == 422 and r.content_type == "application/problem+json"
    assert "username" in r.get_json()["errors"]
    token = client.post("/api/v1/auth/token", json={"username": CITIZEN, "password": "demo-pass-2026"}
                        ).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    before = _count(app)
    r = _raw_json(client, "/api/v1/applications", {"service_id": "residence_certificate", "centre_id": "xaysettha",
                                                   "data": {"applicant_name": "a\udc00b"}}, auth)
    assert r.status_code == 422 and "data.applicant_name" in r.get_json()["errors"]
    assert "surrogate" in r.get_json()["errors"]["data.applicant_name"]
    r = _raw_json(client, "/api/v1/applications", {"service_id": "residence_certificate", "centre_id": "xaysettha",
                                                   "data": {"applicant_name": "a\x00b"}}, auth)
    assert r.status_code == 422 and "NUL" in r.get_json()["errors"]["data.applicant_name"]
    assert _count(app) == before


def test_a_multipart_part_without_a_name_is_not_a_500(client):
    """Found by schemathesis: a form part whose name werkzeug cannot read has no key (None)."""
    token = client.post("/api/v1/auth/token", json={"username": CITIZEN, "password": "demo-pass-2026"}
                        ).get_json()["access_token"]
    body = b'--XX\r\nContent-Disposition: form-data\r\n\r\n-\r\n--XX--\r\n'
    r = client.post("/api/v1/documents", data=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "multipart/form-data; boundary=XX"})
    assert r.status_code == 422 and r.content_type == "application/problem+json"


@pytest.mark.parametrize("path", ["/centres/%00", "/transparency/%00", "/status/%00", "/api/v1/centres/%00",
                                  "/verify/%00", "/staff/cases/99999999999999999999",
                                  "/applications/99999999999999999999/receipt"])
def test_paths_no_database_can_look_up_are_404(client, path):
    login(client, CITIZEN)
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)


def test_nul_in_the_login_name_is_refused(client):
    r = client.post("/login", data={"username": "desk\x00.xs", "password": "x"})
    assert r.status_code == 400
    r = client.post("/api/v1/auth/token", json={"username": "desk\x00.xs", "password": "x"})
    assert r.status_code == 422


@pytest.mark.parametrize("query", ["page=1e20", "page=99999999999999999999999", "page=-5", "page=abc"])
def test_audit_page_numbers_never_fail(client, query):
    login(client, "admin")
    assert client.get(f"/admin/audit?{query}").status_code == 200


def test_office_rows_that_is_not_a_number_is_ignored(client):
    from tests.admin.admin_helpers import centre_form

    login(client, "admin")
    r = client.post("/admin/centres/new", data=centre_form(office_rows="abc"))
    assert r.status_code in (302, 422)


def test_admin_forms_refuse_unstorable_text_with_a_field_error(app, client):
    from tests.admin.admin_helpers import centre_form

    login(client, "admin")
    r = client.post("/admin/centres/new?lang=en", data=centre_form(name_en="Naxay\u0001thong"))
    assert r.status_code in (400, 422)
    r = client.post("/admin/centres/new?lang=en", data=centre_form(name_en="N" * 201))
    assert r.status_code == 422 and "Too long" in r.get_data(as_text=True)
    r = client.post("/admin/staff/new?lang=en", data={"username": "clerk.x", "full_name": "x" * 300,
                                                      "centre": "xaysettha", "roles": ["front_desk"]})
    assert r.status_code == 422 and "Too long" in r.get_data(as_text=True)


def test_the_centres_file_import_uses_the_same_boundary(app):
    from engine.admin.centres_file import export_yaml, plan_import

    with app.app_context():
        text = export_yaml().replace("Xaysettha District", "\"Xaysettha\\u0007District\"", 1)
        assert "\\u0007" in text
        plan = plan_import(text)
        assert any("cannot be stored" in p.message for p in plan.problems), [p.message for p in plan.problems]


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "passwd"), ("C:\\x\\evil.pdf", "evil.pdf"), ("a\x00b.pdf", "ab.pdf"),
    ("ໃບ\u0ec8.pdf", "ໃບ\u0ec8.pdf"), ("", "document"), ("\ud800.pdf", "pdf"), ("x" * 300 + ".pdf", None),
])
def test_uploaded_file_names_are_labels_that_every_store_can_carry(name, expected):
    cleaned = clean_file_name(name)
    if expected is not None:
        assert cleaned == expected
    assert len(cleaned) <= 200 and cleaned.endswith(("pdf", "passwd", "document"))
    assert all(ord(ch) >= 32 and not 0xD800 <= ord(ch) <= 0xDFFF for ch in cleaned)
