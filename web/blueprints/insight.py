"""Issue 18's pages: the applicant's rating, open performance data, status by SMS, ratings for supervisors.

Thin handlers: each calls one engine function (engine.feedback, engine.stats.opendata, engine.sms_inbound).
"""
from __future__ import annotations

import json
import time

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from engine import feedback
from engine.clock import today as local_today
from engine.db import db
from engine.errors import DomainError, InvalidData, NotFound
from engine.stats.cache import TTLCache
from engine.tracking import display
from web.auth import current_actor, login_required
from web.i18n import lang
from web.security import csrf, limiter

bp = Blueprint("insight", __name__)
_open_data_cache = TTLCache(ttl=600, maxsize=8)
OPEN_DATA_MAX_AGE = 3600


# ---- feedback ---------------------------------------------------------------------------------------

def _feedback_page(app, *, token: str | None):
    values, errors, done = {}, {}, False
    if request.method == "POST":
        values = {"rating": request.form.get("rating", ""), "comment": request.form.get("comment", "")}
        try:
            feedback.give(app.id, values["rating"], values["comment"], actor=None if token else current_actor(),
                          token=token, channel="sms_link" if token else "web")
            done = True
        except InvalidData as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {"_form": exc.message(lang())}
    elif not feedback.can_rate(app):
        errors = {"_form": DomainError("feedback_given" if app.status in feedback.FINISHED
                                       else "feedback_not_yet").message(lang())}
    status = 422 if errors and request.method == "POST" else 200
    return render_template("insight/feedback.html", app=app, code=display(app.tracking_code), values=values,
                           errors=errors, done=done, open=feedback.can_rate(app) and not done), status


@bp.route("/status/<code>/feedback", methods=["GET", "POST"])
@login_required("citizen")
def status_feedback(code: str):
    """From the status page, logged in as the applicant."""
    try:
        app = feedback.application_by_code(current_actor(), code)
    except NotFound:
        abort(404)
    return _feedback_page(app, token=None)


@bp.route("/feedback/<int:application_id>/<token>", methods=["GET", "POST"])
@limiter.limit("30/minute")
def link_feedback(application_id: int, token: str):
    """The one-time link of the final SMS: no account needed; a case takes one rating."""
    try:
        app = feedback.application_by_link(application_id, token)
    except NotFound:
        abort(404)
    return _feedback_page(app, token=token)


@bp.get("/monitor/feedback")
@login_required("staff")
def feedback_comments():
    """Ratings with comments for the centres the supervisor or monitor may see."""
    from engine.stats.scope import visible_centres

    actor = current_actor()
    centres = sorted(visible_centres(actor))
    if not centres:
        abort(403)
    rows = feedback.comments(actor, centres)
    summary = feedback.aggregates(centres, public=False)
    return render_template("insight/comments.html", rows=rows, summary=summary)


@bp.app_template_global()
def public_ratings(centre_id: str | None = None) -> list[dict]:
    """Ratings per service and centre with at least feedback.MIN_RATINGS ratings (the transparency page)."""
    from engine.models import Centre, Service
    from engine.stats.scope import descendants

    ids = None if centre_id is None else descendants(centre_id)
    rows = feedback.aggregates(ids, public=True)
    names = {s.id: {"lo": s.name_lo, "en": s.name_en} for s in db.session.query(Service).all()}
    centres = {c.id: {"lo": c.name_lo, "en": c.name_en} for c in db.session.query(Centre).all()}
    return [{**r, "service": names.get(r["service_id"], {"lo": r["service_id"], "en": r["service_id"]}),
             "centre": centres.get(r["centre_id"], {"lo": r["centre_id"], "en": r["centre_id"]})} for r in rows]


# ---- open performance data --------------------------------------------------------------------------

def _open_data():
    from engine.stats import opendata

    day = local_today()
    return day, _open_data_cache.get_or_compute(("rows", day), lambda: opendata.rows(day),
                                                ttl=float(current_app.config.get("OPEN_DATA_TTL", 600)))


def _public(resp: Response) -> Response:
    resp.headers["Cache-Control"] = f"public, max-age={OPEN_DATA_MAX_AGE}"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.get("/transparency/data.csv")
def open_data_csv():
    from engine.stats import opendata

    day, rows = _open_data()
    resp = Response(opendata.as_csv(rows), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'inline; filename="odsc-performance-{day.isoformat()}.csv"'
    resp.headers["Link"] = f'<{opendata.LICENCE["url"]}>; rel="license"'
    return _public(resp)


@bp.get("/transparency/data.json")
def open_data_json():
    from engine.stats import opendata

    day, rows = _open_data()
    resp = Response(json.dumps(opendata.as_json(rows, day), ensure_ascii=False), mimetype="application/json")
    resp.headers["Link"] = f'<{opendata.LICENCE["url"]}>; rel="license"'
    return _public(resp)


# ---- status by SMS ----------------------------------------------------------------------------------

@bp.post("/sms/inbound")
@csrf.exempt
def sms_inbound():
    """For the SMS gateway (docs/SMS.md): form or JSON with `from` and `text`, signed with the shared secret."""
    from engine import sms_inbound as sms

    raw = request.get_data(cache=True)
    try:
        sms.verify(current_app.config.get("SMS_INBOUND_SECRET"), request.headers.get("X-ODSC-Timestamp"), raw,
                   request.headers.get("X-ODSC-Signature"), time.time(),
                   float(current_app.config.get("SMS_INBOUND_MAX_SKEW", 300)))
        payload = request.get_json(silent=True) if request.is_json else request.form
        payload = payload if isinstance(payload, dict) or hasattr(payload, "get") else {}
        result = sms.receive(payload.get("from"), payload.get("text"), sig=request.headers["X-ODSC-Signature"],
                             per_hour=int(current_app.config.get("SMS_INBOUND_PER_HOUR", 5)))
    except DomainError as exc:
        db.session.rollback()
        return jsonify(error=exc.code, message={"lo": exc.message("lo"), "en": exc.message("en")}), exc.status
    return jsonify(outcome=result["outcome"]), 202
