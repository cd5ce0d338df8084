"""Fault 9 of issue 16: structured JSON log lines with time, level and request id; X-Request-ID in and out;
rq's per-job lines ("Job OK") are not logged at INFO."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import logging
from web import create_app
app = create_app()
client = app.test_client()
r = client.get("/status/ZZZZZZZZZZ", headers={"X-Request-ID": "req-abc.123"})
print("HEADER", r.headers.get("X-Request-ID"))
r = client.get("/", headers={"X-Request-ID": "bad id with spaces"})
print("GENERATED", r.headers.get("X-Request-ID"))
token = client.post("/api/v1/auth/token", json={"username": "desk.xs", "password": "demo-pass-2026"})
client.get("/api/v1/me", headers={"Authorization": "Bearer " + token.get_json()["access_token"],
                                   "X-Request-ID": "api-call.1"})
logging.getLogger("rq.worker").info("Job OK (noise)")
logging.getLogger("odsc.jobs").warning("connector x failed")
"""


def test_web_logs_are_json_lines_with_the_request_id(app, tmp_path):
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], LOG_FORMAT="json",
               ODSC_INSTANCE=str(tmp_path / "instance"), SECRET_KEY="k")
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "HEADER req-abc.123" in done.stdout
    generated = done.stdout.split("GENERATED ")[1].split()[0]
    assert len(generated) == 32 and generated != "bad"
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert lines, done.stderr
    assert all({"time", "level", "event"} <= set(line) for line in lines)
    request = next(line for line in lines if line.get("path") == "/status/ZZZZZZZZZZ")
    assert request["request_id"] == "req-abc.123" and request["status"] == 404 and request["level"] == "info"
    assert request["route"] == "/status/<code>"
    assert any(line.get("request_id") == generated for line in lines)
    api = next(line for line in lines if line.get("request_id") == "api-call.1")  # an API caller is named too
    assert api["path"] == "/api/v1/me" and api["status"] == 200 and isinstance(api.get("user_id"), int)
    assert not any("Job OK" in line["event"] for line in lines)
    assert any(line["event"] == "connector x failed" and line["level"] == "warning" for line in lines)
    assert not [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("{")]


def _production_env(app, tmp_path, **extra) -> dict:
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], LOG_FORMAT="json",
               ODSC_ENV="production", ODSC_INSTANCE=str(tmp_path / "instance"), **extra)
    env.pop("REDIS_URL", None)
    env.pop("SECRET_KEY", None) if "SECRET_KEY" not in extra else None
    return env


def test_without_secret_key_the_web_server_and_the_worker_say_so_in_one_line(app, tmp_path):
    """Production without SECRET_KEY: gunicorn (as the Procfile runs it) stops in its master with one JSON line
    naming the setting, and `odsc worker` with one line, both with exit status 1; no traceback, no
    "Worker failed to boot" per worker."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = _production_env(app, tmp_path)
    web = subprocess.run([str(gunicorn), "--bind", "127.0.0.1:0", "--workers", "2", "--config",
                          "python:web.gunicorn_conf", "web:create_app()"], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert web.returncode == 1, web.stderr
    lines = [line for line in (web.stdout + web.stderr).splitlines() if line.strip()]
    assert all(line.startswith("{") for line in lines), lines
    errors = [json.loads(line) for line in lines if json.loads(line)["level"] == "error"]
    assert len(errors) == 1 and "SECRET_KEY is not set" in errors[0]["event"], lines
    assert "Traceback" not in web.stderr and "failed to boot" not in web.stderr
    worker = subprocess.run([str(Path(sys.executable).with_name("odsc")), "worker", "--burst"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 1
    assert "Traceback" not in worker.stderr and "SECRET_KEY is not set" in worker.stderr
    assert len([line for line in worker.stderr.splitlines() if line.strip()]) == 1, worker.stderr


def test_gunicorn_own_lines_are_json(app, tmp_path):
    """Starting, listening, booting a worker: gunicorn's own lines go through the platform's JSON handler."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = _production_env(app, tmp_path, SECRET_KEY="k" * 64)
    proc = subprocess.Popen([str(gunicorn), "--bind", "127.0.0.1:0", "--workers", "1", "--config",
                             "python:web.gunicorn_conf", "web:create_app()"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    try:
        for line in proc.stdout:  # blocks until gunicorn writes; ends when the worker has booted
            seen.append(line.rstrip("\n"))
            if "Booting worker" in line:
                break
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=60)[0]
    seen += [line for line in rest.splitlines() if line.strip()]
    events = [json.loads(line) for line in seen]  # every line is JSON, or this fails naming it
    assert any(e["event"].startswith("Starting gunicorn") and e["logger"] == "gunicorn.error" for e in events)
    assert any("Booting worker" in e["event"] and {"time", "level"} <= set(e) for e in events)
