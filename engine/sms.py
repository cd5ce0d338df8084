"""SMS length: every text the platform sends fits in two SMS.

Lao is sent as UCS-2: 70 characters in one SMS, 67 per part when split, so two parts hold 134 UTF-16 code
units. The platform holds every text (Lao and English alike) to that budget: the variable parts (a return
reason, a task or service name) are shortened with '…' when the whole would not fit, never the fixed words,
the tracking code or the link.
"""
from __future__ import annotations

import math
import re

SEGMENT_UCS2, SINGLE_UCS2 = 67, 70
SEGMENT_GSM, SINGLE_GSM = 153, 160
LIMIT = 2 * SEGMENT_UCS2
# GSM 03.38 basic set (extension characters count as two)
_GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXT = set("^{}\\[~]|€")
# what may be shortened, first to last
SHRINKABLE = ("reason", "task", "service", "label", "who")


def units(text: str) -> int:
    """UTF-16 code units (what UCS-2 SMS counts)."""
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS `text` takes: GSM-7 when every character is in the GSM set, else UCS-2."""
    if all(ch in _GSM or ch in _GSM_EXT for ch in text):
        length = sum(2 if ch in _GSM_EXT else 1 for ch in text)
        return 1 if length <= SINGLE_GSM else math.ceil(length / SEGMENT_GSM)
    length = units(text)
    return 1 if length <= SINGLE_UCS2 else math.ceil(length / SEGMENT_UCS2)


def _shorten(value: str, by: int) -> str:
    keep = max(len(value) - by - 1, 3)
    return value if keep >= len(value) else value[:keep].rstrip() + "…"


def fit(template: str, limit: int = LIMIT, **fields) -> str:
    """`template.format(**fields)` in at most `limit` UTF-16 units, shortening the SHRINKABLE fields in order."""
    fields = {k: re.sub(r"\s+", " ", str(v if v is not None else "")).strip() if k in SHRINKABLE
              else str(v if v is not None else "") for k, v in fields.items()}
    text = template.format(**fields)
    for key in SHRINKABLE:
        over = units(text) - limit
        if over <= 0:
            break
        if key in fields and "{" + key + "}" in template:
            fields[key] = _shorten(fields[key], over)
            text = template.format(**fields)
    return text
