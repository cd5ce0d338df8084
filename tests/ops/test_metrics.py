"""Fault 10 of issue 16 (part): /metrics in Prometheus text format, protected by METRICS_TOKEN."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.web.web_helpers import CITIZEN, apply_residence, login


def _samples(text: str) -> dict:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out


def test_metrics_need_the_token(app, client):
    app.config["METRICS_TOKEN"] = "scrape-me"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200


def test_without_a_token_only_the_loopback_address(app, client):
    app.config["METRICS_TOKEN"] = ""
    for outside in ("1.1.1.1", "10.1.2.3"):  # behind a load balancer everyone looks private
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": outside}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


def test_requests_commands_outbox_and_backlog_are_reported(app, client):
    app.config["METRICS_TOKEN"] = "t"
    login(client, CITIZEN)
    assert apply_residence(client).status_code in (302, 303)
    client.get("/status/ZZZZZZZZZZ")
    response = client.get("/metrics", headers={"Authorization": "Bearer t"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    samples = _samples(response.get_data(as_text=True))
    routes = {(s[0]["route"], s[0]["status"]) for s in samples["odsc_http_requests_total"]}
    assert ("/status/<code>", "404") in routes and ("/login", "302") in routes
    assert any(s[0]["route"] == "/status/<code>" for s in samples["odsc_http_request_seconds_bucket"])
    kinds = {s[0]["kind"]: s[1] for s in samples["odsc_commands_total"]}
    assert kinds.get("application.submitted", 0) >= 1 or kinds.get("application.started", 0) >= 1, kinds
    assert "odsc_due_timer_lag_seconds" in samples
    assert "odsc_sms_segments_total" in samples
    for name in ("odsc_outbox_messages", "odsc_incidents_open", "odsc_tasks_overdue", "odsc_due_timers",
                 "odsc_worker_heartbeat_age_seconds"):
        assert f"# TYPE {name} gauge" in response.get_data(as_text=True), name


def test_sms_segments_count_lao_as_ucs2():
    from engine.metrics import sms_segments

    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2
    assert sms_segments("ກ" * 70) == 1 and sms_segments("ກ" * 71) == 2 and sms_segments("ກ" * 135) == 3
