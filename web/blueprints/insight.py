"""Issue 18's pages: the applicant's rating, open performance data, status by SMS, ratings for supervisors.

Thin handlers: each calls one engine function (engine.feedback, engine.stats.opendata, engine.sms_inbound).
"""
from __future__ import annotations

import json
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

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
    from engine.models import Centre, Service

    rows = feedback.comments(actor, centres)
    summary = feedback.aggregates(centres, public=False)
    services = {s.id: {"lo": s.name_lo, "en": s.name_en} for s in db.session.query(Service)}
    centre_names = {c.id: {"lo": c.name_lo, "en": c.name_en} for c in db.session.query(Centre)}
    return render_template("insight/comments.html", rows=rows, summary=summary, services=services,
                           centre_names=centre_names)


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


# ---- the bottleneck map ----------------------------------------------------------------------------

def _date_arg(name: str):
    """A period bound as the Lao-first date field sends it (dd/mm/yyyy; yyyy-mm-dd still accepted)."""
    from engine.dayformat import parse_day

    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw)
    except ValueError:
        raise InvalidData({name: f"ວັນທີບໍ່ຖືກຕ້ອງ (ວວ/ດດ/ປປປປ) / not a date (dd/mm/yyyy): {raw[:20]}"}) from None


@bp.get("/monitor/services/<service_id>/elements")
@login_required("staff")
def service_elements(service_id: str):
    """The bottleneck map on the process diagram, with a table for phones."""
    from engine.designer.diagram import for_version
    from engine.models import Centre, Service, ServiceVersion
    from engine.stats.elements import bottlenecks
    from engine.stats.scope import visible_centres

    actor = current_actor()
    wanted = request.args.get("service")
    if wanted and wanted != service_id:  # the service picker without JavaScript
        args = {k: v for k, v in request.args.items() if k != "service"}
        return redirect(url_for("insight.service_elements", service_id=wanted, **args))
    errors = {}
    try:
        data = bottlenecks(actor, service_id, scope=request.args.get("scope") or None, start=_date_arg("from"),
                           end=_date_arg("to"))
    except InvalidData as exc:
        errors, data = exc.errors, bottlenecks(actor, service_id, scope=request.args.get("scope") or None)
    except NotFound:
        abort(404)
    except DomainError:
        abort(403)
    service = db.session.get(Service, data["service_id"])
    diagram = for_version(db.session.get(ServiceVersion, service.current_version_id))
    centres = db.session.query(Centre).filter(Centre.id.in_(sorted(visible_centres(actor)))).order_by(
        Centre.level, Centre.id).all()
    services = db.session.query(Service).filter(Service.current_version_id.is_not(None)).order_by(Service.id).all()
    overlays = {e["element_id"]: {"level": e["level"], "waiting": e["waiting"], "p90": e["p90_working_days"],
                                  "limit": e["limit_days"]} for e in data["elements"]}
    return render_template("insight/elements.html", data=data, diagram=diagram, overlays=overlays,
                           centres=centres, services=services, errors=errors), (422 if errors else 200)


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

    raw = request.get_data(cache=True)  # before request.form: once the form is parsed the raw body is gone
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
