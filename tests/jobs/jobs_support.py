"""Fixtures and helpers (imported by the test modules) for the background-job tests: the scenario services of tests/jobs/data published and offered at
xaysettha, an in-process app, an rq app on the real Redis, and a tiny local HTTP server."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]
FAST = {
    "NOTIFY_RETRY_DELAYS": [0.05],
    "CONNECTOR_RETRY_DELAYS": [0.05],
    "CONNECTOR_MAX_ATTEMPTS": 3,
    "JOBS_GRACE_SECONDS": 0,
}


def publish_scenarios() -> None:
    from engine.catalogue.forms import parse_form
    from engine.catalogue.loader import load_forms, load_service
    from engine.catalogue.publish import publish_service
    from engine.catalogue.yamlio import load_yaml
    from engine.db import db
    from engine.models import CentreService, OfficeRole

    problems = []
    forms = load_forms(ROOT, problems)
    for path in sorted((DATA / "forms").glob("*.yaml")):
        form = parse_form(load_yaml(path.read_text(encoding="utf-8")), path.name, problems)
        forms[form["id"]] = form
    roles = {r.id: {"lo": r.name_lo, "en": r.name_en} for r in db.session.query(OfficeRole)}
    for folder in ("jobs_timers", "jobs_service", "jobs_cycle", "jobs_script", "jobs_local_date"):
        bundle = load_service(DATA / folder, f"tests/jobs/data/{folder}", forms, roles, problems)
        errors = [p for p in problems if p.severity == "error"]
        assert bundle is not None and not errors, [str(p) for p in errors]
        publish_service(bundle)
        if db.session.get(CentreService, ("xaysettha", bundle.id)) is None:
            db.session.add(CentreService(centre_id="xaysettha", service_id=bundle.id, active=True))
    db.session.commit()


def _root_conftest():
    """tests/conftest.py under its own name (other folders' conftest modules may shadow `conftest`)."""
    import importlib.util
    import sys

    name = "odsc_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def build(database_template, tmp_path, **config):
    app = _root_conftest().make_app(database_template, tmp_path, **{**FAST, **config})
    with app.app_context():
        publish_scenarios()
    from engine import connectors

    connectors.clear()
    return app


@pytest.fixture
def japp(database_template, tmp_path):
    """In-process (embedded) mode, jobs run eagerly after each commit, the ticker driven by the test."""
    app = build(database_template, tmp_path)
    yield app
    from engine.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def jobs_redis_url(redis_url: str) -> str:
    """The Redis database of this test run (TEST_REDIS_URL): tests that use Redis all run on one xdist
    worker (tests/conftest.py groups them), so flushing it disturbs no other test and no other run."""
    return redis_url


@pytest.fixture
def clean_redis(redis_url):
    import redis

    redis_url = jobs_redis_url(redis_url)
    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    yield redis_url
    conn.flushdb()


@pytest.fixture
def rq_app(database_template, tmp_path, clean_redis):
    app = build(database_template, tmp_path, JOBS_MODE="rq", REDIS_URL=clean_redis)
    yield app
    from engine.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def citizen_actor():
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import User

    return actor_for(db.session.query(User).filter_by(username="02055551234").one())


def staff(username: str):
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import User

    return actor_for(db.session.query(User).filter_by(username=username).one())


def start(service_id: str, locale: str = "lo"):
    from engine.runtime.commands import start_application

    citizen = citizen_actor()
    return start_application(service_id=service_id, centre_id="xaysettha", locale=locale, actor=citizen,
                             applicant_id=citizen.user_id, data={"applicant_name": "ສົມຊາຍ", "phone": "020 5555 1234"})


class Recorder:
    """A tiny HTTP service on 127.0.0.1: answers `statuses` in order (then 200) and records every request;
    `delay`: seconds it takes to answer (a slow gateway)."""

    def __init__(self, statuses=(), body=None, delay=0.0, gate: threading.Event | None = None):
        self.statuses = list(statuses)
        self.delay = delay
        self.gate = gate  # when given, every answer waits until it is set
        self.arrived = threading.Event()
        self.body = body if body is not None else {"ok": True}
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                recorder.arrived.set()
                if recorder.gate is not None:
                    recorder.gate.wait(60)
                with recorder.lock:
                    status = recorder.statuses.pop(0) if recorder.statuses else 200
                    recorder.requests.append({"path": self.path, "headers": dict(self.headers),
                                              "json": json.loads(raw or b"{}"), "status": status})
                payload = json.dumps(recorder.body if status < 300 else {"error": "down"}).encode()
                if recorder.delay:
                    time.sleep(recorder.delay)  # the service being slow, not a test waiting
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ok(self):
        return [r for r in self.requests if r["status"] < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_server():
    servers = []

    def factory(statuses=(), body=None, delay=0.0, gate=None):
        server = Recorder(statuses, body, delay, gate)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        if server.gate is not None:
            server.gate.set()
        server.close()
