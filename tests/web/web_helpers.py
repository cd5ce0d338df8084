"""Helpers and fixtures for the web tests (imported by the test modules): logging in through the login form, documents, a submitted application."""
from __future__ import annotations

import io
import re

from web.demo import DEMO_PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
CITIZEN = "02055551234"

RESIDENCE = {
    "applicant_name": "ທ້າວ ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA1234567", "birth_date": "1990-05-17",
    "phone": "020 5555 1234", "village": "ບ້ານ ໂພນພະເນົາ", "family_book_number": "FB-778", "purpose": "bank",
}
APPLY_URL = "/centres/xaysettha/services/residence_certificate/apply"


def login(client, username: str, password: str = DEMO_PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def pdf(name: str = "book.pdf"):
    return (io.BytesIO(PDF), name)


def apply_residence(client, **overrides):
    data = {**RESIDENCE, "family_book_scan": pdf(), **overrides}
    return client.post(APPLY_URL, data=data, content_type="multipart/form-data")


def task_links(html: str) -> list[str]:
    return re.findall(r'href="/staff/tasks/([0-9a-f-]{36})"', html)


def first_task(client, username: str) -> str:
    login(client, username)
    links = task_links(client.get("/staff/").get_data(as_text=True))
    assert links, f"no task in the inbox of {username}"
    return links[0]


def root_make_app(config):
    """tests/conftest.py's make_app (found through pytest's plugin manager: several conftest modules exist)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "conftest.py"
    return config.pluginmanager.get_plugin(str(root)).make_app
