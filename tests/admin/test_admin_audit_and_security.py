"""The audit page (filters, pagination, scope), security headers, session idle timeout, the centres CLI."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import yaml

from engine.audit import SYSTEM, record
from engine.db import db, utcnow
from engine.models import AuditEvent, Centre
from tests.admin.admin_helpers import CITIZEN, apply_residence, centre_form, login


def kinds(client, url: str) -> list[str]:
    """The kinds of the events listed on an audit page, in order."""
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'data-kind="([a-z._]+)"', html)


def test_audit_page_filters_by_centre_user_kind_and_date_and_pages(app, client):
    login(client, CITIZEN)
    apply_residence(client, "xaysettha")  # a case action, in the same trail
    login(client, "admin")
    client.post("/admin/centres/new", data=centre_form())
    client.post("/admin/centres/pakse/close", data={"reason": "flood"})
    assert {"centre.created", "centre.closed", "application.started"} <= set(kinds(client, "/admin/audit"))
    assert set(kinds(client, "/admin/audit?centre=naxaythong")) == {"centre.created"}
    assert set(kinds(client, "/admin/audit?kind=centre")) == {"centre.created", "centre.updated", "centre.closed"}
    assert kinds(client, f"/admin/audit?user={CITIZEN}") == ["application.started"]
    # before and after of an edit are shown
    html = client.get("/admin/audit?kind=centre.updated&centre=pakse").get_data(as_text=True)
    # fields named and yes/no said as people read them
    assert "<th scope=\"row\">ກຳລັງໃຊ້ງານ</th><td>ແມ່ນ</td><td>ບໍ່</td>" in html
    today = utcnow().date()
    assert "centre.closed" in kinds(client, f"/admin/audit?from={today - timedelta(days=1)}&to={today + timedelta(days=1)}")
    assert kinds(client, "/admin/audit?to=2020-01-01") == []
    r = client.get("/admin/audit?from=yesterday")
    assert r.status_code == 200 and "31/01/2026" in r.get_data(as_text=True)
    # pages of 50
    with app.app_context():
        for i in range(120):
            record("test.event", SYSTEM, f"event {i}", centre_id="xaysettha")
        db.session.commit()
    first = client.get("/admin/audit?kind=test.event").get_data(as_text=True)
    assert first.count('class="item audit-event') == 50 and "event 119" in first and 'rel="next"' in first
    third = client.get("/admin/audit?kind=test.event&page=3").get_data(as_text=True)
    assert third.count('class="item audit-event') == 20 and "event 0<" in third.replace(" </h3>", "<")
    assert 'rel="next"' not in third and 'rel="prev"' in third


def test_audit_details_name_their_fields_in_the_page_language(app, client):
    """Review of issue 16: the fields inside an entry's details were raw keys (full_name, must_change_password)."""
    login(client, "admin")
    client.post("/admin/centres/new", data=centre_form())
    with app.app_context():
        record("user.updated", SYSTEM, "desk.xs", centre_id="xaysettha", data={
            "before": {"full_name": "A", "roles": ["front_desk"], "must_change_password": False},
            "after": {"full_name": "B", "roles": ["front_desk", "supervisor"], "must_change_password": True},
            "reason": "moved"})
        record("catalogue.release_kept", SYSTEM, "residence_certificate v3 kept", data={
            "service": "residence_certificate", "current": 3, "current_origin": "designer", "file_version": 2})
        db.session.commit()
    lao = client.get("/admin/audit").get_data(as_text=True)
    fields = re.findall(r'<th scope="row">([^<]*)</th>', lao)
    assert {"ຊື່ ແລະ ນາມສະກຸນ", "ຕ້ອງປ່ຽນລະຫັດຜ່ານ", "ເຫດຜົນ", "ສະບັບປັດຈຸບັນ", "ສະບັບໃນໄຟລ໌ລາຍການບໍລິການ"} <= set(fields)
    assert [f for f in fields if re.search(r"[A-Za-z_]", f)] == []  # no raw key, no English on the Lao page
    # a field inside a nested value (a centre's offices) is named too
    assert not re.search(r"\b(name|roles|id): ", lao)
    english = client.get("/admin/audit?kind=user.updated&lang=en").get_data(as_text=True)
    assert '<th scope="row">Must change the password</th>' in english and "full_name" not in english


