"""Finding 2: every grant lies within the granter's scope; national roles are granted only nationally."""
from __future__ import annotations

from engine.db import db
from engine.models import User
from tests.security.sec_helpers import PROVINCE_PASSWORD, login, make_staff


def _form(username, centre, roles):
    return {"username": username, "full_name": f"ພະນັກງານ {username}", "centre": centre, "roles": roles,
            "phone": "", "email": "", "locale": "lo"}


def test_province_admin_cannot_mint_a_designer(app, client):
    make_staff(app, "admin.vte", "vte", ["admin"])
    login(client, "admin.vte", PROVINCE_PASSWORD)
    r = client.post("/admin/staff/new?lang=en", data=_form("rogue.designer", "xaysettha", ["designer"]))
    assert r.status_code == 422
    assert "Only a national administrator can grant this role" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(username="rogue.designer").first() is None
    # and cannot add the role to an account it manages
    with app.app_context():
        uid = db.session.query(User).filter_by(username="officer.xs").one().id
    r = client.post(f"/admin/staff/{uid}?lang=en", data=_form("officer.xs", "xaysettha", ["designer", "line_officer"]))
    assert r.status_code == 422
    with app.app_context():
        assert "designer" not in db.session.get(User, uid).role_names


def test_province_admin_grants_within_its_province_only(app, client):
    make_staff(app, "admin.vte", "vte", ["admin"])
    login(client, "admin.vte", PROVINCE_PASSWORD)
    ok = client.post("/admin/staff/new", data=_form("monitor.xs2", "xaysettha", ["monitor"]))
    assert ok.status_code == 200  # the one-time code page
    assert client.post("/admin/staff/new", data=_form("clerk.lpb", "luangprabang_district",
                                                      ["front_desk"])).status_code == 403
    assert client.post("/admin/staff/new", data=_form("admin.moha2", "moha", ["admin"])).status_code == 403


def test_province_admin_cannot_take_over_a_designer_account(app, client):
    """A designer placed at a district of the province is still national: resetting its password or editing
    it would hand national power to the province administrator."""
    designer_id = make_staff(app, "designer.xs", "xaysettha", ["designer"])
    make_staff(app, "admin.vte", "vte", ["admin"])
    login(client, "admin.vte", PROVINCE_PASSWORD)
    assert client.post(f"/admin/staff/{designer_id}/reset").status_code == 403
    assert client.get(f"/admin/staff/{designer_id}").status_code == 403


def test_national_admin_grants_national_roles(app, client):
    login(client, "admin")
    r = client.post("/admin/staff/new", data=_form("designer2", "moha", ["designer"]))
    assert r.status_code == 200
    with app.app_context():
        assert "designer" in db.session.query(User).filter_by(username="designer2").one().role_names
