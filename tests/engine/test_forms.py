"""One form declaration: validation of every field type with messages in Lao and English, and JSON Schema."""
from __future__ import annotations

from pathlib import Path

from engine.catalogue.forms import FIELD_TYPES, json_schema, validate_answers
from engine.catalogue.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]

FORM = {
    "id": "all_types", "title": {"lo": "ທົດສອບ", "en": "Test"},
    "fields": [
        {"name": "name", "type": "text", "required": True, "label": {"lo": "ຊື່", "en": "Name"}, "max_length": 5},
        {"name": "notes", "type": "long_text", "required": False, "label": {"lo": "ໝາຍເຫດ", "en": "Notes"}},
        {"name": "count", "type": "number", "required": False, "label": {"lo": "ຈຳນວນ", "en": "Count"}, "min": 1, "max": 9},
        {"name": "fee", "type": "money", "required": False, "label": {"lo": "ຄ່າ", "en": "Fee"}},
        {"name": "day", "type": "date", "required": False, "label": {"lo": "ວັນ", "en": "Day"}},
        {"name": "kind", "type": "choice", "required": False, "label": {"lo": "ປະເພດ", "en": "Kind"},
         "choices": [{"value": "a", "label": {"lo": "ກ", "en": "A"}}]},
        {"name": "ok", "type": "yes_no", "required": False, "label": {"lo": "ແມ່ນບໍ", "en": "OK"}},
        {"name": "phone", "type": "phone", "required": False, "label": {"lo": "ເບີໂທ", "en": "Phone"}},
        {"name": "nid", "type": "national_id", "required": False, "label": {"lo": "ເລກບັດ", "en": "ID"}},
        {"name": "scan", "type": "file", "required": False, "label": {"lo": "ໄຟລ໌", "en": "File"}, "accept": ["pdf"]},
    ],
}


def test_every_type_validates_and_normalises():
    clean, errors = validate_answers(FORM, {
        "name": "ສົມ", "notes": "", "count": "3", "fee": "25000", "day": "2026-11-25", "kind": "a", "ok": "yes",
        "phone": "020 5555 1234", "nid": "la-123456", "scan": {"id": "x", "name": "a.pdf"}}, "lo")
    assert errors == {}
    assert clean["count"] == 3 and clean["fee"] == 25000 and clean["ok"] is True
    assert clean["phone"] == "+8562055551234" and clean["nid"] == "LA123456" and "notes" not in clean


def test_errors_name_each_field_in_the_requested_language():
    bad = {"name": "ຍາວເກີນໄປຫຼາຍ", "count": "99", "fee": "-5", "day": "31/02/2026", "kind": "z", "ok": "perhaps",
           "phone": "123", "nid": "!!", "scan": "not-a-document", "hack": 1}
    _, lo = validate_answers(FORM, bad, "lo")
    _, en = validate_answers(FORM, bad, "en")
    assert set(lo) == set(en) == {"name", "count", "fee", "day", "kind", "ok", "phone", "nid", "scan", "hack"}
    assert "ເບີໂທ" in lo["phone"] and "phone" in en["phone"].lower()
    _, missing = validate_answers(FORM, {}, "en")
    assert missing == {"name": "This field is required"}


def test_json_schema_export_covers_every_field():
    schema = json_schema(FORM, "en")
    assert schema["required"] == ["name"]
    assert schema["properties"]["kind"]["enum"] == ["a"]
    assert schema["properties"]["day"]["format"] == "date"


def test_seed_forms_use_every_field_type():
    cat = load_catalogue(ROOT)
    used = {f["type"] for form in cat.forms.values() for f in form["fields"]}
    assert used == set(FIELD_TYPES)
