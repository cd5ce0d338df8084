"""Form declarations (forms/<form_id>.yaml): parsing, validation of answers, JSON Schema export.

One declaration serves the HTML rendering, the marshmallow validation and the API's JSON Schema.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache

from marshmallow import Schema, ValidationError, fields, validate

from engine.catalogue.problems import Problem, check_text
from engine.catalogue.yamlio import line_of
from engine.inputs import TextProblem, clean_text, find_problem, normalise_tree

FIELD_TYPES = ("text", "long_text", "number", "money", "date", "choice", "yes_no", "phone", "national_id", "file")
FILE_KINDS = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Lao numbers: mobile 020 xxxx xxxx / 030 xxx xxxx, landlines 0xx xxxxxx; with or without +856
PHONE_RE = re.compile(r"^(?:\+?856|0)?(20\d{8}|30\d{7}|[2-8]\d{6,8})$")
NATIONAL_ID_RE = re.compile(r"^[A-Z0-9]{6,20}$")


def parse_form(doc, file: str, problems: list[Problem]) -> dict | None:
    if not isinstance(doc, dict):
        problems.append(Problem(file, {"lo": "ໄຟລ໌ແບບຟອມຕ້ອງເປັນ mapping ທີ່ມີ id, title ແລະ fields", "en": "a form file must be a mapping with id, title and fields"}, line=1, code="form.form_file_mapping_id"))
        return None
    form_id = doc.get("id")
    if not isinstance(form_id, str) or not NAME_RE.match(form_id):
        problems.append(Problem(file, {"lo": f"ລະຫັດແບບຟອມ {form_id!r} ບໍ່ມີ ຫຼື ບໍ່ແມ່ນ [a-z0-9_]", "en": f"form id {form_id!r} is missing or not [a-z0-9_]"}, line=line_of(doc, "id"), code="form.form_id_missing_not"))
    form = {"id": form_id, "title": check_text(doc.get("title"), file, line_of(doc, "title"), "title", problems)}
    raw_fields = doc.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        problems.append(Problem(file, {"lo": "ແບບຟອມຕ້ອງມີລາຍການຊ່ອງຂໍ້ມູນ (fields) ຢ່າງໜ້ອຍໜຶ່ງ", "en": "a form needs a non-empty list of fields"}, line=line_of(doc, "fields"), code="form.form_needs_non_empty"))
        raw_fields = []
    seen: set[str] = set()
    form["fields"] = []
    for raw in raw_fields:
        parsed = _parse_field(raw, file, problems, seen)
        if parsed:
            form["fields"].append(parsed)
    return form


def _parse_field(raw, file: str, problems: list[Problem], seen: set[str]) -> dict | None:
    line = line_of(raw)
    if not isinstance(raw, dict):
        problems.append(Problem(file, {"lo": "ແຕ່ລະຊ່ອງຂໍ້ມູນຕ້ອງເປັນ mapping", "en": "each field must be a mapping"}, line=line, code="form.each_field_mapping"))
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append(Problem(file, {"lo": f"ຊື່ຊ່ອງຂໍ້ມູນ {name!r} ຕ້ອງເປັນແບບ [a-z][a-z0-9_]*", "en": f"field name {name!r} must match [a-z][a-z0-9_]*"}, line=line, code="form.field_name_match_z"))
        return None
    if name in seen:
        problems.append(Problem(file, {"lo": f"ຊ່ອງຂໍ້ມູນ {name!r} ຖືກປະກາດສອງເທື່ອ", "en": f"field {name!r} is declared twice"}, line=line, code="form.field_declared_twice"))
    seen.add(name)
    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        problems.append(Problem(
            file, {"lo": f"ຊ່ອງຂໍ້ມູນ {name!r} ມີປະເພດທີ່ບໍ່ຮູ້ຈັກ {ftype!r}", "en": f"field {name!r} has unknown type {ftype!r}"},
            {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(FIELD_TYPES)}", "en": f"use one of: {', '.join(FIELD_TYPES)}"},
            line_of(raw, "type"),
         code="form.field_has_unknown_type"))
        return None
    field = {
        "name": name,
        "type": ftype,
        "required": bool(raw.get("required", False)),
        "label": check_text(raw.get("label"), file, line_of(raw, "label") or line, f"label of {name!r}", problems),
        "help": check_text(raw["help"], file, line_of(raw, "help"), f"help of {name!r}", problems)
        if raw.get("help") else None,
    }
    for key in ("min", "max", "max_length", "max_size_mb"):
        if raw.get(key) is not None:
            if not isinstance(raw[key], int | float) or isinstance(raw[key], bool):
                problems.append(Problem(file, {"lo": f"{key} ຂອງຊ່ອງຂໍ້ມູນ {name!r} ຕ້ອງເປັນຕົວເລກ", "en": f"{key} of field {name!r} must be a number"}, line=line_of(raw, key), code="form.field_number"))
            else:
                field[key] = raw[key]
    if ftype == "choice":
        field["choices"] = []
        for choice in raw.get("choices") or []:
            if not isinstance(choice, dict) or "value" not in choice:
                problems.append(Problem(file, {"lo": f"ຕົວເລືອກຂອງ {name!r} ຕ້ອງມີ value ແລະ label", "en": f"choice of {name!r} needs value and label"}, line=line_of(choice) or line, code="form.choice_needs_value_label"))
                continue
            field["choices"].append({
                "value": str(choice["value"]),
                "label": check_text(choice.get("label"), file, line_of(choice), f"choice {choice['value']!r}", problems),
            })
        if not field["choices"]:
            problems.append(Problem(file, {"lo": f"ຊ່ອງເລືອກ {name!r} ບໍ່ມີຕົວເລືອກ", "en": f"choice field {name!r} has no choices"},
                                    {"lo": "ເພີ່ມລາຍການ choices:", "en": "add a choices: list"}, line, code="form.choice_field_has_no"))
    if raw.get("equals_fee") is not None:
        if ftype != "money" or not isinstance(raw["equals_fee"], bool):
            problems.append(Problem(file, f"equals_fee of field {name!r} must be true or false on a money field",
                                    line=line_of(raw, "equals_fee"), code="form.equals_fee_field_true"))
        else:
            field["equals_fee"] = raw["equals_fee"]
    if ftype == "file":
        accept = raw.get("accept") or ["pdf", "jpeg", "png"]
        unknown = [a for a in accept if a not in FILE_KINDS]
        if unknown:
            problems.append(Problem(file, {"lo": f"ຊ່ອງຂໍ້ມູນ {name!r} ຮັບໄຟລ໌ປະເພດທີ່ບໍ່ຮູ້ຈັກ {', '.join(map(str, unknown))}", "en": f"field {name!r} accepts unknown file kinds {', '.join(map(str, unknown))}"},
                                    {"lo": f"ໃຊ້ {', '.join(FILE_KINDS)}", "en": f"use {', '.join(FILE_KINDS)}"}, line_of(raw, "accept"), code="form.field_accepts_unknown_file"))
        field["accept"] = [a for a in accept if a in FILE_KINDS]
    return field


# ---- validation of answers ------------------------------------------------------------------------

_MSG = {
    "required": ("ກະລຸນາຕື່ມຊ່ອງນີ້", "This field is required"),
    "text": ("ກະລຸນາໃສ່ຂໍ້ຄວາມ", "Enter text"),
    "too_long": ("ຍາວເກີນ {max} ຕົວອັກສອນ", "Longer than {max} characters"),
    "number": ("ກະລຸນາໃສ່ຕົວເລກ", "Enter a number"),
    "integer": ("ກະລຸນາໃສ່ຈຳນວນເຕັມເປັນກີບ", "Enter a whole amount in kip"),
    "range": ("ຕ້ອງຢູ່ລະຫວ່າງ {min} ແລະ {max}", "Must be between {min} and {max}"),
    "date": ("ກະລຸນາໃສ່ວັນທີ ເປັນ ວັນ/ເດືອນ/ປີ (ຕົວຢ່າງ 31/01/2026)", "Enter a date as dd/mm/yyyy (e.g. 31/01/2026)"),
    "choice": ("ກະລຸນາເລືອກໜຶ່ງໃນລາຍການ", "Choose one of the options"),
    "yes_no": ("ກະລຸນາເລືອກ ແມ່ນ ຫຼື ບໍ່", "Choose yes or no"),
    "phone": ("ເບີໂທບໍ່ຖືກຕ້ອງ (ຕົວຢ່າງ 020 5555 1234)", "Not a valid Lao phone number (e.g. 020 5555 1234)"),
    "national_id": ("ເລກບັດປະຈຳຕົວບໍ່ຖືກຕ້ອງ (ຕົວອັກສອນ ຫຼື ຕົວເລກ 6 ຫາ 20 ຕົວ)",
                    "Not a valid ID number (6 to 20 letters or digits)"),
    "file_too_large": ("ໄຟລ໌ໃຫຍ່ເກີນ {max} MB", "The file is larger than {max} MB"),
    "file": ("ກະລຸນາແນບເອກະສານ", "Attach a document"),
    "unknown": ("ຊ່ອງນີ້ບໍ່ມີໃນແບບຟອມ", "This field is not part of the form"),
    "money_max": ("ຈຳນວນເງິນຕ້ອງບໍ່ເກີນ {max} ກີບ", "The amount must be at most {max} kip"),
    "fee": ("{paid} ບໍ່ແມ່ນຄ່າທຳນຽມຂອງຄຳຮ້ອງນີ້ ({fee}). ກະລຸນາແກ້ໄຂຈຳນວນເງິນ ຫຼື ໝາຍໃສ່ຊ່ອງຂ້າງລຸ່ມ "
            "ເພື່ອບັນທຶກຈຳນວນທີ່ແຕກຕ່າງ.",
            "{paid} is not the fee of this application ({fee}). Correct the amount, or tick the box below to "
            "record a different amount."),
}

# the largest amount of kip any money field holds (exact in JSON numbers, far above any fee)
MONEY_MAX = 10**12


def message(key: str, locale: str, **params) -> str:
    lo, en = _MSG[key]
    return (lo if locale == "lo" else en).format(**params)


class _Phone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = re.sub(r"[\s\-().]", "", super()._deserialize(value, attr, data, **kwargs))
        match = PHONE_RE.match(text)
        if not match:
            raise ValidationError(self.error_messages["invalid_phone"])
        return "+856" + match.group(1)


class _NationalId(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = re.sub(r"[\s\-]", "", super()._deserialize(value, attr, data, **kwargs)).upper()
        if not NATIONAL_ID_RE.match(text):
            raise ValidationError(self.error_messages["invalid_id"])
        return text


class _YesNo(fields.Field):
    TRUE = {"yes", "true", "1", "on", "y", True}
    FALSE = {"no", "false", "0", "off", "n", False}

    def _deserialize(self, value, attr, data, **kwargs):
        key = value.strip().lower() if isinstance(value, str) else value
        if isinstance(key, bool | int | str) and key in self.TRUE:
            return True
        if isinstance(key, bool | int | str) and key in self.FALSE:
            return False
        raise ValidationError(self.error_messages["invalid_yes_no"])


class _Money(fields.Field):
    """Whole kip: an integer, or text of digits, or a float without a fraction; 1.5 and 1e30 are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"])
        if isinstance(value, str):
            text = value.strip()
            if not re.fullmatch(r"-?[0-9]{1,15}", text):
                raise ValidationError(self.error_messages["invalid"])
            return int(text)
        if isinstance(value, float) and value.is_integer() and abs(value) <= MONEY_MAX:
            return int(value)
        if isinstance(value, int):
            return value
        raise ValidationError(self.error_messages["invalid"])


