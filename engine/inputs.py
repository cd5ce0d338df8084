"""The one input boundary: every piece of text that enters the platform (web forms and query strings, API
JSON bodies, uploaded file names, CSV/YAML imports) goes through these functions before anything stores it.

Rules (the same everywhere, so no later step can fail on what an earlier step accepted):
- text is normalised to Unicode NFC (Lao vowel and tone marks typed in different orders compare equal);
- NUL and the other C0 control characters (U+0000-U+001F) and DEL are refused, except tab and newline in
  long text (carriage returns are folded into newlines); PostgreSQL cannot store NUL, PDFs and SMS cannot
  show the others;
- lone surrogates (U+D800-U+DFFF, only reachable through JSON escapes) are refused: no encoder can write them;
- lengths are bounded by the database column the text ends in (`LIMITS`).

Errors are `InputRefused` (an `InvalidData`), mapping each field to a message in Lao or English.
"""
from __future__ import annotations

import re
import unicodedata

from engine.errors import InvalidData

# the longest text each kind of field may hold: the database column it is stored in
LIMITS = {
    "text": 200,          # form text fields, names (user_account.full_name, centre names: String(200))
    "long_text": 4000,    # form long text, comments
    "username": 120,      # user_account.username
    "phone": 32,          # user_account.phone
    "email": 200,         # user_account.email
    "address": 300,       # centre.address_lo/en
    "file_name": 200,     # document.name
    "id": 64,             # ids of centres, services, offices, roles
    "password": 1024,     # hashed, never stored as typed; bounded so hashing stays cheap
}

MESSAGES: dict[str, tuple[str, str]] = {
    "nul": ("ມີຕົວອັກສອນ NUL ທີ່ບໍ່ອະນຸຍາດ", "Contains a NUL character, which is not allowed"),
    "control": ("ມີຕົວອັກສອນຄວບຄຸມທີ່ບໍ່ອະນຸຍາດ (U+{char:04X})",
                "Contains a control character that is not allowed (U+{char:04X})"),
    "surrogate": ("ມີຕົວອັກສອນ Unicode ທີ່ບໍ່ຖືກຕ້ອງ", "Contains an invalid Unicode character (a lone surrogate)"),
    "too_long": ("ຍາວເກີນ {max} ຕົວອັກສອນ", "Longer than {max} characters"),
    "not_text": ("ກະລຸນາໃສ່ຂໍ້ຄວາມ", "Enter text"),
}

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_LONG = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # tab (09) and newline (0A) allowed


def message(code: str, locale: str = "lo", **params) -> str:
    lo, en = MESSAGES[code]
    return (lo if locale == "lo" else en).format(**params)


class TextProblem(ValueError):
    """One refused piece of text: `code` is a key of MESSAGES, `params` its parameters."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    def text(self, locale: str = "lo") -> str:
        return message(self.code, locale, **self.params)


class InputRefused(InvalidData):
    """Field errors of refused input: `errors` maps field → message (Lao or English)."""


def problem_in(value: str, *, long: bool = False) -> TextProblem | None:
    """What is wrong with `value` as stored text (None when nothing): a NUL, a control, a lone surrogate."""
    if "\x00" in value:
        return TextProblem("nul")
    if _SURROGATE.search(value):
        return TextProblem("surrogate")
    bad = (_CONTROL_LONG if long else _CONTROL).search(value)
    if bad:
        return TextProblem("control", char=ord(bad.group()))
    return None


def clean_text(value, *, long: bool = False, max_length: int | None = None, strip: bool = True) -> str:
    """`value` as text that every store can carry: NFC, CRLF/CR → LF (long text), stripped, bounded.

    Args: value (str; anything else is refused), long (allow tab and newline), max_length (characters;
    default LIMITS['long_text'] or LIMITS['text']). Raises TextProblem.
    """
    if not isinstance(value, str):
        raise TextProblem("not_text")
    if long:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    found = problem_in(value, long=long)
    if found:
        raise found
    value = unicodedata.normalize("NFC", value)
    if strip:
        value = value.strip()
    limit = max_length if max_length is not None else LIMITS["long_text" if long else "text"]
    if len(value) > limit:
        raise TextProblem("too_long", max=limit)
    return value


def clean_fields(values: dict, *, locale: str = "lo", limits: dict[str, int] | None = None,
                 long: frozenset[str] | set[str] = frozenset(), strip: bool = True) -> dict:
    """Clean every string of a flat mapping (a posted form). Non-string values pass unchanged.

    Args: values {field: value}; limits {field: max characters} (default LIMITS['text'] or ['long_text']);
    long: fields that may hold tab and newline. Returns the cleaned mapping. Raises InputRefused naming
    every bad field.
    """
    limits = limits or {}
    out, errors = {}, {}
    for key, value in values.items():
        if not isinstance(value, str):
            out[key] = value
            continue
        try:
            out[key] = clean_text(value, long=key in long, max_length=limits.get(key), strip=strip)
        except TextProblem as exc:
            errors[key] = exc.text(locale)
    if errors:
        raise InputRefused(errors)
    return out


def find_problem(value, path: str = "", *, long: bool = True) -> tuple[str, TextProblem] | None:
    """The first bad string in a JSON-like tree (keys included), as (dotted path, problem); None when clean.

    Long-text rules apply (tab and newline allowed): a tree's fields are checked again, with their own
    limits, by the schema that loads them.
    """
    if isinstance(value, str):
        found = problem_in(value, long=long)
        return (path or "_schema", found) if found else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found = problem_in(str(key), long=False)
            if found:
                return name, found
            hit = find_problem(item, name, long=long)
            if hit:
                return hit
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            hit = find_problem(item, f"{path}.{index}" if path else str(index), long=long)
            if hit:
                return hit
    return None


def normalise_tree(value):
    """A JSON-like tree with every string (and key) in NFC. Call after find_problem found nothing."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {normalise_tree(k): normalise_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise_tree(v) for v in value]
    return value


def check_tree(value, *, locale: str = "lo"):
    """Refuse a JSON-like tree holding a NUL, a control character or a lone surrogate; NFC otherwise.

    Returns the normalised tree. Raises InputRefused naming the first bad field (dotted path).
    """
    hit = find_problem(value)
    if hit:
        raise InputRefused({hit[0]: hit[1].text(locale)})
    return normalise_tree(value)


_UNSAFE_NAME = re.compile(r"[^\w.\- ()\u0e80-\u0eff]")


def clean_file_name(name: str | None, fallback: str = "document") -> str:
    """An uploaded file's name made safe to store and show: no path, no controls or surrogates, NFC,
    at most LIMITS['file_name'] characters, never empty. Never raises: the name is only a label."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _SURROGATE.sub("", name)
    name = _CONTROL.sub("", unicodedata.normalize("NFC", name))
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if len(name) > LIMITS["file_name"]:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot else ""
        name = (stem if dot else name)[: LIMITS["file_name"] - len(ext) - 1] + ("." + ext if ext else "")
    return name or fallback


# the largest row id a URL or a form may name: every database's INTEGER holds it (PostgreSQL: 2**31 - 1)
MAX_ID = 2**31 - 1


def parse_int(value, *, default: int, minimum: int = 0, maximum: int = 10**6) -> int:
    """A query-string integer (page numbers, row counts) that never fails: bad or absent → `default`,
    clamped to [minimum, maximum]."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(minimum, min(maximum, number))
