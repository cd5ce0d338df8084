"""Uploaded documents: type sniffed from the bytes, size limit, SHA-256, storage outside the web root, and
downloads only for the applicant and the staff of the centre handling the case."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from engine import documents
from engine.db import db
from engine.models import Application
from engine.models.documents import Document
from tests.documents.doc_helpers import CITIZEN, PDF_BYTES, PNG_BYTES, actor, login, start
from web.demo import DEMO_PASSWORD

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64


def _upload(client, data: bytes, name: str, lang: str = "en"):
    return client.post(f"/documents?lang={lang}", data={"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")


def test_upload_is_sniffed_checksummed_and_stored_outside_the_web_root(app, client):
    login(client, CITIZEN)
    # the name says .exe and the browser may say anything: the bytes say PNG
    response = _upload(client, PNG_BYTES, "scan.exe")
    assert response.status_code == 201
    meta = response.get_json()
    assert meta["content_type"] == "image/png"
    assert meta["size"] == len(PNG_BYTES)
    assert meta["sha256"] == hashlib.sha256(PNG_BYTES).hexdigest()
    assert len(meta["id"]) >= 32  # random, unguessable
    with app.app_context():
        doc = db.session.get(Document, meta["id"])
        assert doc.application_id is None and doc.uploader_id is not None
        stored = Path(app.config["UPLOAD_DIR"]).resolve() / doc.storage_key[:2] / doc.storage_key
        assert stored.read_bytes() == PNG_BYTES
        assert oct(stored.stat().st_mode & 0o777) == "0o600"
        assert Path(app.static_folder).resolve() not in stored.parents


@pytest.mark.parametrize("data,name", [
    (b"MZ\x90\x00 this is a windows program", "scan.pdf"),
    (b"<html><script>alert(1)</script></html>", "page.png"),
    (b"GIF89a" + b"\0" * 20, "anim.gif"),
])
def test_wrong_type_is_rejected_with_a_clear_message_and_nothing_stored(app, client, data, name):
    login(client, CITIZEN)
    response = _upload(client, data, name)
    assert response.status_code == 422
    assert response.get_json()["error"] == "Only PDF, JPEG, PNG files are accepted"
    lao = _upload(client, data, name, lang="lo")
    assert lao.get_json()["error"].startswith("ຮັບສະເພາະໄຟລ໌")
    with app.app_context():
        assert db.session.query(Document).count() == 0
    assert not any(p.is_file() for p in Path(app.config["UPLOAD_DIR"]).rglob("*")) \
        if Path(app.config["UPLOAD_DIR"]).exists() else True


def test_oversize_and_empty_are_rejected(app, client):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    login(client, CITIZEN)
    response = _upload(client, PDF_BYTES + b"\0" * 2000, "big.pdf")
    assert response.status_code == 422
    assert response.get_json() == {"error": "The file is larger than 1 KB", "code": "too_large"}
    assert _upload(client, b"", "empty.pdf").status_code == 422
    with app.app_context():
        assert db.session.query(Document).count() == 0


def test_default_limit_is_5_mb(app, client):
    login(client, CITIZEN)
    big = PDF_BYTES + b"\0" * (5 * 1024 * 1024)
    response = _upload(client, big, "big.pdf")
    assert response.status_code == 422
    assert response.get_json()["error"] == "The file is larger than 5 MB"
    assert _upload(client, PDF_BYTES + b"\0" * (4 * 1024 * 1024), "ok.pdf").status_code == 201


def test_a_rejected_upload_leaves_the_application_unchanged(app):
    with app.app_context():
        application = start("residence_certificate")
        version, data = application.version, dict(application.data)
        with pytest.raises(documents.UploadRejected) as info:
            documents.store(b"not a document", "x.pdf", actor(CITIZEN).user_id)
        assert info.value.message("lo").startswith("ຮັບສະເພາະໄຟລ໌")
        db.session.expire_all()
        again = db.session.get(Application, application.id)
        assert again.version == version and again.data == data


def test_documents_are_served_to_the_applicant_and_the_centre_only(app, client):
    with app.app_context():
        application = start("residence_certificate")
        doc_id = application.data["family_book_scan"]["id"]
        doc = db.session.get(Document, doc_id)
        assert doc.application_id == application.id  # attached when the application started
    for username, expected in ((CITIZEN, 200), ("desk.xs", 200), ("officer.xs", 200),
                               ("desk.ctb", 404), ("monitor.vte", 404)):
        login(client, username)
        response = client.get(f"/documents/{doc_id}")
        assert response.status_code == expected, username
        if expected == 200:
            assert response.data == PDF_BYTES
            assert response.mimetype == "application/pdf"
            assert response.headers["Content-Disposition"].startswith("attachment;")
            assert "family_book_scan.pdf" in response.headers["Content-Disposition"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/logout")
    assert client.get(f"/documents/{doc_id}").status_code == 302  # to the login page
    login(client, CITIZEN)
    assert client.get("/documents/not-a-real-id").status_code == 404


def test_another_users_document_is_not_served_nor_attachable(app, client):
    from engine.accounts import create_user

    with app.app_context():
        create_user("02099998888", DEMO_PASSWORD, full_name="ນາງ ອື່ນ", kind="citizen", phone="02099998888")
        db.session.commit()
    login(client, "02099998888")
    theirs = _upload(client, JPEG_BYTES, "their-id.jpg").get_json()
    assert theirs["content_type"] == "image/jpeg"
    # before it is attached, only its uploader sees it
    assert client.get(f"/documents/{theirs['id']}").status_code == 200
    login(client, CITIZEN)
    assert client.get(f"/documents/{theirs['id']}").status_code == 404
    login(client, "desk.xs")
    assert client.get(f"/documents/{theirs['id']}").status_code == 404
    # naming someone else's document in one's own application is refused with a field error; nothing attaches
    from engine.errors import InvalidData

    with app.app_context():
        with pytest.raises(InvalidData) as refused:
            start("residence_certificate", {
                "applicant_name": "ທ້າວ ສົມຊາຍ", "id_number": "LA1234567", "birth_date": "1990-05-17",
                "phone": "020 5555 1234", "village": "ບ້ານໂພນສະອາດ", "family_book_number": "FB-1",
                "purpose": "bank", "family_book_scan": theirs,
            })
        assert "family_book_scan" in refused.value.errors
        db.session.rollback()
        assert db.session.get(Document, theirs["id"]).application_id is None
    login(client, CITIZEN)
    assert client.get(f"/documents/{theirs['id']}").status_code == 404


def test_storage_refuses_the_web_root_and_bad_keys(app, tmp_path):
    with app.app_context():
        app.config["UPLOAD_DIR"] = str(Path(app.static_folder) / "uploads")
        with pytest.raises(RuntimeError):
            documents.storage()
    store = documents.LocalStorage(tmp_path)
    for key in ("../etc/passwd", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            store.put(key, b"x", "application/pdf")


def test_store_upload_keeps_the_forms_contract(app):
    from werkzeug.datastructures import FileStorage

    from web.uploads import UploadRejected, load_upload, store_upload

    with app.test_request_context():
        meta = store_upload(FileStorage(io.BytesIO(PDF_BYTES), filename="../../etc/ບັດ.pdf"))
        assert set(meta) == {"id", "name", "content_type", "size", "sha256"}
        assert meta["name"] == "ບັດ.pdf"
        fh, again = load_upload(meta["id"])
        assert fh.read() == PDF_BYTES and again == meta
        with pytest.raises(UploadRejected) as info:
            store_upload(FileStorage(io.BytesIO(b"hello"), filename="a.pdf"))
        assert info.value.code == "kind"


class _Bucket:
    """An in-memory stand-in for an S3-compatible client (no S3 service runs here): boto3's call shape."""

    def __init__(self):
        self.objects = {}

    def put_object(self, Bucket, Key, Body, ContentType, **extra):  # noqa: N803 - boto3's names
        self.objects[(Bucket, Key)] = (Body, ContentType, extra)

    def get_object(self, Bucket, Key):  # noqa: N803
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)][0])}

    def delete_object(self, Bucket, Key):  # noqa: N803
        self.objects.pop((Bucket, Key), None)


