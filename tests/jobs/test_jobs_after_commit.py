# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Embedded mode: work after the commit (service calls, notifications) runs on a background thread after the
response has gone out; tests wait for it with `drain`, never with a sleep."""
from __future__ import annotations

import threading

from engine.jobs.publisher import drain
from tests.jobs.jobs_support import http_server, japp  # noqa: F401 - fixtures


def test_the_response_does_not_wait_for_the_service_call(japp, http_server):
    from engine.db import db
    from engine.models import Application
    from engine.models.jobs import Notification

    gate = threading.Event()
    registry = http_server(gate=gate)
    japp.config["CONNECTORS"] = {"http_registry": {"type": "http", "url": registry.url},
                                 "certificate_number": {"type": "sequence"}}
    client = japp.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "02055551234", "password": "demo-pass-2026"})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}", "Accept-Language": "en"}
    started = client.post("/api/v1/applications", headers=headers, json={
        "service_id": "jobs_service", "centre_id": "xaysettha",
        "data": {"applicant_name": "ສົມຊາຍ", "phone": "020 5555 1234"}})
    # the answer came while the registry still holds the service call open: the call is not on the request path
    assert started.status_code == 201, started.get_data(as_text=True)
    assert registry.arrived.wait(30), "the service call never started"
    assert not gate.is_set()
    app_id = started.get_json()["id"]
    with japp.app_context():
        assert db.session.get(Application, app_id).milestone == "received"
    gate.set()
    drain(japp)
    with japp.app_context():
        assert db.session.get(Application, app_id).milestone == "ready"
        sent = db.session.query(Notification).filter_by(application_id=app_id).all()
        assert sent and all(n.status == "sent" for n in sent)  # the milestone SMS went out after it
    assert len(registry.ok()) == 1