class _Date(fields.Field):
    """A day: dd/mm/yyyy as Lao forms write it, or ISO 8601 (API clients); stored as ISO 8601."""

    def _deserialize(self, value, attr, data, **kwargs):
        from engine.dayformat import parse_day

        try:
            return parse_day(str(value)).isoformat()
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid_date"]) from exc


class _Document(fields.Field):
    """A stored upload, referenced by the metadata the document store returned; no larger than the field's
    declared `max_size_mb` (bytes counted from the stored size)."""

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def _deserialize(self, value, attr, data, **kwargs):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
                raise ValidationError(self.error_messages["invalid_file"])
            size = item.get("size")
            if self.max_bytes and isinstance(size, int) and size > self.max_bytes:
                raise ValidationError(self.error_messages["file_too_large"])
        return value


def _field_for(spec: dict, locale: str) -> fields.Field:
    msgs = {"required": message("required", locale), "null": message("required", locale)}
    ftype = spec["type"]
    validators = []
    lo, hi = spec.get("min"), spec.get("max")
    if ftype in ("text", "long_text"):
        msgs["invalid"] = message("text", locale)
        limit = spec.get("max_length", 200 if ftype == "text" else 4000)
        validators.append(validate.Length(max=limit, error=message("too_long", locale, max=limit)))
        if spec["required"]:
            validators.append(validate.Length(min=1, error=message("required", locale)))
        return fields.String(required=spec["required"], error_messages=msgs, validate=validators)
    if ftype in ("number", "money"):
        if lo is not None or hi is not None:
            validators.append(validate.Range(
                min=lo, max=hi, error=message("range", locale, min=lo if lo is not None else "-", max=hi if hi is not None else "-"),
            ))
        if ftype == "money":
            msgs["invalid"] = message("integer", locale)
            if lo is None:
                validators.append(validate.Range(min=0, error=message("integer", locale)))
            validators.append(validate.Range(max=MONEY_MAX, error=message("money_max", locale, max=MONEY_MAX)))
            return _Money(required=spec["required"], error_messages=msgs, validate=validators)
        msgs["invalid"] = message("number", locale)
        msgs["special"] = message("number", locale)
        return fields.Float(required=spec["required"], error_messages=msgs, validate=validators, allow_nan=False)
    if ftype == "date":
        msgs["invalid_date"] = message("date", locale)
        return _Date(required=spec["required"], error_messages=msgs)
    if ftype == "choice":
        values = [c["value"] for c in spec.get("choices", [])]
        msgs["invalid"] = message("choice", locale)
        return fields.String(required=spec["required"], error_messages=msgs,
                             validate=validate.OneOf(values, error=message("choice", locale)))
    if ftype == "yes_no":
        msgs["invalid_yes_no"] = message("yes_no", locale)
        return _YesNo(required=spec["required"], error_messages=msgs)
    if ftype == "phone":
        msgs["invalid_phone"] = msgs["invalid"] = message("phone", locale)
        return _Phone(required=spec["required"], error_messages=msgs)
    if ftype == "national_id":
        msgs["invalid_id"] = msgs["invalid"] = message("national_id", locale)
        return _NationalId(required=spec["required"], error_messages=msgs)
    msgs["invalid_file"] = msgs["required"] = message("file", locale)
    limit_mb = spec.get("max_size_mb")
    msgs["file_too_large"] = message("file_too_large", locale, max=limit_mb)
    return _Document(required=spec["required"], error_messages=msgs,
                     max_bytes=int(limit_mb * 1024 * 1024) if limit_mb else None)


