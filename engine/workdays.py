"""Working days: Monday to Friday, minus the holidays of the calendar, plus the weekend days the government
declared working days (workflows/holidays.yaml, loaded into `calendar_day` by `odsc catalogue load`).

Holidays are national or belong to one province (the province centre's id in workflows/centres.yaml); a
centre counts the national days and those of its own province. Each process caches the calendar and
compares the database's `calendar_state.version` once per app context (one request, one job) before using
it, so a released change is seen by every web and worker process at once, without a restart.
"""
from __future__ import annotations

import threading
from datetime import date, timedelta

from engine.models.holiday import HOLIDAY, NATIONAL, WORKING


class Calendar:
    """A working-day calendar: `holidays` are days off, `working` are weekend days that are working days."""

    def __init__(self, holidays: set[date] | None = None, working: set[date] | None = None):
        self.holidays = holidays or set()
        self.working = working or set()

    def is_working_day(self, day: date) -> bool:
        if day in self.working:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; 0 means the same day (or the next working day)."""
        day = start
        while not self.is_working_day(day):
            day += timedelta(days=1)
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.version: int | None = None
        self.rows: list[tuple[date, str, str]] = []
        self.by_province: dict[str, Calendar] = {}


_cache = _Cache()


def _db_version() -> int:
    from engine.db import db
    from engine.models.holiday import CalendarState

    row = db.session.get(CalendarState, 1)
    return row.version if row is not None else 0


def _load(version: int) -> None:
    from sqlalchemy import select

    from engine.db import db
    from engine.models.holiday import CalendarDay

    rows = [tuple(r) for r in db.session.execute(select(CalendarDay.day, CalendarDay.province, CalendarDay.kind))]
    with _cache.lock:
        _cache.rows, _cache.by_province, _cache.version = rows, {}, version


def refresh() -> bool:
    """Reload the cached calendar if the database's calendar version changed; True if it reloaded.

    One primary-key read; called before every request and every job."""
    version = _db_version()
    if version != _cache.version:
        _load(version)
        return True
    return False


def checked(version: int) -> None:
    """The calendar version a caller read for this request (engine.tokens reads it with the auth revision):
    reload the cached calendar if it changed, and skip the check for the rest of the request."""
    from flask import g, has_app_context

    if has_app_context() and not g.get("_odsc_calendar_checked"):
        if version != _cache.version:
            _load(version)
        g._odsc_calendar_checked = True


def _check_once() -> None:
    """Compare the calendar version once per app context: one request, one job, one CLI command."""
    from flask import g, has_app_context

    if not has_app_context():
        if _cache.version is None:
            refresh()
        return
    if not g.get("_odsc_calendar_checked"):
        refresh()
        g._odsc_calendar_checked = True


def calendar(province: str | None = None) -> Calendar:
    """The calendar of `province` (a province centre id; None: national days only); checks the database's
    calendar version first (once per request or job), so a released change applies at once."""
    _check_once()
    key = province or NATIONAL
    with _cache.lock:
        hit = _cache.by_province.get(key)
        if hit is None:
            mine = [(d, kind) for d, prov, kind in _cache.rows if prov in (NATIONAL, key)]
            hit = Calendar({d for d, kind in mine if kind == HOLIDAY}, {d for d, kind in mine if kind == WORKING})
            _cache.by_province[key] = hit
    return hit


def province_of(centre_id: str | None) -> str | None:
    """The province centre a centre belongs to (itself for a province centre; None for the ministry).

    Remembered for the rest of the request or job (flask `g`): one command asks for its centre's calendar
    several times (task due dates, working days spent, the SMS's clock words) and the session's weak
    identity map would otherwise read the centre and its parent again each time."""
    if not centre_id:
        return None
    from flask import g, has_app_context

    memo = None
    if has_app_context():
        memo = g.get("_odsc_province_of")
        if memo is None:
            memo = g._odsc_province_of = {}
        if centre_id in memo:
            return memo[centre_id]
    from engine.db import db
    from engine.models import Centre

    row = db.session.get(Centre, centre_id)
    seen = 0
    while row is not None and row.level != "province" and row.parent_id and seen < 5:
        row = db.session.get(Centre, row.parent_id)
        seen += 1
    found = row.id if row is not None and row.level == "province" else None
    if memo is not None:
        memo[centre_id] = found
    return found


def remember_province(centre_id: str, province: str | None) -> None:
    """Seed `province_of` for this request with what a caller already read (a centre and its parent loaded
    with the command's application): `province` is the province centre id, or None."""
    from flask import g, has_app_context

    if has_app_context():
        if g.get("_odsc_province_of") is None:
            g._odsc_province_of = {}
        g._odsc_province_of[centre_id] = province


def for_centre(centre_id: str | None) -> Calendar:
    """The calendar a centre counts working days with: national days plus its province's."""
    return calendar(province_of(centre_id))


def last_day() -> date | None:
    """The last day the calendar covers: 31 December of the last year with a national holiday. Beyond it,
    time limits would count every weekday as a working day."""
    _check_once()
    with _cache.lock:
        days = [d for d, prov, kind in _cache.rows if prov == NATIONAL and kind == HOLIDAY]
    return date(max(days).year, 12, 31) if days else None


def ends_soon(today: date, within_days: int = 90) -> str | None:
    """A warning (English) when the calendar covers less than `within_days` days after `today`, else None."""
    end = last_day()
    if end is None:
        return "the holiday calendar is empty: add the year's holidays to workflows/holidays.yaml"
    if (end - today).days < within_days:
        return (f"the holiday calendar ends on {end.isoformat()}, in {(end - today).days} days: add next year's holidays to "
                f"workflows/holidays.yaml and run `odsc catalogue load`")
    return None


def reset() -> None:
    """Forget the cached calendar (tests, after switching databases)."""
    with _cache.lock:
        _cache.version, _cache.rows, _cache.by_province = None, [], {}
