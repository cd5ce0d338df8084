"""Public pages that need no login: home, tracking by code, the generic status page, error pages,
and the site-wide template helpers (language switch, current user)."""
from __future__ import annotations

from urllib.parse import urlencode

import segno
from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from engine.queries import public_status
from engine.tracking import display, normalize
from web.auth import current_actor
from web.forms_render import init_forms
from web.i18n import LANGUAGES, lang
from web.security import STATUS_LIMIT, limiter

bp = Blueprint("public", __name__)


@bp.record_once
def _setup(state) -> None:
    init_forms(state.app)


@bp.before_app_request
def _remember_language():
    """?lang=lo|en on any page switches the language for the rest of the visit."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and session.get("lang") != chosen:
        session["lang"] = chosen


def lang_url(code: str) -> str:
    """The current page in another language (GET; the rest of the query string is kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", code)]
    return f"{request.path}?{urlencode(args)}"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1b1f24", omitsize=True)


@bp.app_context_processor
def _helpers():
    return {"lang_url": lang_url, "actor": current_actor(), "display_code": display}


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/status")
def track():
    """The 'track my application' form posts here by GET."""
    code = (request.args.get("code") or "").strip()
    canonical = normalize(code)
    if canonical is None:
        return render_template("public/home.html", code=code,
                               code_error=_("A tracking code has 10 letters and digits, e.g. ABCD-EFGH-JK")), 400
    return redirect(url_for("public.status", code=canonical))


@bp.get("/status/<code>")
@limiter.limit(STATUS_LIMIT)
def status(code: str):
    info = public_status(code)
    if info is None:
        return render_template("public/status_unknown.html", code=code[:40]), 404
    from flask import make_response
    from flask_babel import get_locale

    from web import conditional

    etag, modified = conditional.validators(info, str(get_locale()))
    cached = conditional.not_modified(etag, modified)
    if cached is not None:
        return cached
    page = make_response(render_template("public/status.html", info=info, code=display(info["tracking_code"])))
    return conditional.finish(page, etag, modified)


# ---- error pages ------------------------------------------------------------------------------------

def _error(status: int, title: str, text: str):
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title), status
    return render_template("errors/error.html", status=status, title=title, text=text), status


@bp.app_errorhandler(404)
def _not_found(exc):
    if request.path.startswith("/api/"):
        from web.api.core import http_problem

        return http_problem(exc)
    return _error(404, _("Page not found"), _("The page does not exist or you are not allowed to see it."))


@bp.app_errorhandler(403)
def _forbidden(_exc):
    return _error(403, _("Not allowed"), _("Your account is not allowed to open this page."))


@bp.app_errorhandler(405)
def _method(exc):
    """405 with the `Allow` header everywhere; under /api/ as problem+json (TRACE included: routing refuses
    it before any blueprint sees the request)."""
    if request.path.startswith("/api/"):
        from web.api.core import http_problem

        return http_problem(exc)
    response = _error(405, _("Not allowed"), _("This address cannot be used this way."))
    body, status = response
    allowed = getattr(exc, "valid_methods", None) or []
    return body, status, {"Allow": ", ".join(allowed)}


@bp.app_errorhandler(413)
def _too_large(_exc):
    return _error(413, _("Files too large"), _("The files you sent are too large. Each file may be at most 5 MB."))


@bp.app_errorhandler(429)
def _too_many(_exc):
    return _error(429, _("Too many requests"), _("Please wait a minute and try again."))


@bp.app_errorhandler(CSRFError)
def _csrf(_exc):
    return _error(400, _("The form expired"), _("Please go back, reload the page and send the form again."))


@bp.app_errorhandler(500)
def _server_error(_exc):
    return _error(500, _("Something went wrong"), _("Please try again in a moment."))


__all__ = ["bp", "lang", "qr_svg"]
