"""Login, lockout, registration, logout, session cookie and CSRF."""
from __future__ import annotations

import re

from tests.web.web_helpers import CITIZEN
from web.demo import DEMO_PASSWORD


def test_staff_and_citizen_log_in_to_their_home(client):
    response = client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/staff/")
    client.post("/logout")
    # a citizen may type the phone number with spaces or +856
    response = client.post("/login", data={"username": "+856 20 5555 1234", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/my")


def test_wrong_password_is_refused_in_lao(client):
    response = client.post("/login", data={"username": "desk.xs", "password": "nope-nope"})
    assert response.status_code == 401
    assert "ລະຫັດຜ່ານບໍ່ຖືກຕ້ອງ" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_lockout_after_five_failures(app, client):
    for _ in range(5):
        client.post("/login", data={"username": "officer.xs", "password": "wrong-password"})
    response = client.post("/login", data={"username": "officer.xs", "password": DEMO_PASSWORD})
    assert response.status_code == 401
    assert "15 ນາທີ" in response.get_data(as_text=True)
    from engine.db import db
    from engine.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username="officer.xs").one()
        assert user.locked_until is not None
        # once the lock has run out, the right password works again and resets the count
        user.locked_until = None
        db.session.commit()
    assert client.post("/login", data={"username": "officer.xs", "password": DEMO_PASSWORD}).status_code == 302


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_safe_next_redirect_only(client):
    response = client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD,
                                           "next": "https://evil.example/"})
    assert response.location.endswith("/staff/")
    client.post("/logout")
    response = client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD, "next": "/staff/cases/1"})
    assert response.location.endswith("/staff/cases/1")


def test_register_citizen_by_phone(client):
    bad = client.post("/register", data={"phone": "123", "full_name": "", "password": "short", "password2": "x"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "ເບີໂທບໍ່ຖືກຕ້ອງ" in html and "ກະລຸນາໃສ່ຊື່" in html and "ຢ່າງໜ້ອຍ 8" in html
    taken = client.post("/register", data={"phone": CITIZEN, "full_name": "x", "password": "long-enough-1",
                                           "password2": "long-enough-1"})
    assert "ມີບັນຊີທີ່ໃຊ້ເບີໂທນີ້ແລ້ວ" in taken.get_data(as_text=True)
    ok = client.post("/register", data={"phone": "030 555 1234", "full_name": "ນາງ ດາວ", "password": "long-enough-1",
                                        "password2": "long-enough-1"})
    assert ok.status_code == 302
    assert client.get("/my").status_code == 200
    client.post("/logout")
    assert client.post("/login", data={"username": "0305551234", "password": "long-enough-1"}).status_code == 302


def test_language_chosen_before_login_is_kept(client):
    client.get("/login?lang=en")
    client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD})
    assert '<html lang="en">' in client.get("/staff/").get_data(as_text=True)


def test_logout_needs_post_and_ends_the_session(client):
    client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD})
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/staff/").status_code == 302


def test_csrf_token_required_on_every_post(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD})
    assert refused.status_code == 400
    assert "ແບບຟອມໝົດອາຍຸ" in refused.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    ok = client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
    # a staff action without the token is refused too
    assert client.post("/staff/cases/1/comment", data={"text": "x"}).status_code == 400


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_idle_session_ends(app, client):
    client.post("/login", data={"username": "desk.xs", "password": DEMO_PASSWORD})
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_TIMEOUT"] + 5
    assert client.get("/staff/").status_code == 302