def test_s3_compatible_storage_contract(app, client):
    bucket = _Bucket()
    app.config["DOCUMENT_STORAGE"] = documents.S3Storage(bucket, "odsc-docs")
    login(client, CITIZEN)
    meta = _upload(client, PDF_BYTES, "book.pdf").get_json()
    (key, (body, ctype, extra)), = bucket.objects.items()
    assert key == ("odsc-docs", f"documents/{meta['id']}") and body == PDF_BYTES and ctype == "application/pdf"
    assert extra == {"ServerSideEncryption": "AES256"}
    assert client.get(f"/documents/{meta['id']}").data == PDF_BYTES


def test_abandoned_uploads_are_purged_and_attached_ones_kept(app):
    from datetime import timedelta

    with app.app_context():
        application = start("residence_certificate")
        kept = application.data["family_book_scan"]["id"]
        lost = documents.store(PDF_BYTES, "lost.pdf", actor(CITIZEN).user_id)
        lost_id, key = lost.id, lost.storage_key
        assert documents.purge_unattached(72) == 0  # too recent
        for doc in db.session.query(Document):
            doc.created_at -= timedelta(days=5)
        db.session.commit()
        assert documents.purge_unattached(72) == 1
        assert db.session.get(Document, lost_id) is None and db.session.get(Document, kept) is not None
        with pytest.raises(FileNotFoundError):
            documents.storage().get(key)
