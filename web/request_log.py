"""A request id on every request (X-Request-ID in and out) and one structured log line per request, with the
id, the user and the route, so an operator can follow one citizen's request through web and worker logs."""
from __future__ import annotations

import re
import time
import uuid

import structlog
from flask import Flask, g, request, session

from engine import logs

log = structlog.get_logger("odsc.web")
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
QUIET = {"health.healthz", "health.readyz", "metrics.metrics", "static"}


def init_request_log(app: Flask) -> None:
    if not app.config.get("TESTING"):
        logs.configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "json"))

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.monotonic()
        logs.clear()
        logs.bind(request_id=g.request_id, user_id=session.get("uid"))

    @app.after_request
    def _log(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
        if request.endpoint not in QUIET:
            started = g.get("request_started")
            log.info("request", method=request.method, path=request.path, route=request.url_rule.rule
                     if request.url_rule else None, status=response.status_code,
                     ms=round((time.monotonic() - started) * 1000, 1) if started else None)
        return response

    @app.teardown_request
    def _clear(_exc):
        logs.clear()
