"""Days as people in Laos write them: dd/mm/yyyy (also d/m/yyyy, dd.mm.yyyy, dd-mm-yyyy), and ISO 8601 from
API clients and older forms. One parser for every form field and filter."""
from __future__ import annotations

import re
from datetime import date

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_day(text: str) -> date:
    """'31/01/2026' or '2026-01-31' -> date(2026, 1, 31). Raises ValueError for anything else or an
    impossible day (31/02/2026)."""
    raw = (text or "").strip()
    if m := _DMY.match(raw):
        day, month, year = (int(g) for g in m.groups())
        return date(year, month, day)
    if m := _ISO.match(raw):
        year, month, day = (int(g) for g in m.groups())
        return date(year, month, day)
    raise ValueError(f"not a day: {raw!r}")


def format_day(value: date | str | None) -> str:
    """The dd/mm/yyyy text of a day (what the date field shows and accepts)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = parse_day(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")
