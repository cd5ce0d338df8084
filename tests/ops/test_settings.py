"""Faults 8 and 11 of issue 16: every setting comes from the environment as a string and is parsed to its
type; production refuses to start without SECRET_KEY instead of writing a per-host key file."""
from __future__ import annotations

import re
import socket

import pytest

from tests.web.web_helpers import CITIZEN, apply_residence, login, root_make_app
from web.settings import Settings, SettingsError, load

# one string per setting, as an operator writes them in the environment
ENV = {
    "ODSC_ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": "postgres://u@db:5432/odsc",
    "REDIS_URL": "redis://r:6379/0", "JOBS_MODE": "rq", "CATALOGUE_DIR": "/srv/catalogue",
    "PUBLIC_BASE_URL": "https://odsc.gov.la", "UPLOAD_DIR": "/mnt/shared/uploads", "DOCUMENT_STORAGE": "s3",
    "S3_BUCKET": "odsc-docs", "S3_ENDPOINT_URL": "https://s3.example", "S3_REGION": "ap-southeast-1",
    "S3_PREFIX": "docs/", "UPLOAD_MAX_BYTES": "1048576", "UPLOAD_KINDS": "pdf, png",
    "MAX_CONTENT_LENGTH": "2000000", "MAX_BPMN_BYTES": "300000", "SESSION_COOKIE_SECURE": "1",
    "SESSION_LIFETIME_SECONDS": "7200", "SESSION_IDLE_SECONDS": "900",
    "NOTIFY_PROVIDERS": "sms=http, email=smtp", "NOTIFY_MAX_ATTEMPTS": "3", "NOTIFY_RETRY_DELAYS": "300,600",
    "SMS_GATEWAY_URL": "https://sms.example/send", "SMS_GATEWAY_TOKEN": "t", "SMS_GATEWAY_USER": "u",
    "SMS_GATEWAY_PASSWORD": "p", "SMS_SENDER": "ODSC-LA", "SMS_GATEWAY_TIMEOUT": "4.5",
    "SMTP_HOST": "mail", "SMTP_PORT": "587", "SMTP_USER": "me", "SMTP_PASSWORD": "pw",
    "SMTP_FROM": "odsc@gov.la", "SMTP_STARTTLS": "true",
    "CONNECTOR_MAX_ATTEMPTS": "5", "CONNECTOR_RETRY_DELAYS": "10, 20 ,40", "CONNECTOR_TIMEOUT": "3",
    "CONNECTORS": '{"registry": {"type": "http", "url": "https://r.example"}}',
    "JOBS_DISPATCH_SECONDS": "0.5", "JOBS_TIME_LIMITS_SECONDS": "120", "JOBS_GRACE_SECONDS": "15",
    "CLAIM_LEASE_SECONDS": "240", "DISPATCH_LEASE_SECONDS": "25", "WORKER_HEARTBEAT_SECONDS": "2",
    "WORKER_DEAD_SECONDS": "12", "JOB_TIMEOUT_SECONDS": "90", "WORKER_QUEUES": "odsc-timers,odsc-notifications",
    "REMINDER_WORKING_DAYS": "2", "READY_MAX_HEARTBEAT_AGE": "45", "READY_MAX_TIMER_LAG": "120",
    "CALENDAR_WARN_DAYS": "60", "METRICS_TOKEN": "m-token", "LOG_FORMAT": "text", "LOG_LEVEL": "warning",
    "CERTIFICATE_SIGNING_KEY": "sig", "API_STATUS_LIMIT": "10 per minute", "API_LOGIN_LIMIT": "5 per minute",
    "TRUSTED_PROXY_COUNT": "1", "JOBS_AFTER_COMMIT": "inline", "JOBS_PURGE_IDEMPOTENCY_SECONDS": "1800",
    "JOBS_PURGE_SESSIONS_SECONDS": "900",
    "SMS_INBOUND_SECRET": "s3cret", "SMS_INBOUND_MAX_SKEW": "120", "SMS_INBOUND_PER_HOUR": "3",
    "OPEN_DATA_TTL": "60",
}


