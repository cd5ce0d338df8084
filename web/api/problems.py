"""Errors as application/problem+json (RFC 9457), in the request's language (Accept-Language lo/en)."""
from __future__ import annotations

import json
import re

from flask import Response, request

from engine.errors import DomainError

PROBLEM_JSON = "application/problem+json"

TITLES: dict[int, tuple[str, str]] = {
    400: ("ຄຳຂໍບໍ່ຖືກຕ້ອງ", "Bad request"),
    401: ("ຕ້ອງເຂົ້າສູ່ລະບົບ", "Authentication required"),
    403: ("ບໍ່ມີສິດ", "Forbidden"),
    404: ("ບໍ່ພົບ", "Not found"),
    405: ("ບໍ່ຮອງຮັບວິທີນີ້", "Method not allowed"),
    409: ("ຂໍ້ມູນຂັດແຍ່ງກັນ", "Conflict"),
    413: ("ຂໍ້ມູນໃຫຍ່ເກີນໄປ", "Content too large"),
    415: ("ຮູບແບບຂໍ້ມູນບໍ່ຮອງຮັບ", "Unsupported media type"),
    422: ("ຂໍ້ມູນບໍ່ຖືກຕ້ອງ", "Unprocessable content"),
    429: ("ສົ່ງຄຳຂໍຫຼາຍເກີນໄປ", "Too many requests"),
    500: ("ລະບົບຂັດຂ້ອງ", "Internal server error"),
}

# API-level messages; domain messages come from engine.errors
MESSAGES: dict[str, tuple[str, str]] = {
    "unauthorized": ("ກະລຸນາເຂົ້າສູ່ລະບົບ: ສົ່ງ bearer token ທີ່ຍັງໃຊ້ໄດ້", "Send a valid bearer token"),
    "invalid_credentials": ("ຊື່ຜູ້ໃຊ້ ຫຼື ລະຫັດຜ່ານບໍ່ຖືກຕ້ອງ", "Wrong username or password"),
    "account_locked": (
        "ບັນຊີນີ້ຖືກລັອກຊົ່ວຄາວ ຍ້ອນໃສ່ລະຫັດຜ່ານຜິດຫຼາຍເທື່ອ, ກະລຸນາລອງໃໝ່ພາຍຫຼັງ",
        "This account is locked for a while after too many wrong passwords; try again later",
    ),
    "password_change_required": (
        "ກະລຸນາປ່ຽນລະຫັດຜ່ານໃນເວັບໄຊກ່ອນ ແລ້ວຈຶ່ງໃຊ້ API",
        "Change your password on the website first, then use the API",
    ),
    "read_only": ("ທ່ານເບິ່ງໄດ້ຢ່າງດຽວ: ບໍ່ສາມາດເພີ່ມເອກະສານໃສ່ຄຳຮ້ອງນີ້", "You can only read this case: you cannot add documents to it"),
    "staff_only": ("ສະເພາະພະນັກງານເທົ່ານັ້ນ", "Only staff members can do this"),
    "citizen_only": ("ສະເພາະຜູ້ຍື່ນຄຳຮ້ອງເທົ່ານັ້ນ", "Only applicants can do this"),
    "malformed_json": ("ຂໍ້ມູນທີ່ສົ່ງມາບໍ່ແມ່ນ JSON ທີ່ຖືກຕ້ອງ", "The request body is not valid JSON"),
    "unsupported_media_type": ("ຮູບແບບຂໍ້ມູນບໍ່ຮອງຮັບ: ກະລຸນາສົ່ງ {expected}", "Unsupported content type: send {expected}"),
    "too_large": ("ຂໍ້ມູນທີ່ສົ່ງມາໃຫຍ່ເກີນໄປ", "The request is too large"),
    "rate_limited": ("ສົ່ງຄຳຂໍຫຼາຍເກີນໄປ, ກະລຸນາລໍຖ້າ ແລ້ວລອງໃໝ່", "Too many requests; wait a moment and try again"),
    "method_not_allowed": ("ທີ່ຢູ່ນີ້ບໍ່ຮອງຮັບວິທີ {method}", "This address does not accept {method}"),
    "route_not_found": ("ບໍ່ພົບທີ່ຢູ່ນີ້ໃນ API", "There is no such address in the API"),
    "bad_request": ("ຄຳຂໍບໍ່ຖືກຕ້ອງ", "The request is not valid"),
    "invalid_header": ("ສ່ວນຫົວ {header} ບໍ່ຖືກຕ້ອງ", "The {header} header is not valid"),
    "idempotency_in_progress": (
        "ຄຳຂໍທີ່ມີ Idempotency-Key ນີ້ ກຳລັງດຳເນີນການຢູ່, ກະລຸນາລອງໃໝ່ພາຍຫຼັງ",
        "A request with this Idempotency-Key is still being processed; retry later",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ນີ້ຖືກໃຊ້ກັບຄຳຂໍອື່ນແລ້ວ",
        "This Idempotency-Key was already used for a different request",
    ),
    "upload_too_large": ("ໄຟລ໌ໃຫຍ່ເກີນ {max} MB", "The file is larger than {max} MB"),
    "upload_empty": ("ໄຟລ໌ຫວ່າງເປົ່າ", "The file is empty"),
    "upload_kind": ("ຮັບສະເພາະໄຟລ໌ PDF, JPEG ຫຼື PNG", "Only PDF, JPEG or PNG files are accepted"),
    "internal_error": ("ລະບົບຂັດຂ້ອງ, ກະລຸນາລອງໃໝ່ພາຍຫຼັງ", "Something went wrong on our side; try again later"),
}

