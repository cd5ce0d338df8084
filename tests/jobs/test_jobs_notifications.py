# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Notifications at public milestones, in the applicant's language, through pluggable providers, once."""
from __future__ import annotations

import time

from sqlalchemy import select

from tests.jobs.jobs_support import http_server, japp, start  # noqa: F401 - fixtures


def outbox(app_id):
    from engine.db import db
    from engine.models.jobs import Notification

    return list(db.session.execute(select(Notification).where(Notification.application_id == app_id)
                                   .order_by(Notification.id)).scalars())


def received(app_id):
    """The 'received' message (the timer scenario enters 'in review' a second later: another message)."""
    (row,) = [n for n in outbox(app_id) if ":received:" in n.event_key]
    return row


def mine(server, row):
    return [r for r in server.requests if r["json"]["reference"].startswith(row.event_key)]


def test_milestones_go_to_the_outbox_in_the_applicants_language(japp, http_server):
    from engine.db import db

    registry = http_server()
    japp.config["CONNECTORS"] = {"http_registry": {"type": "http", "url": registry.url},
                                 "certificate_number": {"type": "sequence"}}
    japp.config["PUBLIC_BASE_URL"] = "https://odsc.example.la"
    with japp.app_context():
        lao = start("jobs_service", locale="lo")
        english = start("jobs_service", locale="en")
        db.session.expire_all()
        rows = outbox(lao.id)
        assert [(n.kind, n.channel, n.recipient, n.status, n.provider) for n in rows] == [
            ("milestone", "sms", "+8562055551234", "sent", "outbox"),
            ("milestone", "sms", "+8562055551234", "sent", "outbox"),
        ]
        assert "ໄດ້ຮັບຄຳຮ້ອງແລ້ວ" in rows[0].body and "ກະລຸນາມາຮັບ" in rows[1].body
        assert f"https://odsc.example.la/status/{lao.tracking_code}" in rows[0].body
        en_rows = outbox(english.id)
        assert en_rows[0].body.startswith("One-Door Service Centre: application")
        assert "Ready for collection" in en_rows[1].body
        assert len({n.event_key for n in rows}) == 2


def test_sms_gateway_failing_twice_then_succeeding_sends_once(japp, http_server):
    from engine.db import db
    from engine.jobs.ticker import Ticker

    gateway = http_server(statuses=[500, 502])
    registry = http_server()
    japp.config.update(
        CONNECTORS={"http_registry": {"type": "http", "url": registry.url},
                    "certificate_number": {"type": "sequence"}},
        SMS_GATEWAY_URL=gateway.url + "/sms", SMS_GATEWAY_TOKEN="secret-token", NOTIFY_RETRY_DELAYS=[0.05, 0.05],
    )
    ticker = Ticker(japp)
    with japp.app_context():
        app_id = start("jobs_timers").id  # one milestone: received
        for _ in range(30):
            time.sleep(0.06)
            ticker.tick(force=True)
            db.session.expire_all()
            if received(app_id).status == "sent":
                break
        row = received(app_id)
        # the two failures may fall on this message or on the next milestone's (the order of the sends
        # depends on the machine's speed): this message is sent once, after its own failures
        statuses = [r["status"] for r in mine(gateway, row)]
        assert (row.status, row.provider) == ("sent", "http") and row.attempts == len(statuses)
        assert statuses[-1] == 200 and all(s >= 500 for s in statuses[:-1])
        assert sorted(r["status"] for r in gateway.requests if r["status"] >= 500) == [500, 502]
        keys = {r["headers"]["Idempotency-Key"] for r in mine(gateway, row)}
        assert len(keys) == 1  # the gateway can de-duplicate our retries
        assert gateway.requests[0]["headers"]["Authorization"] == "Bearer secret-token"
        assert gateway.requests[0]["json"]["to"] == "+8562055551234"
        # later ticks never send it again
        for _ in range(3):
            time.sleep(0.06)
            ticker.tick(force=True)
        assert len(mine(gateway, row)) == len(statuses)


def test_a_notification_gives_up_after_its_last_attempt(japp, http_server):
    from engine.db import db
    from engine.jobs.ticker import Ticker

    gateway = http_server(statuses=[500] * 50)
    japp.config.update(SMS_GATEWAY_URL=gateway.url, NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_DELAYS=[0.02])
    with japp.app_context():
        app_id = start("jobs_timers").id
        for _ in range(10):
            time.sleep(0.05)
            Ticker(japp).tick(force=True)
        db.session.expire_all()
        row = received(app_id)
        assert (row.status, row.attempts) == ("failed", 3)
        assert "500" in row.last_error
        assert len(mine(gateway, row)) == 3


class TinySmtp:
    """Just enough SMTP (EHLO, MAIL, RCPT, DATA, QUIT) on 127.0.0.1 to receive our messages."""

    def __init__(self):
        import socket
        import threading

        self.messages: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                def say(line):
                    f.write(line.encode() + b"\r\n")
                    f.flush()

                say("220 tiny")
                data, lines = False, []
                for raw in f:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if data:
                        if line == ".":
                            self.messages.append("\n".join(lines))
                            data, lines = False, []
                            say("250 queued")
                        else:
                            lines.append(line)
                    elif line.upper().startswith("DATA"):
                        data = True
                        say("354 go on")
                    elif line.upper().startswith("QUIT"):
                        say("221 bye")
                        break
                    else:
                        say("250 ok")

    def close(self):
        self.sock.close()


def test_email_over_smtp(japp):
    from engine.db import db
    from engine.models import User

    smtp = TinySmtp()
    japp.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_FROM="odsc@xaysettha.gov.la")
    try:
        with japp.app_context():
            citizen = db.session.query(User).filter_by(username="02055551234").one()
            citizen.email = "somxay@example.la"
            db.session.commit()
            app_id = start("jobs_timers", locale="en").id
            db.session.expire_all()
            rows = {n.channel: n for n in outbox(app_id)}
            assert rows["email"].status == "sent" and rows["email"].provider == "smtp"
            assert rows["sms"].provider == "outbox"
        assert len(smtp.messages) == 1
        assert "To: somxay@example.la" in smtp.messages[0] and "Subject: Application" in smtp.messages[0]
    finally:
        smtp.close()
