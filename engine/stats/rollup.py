"""The daily rollup: received / completed / on-time / rejected per (local day, centre) for days that ended
more than a day ago.

Such a day never changes: an application is received once (submitted_at is set at start) and closes
once (completed_at is set when it completes or is rejected, and a closed application never reopens), so
a day is computed once, lazily, by the first dashboard that needs it, and reused by every later one.
Days are rolled up only when they ended at least ROLLUP_LAG_DAYS ago, so a transaction that was still
running at midnight has committed long before. Rows written straight into the database for past days
(an import, a repair) need `rebuild()` (or `odsc`'s equivalent) to be counted.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from engine.db import db, utcnow
from engine.models.stats import StatsDaily, StatsDayDone

ROLLUP_LAG_DAYS = 2


def cutoff(today: date) -> date:
    """The last day the rollup may hold."""
    return today - timedelta(days=ROLLUP_LAG_DAYS)


def ensure(lo: date, hi: date, sql) -> bool:
    """Roll up every day of [lo, hi] that is not rolled up yet (one grouped query per table for the gap).

    Writes and commits in the caller's session. Returns False when the rollup cannot be written (a
    read-only database, for instance): the caller then reads those days from the rows.
    """
    if hi < lo:
        return True
    done = set(db.session.execute(select(StatsDayDone.day).where(StatsDayDone.day.between(lo, hi))).scalars())
    missing = []
    day = lo
    while day <= hi:
        if day not in done:
            missing.append(day)
        day += timedelta(days=1)
    if not missing:
        return True
    a, b = missing[0], missing[-1] + timedelta(days=1)
    from engine.stats.dashboard import day_start_utc

    bounds = {"w0": sql.ts(day_start_utc(a)), "w1": sql.ts(day_start_utc(b))}
    counts: dict[tuple[date, str], dict] = defaultdict(lambda: {"received": 0, "completed": 0, "on_time": 0,
                                                                "rejected": 0})
    for d, cid, n in sql.run(
            f"SELECT {sql.day('submitted_at')} AS d, centre_id, COUNT(*) FROM application "
            "WHERE submitted_at >= :w0 AND submitted_at < :w1 GROUP BY 1, 2", bounds, None):
        counts[(sql.as_date(d), cid)]["received"] += n
    for d, cid, status, on_time, n in sql.run(
            f"SELECT {sql.day('completed_at')} AS d, centre_id, status, "
            f"SUM(CASE WHEN {sql.day('completed_at')} <= due_date THEN 1 ELSE 0 END), COUNT(*) FROM application "
            "WHERE completed_at >= :w0 AND completed_at < :w1 AND status IN ('completed', 'rejected') "
            "GROUP BY 1, 2, 3", bounds, None):
        c = counts[(sql.as_date(d), cid)]
        c[status] += n
        if status == "completed":
            c["on_time"] += int(on_time or 0)
    wanted = set(missing)
    rows = [{"day": d, "centre_id": cid, **c} for (d, cid), c in counts.items() if d in wanted]
    try:
        if rows:
            db.session.execute(insert(StatsDaily), rows)
        db.session.execute(insert(StatsDayDone), [{"day": d, "computed_at": utcnow()} for d in missing])
        db.session.commit()
    except IntegrityError:
        # another process rolled up (some of) these days at the same moment: theirs are as good as ours
        db.session.rollback()
        done = set(db.session.execute(select(StatsDayDone.day).where(StatsDayDone.day.between(lo, hi))).scalars())
        return done >= set(missing)
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def _scoped(stmt, centre_ids: list[str] | None):
    if centre_ids is not None:
        stmt = stmt.where(StatsDaily.centre_id.in_(list(centre_ids) or ["-"]))
    return stmt


def _sums():
    return (func.sum(StatsDaily.received), func.sum(StatsDaily.completed), func.sum(StatsDaily.on_time),
            func.sum(StatsDaily.rejected))


def per_day(lo: date, hi: date, centre_ids: list[str] | None) -> list[tuple]:
    """(day, received, completed, on_time, rejected) over the centres, for each rolled-up day in [lo, hi]."""
    stmt = select(StatsDaily.day, *_sums()).where(StatsDaily.day.between(lo, hi)).group_by(StatsDaily.day)
    return [(d, int(a or 0), int(b or 0), int(c or 0), int(e or 0))
            for d, a, b, c, e in db.session.execute(_scoped(stmt, centre_ids))]


def per_centre(lo: date, hi: date, centre_ids: list[str] | None) -> list[tuple]:
    """(centre, received, completed, on_time, rejected) summed over the rolled-up days in [lo, hi]."""
    if hi < lo:
        return []
    stmt = (select(StatsDaily.centre_id, *_sums()).where(StatsDaily.day.between(lo, hi))
            .group_by(StatsDaily.centre_id))
    return [(cid, int(a or 0), int(b or 0), int(c or 0), int(e or 0))
            for cid, a, b, c, e in db.session.execute(_scoped(stmt, centre_ids))]


def rebuild(from_day: date | None = None) -> None:
    """Forget the rollups (from a day on, or all of it): the dashboards' daily one and the bottleneck map's
    monthly one (from the month that holds `from_day`); they are recomputed on the next view."""
    from engine.stats import element_rollup

    element_rollup.rebuild(from_day)
    for model in (StatsDaily, StatsDayDone):
        stmt = delete(model)
        if from_day is not None:
            stmt = stmt.where(model.day >= from_day)
        db.session.execute(stmt)
    db.session.commit()
