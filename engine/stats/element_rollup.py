"""The bottleneck map's monthly rollup: completed steps per (service, local month, centre, BPMN element, whole
working days spent), for months that ended at least ROLLUP_LAG_DAYS ago (engine/stats/rollup.py).

Definition: a step counts in the local month (Asia/Vientiane) of its task row's `completed_at`, when it was
completed (not cancelled: `working_days` is set only on the task that was completed, engine/runtime/readmodel.py).
The rollup keeps, per element, the number of steps for each value of `working_days`: a histogram over whole
working days. Working days are integers, so the histogram *is* the data: counts, sums and percentiles
(percentile_cont, linear interpolation between ranks) over any set of months are exactly those of the rows;
nothing is bucketed or approximated.

Such a month never changes: a task row is completed once, its `completed_at`, `working_days`, centre and element
are never written again, and a month is rolled up only two days after it ended, so a transaction still running
at midnight has long committed. A (service, month) pair is rolled up once, lazily, by the first map that needs
it (one INSERT … SELECT grouped over the task index), and reused by every later one. The current month, and a
month that ended less than ROLLUP_LAG_DAYS ago, is always read from the task rows. Task rows written straight
into the database for past months (an import, a repair) need `rebuild()` (`odsc monitor rebuild-rollup`).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from engine.db import db, is_postgres, utcnow
from engine.models.stats import StatsElementMonth, StatsElementMonthDone
from engine.stats.rollup import cutoff


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The first day of the month after the one `month` is in."""
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def utc_start(day: date) -> datetime:
    """Midnight in Vientiane (UTC+7, no daylight saving) as naive UTC, as timestamps are stored."""
    return datetime.combine(day, time()) - timedelta(hours=7)


def closed_months(start: date, end: date, today: date) -> tuple[date, date] | None:
    """The first days of the first and last whole months inside [start, end] (local days, inclusive) that
    ended at least ROLLUP_LAG_DAYS before `today`; None when there is no such month."""
    first = start if start.day == 1 else next_month(start)
    open_from = month_start(cutoff(today) + timedelta(days=1))  # the first month not closed yet
    stop = min(month_start(end + timedelta(days=1)), open_from)  # the first month not wholly inside, or open
    if first >= stop:
        return None
    last = first
    while next_month(last) < stop:
        last = next_month(last)
    return first, last


def _months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def _month_expr() -> str:
    if is_postgres():
        return "CAST(date_trunc('month', completed_at + INTERVAL '7 hours') AS DATE)"
    # whole seconds: SQLite rounds fractional seconds to milliseconds, which can cross local midnight
    return "date(substr(completed_at, 1, 19), '+7 hours', 'start of month')"


def _ts(value: datetime):
    return value if is_postgres() else value.isoformat(" ")


def _done(service_id: str, first: date, last: date) -> set[date]:
    return set(db.session.execute(select(StatsElementMonthDone.month).where(
        StatsElementMonthDone.service_id == service_id,
        StatsElementMonthDone.month.between(first, last))).scalars())


def ensure(service_id: str, first: date, last: date) -> bool:
    """Roll up every month of [first, last] (first days of months, all closed) not yet rolled up for the
    service: one INSERT … SELECT per run of missing months. Writes and commits in the caller's session.

    Returns False when the rollup cannot be written (a read-only database, for instance): the caller then reads
    those months from the task rows."""
    wanted = _months(first, last)
    done = _done(service_id, first, last)
    missing = [m for m in wanted if m not in done]
    if not missing:
        return True
    runs: list[list[date]] = []
    for m in missing:
        if runs and next_month(runs[-1][-1]) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    stmt = text(
        "INSERT INTO stats_element_month (service_id, month, centre_id, bpmn_id, working_days, steps) "
        f"SELECT service_id, {_month_expr()}, centre_id, bpmn_id, working_days, COUNT(*) FROM task "
        "WHERE service_id = :s AND completed_at >= :a AND completed_at < :b AND working_days IS NOT NULL "
        "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5")  # stored in key order: a map reads few pages
    try:
        for run in runs:
            db.session.execute(stmt, {"s": service_id, "a": _ts(utc_start(run[0])),
                                      "b": _ts(utc_start(next_month(run[-1])))})
        db.session.execute(insert(StatsElementMonthDone), [
            {"service_id": service_id, "month": m, "computed_at": utcnow()} for m in missing])
        db.session.commit()
    except IntegrityError:
        # another process rolled up (some of) these months at the same moment: theirs are as good as ours
        db.session.rollback()
        return _done(service_id, first, last) >= set(wanted)
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def histogram(service_id: str, first: date, last: date, centre_ids: list[str] | None) -> list[tuple[str, int, int]]:
    """(bpmn_id, working_days, steps) summed over the rolled-up months [first, last] and the centres (None:
    every centre)."""
    stmt = (select(StatsElementMonth.bpmn_id, StatsElementMonth.working_days, func.sum(StatsElementMonth.steps))
            .where(StatsElementMonth.service_id == service_id, StatsElementMonth.month.between(first, last))
            .group_by(StatsElementMonth.bpmn_id, StatsElementMonth.working_days))
    params = {}
    if centre_ids is not None:
        stmt = stmt.where(StatsElementMonth.centre_id.in_(bindparam("ids", expanding=True)))
        params["ids"] = list(centre_ids) or ["-"]
    return [(element, int(days), int(n)) for element, days, n in db.session.execute(stmt, params)]


def rebuild(from_day: date | None = None) -> None:
    """Forget the element rollup (from the month that holds `from_day` on, or all of it); the maps recompute
    it on their next view."""
    for model in (StatsElementMonth, StatsElementMonthDone):
        stmt = delete(model)
        if from_day is not None:
            stmt = stmt.where(model.month >= month_start(from_day))
        db.session.execute(stmt)
    db.session.commit()