def fee_field(form: dict) -> dict | None:
    """The form's cashier amount: the first money field declared `equals_fee: true`; None when it has none."""
    return next((f for f in form["fields"] if f["type"] == "money" and f.get("equals_fee")), None)


@dataclass(frozen=True)
class FeeDecision:
    """The cashier's amount against the application's fee (engine.catalogue.forms.fee_decision).

    differs: {"fee": kip, "paid": kip} when an `equals_fee` amount is not the fee (None otherwise);
    note: the audit note {"amount_differs_from_fee": differs} once the clerk confirmed exactly that amount;
    errors: {field: message} while a different amount is not confirmed (empty when it stands)."""

    differs: dict | None = None
    note: dict | None = None
    errors: dict[str, str] = dataclass_field(default_factory=dict)


def fee_decision(form: dict, answers: dict, fee: int, confirmed_paid=None, locale: str = "lo") -> FeeDecision:
    """The one decision on a paid amount: an `equals_fee` money answer equal to `fee` stands; a different
    amount stands only when the clerk confirmed exactly that amount (`confirmed_paid`, kip as int or digits;
    anything else counts as not confirmed), and the confirmation is then audited (`note`).

    Args: form (a form declaration), answers (the amount as int kip, or digits as read from a web form), fee (kip),
    confirmed_paid (int | str | None), locale ("lo" or "en"). Never raises.
    """
    from engine.money import format_kip

    spec = fee_field(form)
    value = answers.get(spec["name"]) if spec is not None else None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return FeeDecision()
    try:
        paid, fee = int(value), int(fee or 0)
    except ValueError:
        return FeeDecision()  # not an amount: the form's own validation names it
    if paid == fee:
        return FeeDecision()
    differs = {"fee": fee, "paid": paid}
    if str(confirmed_paid).strip() == str(paid):
        return FeeDecision(differs, {"amount_differs_from_fee": differs})
    return FeeDecision(differs, None, {spec["name"]: message(
        "fee", locale, paid=format_kip(paid, locale), fee=format_kip(fee, locale))})


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _boundary(spec: dict, value):
    """The input boundary (engine.inputs) for one answer: text fields cleaned with their own limit, every
    other string (and strings inside file references) refused when no store could carry it."""
    ftype = spec["type"]
    if isinstance(value, str) and ftype in ("text", "long_text"):
        limit = spec.get("max_length", 200 if ftype == "text" else 4000)
        return clean_text(value, long=ftype == "long_text", max_length=limit)
    hit = find_problem(value, long=False)
    if hit:
        raise hit[1]
    return normalise_tree(value)


