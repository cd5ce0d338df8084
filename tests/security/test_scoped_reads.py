"""Findings 5, 6, 7, 8 and 14: the outbox, dashboards and documents stay inside the reader's scope;
monitors are read-only; downloads are attachments under a generated name with their sniffed extension and
keep their sandbox policy."""
from __future__ import annotations

import io

from engine.db import db
from engine.models.documents import Document
from tests.security.sec_helpers import (
    CITIZEN,
    PDF,
    PNG,
    PROVINCE_PASSWORD,
    app_id_from,
    apply_residence,
    bearer,
    login,
    make_staff,
)


def test_outbox_shows_only_the_staff_members_centre(app, client):
    login(client, CITIZEN)
    r = apply_residence(client)
    assert r.status_code == 302
    with app.app_context():
        from engine.models import Application
        from engine.tracking import display

        code = display(db.session.get(Application, app_id_from(r)).tracking_code)  # as the SMS shows it
    login(client, "desk.xs")
    assert code in client.get("/dev/outbox").get_data(as_text=True)  # its own centre's messages
    login(client, "desk.ctb")  # another centre of the same province
    r = client.get("/dev/outbox")
    assert r.status_code == 200 and code not in r.get_data(as_text=True)
    assert "+85620" not in r.get_data(as_text=True)  # nor the applicant's phone number


def test_province_admin_sees_only_its_provinces_dashboards(app, client):
    make_staff(app, "admin.lpb", "luangprabang", ["admin"])
    login(client, "admin.lpb", PROVINCE_PASSWORD)
    assert client.get("/monitor/centre/luangprabang").status_code == 200
    assert client.get("/monitor/centre/xaysettha").status_code == 403
    assert client.get("/monitor/centre/vte/export.csv").status_code == 403
    assert client.get("/monitor/centre/moha").status_code == 403
    csv = client.get("/monitor/export.csv")
    assert csv.status_code == 200 and b"xaysettha" not in csv.data
    login(client, "admin")  # the national administrator sees the nation
    assert client.get("/monitor/centre/xaysettha").status_code == 200


def test_a_form_cannot_name_someone_elses_document(app, client):
    other = app.test_client()
    login(other, "desk.ctb")
    foreign = other.post("/documents", data={"file": (io.BytesIO(PDF), "secret.pdf")},
                         content_type="multipart/form-data").get_json()["id"]
    auth = bearer(client, CITIZEN)
    data = {"applicant_name": "ສົມຊາຍ", "id_number": "LA1234567", "birth_date": "1990-05-17",
            "phone": "020 5555 1234", "village": "ບ້ານ", "family_book_number": "FB-1", "purpose": "bank",
            "family_book_scan": {"id": foreign, "name": "mine.pdf"}}
    r = client.post("/api/v1/applications", json={"service_id": "residence_certificate", "centre_id": "xaysettha",
                                                  "data": data}, headers={**auth, "Accept-Language": "en"})
    assert r.status_code == 422 and "not yours" in r.get_json()["errors"]["data.family_book_scan"]
    with app.app_context():
        assert db.session.get(Document, foreign).application_id is None


def test_api_uploads_have_an_owner_and_a_case(app, client):
    auth = bearer(client, CITIZEN)
    meta = client.post("/api/v1/documents", data={"file": (io.BytesIO(PDF), "book.pdf")}, headers=auth,
                       content_type="multipart/form-data").get_json()
    data = {"applicant_name": "ສົມຊາຍ", "id_number": "LA1234567", "birth_date": "1990-05-17",
            "phone": "020 5555 1234", "village": "ບ້ານ", "family_book_number": "FB-1", "purpose": "bank",
            "family_book_scan": {"id": meta["id"]}}
    r = client.post("/api/v1/applications", json={"service_id": "residence_certificate", "centre_id": "xaysettha",
                                                  "data": data}, headers=auth)
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    assert client.get(f"/api/v1/applications/{app_id}/documents/{meta['id']}", headers=auth).status_code == 200
    extra = client.post(f"/api/v1/applications/{app_id}/documents", headers=auth,
                        data={"file": (io.BytesIO(PDF), "more.pdf")}, content_type="multipart/form-data")
    assert extra.status_code == 201
    with app.app_context():
        from engine.models import User

        owner = db.session.query(User).filter_by(username=CITIZEN).one().id
        row = db.session.get(Document, extra.get_json()["id"])
        assert (row.uploader_id, row.application_id) == (owner, app_id)
    # the owner can download both, on the web too
    login(client, CITIZEN)
    assert client.get(f"/documents/{extra.get_json()['id']}").status_code == 200


def test_monitors_cannot_upload_into_cases(app, client):
    login(client, CITIZEN)
    app_id = app_id_from(apply_residence(client))
    auth = bearer(client, "monitor.vte")
    assert client.get(f"/api/v1/applications/{app_id}", headers=auth).status_code == 200  # reads it
    r = client.post(f"/api/v1/applications/{app_id}/documents", headers=auth,
                    data={"file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 403
    with app.app_context():
        assert db.session.query(Document).filter_by(application_id=app_id).count() == 1


def test_downloads_use_the_sniffed_extension_and_keep_their_sandbox(app, client):
    login(client, CITIZEN)
    meta = client.post("/documents", data={"file": (io.BytesIO(PNG), "evil.html")},
                       content_type="multipart/form-data").get_json()
    r = client.get(f"/documents/{meta['id']}")
    assert r.status_code == 200 and r.mimetype == "image/png"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".png" in disposition and ".html" not in disposition
    assert r.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    login(client, CITIZEN)
    app_id = app_id_from(apply_residence(client, family_book_scan=(io.BytesIO(PNG), "scan.html")))
    login(client, "desk.xs")
    with app.app_context():
        doc = db.session.query(Document).filter_by(application_id=app_id).one().id
    r = client.get(f"/staff/cases/{app_id}/documents/{doc}")
    assert r.status_code == 200 and ".png" in r.headers["Content-Disposition"]
    assert r.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