# marshmallow's English messages, in Lao
_MM_EXACT = {
    "Missing data for required field.": "ກະລຸນາຕື່ມຊ່ອງນີ້",
    "Field may not be null.": "ຊ່ອງນີ້ຫວ່າງບໍ່ໄດ້",
    "Not a valid string.": "ກະລຸນາໃສ່ຂໍ້ຄວາມ",
    "Not a valid integer.": "ກະລຸນາໃສ່ຈຳນວນເຕັມ",
    "Not a valid number.": "ກະລຸນາໃສ່ຕົວເລກ",
    "Not a valid boolean.": "ກະລຸນາໃສ່ true ຫຼື false",
    "Not a valid mapping type.": "ຕ້ອງເປັນ JSON object",
    "Not a valid list.": "ຕ້ອງເປັນລາຍການ (JSON array)",
    "Invalid input type.": "ຂໍ້ມູນຕ້ອງເປັນ JSON object",
    "Unknown field.": "ຊ່ອງນີ້ບໍ່ມີໃນຄຳຂໍ",
    "Invalid value.": "ຄ່ານີ້ບໍ່ຖືກຕ້ອງ",
    "Not a valid date.": "ກະລຸນາໃສ່ວັນທີ (ປີ-ເດືອນ-ວັນ)",
}
_MM_PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), "ຕ້ອງເປັນໜຶ່ງໃນ: {0}"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "ຍາວເກີນ {0} ຕົວອັກສອນ"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "ສັ້ນກວ່າ {0} ຕົວອັກສອນ"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "ຄວາມຍາວຕ້ອງຢູ່ລະຫວ່າງ {0} ແລະ {1}"),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     "ຕ້ອງຢູ່ລະຫວ່າງ {0} ແລະ {1}"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "ຕ້ອງບໍ່ໜ້ອຍກວ່າ {0}"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "ຕ້ອງບໍ່ເກີນ {0}"),
    (re.compile(r"^String does not match expected pattern\.$"), "ຮູບແບບບໍ່ຖືກຕ້ອງ"),
]


def locale() -> str:
    """The request's language: Accept-Language lo or en; Lao by default."""
    try:
        best = request.accept_languages.best_match(["lo", "en"])
    except RuntimeError:
        return "lo"
    return best or "lo"


def text(code: str, loc: str | None = None, **params) -> str:
    lo, en = MESSAGES.get(code, (code, code))
    template = lo if (loc or locale()) == "lo" else en
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def translate_marshmallow(message: str, loc: str) -> str:
    if loc != "lo" or not isinstance(message, str):
        return message
    if message in _MM_EXACT:
        return _MM_EXACT[message]
    for pattern, lao in _MM_PATTERNS:
        match = pattern.match(message)
        if match:
            return lao.format(*match.groups())
    return "ຄ່ານີ້ບໍ່ຖືກຕ້ອງ"


def flatten_errors(messages, loc: str, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested {field: [msg] | {sub: ...}} as {"a.b": "message"}."""
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_errors(value, loc, name))
    elif isinstance(messages, list | tuple):
        strings = [m for m in messages if isinstance(m, str)]
        if strings:
            out[prefix or "_schema"] = translate_marshmallow(strings[0], loc)
        for item in messages:
            if isinstance(item, dict):
                out.update(flatten_errors(item, loc, prefix))
    else:
        out[prefix or "_schema"] = translate_marshmallow(str(messages), loc)
    return out


class ApiProblem(Exception):
    """Raise anywhere in an API view to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str | None = None, errors: dict | None = None,
                 headers: dict | None = None, **params):
        self.status, self.code, self.errors, self.headers = status, code, errors, headers or {}
        self.detail = detail if detail is not None else text(code, **params)
        super().__init__(f"{status} {code}")


def problem(status: int, code: str, detail: str | None = None, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    loc = locale()
    lo, en = TITLES.get(status, TITLES[400] if status < 500 else TITLES[500])
    body = {
        "type": f"/api/v1/docs#problem-{code}",
        "title": lo if loc == "lo" else en,
        "status": status,
        "detail": detail if detail is not None else text(code, loc),
        "code": code,
    }
    if errors:
        body["errors"] = {str(k): str(v) for k, v in errors.items()}
    try:
        body["instance"] = request.path
    except RuntimeError:
        pass
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    response.headers["Content-Language"] = loc
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_domain(exc: DomainError) -> Response:
    loc = locale()
    status = exc.status if exc.status in TITLES and exc.status >= 400 else 400
    errors = getattr(exc, "errors", None) or None
    if errors:
        errors = {k: v for k, v in errors.items()}
    return problem(status, exc.code, exc.message(loc), errors)
