"""Monitoring: indexes on the read models, the daily rollup (migration 0006) and the bottleneck map's monthly
element rollup (migration 0014)."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow
from engine.models.application import Application, Task

_OPEN = text("status IN ('submitted', 'in_progress', 'returned')")
_READY = text("state = 'ready'")

STATS_INDEXES = (
    Index("ix_application_stats_submitted", Application.submitted_at, Application.centre_id),
    Index("ix_application_stats_closed", Application.completed_at, Application.centre_id, Application.status,
          Application.due_date, Application.service_id, Application.submitted_at),
    Index("ix_application_stats_centre_closed", Application.centre_id, Application.completed_at,
          Application.status, Application.due_date, Application.service_id, Application.submitted_at),
    Index("ix_application_stats_open", Application.centre_id, Application.status, Application.submitted_at,
          Application.due_date, postgresql_where=_OPEN, sqlite_where=_OPEN),
    Index("ix_task_stats_ready", Task.centre_id, Task.office_role, Task.claimed_by_id, Task.due_date,
          postgresql_where=_READY, sqlite_where=_READY),
)


class StatsDaily(db.Model):
    """Flow counts of one closed local day at one centre. Past days never change (an application is
    received once and closes once), so a day is rolled up once, two days after it ended."""

    __tablename__ = "stats_daily"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    centre_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class StatsDayDone(db.Model):
    """Which days stats_daily holds (a day with no application has a marker and no rows)."""

    __tablename__ = "stats_day_done"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StatsElementMonth(db.Model):
    """The bottleneck map's rollup (engine/stats/element_rollup.py): how many steps of one service, at one
    centre and one BPMN element, completed in one closed local month after taking `working_days` whole working
    days. A histogram per element, so counts, sums and percentiles over any set of months are exact."""

    __tablename__ = "stats_element_month"
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the local month
    centre_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bpmn_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    working_days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    steps: Mapped[int] = mapped_column(Integer, default=0)


class StatsElementMonthDone(db.Model):
    """Which (service, month) pairs stats_element_month holds (a month without steps has a marker, no rows)."""

    __tablename__ = "stats_element_month_done"
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