def validate_answers(form: dict, data: dict, locale: str = "lo") -> tuple[dict, dict[str, str]]:
    """Check answers against a form. Returns (clean data, {field: message}); blank optional answers are dropped."""

    if not isinstance(data, dict):
        return {}, {"_schema": message("text", locale)}
    specs = {f["name"]: f for f in form["fields"]}
    errors = {str(key): message("unknown", locale) for key in data if key not in specs}
    cleaned_input = {}
    for name, value in data.items():
        if name not in specs or _blank(value):
            continue
        try:
            cleaned_input[name] = _boundary(specs[name], value)
        except TextProblem as exc:
            errors[name] = exc.text(locale)
    key = (form["id"], json.dumps(form["fields"], sort_keys=True, ensure_ascii=False))
    schema = _schema_for(key, locale)()
    try:
        clean = schema.load(cleaned_input)
    except ValidationError as exc:
        for name, msgs in exc.messages.items():  # a boundary error (kept) says more than "required"
            errors.setdefault(name, msgs[0] if isinstance(msgs, list) else str(msgs))
        clean = {}
    return clean, errors


@lru_cache(maxsize=512)
def _schema_for(key: tuple[str, str], locale: str) -> type[Schema]:
    specs = json.loads(key[1])
    attrs = {spec["name"]: _field_for(spec, locale) for spec in specs}
    return Schema.from_dict(attrs, name=f"Form_{key[0]}_{locale}")


