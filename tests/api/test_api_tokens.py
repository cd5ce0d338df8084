"""Bearer tokens: hashed at rest, expiring, revocable, and dead with the account or its session epoch."""
import hashlib
from datetime import timedelta

from engine import tokens
from engine.db import db, utcnow
from engine.models import User
from engine.models.api import ApiToken
from tests.api.api_helpers import CITIZEN


def test_token_is_stored_only_as_its_hash(app, api):
    citizen = api.login(CITIZEN)
    with app.app_context():
        rows = db.session.query(ApiToken).all()
        assert len(rows) == 1
        assert rows[0].token_hash == hashlib.sha256(citizen.token.encode()).hexdigest()
        assert citizen.token not in str([r.__dict__ for r in rows])
    me = citizen.get("/me").get_json()
    assert me["kind"] == "citizen" and me["username"] == CITIZEN


def test_citizen_may_log_in_with_the_phone_number_as_typed(api):
    r = api.post("/auth/token", json={"username": " 02055551234 ", "password": "demo-pass-2026"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["token_type"] == "Bearer" and body["access_token"].startswith("odsc_")
    assert body["user"]["kind"] == "citizen"


def test_revoke_ends_the_token(api):
    citizen = api.login(CITIZEN)
    assert citizen.get("/me").status_code == 200
    assert citizen.delete("/auth/token").status_code == 204
    assert citizen.get("/me").status_code == 401


def test_deactivation_and_epoch_change_end_tokens(app, api):
    desk, citizen = api.login("desk.xs"), api.login(CITIZEN)
    with app.app_context():
        db.session.query(User).filter_by(username="desk.xs").one().active = False
        db.session.query(User).filter_by(username=CITIZEN).one().session_epoch += 1
        db.session.commit()
    assert desk.get("/me").status_code == 401
    assert citizen.get("/me").status_code == 401
    assert api.login(CITIZEN).get("/me").status_code == 200  # a new login works again


def test_expired_tokens_fail(app):
    with app.app_context():
        user = db.session.query(User).filter_by(username="desk.xs").one()
        plain, row = tokens.issue(user, ttl=timedelta(days=1))
        assert tokens.verify(plain).id == user.id
        row.expires = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert tokens.verify(plain) is None
        assert tokens.verify(None) is None and tokens.verify("odsc_" + "x" * 500) is None
        other, _ = tokens.issue(user)
        assert tokens.revoke_all(user) == 1
        assert tokens.verify(other) is None


def test_api_needs_no_csrf_token_but_a_cookie_session_is_not_enough(app, api):
    app.config["WTF_CSRF_ENABLED"] = True
    r = api.post("/auth/token", json={"username": "desk.xs", "password": "demo-pass-2026"})
    assert r.status_code == 201
    assert "Set-Cookie" not in r.headers
    token = r.get_json()["access_token"]
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # a browser session cookie does not authenticate API calls
    with api.client.session_transaction() as session:
        session["uid"] = 1
    assert api.client.get("/api/v1/me").status_code == 401
