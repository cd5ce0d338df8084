"""Fixtures of the security tests: the same demo database on PostgreSQL for the tests that must run on both
databases whatever TEST_DATABASE_URL says (the live server is tests/live_server.py)."""
from __future__ import annotations

import os

import pytest


@pytest.fixture
def pg_demo_app(pg_url, tmp_path):
    """A demo database on PostgreSQL (created and dropped here), for tests that run on both databases."""
    from tests.conftest import _pg_admin, _pg_create, _sqlalchemy_url
    from web import create_app

    name = f"odsc_i14sec_{os.getpid()}"
    uri = _sqlalchemy_url(_pg_create(pg_url, name))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False,
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        from engine.db import db
        from web.cli import init_database
        from web.demo import load_demo

        init_database()
        load_demo()
        db.session.remove()
    yield app
    with app.app_context():
        from engine.db import db

        db.session.remove()
        db.engine.dispose()
    with _pg_admin(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def both_dbs(request):
    """The demo app on SQLite (the `app` fixture) and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("app")
    return request.getfixturevalue("pg_demo_app")
