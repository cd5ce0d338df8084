# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Production mode (rq on the real Redis, the JSON serializer, rq's worker): a status SMS's reply and the
milestone SMS with the legal clock reach the SMS gateway through the workers, not the web process."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from tests.jobs.jobs_support import clean_redis, http_server, rq_app, start  # noqa: F401 - fixtures
from tests.jobs.test_jobs_rq import drive

pytestmark = pytest.mark.redis


def test_status_sms_reply_is_sent_by_the_rq_worker(rq_app, http_server):
    from engine.models.jobs import Notification
    from engine.sms_inbound import signature

    gateway = http_server()
    rq_app.config.update(SMS_GATEWAY_URL=gateway.url, SMS_INBOUND_SECRET="s3cret")
    with rq_app.app_context():
        from engine.db import db

        code = start("jobs_timers").tracking_code
    raw = json.dumps({"from": "020 7777 0001", "text": f"status {code}"}).encode()
    ts = str(int(time.time()))
    r = rq_app.test_client().post("/sms/inbound", data=raw, content_type="application/json",
                                  headers={"X-ODSC-Timestamp": ts, "X-ODSC-Signature": signature("s3cret", ts, raw)})
    assert r.status_code == 202 and r.get_json() == {"outcome": "found"}
    with rq_app.app_context():
        def reply():
            return db.session.execute(select(Notification).where(Notification.kind == "status_reply")).scalar_one()

        assert reply().status != "sent"  # nothing was sent by the web process
        def milestone_sent():
            return [req["json"] for req in gateway.requests if req["json"]["reference"].startswith("milestone:")]

        assert drive(rq_app, lambda: reply().status == "sent" and milestone_sent())
        sent = [req["json"] for req in gateway.requests if req["json"]["reference"].startswith("sms_reply:")]
        assert len(sent) == 1 and sent[0]["to"] == "+8562077770001"
        assert len(sent[0]["text"]) <= 70 and f"{code[:4]}-{code[4:8]}-{code[8:]}" in sent[0]["text"]
        text = milestone_sent()[0]["text"]
        assert "ມື້ລັດຖະການ" in text or "ກຳນົດແມ່ນມື້ນີ້" in text, text
