"""Findings 3 and 12: the login lockout and one-time setup codes are atomic counters. Real concurrent
requests (threads released together by a barrier) against a live server, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from engine.db import db
from engine.login import MAX_FAILURES
from engine.models import User
from tests.live_server import LiveServer

GUESSES = 12


def _parallel(n: int, call):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(timeout=30)
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_parallel_wrong_guesses_cannot_outrun_the_lockout(both_dbs, monkeypatch):
    """Of many simultaneous wrong guesses at most MAX_FAILURES reach the password check; the account is
    locked afterwards, also for the right password."""
    from argon2 import PasswordHasher

    app = both_dbs
    with app.app_context():
        user = db.session.query(User).filter_by(username="officer.xs").one()
        real_hash = user.password_hash
    checked = []
    real = PasswordHasher.verify

    def counting(self, hash_, password):  # counts real checks against this account only
        if hash_ == real_hash:
            checked.append(password)
        return real(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    with LiveServer(app) as server:
        answers = _parallel(GUESSES, lambda i: requests.post(
            f"{server.url}/login", data={"username": "officer.xs", "password": f"wrong-{i}"},
            allow_redirects=False, timeout=60).status_code)
        assert all(code == 401 for code in answers), answers
        assert len(checked) <= MAX_FAILURES, len(checked)
        right = requests.post(f"{server.url}/login", data={"username": "officer.xs", "password": "demo-pass-2026"},
                              allow_redirects=False, timeout=60)
        assert right.status_code == 401 and "15" in right.text  # locked for 15 minutes
    with app.app_context():
        assert db.session.query(User).filter_by(username="officer.xs").one().locked_until is not None


def test_a_setup_code_is_redeemed_once_when_used_twice_at_the_same_moment(both_dbs):
    from engine.accounts import actor_for
    from engine.admin import staff

    app = both_dbs
    with app.app_context():
        admin = actor_for(db.session.query(User).filter_by(username="admin").one())
        uid = db.session.query(User).filter_by(username="officer.xs").one().id
        code = staff.reset_password(admin, uid)
    with LiveServer(app) as server:
        answers = _parallel(6, lambda i: requests.post(
            f"{server.url}/account/setup", data={"code": code, "password": f"chosen-pass-{i}",
                                                 "password2": f"chosen-pass-{i}"},
            allow_redirects=False, timeout=60).status_code)
    assert sorted(answers).count(302) == 1, answers
    assert all(a in (302, 422) for a in answers), answers
