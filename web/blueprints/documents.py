"""Receipts and certificates as PDF, the public verify page, and uploaded documents (upload and download)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from engine import certificates, documents
from engine.db import db
from engine.errors import NotFound
from engine.models import Application
from web.auth import current_actor, login_required
from web.i18n import lang
from web.security import STATUS_LIMIT, limiter

bp = Blueprint("documents", __name__)


@bp.app_context_processor
def _helpers():
    """For other areas' templates: `certificate_number(app_id)` (None until issued), to link
    url_for('documents.certificate', number=…) and url_for('documents.receipt', application_id=…)."""
    def certificate_number(application_id: int) -> str | None:
        cert = certificates.certificate_of_application(application_id)
        return cert.number if cert else None
    return {"certificate_number": certificate_number}


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for QR codes: PUBLIC_BASE_URL when configured (behind proxies), else this request's."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename=\"{filename}\""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/applications/<int:application_id>/receipt.pdf")
@login_required()
def receipt(application_id: int):
    """The receipt: for the applicant and the staff of the centre handling the case."""
    actor = current_actor()
    app = db.session.get(Application, application_id)
    allowed = app is not None and (
        actor.kind == "citizen" and app.applicant_id == actor.user_id
        or actor.kind == "staff" and actor.centre_id == app.centre_id)
    if not allowed:
        abort(404)
    status_url = external_url("public.status", code=app.tracking_code)
    locale = request.args.get("lang") if request.args.get("lang") in ("lo", "en") else None
    data = certificates.receipt_pdf(app, status_url, locale)
    return _pdf(data, f"receipt-{app.tracking_code}.pdf")


@bp.get("/certificates/<number>.pdf")
@login_required()
def certificate(number: str):
    try:
        cert = certificates.certificate_for(current_actor(), number)
    except NotFound:
        abort(404)
    data = certificates.certificate_pdf(cert, external_url("documents.verify", number=cert.number))
    return _pdf(data, f"certificate-{cert.number}.pdf")


@bp.get("/verify")
def verify_form():
    number = (request.args.get("number") or "").strip()
    if number:
        return verify(number)
    return render_template("documents/verify.html", info=None, number="")


@bp.get("/verify/<number>")
@limiter.limit(STATUS_LIMIT)
def verify(number: str):
    """Public: whether a certificate number was issued here, with only what the certificate shows publicly."""
    info = certificates.verify(number)
    status = 200 if info and info["authentic"] else 404
    return render_template("documents/verify.html", info=info, number=number[:64]), status


@bp.post("/documents")
@login_required()
def upload():
    """Store one upload (field `file`); answers its reference as JSON, or 422 with a message in the user's
    language. Forms do the same through web.uploads.store_upload."""
    from web.uploads import UploadRejected, store_upload

    file = request.files.get("file")
    if file is None or not file.filename:
        return jsonify(error=documents.UploadRejected("empty").message(lang())), 422
    try:
        meta = store_upload(file)
    except UploadRejected as exc:
        return jsonify(error=exc.message(lang()), code=exc.code), 422
    return jsonify(meta), 201


@bp.get("/documents/<doc_id>")
@login_required()
def download(doc_id: str):
    """A stored document, for the applicant and the staff of the centre handling the case (404 otherwise)."""
    from web.uploads import document_response

    try:
        doc = documents.document_for(current_actor(), doc_id)
    except NotFound:
        abort(404)
    return document_response(doc.id) or abort(404)
