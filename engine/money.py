"""Kip amounts: one parser and one formatter, both locale-aware (Babel), used by every form and page.

Kip has no subunit in use: amounts are whole kip unless a service declares decimals. A typed amount is read
in the locale of the page it was typed on (Lao groups with '.', decimal ','; English the other way round),
so "25,000.50" on an English page is 25000.50 and is refused for a whole-kip field rather than read as
2,500,050.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

_NOISE = re.compile(r"₭|ກີບ|\bkip\b|\bLAK\b", re.IGNORECASE)


class MoneyError(ValueError):
    """A typed amount that is not a kip amount. `code` is one of: not_a_number, decimals, negative."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _babel_locale(locale: str | None) -> str:
    return "lo" if (locale or "lo") == "lo" else "en"


def parse_kip(text: str, locale: str | None = "lo", decimals: int = 0) -> Decimal:
    """Read an amount typed by a person: '25.000' (lo) or '25,000' (en), '25 000', '₭25.000', '25000 ກີບ'.

    `locale`: the language of the page ('lo' or 'en'); `decimals`: how many decimal places the service allows
    (0 = whole kip). Returns a Decimal of kip. Raises MoneyError('not_a_number' | 'decimals' | 'negative')."""
    raw = _NOISE.sub("", str(text or "")).replace("\u00a0", " ").strip()
    raw = re.sub(r"(?<=\d)[ \u202f](?=\d{3}\b)", "", raw)
    if not raw or not re.fullmatch(r"-?[\d.,]+", raw):
        raise MoneyError("not_a_number")
    try:
        amount = parse_decimal(raw, locale=_babel_locale(locale), strict=True)
    except (NumberFormatError, InvalidOperation):
        raise MoneyError("not_a_number") from None
    if amount < 0:
        raise MoneyError("negative")
    if amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        raise MoneyError("decimals")
    return amount


def format_kip(amount, locale: str | None = "lo", decimals: int = 0) -> str:
    """'1.500.000 ກີບ' in Lao (Babel's lo grouping, amount before ກີບ as Lao text writes it), '1,500,000 kip'."""
    value = Decimal(str(amount or 0))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    number = format_decimal(value, format=pattern, locale=_babel_locale(locale))
    return f"{number} ກີບ" if _babel_locale(locale) == "lo" else f"{number} kip"