def test_province_admin_sees_only_their_provinces_audit(app, client):
    from engine.accounts import create_user

    with app.app_context():
        create_user("admin.vte", "province-pass-1", centre_id="vte", roles=["admin"])
        record("centre.updated", SYSTEM, "pakse", centre_id="pakse")
        record("centre.updated", SYSTEM, "xaysettha", centre_id="xaysettha")
        db.session.commit()
    login(client, "admin.vte", "province-pass-1")
    html = client.get("/admin/audit?kind=centre.updated").get_data(as_text=True)
    assert "· ເມືອງໄຊເສດຖາ" in html and "· ເມືອງປາກເຊ" not in html  # centres by name
    assert "· ເມືອງປາກເຊ" not in client.get("/admin/audit?centre=pakse").get_data(as_text=True)


def test_the_audit_trail_cannot_be_changed(app):
    import pytest
    from sqlalchemy.exc import DatabaseError

    with app.app_context():
        event = record("centre.updated", SYSTEM, "x", centre_id="xaysettha")
        db.session.commit()
        event.summary = "rewritten"
        with pytest.raises(DatabaseError):
            db.session.commit()
        db.session.rollback()


def test_security_headers_on_every_page(client):
    for url in ("/", "/centres", "/login", "/api/v1/centres", "/static/css/app.css"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "img-src 'self' data:" in csp
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in r.headers  # plain HTTP
    r = client.get("/", base_url="https://odsc.example.la")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_idle_timeout_and_lifetime_are_configurable(app, client):
    assert app.config["SESSION_IDLE_TIMEOUT"] == 3600
    assert app.permanent_session_lifetime == timedelta(hours=8)
    app.config["SESSION_IDLE_TIMEOUT"] = 600
    login(client, "desk.xs")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - 599
    assert client.get("/staff/").status_code == 200  # still within the idle limit (and `seen` refreshed)
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - 601
    r = client.get("/staff/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    cookie = client.get_cookie("session")
    assert cookie is None or cookie.http_only


def test_cli_export_then_import_is_a_no_op(app, runner, tmp_path):
    path = tmp_path / "centres.yaml"
    result = runner.invoke(args=["centres", "export", str(path)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {"office_roles", "centres"} == set(doc)
    with app.app_context():
        before = db.session.query(AuditEvent).count()
    result = runner.invoke(args=["centres", "import", str(path)])
    assert result.exit_code == 0 and result.output.strip() == "no changes"
    with app.app_context():
        assert db.session.query(AuditEvent).count() == before
    # stdout export equals the file
    assert runner.invoke(args=["centres", "export"]).output == path.read_text(encoding="utf-8")


def test_cli_dry_run_lists_changes_then_import_applies_them(app, runner, tmp_path):
    path = tmp_path / "centres.yaml"
    runner.invoke(args=["centres", "export", str(path)])
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: pakse\n", "  - id: pakse\n    active: false\n", 1)
    text = text.replace("      - {id: birth_certificate, fee: 10000}", "      - {id: birth_certificate, fee: 12000}", 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["centres", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would centre pakse: close" in result.output
    assert "would centre pakse: fee of birth_certificate 10000 -> 12000" in result.output
    assert "dry run: 2 changes, nothing applied" in result.output
    with app.app_context():
        assert db.session.get(Centre, "pakse").active is True
    result = runner.invoke(args=["centres", "import", str(path)])
    assert result.exit_code == 0 and "applied 2 changes" in result.output
    with app.app_context():
        assert db.session.get(Centre, "pakse").active is False
    # the exported file of the new state imports as a no-op again
    runner.invoke(args=["centres", "export", str(path)])
    assert runner.invoke(args=["centres", "import", str(path)]).output.strip() == "no changes"
    bad = tmp_path / "bad.yaml"
    bad.write_text("centres:\n  - id: Bad\n", encoding="utf-8")
    result = runner.invoke(args=["centres", "import", str(bad)])
    assert result.exit_code == 1 and "not imported" in result.output
