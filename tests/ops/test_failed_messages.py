# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Fault 10 of issue 16 (part): a message that fails all its attempts opens an incident at its centre, which a
supervisor can retry; the send is logged once per outcome."""
from __future__ import annotations

import time

from sqlalchemy import select

from tests.jobs.jobs_support import http_server, japp, staff, start  # noqa: F401 - fixtures


def test_a_message_that_exhausts_its_retries_opens_an_incident(japp, http_server):
    from engine import incidents
    from engine.db import db
    from engine.jobs.ticker import Ticker
    from engine.models.jobs import Incident, Notification

    gateway = http_server(statuses=[500] * 4)
    japp.config.update(SMS_GATEWAY_URL=gateway.url, NOTIFY_MAX_ATTEMPTS=2, NOTIFY_RETRY_DELAYS=[0.02])
    ticker = Ticker(japp)
    with japp.app_context():
        app_id = start("jobs_timers").id
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ticker.tick(force=True)
            db.session.expire_all()
            found = db.session.execute(select(Incident).where(Incident.application_id == app_id,
                                                              Incident.kind == "notification")).scalars().all()
            if found:
                break
        assert found, "no incident after the last attempt"
        incident = found[0]
        row = db.session.get(Notification, incident.details["notification_id"])
        assert row.status == "failed" and row.attempts == 2 and incident.centre_id == "xaysettha"
        assert "500" in incident.error
        # the supervisor retries: the gateway is back and the message goes out
        with gateway.lock:
            gateway.statuses.clear()
        incidents.retry(incident.id, staff("supervisor.xs"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and db.session.get(Notification, row.id).status != "sent":
            ticker.tick(force=True)
            db.session.expire_all()
        assert db.session.get(Notification, row.id).status == "sent"
        assert db.session.get(Incident, incident.id).status == "retried"
