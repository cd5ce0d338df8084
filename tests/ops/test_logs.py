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