def test_every_setting_parses_from_a_string(tmp_path):
    assert {k.lower() for k in ENV} == set(Settings.model_fields), "a setting without a parse test"
    config = load(ENV).flask_config(str(tmp_path))
    assert config["NOTIFY_RETRY_DELAYS"] == (300.0, 600.0)
    assert config["CONNECTOR_RETRY_DELAYS"] == (10.0, 20.0, 40.0)
    assert config["NOTIFY_PROVIDERS"] == {"sms": "http", "email": "smtp"}
    assert config["CONNECTORS"] == {"registry": {"type": "http", "url": "https://r.example"}}
    assert config["UPLOAD_KINDS"] == ["pdf", "png"] and config["WORKER_QUEUES"] == ["odsc-timers", "odsc-notifications"]
    assert config["TRUSTED_PROXY_COUNT"] == 1 and config["JOBS_AFTER_COMMIT"] == "inline"
    assert config["JOBS_PURGE_SESSIONS_SECONDS"] == 900.0
    assert config["SMS_INBOUND_MAX_SKEW"] == 120.0 and config["SMS_INBOUND_PER_HOUR"] == 3
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/odsc"
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"connect_timeout": 5}
    assert config["SESSION_COOKIE_SECURE"] is True and config["SMTP_STARTTLS"] is True
    assert config["SMS_GATEWAY_TIMEOUT"] == 4.5 and config["SMTP_PORT"] == 587
    assert config["NOTIFY_MAX_ATTEMPTS"] == 3 and config["CONNECTOR_MAX_ATTEMPTS"] == 5
    assert config["JOBS_DISPATCH_SECONDS"] == 0.5 and config["WORKER_DEAD_SECONDS"] == 12.0
    assert config["JOB_TIMEOUT_SECONDS"] == 90 and config["REMINDER_WORKING_DAYS"] == 2
    assert config["DOCUMENT_STORAGE"] == "s3" and config["S3_BUCKET"] == "odsc-docs"
    assert config["UPLOAD_DIR"] == "/mnt/shared/uploads" and config["LOG_LEVEL"] == "WARNING"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0" and config["JOBS_MODE"] == "rq"
    for key in ("METRICS_TOKEN", "CALENDAR_WARN_DAYS", "READY_MAX_TIMER_LAG", "API_LOGIN_LIMIT", "S3_PREFIX"):
        assert config[key] == Settings(**{k.lower(): v for k, v in ENV.items()}).model_dump()[key.lower()]


def test_a_bad_setting_is_named():
    with pytest.raises(SettingsError, match="NOTIFY_MAX_ATTEMPTS"):
        load({"NOTIFY_MAX_ATTEMPTS": "many"})
    with pytest.raises(SettingsError, match="NOTIFY_RETRY_DELAYS"):
        load({"NOTIFY_RETRY_DELAYS": "300,soon"})
    with pytest.raises(SettingsError, match="NOTIFY_PROVIDERS"):
        load({"NOTIFY_PROVIDERS": "sms"})
    with pytest.raises(SettingsError, match="UPLOAD_KINDS.*gif"):
        load({"UPLOAD_KINDS": "pdf,gif"})


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    from web import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ODSC_ENV", "production")
    monkeypatch.setenv("ODSC_INSTANCE", str(tmp_path))
    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        create_app()
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    assert create_app().config["SECRET_KEY"] == "s" * 64


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_notify_retry_delays_from_the_environment_are_seconds(request, database_template, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_RETRY_DELAYS", "300,600")
    monkeypatch.setenv("SMS_GATEWAY_URL", f"http://127.0.0.1:{_closed_port()}/sms")  # the gateway is down
    monkeypatch.setenv("JOBS_GRACE_SECONDS", "0")
    app = root_make_app(request.config)(database_template, tmp_path)
    client = app.test_client()
    login(client, CITIZEN)
    assert apply_residence(client).status_code in (302, 303)
    from engine.db import db, utcnow
    from engine.jobs.publisher import drain
    from engine.models.jobs import Notification

    drain(app)  # the first attempt runs after the response, on the after-commit thread

    with app.app_context():
        rows = db.session.query(Notification).filter_by(channel="sms").all()
        assert rows and all(r.attempts == 1 and r.status == "pending" for r in rows), \
            [(r.attempts, r.status, r.last_error) for r in rows]
        for row in rows:
            wait = (row.next_attempt_at - utcnow()).total_seconds()
            assert 280 < wait <= 300, wait
        assert re.search(r"unreachable|refused|Errno", rows[0].last_error or "")
        db.session.remove()
        db.engine.dispose()
