"""Uploaded documents: checked (type sniffed from the bytes, size limit), checksummed, stored outside the web
root behind a storage interface, and served only to the people of the case.

Configuration (Flask app config):
- UPLOAD_DIR: the local storage root (default instance/uploads; refused when inside the static folder)
- UPLOAD_MAX_BYTES: size limit (default 5 MB)
- UPLOAD_KINDS: accepted kinds, a subset of pdf, jpeg, png (default all three)
- DOCUMENT_STORAGE: "local" (default), "s3" (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_PREFIX; needs boto3)
  or a Storage object (e.g. S3Storage(client, bucket)) set by the deployer
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from engine.audit import Actor
from engine.db import db
from engine.errors import DomainError, NotFound
from engine.inputs import clean_file_name
from engine.models import Application
from engine.models.documents import Document

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# kind -> (content type, magic bytes at offset 0)
KINDS = {
    "pdf": ("application/pdf", b"%PDF-"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}

UPLOAD_MESSAGES = {
    "too_large": ("ໄຟລ໌ໃຫຍ່ເກີນ {limit}", "The file is larger than {limit}"),
    "empty": ("ໄຟລ໌ຫວ່າງເປົ່າ", "The file is empty"),
    "kind": ("ຮັບສະເພາະໄຟລ໌ {kinds} ເທົ່ານັ້ນ", "Only {kinds} files are accepted"),
}


class UploadRejected(DomainError):
    """The upload is not acceptable; `code` is 'too_large', 'empty' or 'kind'. Nothing was stored."""

    status = 422

    def message(self, locale: str = "lo") -> str:
        lo, en = UPLOAD_MESSAGES.get(self.code, (self.code, self.code))
        params = {"limit": size_text(DEFAULT_MAX_BYTES), "kinds": "PDF, JPEG, PNG", **self.params}
        return (lo if locale == "lo" else en).format(**params)


# ---- storage ----------------------------------------------------------------------------------------

class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under a root directory, sharded by the key's first two characters, written atomically, mode 0600."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket, through any client with boto3's put_object/get_object/delete_object shape.

    DOCUMENT_STORAGE=s3 (with S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_PREFIX) uses it with boto3 (the
    `s3` extra: pip install "odsc[s3]"); tests/documents/test_s3_storage.py runs it against moto's S3 server.
    """

    def __init__(self, client, bucket: str, prefix: str = "documents/"):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type,
                               ServerSideEncryption="AES256")

    def get(self, key: str) -> bytes:
        """The object's bytes; FileNotFoundError when the bucket has no such key (as LocalStorage)."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
        except Exception as exc:
            code = str(((getattr(exc, "response", None) or {}).get("Error") or {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(key) from exc
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


_s3_clients: dict[tuple, object] = {}
_s3_lock = threading.Lock()


def _s3_storage() -> S3Storage:
    """DOCUMENT_STORAGE=s3: a bucket shared by every web process (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION,
    S3_PREFIX; credentials from the usual AWS_* environment). Needs boto3 installed."""
    config = current_app.config
    if not config.get("S3_BUCKET"):
        raise RuntimeError("DOCUMENT_STORAGE=s3 needs S3_BUCKET")
    try:
        import boto3
    except ImportError as exc:
        raise RuntimeError("DOCUMENT_STORAGE=s3 needs boto3: pip install boto3") from exc
    where = (config.get("S3_ENDPOINT_URL") or None, config.get("S3_REGION") or None)
    with _s3_lock:  # one client per process (making one costs tens of ms; a client is thread-safe)
        client = _s3_clients.get(where)
        if client is None:
            client = _s3_clients[where] = boto3.client("s3", endpoint_url=where[0], region_name=where[1])
    return S3Storage(client, config["S3_BUCKET"], config.get("S3_PREFIX") or "documents/")


def storage() -> Storage:
    configured = current_app.config.get("DOCUMENT_STORAGE", "local")
    if not isinstance(configured, str):
        return configured
    if configured == "s3":
        return _s3_storage()
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    static = current_app.static_folder
    if static and (root == Path(static).resolve() or Path(static).resolve() in root.parents):
        raise RuntimeError("UPLOAD_DIR must not be inside the web root (static folder)")
    return LocalStorage(root)


# ---- checks -----------------------------------------------------------------------------------------

def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def accepted_kinds() -> list[str]:
    kinds = current_app.config.get("UPLOAD_KINDS") or list(KINDS)
    return [k for k in kinds if k in KINDS]


def size_text(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"


def sniff(data: bytes) -> str | None:
    """The kind of a file by its first bytes (never by its name or the browser's claim)."""
    for kind, (_ctype, magic) in KINDS.items():
        if data.startswith(magic):
            return kind
    return None


def safe_name(name: str | None) -> str:
    """The uploaded name as a label (engine.inputs.clean_file_name: no path, controls or surrogates)."""
    return clean_file_name(name)


EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def download_names(doc: Document) -> tuple[str, str]:
    """(ASCII file name, UTF-8 file name) to serve `doc` under: a generated name and the extension of the
    type sniffed at upload, never the uploaded extension (`evil.html` is served as `….png`)."""
    ext = EXTENSIONS.get(doc.content_type, "bin")
    stem = clean_file_name(doc.name).rsplit(".", 1)[0] if "." in doc.name else clean_file_name(doc.name)
    return f"document-{doc.id[:8]}.{ext}", f"{stem[:150] or 'document'}.{ext}"


def may_add(actor: Actor | None, app: Application) -> bool:
    """Whether `actor` may add a document to the case: its applicant, or a staff member working at the case's
    centre (an office role or supervisor). Monitors, designers and administrators are read-only here."""
    if actor is None or actor.user_id is None:
        return False
    if actor.kind == "citizen":
        return app.applicant_id == actor.user_id
    working = set(actor.roles) - {"monitor", "designer", "admin"}
    return actor.kind == "staff" and actor.centre_id == app.centre_id and bool(working)


def store(data: bytes, name: str | None, uploader_id: int | None, application_id: int | None = None) -> Document:
    """Check and store one upload; add its Document row and commit. Raises UploadRejected (nothing stored).

    Args: data (the bytes), name (the uploaded file name, a label only), uploader_id (the owner: only they
    may name it in a form), application_id (the case it was sent for, after `may_add` was checked)."""
    limit = max_bytes()
    if len(data) > limit:
        raise UploadRejected("too_large", limit=size_text(limit))
    if not data:
        raise UploadRejected("empty")
    kinds = accepted_kinds()
    kind = sniff(data[:16])
    if kind is None or kind not in kinds:
        raise UploadRejected("kind", kinds=", ".join(k.upper() for k in kinds))
    content_type = KINDS[kind][0]
    doc_id = secrets.token_urlsafe(24)  # 192 bits
    key = doc_id
    storage().put(key, data, content_type)
    doc = Document(id=doc_id, uploader_id=uploader_id, application_id=application_id, name=safe_name(name),
                   content_type=content_type,
                   size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_key=key)
    try:
        db.session.add(doc)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage().delete(key)
        raise
    return doc


# ---- access -----------------------------------------------------------------------------------------

def may_read(actor: Actor | None, doc: Document) -> bool:
    """The applicant and the staff of the centre handling the case; before it is attached, only its uploader."""
    if actor is None or actor.user_id is None:
        return False
    if doc.application_id is None:
        return doc.uploader_id == actor.user_id
    app = db.session.get(Application, doc.application_id)
    if app is None:
        return False
    if actor.kind == "citizen":
        return app.applicant_id == actor.user_id
    return actor.kind == "staff" and actor.centre_id == app.centre_id


def document_for(actor: Actor | None, doc_id: str) -> Document:
    """A document the actor may read (NotFound otherwise: others' documents are not revealed)."""
    doc = db.session.get(Document, doc_id) if isinstance(doc_id, str) and 0 < len(doc_id) <= 40 else None
    if doc is None or not may_read(actor, doc):
        raise NotFound(what="document")
    return doc


def document_of_case(app: Application, doc_id: str) -> Document:
    """A document attached to `app` (the caller authorized the case). NotFound for any other id, also one
    that merely appears in the case's answers: naming a document is no access to it."""
    doc = db.session.get(Document, doc_id) if isinstance(doc_id, str) and 0 < len(doc_id) <= 40 else None
    if doc is None or doc.application_id != app.id:
        raise NotFound(what="document")
    return doc


REFERENCE_MESSAGES = ("ບໍ່ພົບເອກະສານນີ້ ຫຼື ມັນບໍ່ແມ່ນຂອງທ່ານ: ກະລຸນາອັບໂຫຼດໃໝ່",
                      "This document was not found or is not yours: upload it again")


def check_references(form: dict, answers: dict, actor: Actor, app_id: int | None, locale: str = "lo"
                     ) -> tuple[dict, dict[str, str]]:
    """Check every file answer of `form`: each named document must be the actor's own upload not yet attached
    to a case, or already attached to this case (`app_id`). Returns (answers with each reference replaced by
    the stored metadata, {field: message}) so no client-supplied name or type is ever kept."""
    out, errors = dict(answers), {}
    for field in form.get("fields", []):
        if field["type"] != "file" or field["name"] not in answers:
            continue
        value = answers[field["name"]]
        items = value if isinstance(value, list) else [value]
        metas = []
        for item in items:
            doc_id = item.get("id") if isinstance(item, dict) else None
            doc = db.session.get(Document, doc_id) if isinstance(doc_id, str) and 0 < len(doc_id) <= 40 else None
            own = doc is not None and (
                doc.application_id is None and actor.user_id is not None and doc.uploader_id == actor.user_id
                or app_id is not None and doc.application_id == app_id)
            if not own:
                errors[field["name"]] = REFERENCE_MESSAGES[0 if locale == "lo" else 1]
                break
            metas.append(doc.meta())
        else:
            out[field["name"]] = metas if isinstance(value, list) else metas[0]
    return out, errors


def read(doc: Document) -> bytes:
    return storage().get(doc.storage_key)


def documents_of_application(application_id: int) -> list[Document]:
    return list(db.session.execute(select(Document).where(Document.application_id == application_id)
                                   .order_by(Document.created_at)).scalars())


def _references(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


def attach_answers(app: Application, actor: Actor, answers: dict | None) -> int:
    """Attach the documents named in answers to the application (inside the caller's transaction).

    Only documents the actor uploaded and that belong to no case yet are attached: naming someone else's
    document id in a form gives no access to it.
    """
    ids = [doc_id for value in (answers or {}).values() for doc_id in _references(value)]
    if not ids or actor.user_id is None:
        return 0
    count = 0
    for doc in db.session.execute(select(Document).where(Document.id.in_(ids))).scalars():
        if doc.application_id is None and doc.uploader_id == actor.user_id:
            doc.application_id = app.id
            count += 1
    return count


def attach(doc_id: str, app: Application, actor: Actor) -> Document:
    """Attach one of the actor's own unattached uploads to an application they may act on (caller commits);
    e.g. a document sent for a case through the API before the answers name it."""
    doc = db.session.get(Document, doc_id) if isinstance(doc_id, str) and 0 < len(doc_id) <= 40 else None
    if doc is None or doc.uploader_id != actor.user_id or doc.application_id not in (None, app.id):
        raise NotFound(what="document")
    doc.application_id = app.id
    return doc


def purge_unattached(older_than_hours: int = 72) -> int:
    """Delete uploads that no application took within the given time (abandoned forms); commits. For a
    periodic job."""
    from datetime import timedelta

    from engine.db import utcnow

    cutoff = utcnow() - timedelta(hours=older_than_hours)
    stale = list(db.session.execute(select(Document).where(Document.application_id.is_(None),
                                                           Document.created_at < cutoff)).scalars())
    store_ = storage()
    for doc in stale:
        db.session.delete(doc)
    db.session.commit()
    for doc in stale:
        store_.delete(doc.storage_key)
    return len(stale)