def json_schema(form: dict, locale: str = "en") -> dict:
    """JSON Schema (draft 2020-12) of a form's answers, for API clients."""
    props, required = {}, []
    for spec in form["fields"]:
        ftype = spec["type"]
        prop: dict = {"title": spec["label"].get(locale) or spec["label"]["en"], "x-odsc-type": ftype}
        if spec.get("help"):
            prop["description"] = spec["help"].get(locale) or spec["help"]["en"]
        if ftype in ("text", "long_text"):
            prop.update(type="string", maxLength=spec.get("max_length", 200 if ftype == "text" else 4000))
        elif ftype == "number":
            prop["type"] = "number"
        elif ftype == "money":
            prop.update(type="integer", minimum=0, maximum=MONEY_MAX)
        elif ftype == "date":
            prop.update(type="string", format="date")
        elif ftype == "choice":
            prop.update(type="string", enum=[c["value"] for c in spec["choices"]])
        elif ftype == "yes_no":
            prop["type"] = "boolean"
        elif ftype == "phone":
            prop.update(type="string", pattern=r"^[+0-9 ()\-]{6,20}$")
        elif ftype == "national_id":
            prop.update(type="string", pattern=r"^[A-Za-z0-9 \-]{6,24}$")
        else:
            prop.update(type="object", properties={"id": {"type": ["string", "integer"]}}, required=["id"],
                        **{"x-accept": spec.get("accept", [])})
        if spec.get("min") is not None and ftype in ("number", "money"):
            prop["minimum"] = spec["min"]
        if spec.get("max") is not None and ftype in ("number", "money"):
            prop["maximum"] = spec["max"]
        props[spec["name"]] = prop
        if spec["required"]:
            required.append(spec["name"])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": form["title"].get(locale) or form["title"]["en"],
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
