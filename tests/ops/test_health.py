"""Faults 3 and 4 of issue 16: /readyz tells the truth with the database and Redis unreachable, and a Redis
outage leaves the public status page and login working (rate limits fall back to this process)."""
from __future__ import annotations

import re
import socket

import pytest

from tests.web.web_helpers import CITIZEN, apply_residence, login, root_make_app


def _closed_port() -> int:
    """A local port nothing listens on: connections are refused, as with a stopped server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def make(request, database_template, tmp_path):
    apps = []

    def build(**config):
        app = root_make_app(request.config)(database_template, tmp_path, **config)
        apps.append(app)
        return app
    yield build
    from engine.db import db

    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_readyz_reports_every_check_when_ready(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    response = client.get("/readyz")
    assert response.status_code == 200, response.data
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]
    assert body["checks"]["timers"]["oldest_due_lag_seconds"] == 0


def test_readyz_is_503_with_database_and_redis_unreachable(make):
    port = _closed_port()
    app = make(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{port}/odsc?connect_timeout=2",
               REDIS_URL=f"redis://127.0.0.1:{port}/0", JOBS_MODE="rq")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # liveness: the process itself answers
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] is False and "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["redis"]["ok"] is False and "ConnectionError" in body["checks"]["redis"]["error"]


def test_readyz_is_503_when_the_schema_is_behind(app, client):
    from sqlalchemy import text

    from engine.db import db

    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '0008'"))
        db.session.commit()
    body = client.get("/readyz")
    assert body.status_code == 503
    assert body.get_json()["checks"]["migrations"]["current"] == ["0008"]


def test_status_page_and_login_answer_with_redis_down(make):
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    app = make(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=down, REDIS_URL=down, JOBS_MODE="rq")
    client = app.test_client()
    # a citizen applies (the job cannot be enqueued: the database keeps it for the dispatcher)
    login(client, CITIZEN)
    applied = apply_residence(client)
    assert applied.status_code in (302, 303), applied.get_data(as_text=True)[:300]
    page = client.get(applied.headers["Location"]).get_data(as_text=True)
    code = re.search(r"/status/([A-Z0-9]{10})", page).group(1)
    client.post("/logout")
    status = client.get(f"/status/{code}")
    assert status.status_code == 200
    assert client.get("/status/ZZZZZZZZZZ").status_code == 404
    assert client.post("/login", data={"username": "desk.xs", "password": "demo-pass-2026"}).status_code == 302
    # the limits still hold, counted in this process
    codes = [client.get(f"/status/{code}").status_code for _ in range(40)]
    assert 429 in codes
