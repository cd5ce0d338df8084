"""Helpers for the administration tests: log in through the login form, open a centre through the form."""
from __future__ import annotations

import io
import re

from web.demo import DEMO_PASSWORD

CITIZEN = "02055551234"
RESIDENCE = {
    "applicant_name": "ທ້າວ ສົມຊາຍ ພົມມະຈັນ", "id_number": "LA1234567", "birth_date": "1990-05-17",
    "phone": "020 5555 1234", "village": "ບ້ານ ໂພນພະເນົາ", "family_book_number": "FB-778", "purpose": "bank",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(client, username: str, password: str = DEMO_PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def centre_form(centre_id: str = "naxaythong", parent: str = "vte", **overrides) -> dict:
    data = {
        "id": centre_id, "name_lo": "ເມືອງນາຊາຍທອງ", "name_en": "Naxaythong District", "level": "district",
        "parent": parent, "address_lo": "ຫ້ອງວ່າການເມືອງນາຊາຍທອງ", "address_en": "Naxaythong District Hall",
        "phone": "+856 21 000 290", "hours_lo": "ວັນຈັນ ຫາ ວັນສຸກ", "hours_en": "Mon–Fri",
        "service": ["residence_certificate", "birth_certificate"], "fee-residence_certificate": "20.000",
        "fee-birth_certificate": "",
        "office_rows": "2",
        "office-0-id": f"{centre_id}_front", "office-0-name_lo": "ປະຕູບໍລິການ", "office-0-name_en": "Service counter",
        "office-0-roles": ["front_desk", "cashier"],
        "office-1-id": f"{centre_id}_governor", "office-1-name_lo": "ຫ້ອງວ່າການເມືອງ",
        "office-1-name_en": "Governor's office", "office-1-roles": ["approver", "village_office"],
    }
    data.update(overrides)
    return data


def staff_form(username: str, centre: str, roles: list[str], **overrides) -> dict:
    return {"username": username, "full_name": f"ພະນັກງານ {username}", "centre": centre, "roles": roles,
            "phone": "", "email": "", "locale": "lo", **overrides}


def code_from(html: str) -> str:
    match = re.search(r'id="code-value">([A-Z0-9-]+)<', html)
    assert match, html[:2000]
    return match.group(1)


def apply_residence(client, centre_id: str):
    data = {**RESIDENCE, "family_book_scan": (io.BytesIO(PDF), "book.pdf")}
    return client.post(f"/centres/{centre_id}/services/residence_certificate/apply", data=data,
                       content_type="multipart/form-data")
