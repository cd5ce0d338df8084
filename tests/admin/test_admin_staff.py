"""Staff accounts: deactivation ends sessions and tokens at once; one-time codes; forced password change;
edits recorded with before and after."""
from __future__ import annotations

from engine.db import db
from engine.models import AuditEvent, Task, User
from engine.models.admin import PasswordReset
from tests.admin.admin_helpers import CITIZEN, apply_residence, code_from, login, staff_form


def _uid(app, username: str) -> int:
    with app.app_context():
        return db.session.query(User).filter_by(username=username).one().id


def test_deactivated_clerk_is_logged_out_at_once_and_their_token_stops_working(app):
    clerk, admin = app.test_client(), app.test_client()
    login(clerk, "desk.xs")
    assert clerk.get("/staff/").status_code == 200
    token = clerk.post("/api/v1/auth/token", json={"username": "desk.xs", "password": "demo-pass-2026"}
                       ).get_json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert clerk.get("/api/v1/me", headers=bearer).status_code == 200
    # the clerk has claimed work
    citizen = app.test_client()
    login(citizen, CITIZEN)
    assert apply_residence(citizen, "xaysettha").status_code == 302
    with app.app_context():
        task = db.session.query(Task).filter_by(centre_id="xaysettha", state="ready").one()
        task.claimed_by_id = _uid(app, "desk.xs")
        db.session.commit()
        task_id = task.id

    login(admin, "admin")
    r = admin.post(f"/admin/staff/{_uid(app, 'desk.xs')}/deactivate", data={"reason": "left the service"},
                   follow_redirects=True)
    assert r.status_code == 200 and "1" in r.get_data(as_text=True)

    # the very next request of the open browser session is logged out, and the token is dead
    r = clerk.get("/staff/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert clerk.get("/api/v1/me", headers=bearer).status_code == 401
    # and the password no longer opens a session
    r = clerk.post("/login", data={"username": "desk.xs", "password": "demo-pass-2026"})
    assert r.status_code == 401
    with app.app_context():
        user = db.session.query(User).filter_by(username="desk.xs").one()
        assert user.active is False
        assert db.session.get(Task, task_id).claimed_by_id is None  # back in the office's queue
        event = db.session.query(AuditEvent).filter_by(kind="user.deactivated").one()
        assert event.data["before"]["active"] is True and event.data["after"]["active"] is False
        assert event.data["reason"] == "left the service" and event.actor_name == "ນາງ ດາລາ"

    # reactivation gives a fresh one-time code; old sessions and tokens stay dead
    r = admin.post(f"/admin/staff/{_uid(app, 'desk.xs')}/reactivate")
    code = code_from(r.get_data(as_text=True))
    assert clerk.get("/api/v1/me", headers=bearer).status_code == 401
    r = clerk.post("/account/setup", data={"code": code, "password": "new-desk-pass", "password2": "new-desk-pass"})
    assert r.status_code == 302
    assert clerk.get("/staff/").status_code == 200


def test_password_reset_uses_a_hashed_expiring_one_time_code(app, client):
    login(client, "admin")
    uid = _uid(app, "officer.xs")
    r = client.post(f"/admin/staff/{uid}/reset")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    code = code_from(html)
    assert f"/account/setup?code={code}" in html
    with app.app_context():
        rows = db.session.query(PasswordReset).filter_by(user_id=uid).all()
        assert len(rows) == 1 and code not in rows[0].code_hash and len(rows[0].code_hash) == 64
        assert (rows[0].expires - rows[0].created).total_seconds() == 48 * 3600
        event = db.session.query(AuditEvent).filter_by(kind="user.password_reset").one()
        assert code not in str(event.data) and code not in event.summary
    # a second reset replaces the first code
    code2 = code_from(client.post(f"/admin/staff/{uid}/reset").get_data(as_text=True))
    client.post("/logout")
    r = client.post("/account/setup?lang=en", data={"code": code, "password": "officer-new-1",
                                                    "password2": "officer-new-1"})
    assert r.status_code == 422 and "wrong, used or expired" in r.get_data(as_text=True)
    r = client.post("/account/setup?lang=en", data={"code": code2, "password": "short", "password2": "short"})
    assert r.status_code == 422 and "at least 8" in r.get_data(as_text=True)
    r = client.post("/account/setup", data={"code": code2, "password": "officer-new-1", "password2": "officer-new-1"})
    assert r.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "officer.xs", "password": "demo-pass-2026"}).status_code == 401
    login(client, "officer.xs", "officer-new-1")
    # an expired code is refused
    with app.app_context():
        from engine.db import utcnow

        row = db.session.query(PasswordReset).filter_by(user_id=uid).order_by(PasswordReset.id.desc()).first()
        row.used, row.expires = None, utcnow()
        db.session.commit()
    client.post("/logout")
    r = client.post("/account/setup", data={"code": code2, "password": "officer-new-2", "password2": "officer-new-2"})
    assert r.status_code == 422


def test_password_change_is_required_at_first_login(app, client):
    login(client, "admin")
    uid = _uid(app, "cashier.xs")
    form = staff_form("cashier.xs", "xaysettha", ["cashier"], full_name="ນາງ ມະນີ (Cashier)",
                      must_change_password="1")
    assert client.post(f"/admin/staff/{uid}", data=form).status_code == 302
    login(client, "cashier.xs")
    r = client.get("/staff/")
    assert r.status_code == 302 and "/account/password" in r.headers["Location"]
    assert client.get("/centres").status_code == 302  # every page, until the password is changed
    r = client.post("/account/password?lang=en", data={"current": "demo-pass-2026", "password": "demo-pass-2026",
                                                       "password2": "demo-pass-2026"})
    assert r.status_code == 422 and "not the current one" in r.get_data(as_text=True)
    r = client.post("/account/password", data={"current": "demo-pass-2026", "password": "cashier-own-pass",
                                               "password2": "cashier-own-pass", "next": "/staff/"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200  # this session continues
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.must_change_password is False
        assert db.session.query(AuditEvent).filter_by(kind="user.password_changed").one().data == {"forced": True}


def test_staff_edit_roles_and_centre_with_before_and_after(app, client):
    login(client, "admin")
    uid = _uid(app, "approver.xs")
    form = staff_form("approver.xs", "chanthabouly", ["approver", "supervisor"], full_name="ທ່ານ ສົມພອນ")
    assert client.post(f"/admin/staff/{uid}", data=form).status_code == 302
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.centre_id == "chanthabouly" and user.role_names == {"approver", "supervisor"}
        event = db.session.query(AuditEvent).filter_by(kind="user.updated").one()
        assert event.data["before"]["centre"] == "xaysettha" and event.data["after"]["centre"] == "chanthabouly"
        assert event.data["before"]["roles"] == ["approver"]
    r = client.post("/admin/staff/new?lang=en", data=staff_form("desk.xs", "xaysettha", []))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "This username is taken" in html and "Choose at least one role" in html
    r = client.post("/admin/staff/new?lang=en", data=staff_form("new.one", "xaysettha", ["wizard"]))
    assert r.status_code == 422 and "No such role" in r.get_data(as_text=True)
    # an administrator cannot lock themselves out
    r = client.post(f"/admin/staff/{_uid(app, 'admin')}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(username="admin").one().active is True
