"""Working days: Monday to Friday, minus the public holidays of the calendar (workflows/holidays.yaml)."""
from __future__ import annotations

from datetime import date, timedelta


class Calendar:
    def __init__(self, holidays: set[date] | None = None, working_days: set[date] | None = None):
        self.holidays = holidays or set()
        # the government's swapped working days: a Saturday or Sunday declared a working day
        self.working_days = working_days or set()

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
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
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


_calendar: Calendar | None = None


def calendar() -> Calendar:
    """The calendar from the published holidays (loaded once; `reset()` after a catalogue load)."""
    global _calendar
    if _calendar is None:
        from engine.db import db
        from engine.models.holiday import Holiday

        _calendar = Calendar({row.day for row in db.session.query(Holiday).all()})
    return _calendar


def reset() -> None:
    global _calendar
    _calendar = None
