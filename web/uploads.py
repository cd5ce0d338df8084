"""Uploaded documents on the web side: a thin layer over engine.documents (storage outside the web root,
type sniffed from the bytes, size limit, SHA-256, a Document row per upload).

`store_upload(file_storage) -> dict(id, name, content_type, size, sha256)` is the contract the forms and the
API use; `load_upload(doc_id)` gives (file object, metadata) to a caller that has already authorized.
"""
from __future__ import annotations

import io

from flask import current_app

from engine import documents
from engine.db import db
from engine.documents import KINDS, UploadRejected, sniff  # noqa: F401 - re-exported for callers
from engine.models.documents import Document
from web.auth import current_actor

MAX_BYTES = documents.DEFAULT_MAX_BYTES  # the default; the app's limit is UPLOAD_MAX_BYTES


def store_upload(file_storage) -> dict:
    """Check and store one uploaded file as the current user's; raises UploadRejected (code too_large, empty,
    kind) and stores nothing then."""
    limit = int(current_app.config.get("UPLOAD_MAX_BYTES") or MAX_BYTES)
    data = file_storage.stream.read(limit + 1)
    actor = current_actor()
    doc = documents.store(data, file_storage.filename, actor.user_id if actor else None)
    return doc.meta()


def load_upload(doc_id: str) -> tuple[io.BytesIO, dict] | None:
    """The stored bytes (as a file object for send_file) and metadata, or None. No authorization here."""
    doc = db.session.get(Document, doc_id) if isinstance(doc_id, str) and 0 < len(doc_id) <= 40 else None
    if doc is None:
        return None
    try:
        return io.BytesIO(documents.read(doc)), doc.meta()
    except FileNotFoundError:
        return None
