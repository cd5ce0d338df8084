"""Helpers of the security tests: log in through the real login form, make a province administrator."""
from __future__ import annotations

import io
import re

from web.demo import DEMO_PASSWORD

CITIZEN = "02055551234"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
RESIDENCE = {
    "applicant_name": "ທ້າວ ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA1234567", "birth_date": "1990-05-17",
    "phone": "020 5555 1234", "village": "ບ້ານ ໂພນພະເນົາ", "family_book_number": "FB-778", "purpose": "bank",
}
APPLY_URL = "/centres/xaysettha/services/residence_certificate/apply"
PROVINCE_PASSWORD = "province-pass-1"


def login(client, username: str, password: str = DEMO_PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def apply_residence(client, **overrides):
    data = {**RESIDENCE, "family_book_scan": (io.BytesIO(PDF), "book.pdf"), **overrides}
    return client.post(APPLY_URL, data=data, content_type="multipart/form-data")


def app_id_from(response) -> int:
    return int(re.search(r"/applications/(\d+)/receipt", response.location).group(1))


def make_staff(app, username: str, centre_id: str, roles: list[str], password: str = PROVINCE_PASSWORD) -> int:
    """A staff account with a known password (as `odsc users create` makes one)."""
    from engine.accounts import create_user
    from engine.db import db

    with app.app_context():
        user = create_user(username, password, full_name=username, centre_id=centre_id, roles=roles)
        db.session.commit()
        return user.id


def bearer(client, username: str, password: str = DEMO_PASSWORD) -> dict:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 201, r.get_data(as_text=True)
    return {"Authorization": f"Bearer {r.get_json()['access_token']}"}


def multipart(fields: dict[str, bytes | str], files: dict[str, tuple[bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body with field values sent as the exact bytes given (a hostile client's NUL,
    controls and lone-surrogate bytes included): werkzeug's test client writes the repr of a bytes value
    (`b'...'`) into a multipart body instead. Returns (body, content type)."""
    boundary = "odsc-hostile-boundary-7f3a"
    out = io.BytesIO()
    for name, value in fields.items():
        data = value if isinstance(value, bytes) else value.encode("utf-8")
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + data + b"\r\n")
    for name, (data, filename) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"
