"""The working-day calendar as data: national and per-province holidays, weekend days declared working days,
and one version number that every process compares before counting working days."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db

# calendar_day.kind
HOLIDAY, WORKING = "holiday", "working"
NATIONAL = ""  # calendar_day.province of a day that applies to every province


class CalendarDay(db.Model):
    """One day that differs from the Monday-to-Friday rule, for the whole country or one province."""

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("day", "province", name="uq_calendar_day_day_province"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    province: Mapped[str] = mapped_column(String(64), default=NATIONAL, server_default="")
    kind: Mapped[str] = mapped_column(String(16), default=HOLIDAY, server_default=HOLIDAY)
    name: Mapped[dict] = mapped_column(JSON, default=dict)


class CalendarState(db.Model):
    """A single row (id 1): bumped by every calendar change so each process reloads its cached calendar."""

    __tablename__ = "calendar_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
