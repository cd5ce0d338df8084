"""Public pages that need no login."""
from flask import Blueprint, jsonify

bp = Blueprint("public", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")
