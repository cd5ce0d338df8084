"""Liveness and readiness for load balancers and operators: /healthz (the process answers; touches nothing)
and /readyz (JSON from engine.health; 503 when the database, Redis or the schema is not usable)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from engine import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness only: a load balancer restarts a process that stops answering here. Readiness is /readyz."""
    return jsonify(status="ok", ready="/readyz")


@bp.get("/readyz")
def readyz():
    ready, report = health.readiness(current_app.config)
    response = jsonify(report)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
