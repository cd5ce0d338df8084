"""/metrics in Prometheus text format: request counters and latency from every gunicorn process
(multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set), commands, SMS segments, and gauges read from the
database. Protected: `Authorization: Bearer <METRICS_TOKEN>`, or, without a token configured, only callers
on the loopback address (behind a load balancer every caller has the balancer's private address, so
private addresses are not trusted)."""
from __future__ import annotations

import ipaddress
import os
import time

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client import multiprocess as prom_mp

from engine import metrics

bp = Blueprint("metrics", __name__)


@bp.record_once
def _setup(state) -> None:
    app = state.app

    @app.before_request
    def _start():
        g.metrics_started = time.monotonic()

    @app.after_request
    def _observe(response):
        started = g.get("metrics_started")
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        if started is not None and request.endpoint != "metrics.metrics":
            metrics.REQUESTS.labels(route=route, method=request.method, status=str(response.status_code)).inc()
            metrics.LATENCY.labels(route=route).observe(time.monotonic() - started)
        return response


def _allowed() -> bool:
    import hmac

    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return address.is_loopback


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        prom_mp.MultiProcessCollector(registry)
    else:
        for collector in (metrics.REQUESTS, metrics.LATENCY, metrics.COMMANDS, metrics.SMS_SEGMENTS,
                          metrics.NOTIFICATIONS, metrics.CONNECTOR_CALLS):
            registry.register(collector)
    registry.register(metrics.DatabaseCollector())
    return registry


@bp.get("/metrics", endpoint="metrics")
def metrics_view():
    if not _allowed():
        abort(403)
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})

