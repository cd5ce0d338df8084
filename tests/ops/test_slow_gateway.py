# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Fault 7 of issue 16: a slow SMS gateway (answers after our read timeout) gets each message once."""
from __future__ import annotations

import time

from sqlalchemy import select

from tests.jobs.jobs_support import http_server, japp, start  # noqa: F401 - fixtures


def test_a_slow_sms_gateway_gets_the_message_once(japp, http_server):
    from engine.db import db
    from engine.jobs.ticker import Ticker
    from engine.models.jobs import Notification

    gateway = http_server(delay=1.5)
    japp.config.update(SMS_GATEWAY_URL=gateway.url + "/sms", SMS_GATEWAY_TIMEOUT=0.5,
                       NOTIFY_RETRY_DELAYS=[0.05], NOTIFY_MAX_ATTEMPTS=3)
    ticker = Ticker(japp)
    with japp.app_context():
        app_id = start("jobs_timers").id
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ticker.tick(force=True)
            db.session.expire_all()
            rows = db.session.execute(select(Notification).where(
                Notification.application_id == app_id, Notification.channel == "sms")).scalars().all()
            if rows and all(r.status != "pending" for r in rows) and len(gateway.requests) >= len(rows):
                break
        # more ticks (retries would be due by now) never send it again; jobs run inside tick(), and the
        # gateway records a request when it arrives, so a second send would be counted by now
        for _ in range(5):
            ticker.tick(force=True)
        rows = db.session.execute(select(Notification).where(
            Notification.application_id == app_id, Notification.channel == "sms")).scalars().all()
        assert rows
        for row in rows:
            sent = [r for r in gateway.requests if r["json"]["reference"].startswith(row.event_key)]
            assert len(sent) == 1, [r["json"]["reference"] for r in gateway.requests]
            assert row.status == "sent" and row.attempts == 1
            assert row.last_error.startswith("unconfirmed: SMS gateway did not answer within 0.5 s")
