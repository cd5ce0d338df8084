"""DOCUMENT_STORAGE=s3 against a real S3-compatible HTTP server: moto's server (`moto_server`, from the test
extras) in its own process, reached by boto3 over HTTP on 127.0.0.1. Uploads land in the bucket encrypted,
downloads come back byte for byte, and a purged document answers 404, never a 500."""
from __future__ import annotations

import io
import os

import pytest

from engine import documents
from engine.db import db
from engine.models.documents import Document
from tests.documents.doc_helpers import CITIZEN, PDF_BYTES, login
from tests.ops.process_support import BIN, Processes, free_port, wait_for

BUCKET = "odsc-docs"


@pytest.fixture
def s3(tmp_path, monkeypatch):
    """A running moto S3 server with an empty bucket; yields a boto3 client on it."""
    import boto3  # the test extras install it, with moto[server]

    port = free_port()
    procs = Processes(tmp_path / "moto")
    procs.start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], dict(os.environ))
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    try:
        client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1")

        def up():
            try:
                client.list_buckets()
                return True
            except Exception:  # noqa: BLE001 - not listening yet
                return procs.procs["moto"].poll() is not None
        wait_for("moto_server to answer", 60, up)
        assert procs.procs["moto"].poll() is None, procs.logs()
        client.create_bucket(Bucket=BUCKET)
        documents._s3_clients.clear()
        yield client, f"http://127.0.0.1:{port}"
    finally:
        documents._s3_clients.clear()
        procs.stop_all()


def test_documents_are_stored_in_an_s3_bucket_and_served_back(app, client, s3):
    s3_client, endpoint = s3
    app.config.update(DOCUMENT_STORAGE="s3", S3_BUCKET=BUCKET, S3_ENDPOINT_URL=endpoint, S3_REGION="us-east-1",
                      S3_PREFIX="docs/")
    login(client, CITIZEN)
    response = client.post("/documents?lang=en", data={"file": (io.BytesIO(PDF_BYTES), "book.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    meta = response.get_json()
    with app.app_context():
        key = "docs/" + db.session.get(Document, meta["id"]).storage_key
    listed = [o["Key"] for o in s3_client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert listed == [key]
    head = s3_client.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "application/pdf" and head["ServerSideEncryption"] == "AES256"
    assert s3_client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF_BYTES
    download = client.get(f"/documents/{meta['id']}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    # the object is gone from the bucket (a purge, a lifecycle rule): the download is a 404, not a 500
    s3_client.delete_object(Bucket=BUCKET, Key=key)
    assert client.get(f"/documents/{meta['id']}").status_code == 404
    with app.app_context(), pytest.raises(FileNotFoundError):
        documents.storage().get(key[len("docs/"):])
