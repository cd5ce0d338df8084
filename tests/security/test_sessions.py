"""Findings 9 and 10: logout and password change end every copy of a session cookie; unknown logins cost
a password hash like known ones."""
from __future__ import annotations

from tests.security.sec_helpers import CITIZEN, login


def _copy_cookie(src, dst):
    cookie = src.get_cookie("session")
    dst.set_cookie(cookie.key, cookie.value)


def test_a_copied_cookie_dies_at_logout(app):
    browser, thief = app.test_client(), app.test_client()
    login(browser, "desk.xs")
    _copy_cookie(browser, thief)
    assert thief.get("/staff/").status_code == 200
    browser.post("/logout")
    r = thief.get("/staff/")
    assert r.status_code == 302 and "/login" in r.location


def test_a_password_change_ends_every_other_copy(app):
    browser, thief = app.test_client(), app.test_client()
    login(browser, CITIZEN)
    _copy_cookie(browser, thief)
    assert thief.get("/my").status_code == 200
    r = browser.post("/account/password", data={"current": "demo-pass-2026", "password": "a-new-pass-77",
                                                "password2": "a-new-pass-77"})
    assert r.status_code == 302
    assert browser.get("/my").status_code == 200  # the session that changed it goes on
    r = thief.get("/my")
    assert r.status_code == 302 and "/login" in r.location


def test_unknown_accounts_cost_one_password_hash(app, client, monkeypatch):
    """The time of a login must not say whether the account exists: an unknown name or phone number runs
    the same Argon2 verification as a known one (counted on the real hasher, not timed)."""
    from argon2 import PasswordHasher

    calls = []
    real = PasswordHasher.verify

    def counting(self, hash_, password):
        calls.append(1)
        return real(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for login_name in ("desk.xs", "no.such.user", "020 9999 8888", "x" * 500, "nul\x00name"):
        calls.clear()
        r = client.post("/login", data={"username": login_name, "password": "wrong-password"})
        assert r.status_code in (400, 401)
        if r.status_code == 401:
            assert len(calls) == 1, login_name


def test_the_periodic_job_purges_ended_and_expired_sessions(both_dbs):
    """web_session rows that no request can use again (logged out, or older than the session lifetime) are
    deleted by the periodic job `purge_web_sessions`; live sessions stay and keep working. SQLite and
    PostgreSQL."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from engine import sessions
    from engine.db import db, utcnow
    from engine.jobs import queues
    from engine.jobs.tasks import purge_web_sessions
    from engine.models import User
    from engine.models.user import WebSession

    assert queues.PURGE_SESSIONS in {entry.job for entry in queues.SCHEDULE}
    assert queues.JOB_QUEUES[queues.PURGE_SESSIONS] == queues.DEFAULT
    app = both_dbs
    lifetime = app.permanent_session_lifetime
    with app.app_context():
        user_id = db.session.execute(select(User.id).where(User.username == "desk.xs")).scalar_one()
        live, ended, expired, almost = (sessions.start(user_id) for _ in range(4))
        sessions.end(ended)
        for sid, age in ((expired, lifetime + timedelta(seconds=1)), (almost, lifetime - timedelta(minutes=5))):
            db.session.execute(update(WebSession).where(WebSession.id == sessions._digest(sid))
                               .values(created=utcnow() - age))
        db.session.commit()
        assert sessions.is_live(live, user_id, lifetime) and sessions.is_live(almost, user_id, lifetime)
        assert not sessions.is_live(expired, user_id, lifetime)

        assert purge_web_sessions() == 2
        left = set(db.session.execute(select(WebSession.id)).scalars())
        assert left == {sessions._digest(live), sessions._digest(almost)}
        assert sessions.is_live(live, user_id, lifetime) and sessions.is_live(almost, user_id, lifetime)
        assert purge_web_sessions() == 0
        db.session.remove()
