"""Uploaded documents on the web side: a thin layer over engine.documents (storage outside the web root,
type sniffed from the bytes, size limit, SHA-256, a Document row per upload).

`store_upload(file_storage) -> dict(id, name, content_type, size, sha256)` is the contract the forms and the
API use; `load_upload(doc_id)` gives (file object, metadata) to a caller that has already authorized.
"""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import Response, current_app

from engine import documents
from engine.db import db
from engine.documents import KINDS, UploadRejected, sniff  # noqa: F401 - re-exported for callers
from engine.models.documents import Document
from web.auth import current_actor

MAX_BYTES = documents.DEFAULT_MAX_BYTES  # the default; the app's limit is UPLOAD_MAX_BYTES


def store_upload(file_storage, actor=None, application_id: int | None = None) -> dict:
    """Check and store one uploaded file as `actor`'s (default: the session's user), for the case
    `application_id` when given (the caller checked documents.may_add); raises UploadRejected (code
    too_large, empty, kind) and stores nothing then."""
    limit = int(current_app.config.get("UPLOAD_MAX_BYTES") or MAX_BYTES)
    data = file_storage.stream.read(limit + 1)
    actor = actor if actor is not None else current_actor()
    doc = documents.store(data, file_storage.filename, actor.user_id if actor else None, application_id)
    return doc.meta()


def document_response(doc_id: str, app=None, *, inline: bool = False) -> Response | None:
    """The download of a stored document (None when there is none): with `app`, only a document attached to
    that case. Served under a generated name with the extension of its sniffed type, as an attachment unless
    `inline`, in a sandbox (its own Content-Security-Policy, kept by web.security_headers)."""
    try:
        doc = documents.document_of_case(app, doc_id) if app is not None else db.session.get(Document, doc_id)
    except documents.NotFound:
        return None
    if doc is None:
        return None
    try:
        data = documents.read(doc)
    except FileNotFoundError:
        return None
    ascii_name, utf8_name = documents.download_names(doc)
    response = Response(data, mimetype=doc.content_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


DOWNLOAD_CSP = "default-src 'none'; sandbox"


def load_upload(doc_id: str) -> tuple[io.BytesIO, dict] | None:
    """The stored bytes (as a file object for send_file) and metadata, or None. No authorization here."""
    doc = db.session.get(Document, doc_id) if isinstance(doc_id, str) and 0 < len(doc_id) <= 40 else None
    if doc is None:
        return None
    try:
        return io.BytesIO(documents.read(doc)), doc.meta()
    except FileNotFoundError:
        return None
