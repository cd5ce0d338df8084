"""Language selection (Lao first), translation catalogues per area, and Babel formatting for templates."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from flask import Flask, request, session
from flask_babel import Babel, get_locale

babel = Babel()
LANGUAGES = ("lo", "en")
VIENTIANE = ZoneInfo("Asia/Vientiane")
UTC = ZoneInfo("UTC")


def select_locale() -> str:
    lang = request.args.get("lang") or session.get("lang")
    if lang in LANGUAGES:
        return lang
    return "lo"


def lang() -> str:
    return str(get_locale() or "lo")


def pick(text, locale: str | None = None) -> str:
    """The text of a {lo, en} mapping in the current language (falling back to the other one)."""
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    locale = locale or lang()
    return text.get(locale) or text.get("lo") or text.get("en") or ""


def format_kip(amount, locale: str | None = None) -> str:
    """Kip as Lao text writes it: '1.500.000 ກີບ' (Babel's lo grouping), '1,500,000 kip' in English
    (engine.money.format_kip in the page's language)."""
    from engine.money import format_kip as _format

    return _format(amount, locale or lang())


def format_date(value, locale: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC).astimezone(VIENTIANE).date() if value.tzinfo is None else value.date()
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _babel_date(value, format="long" if (locale or lang()) == "lo" else "medium", locale=locale or lang())


def format_datetime(value, locale: str | None = None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return _babel_datetime(value.astimezone(VIENTIANE), format="d MMM y HH:mm", locale=locale or lang())


def translation_directories(app: Flask) -> str:
    """Each area of the site keeps its own catalogue under web/translations/<area>/; Flask-Babel merges them."""
    base = Path(app.root_path) / "translations"
    dirs = sorted(str(p) for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    return ";".join(dirs) or str(base)


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories(app))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(pick=pick, lang=lang, LANGUAGES=LANGUAGES)
    app.jinja_env.filters.update(kip=format_kip, date=format_date, datetime=format_datetime)
    from web.display import init_display

    init_display(app)
