"""Dashboard figures: SQL over the indexed read models (application, task), never a restored workflow.

Definitions (day boundaries in Asia/Vientiane; timestamps are stored as naive UTC):

- received (period P): applications submitted in P;
- completed / rejected (P): applications whose status is completed / rejected and that closed in P;
- on-time rate (P): of the applications completed in P, the share completed on or before their due date
  (the legal clock's due date, engine/clock.py: moved on by every working day the case waited for the
  applicant);
- in progress / returned / overdue (P): of the applications received in P, those still open now
  (status submitted or in_progress / returned to the citizen / with the centre, due date before today: a
  returned case's clock is paused, so it is never overdue);
- "now": every open application whatever its submission date (open, returned, overdue);
- processing time per service: completed_at − submitted_at in days, over the chosen range (completed in it);
  median and 90th percentile as PostgreSQL's percentile_cont (linear interpolation), computed in Python
  on SQLite;
- backlog: open (ready) task rows, per office role and per clerk who claimed them;
- trends: received and completed per day (last 30 days) and per ISO week (last 12 weeks).

A whole view costs the same dozen small grouped queries whatever the number of centres: received and
closed flows per day and per centre from the daily rollup (engine/stats/rollup.py) for days that ended more
than a day ago, and from the application rows for the last two days and today; open applications per
(day received, status) and per centre (partial index on open statuses); ready tasks per role, per clerk
(top 20 and "not claimed") and per centre (partial index on ready tasks); one percentile query. Python only
adds up a few hundred rows. `use_rollup=False` reads every day from the application rows (the baseline of
`python -m bench dashboard`, and what the tests compare the rollup with).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import floor

from sqlalchemy import bindparam, select, text

from engine.db import db, is_postgres, utcnow
from engine.models import Centre, OfficeRole, Service, User
from engine.models.application import COMPLETED, IN_PROGRESS, RETURNED, SUBMITTED
from engine.stats import rollup

# Asia/Vientiane has been UTC+7 without daylight saving since 1920
LOCAL_OFFSET = timedelta(hours=7)
OPEN_STATUSES = (SUBMITTED, IN_PROGRESS, RETURNED)
TREND_DAYS = 30
TREND_WEEKS = 12
MAX_RANGE_DAYS = 366
SQLITE_PERCENTILE_ROWS = 500_000
FILTERED_PERCENTILE_SERVICES = 24
FIGURES = ("received", "completed", "in_progress", "returned", "rejected", "overdue")
APPLICANT_ROLE = "applicant"
TOP_CLERKS = 20


def local_today() -> date:
    return (utcnow() + LOCAL_OFFSET).date()


def day_start_utc(day: date) -> datetime:
    """The naive-UTC instant at which the local day `day` begins."""
    return datetime(day.year, day.month, day.day) - LOCAL_OFFSET


@dataclass(frozen=True)
class Period:
    key: str
    start: date  # inclusive local dates
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def periods(today: date, range_start: date | None = None, range_end: date | None = None) -> list[Period]:
    range_end = min(range_end or today, today)
    range_start = range_start or (range_end - timedelta(days=TREND_DAYS - 1))
    if range_start > range_end:
        range_start, range_end = range_end, range_start
    if (range_end - range_start).days >= MAX_RANGE_DAYS:
        range_start = range_end - timedelta(days=MAX_RANGE_DAYS - 1)
    return [
        Period("today", today, today),
        Period("week", today - timedelta(days=today.weekday()), today),
        Period("month", today.replace(day=1), today),
        Period("range", range_start, range_end),
    ]


def percentile_cont(sorted_values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not sorted_values:
        return None
    pos = fraction * (len(sorted_values) - 1)
    lo = floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


# ---- SQL helpers -----------------------------------------------------------------------------------------

class _Sql:
    """Dialect differences in one place: local day of a timestamp, parameter types."""

    def __init__(self):
        self.pg = is_postgres()

    def day(self, column: str) -> str:
        if self.pg:
            return f"CAST({column} + INTERVAL '7 hours' AS DATE)"
        # SQLite's date functions round fractional seconds to milliseconds (23:59:59.9996 would become the
        # next day, while the range filters compare the text); cutting to whole seconds never crosses a day
        return f"date(substr({column}, 1, 19), '+7 hours')"

    def ts(self, value: datetime):
        return value if self.pg else value.isoformat(" ")

    def d(self, value: date):
        return value if self.pg else value.isoformat()

    @staticmethod
    def as_date(value) -> date:
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

    def run(self, sql: str, params: dict, centre_ids: list[str] | None, alias: str = ""):
        col = f"{alias}centre_id"
        if centre_ids is None:
            sql = sql.replace("{scope}", "")
            stmt = text(sql)
        else:
            sql = sql.replace("{scope}", f" AND {col} IN :ids")
            stmt = text(sql).bindparams(bindparam("ids", expanding=True))
            params = {**params, "ids": list(centre_ids) or ["-"]}
        return db.session.execute(stmt, params).all()


# ---- the figures ------------------------------------------------------------------------------------------

def figures(centre_ids: list[str] | None, *, today: date | None = None, range_start: date | None = None,
            range_end: date | None = None, with_clerks: bool = True, use_rollup: bool = True) -> dict:
    """Every figure of a dashboard over `centre_ids` (None: every centre).

    The first view that needs a closed day rolls it up (engine/stats/rollup.py) and commits the session.
    """
    sql = _Sql()
    today = today or local_today()
    pers = periods(today, range_start, range_end)
    rng = pers[-1]
    week0 = today - timedelta(days=today.weekday()) - timedelta(weeks=TREND_WEEKS - 1)
    day0 = today - timedelta(days=TREND_DAYS - 1)
    w0 = min(week0, day0, rng.start, pers[2].start)
    w1 = max(today, rng.end) + timedelta(days=1)
    # per local day: [received, completed, on_time, rejected]; per centre: the same over the range
    day_flow: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by_centre: dict[str, dict] = defaultdict(lambda: {"received": 0, "completed": 0, "on_time": 0,
                                                      "rejected": 0, "open": 0, "overdue": 0, "backlog": 0})
    r0, r1 = rng.start, rng.end
    as_date = sql.as_date

    # closed days come from the daily rollup, the last days (and today) from the read models
    live_from = w0
    if use_rollup:
        roll_hi = min(rollup.cutoff(today), w1 - timedelta(days=1))
        if roll_hi >= w0 and rollup.ensure(w0, roll_hi, sql):
            for d, n_received, n_completed, n_on_time, n_rejected in rollup.per_day(w0, roll_hi, centre_ids):
                f = day_flow[d]
                f[0] += n_received
                f[1] += n_completed
                f[2] += n_on_time
                f[3] += n_rejected
            if r0 <= roll_hi:
                for cid, n_received, n_completed, n_on_time, n_rejected in rollup.per_centre(
                        max(r0, w0), min(r1, roll_hi), centre_ids):
                    c = by_centre[cid]
                    c["received"] += n_received
                    c["completed"] += n_completed
                    c["on_time"] += n_on_time
                    c["rejected"] += n_rejected
            live_from = roll_hi + timedelta(days=1)
    bounds = {"w0": sql.ts(day_start_utc(live_from)), "w1": sql.ts(day_start_utc(w1))}
    for d, cid, n in sql.run(
            f"SELECT {sql.day('submitted_at')} AS d, centre_id, COUNT(*) FROM application "
            "WHERE submitted_at >= :w0 AND submitted_at < :w1{scope} GROUP BY 1, 2", bounds, centre_ids):
        d = as_date(d)
        day_flow[d][0] += n
        if r0 <= d <= r1:
            by_centre[cid]["received"] += n
    for d, cid, status, on_time, n in sql.run(
            f"SELECT {sql.day('completed_at')} AS d, centre_id, status, "
            f"SUM(CASE WHEN {sql.day('completed_at')} <= due_date THEN 1 ELSE 0 END), COUNT(*) FROM application "
            "WHERE completed_at >= :w0 AND completed_at < :w1 AND status IN ('completed', 'rejected'){scope} "
            "GROUP BY 1, 2, 3", bounds, centre_ids):
        d, on_time = as_date(d), int(on_time or 0)
        f = day_flow[d]
        inside = r0 <= d <= r1
        if status == COMPLETED:
            f[1] += n
            f[2] += on_time
            if inside:
                by_centre[cid]["completed"] += n
                by_centre[cid]["on_time"] += on_time
        else:
            f[3] += n
            if inside:
                by_centre[cid]["rejected"] += n

    # open applications, whenever they were received: [in_progress, returned, overdue] per day of receipt
    day_open: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    now = {"open": 0, "in_progress": 0, "returned": 0, "overdue": 0, "backlog": 0}
    today_p = {"today": sql.d(today)}
    for d, status, overdue, n in sql.run(
            f"SELECT {sql.day('submitted_at')} AS d, status, "
            "SUM(CASE WHEN status <> 'returned' AND due_date < :today THEN 1 ELSE 0 END), COUNT(*) FROM application "
            "WHERE status IN ('submitted', 'in_progress', 'returned'){scope} GROUP BY 1, 2", today_p, centre_ids):
        o = day_open[as_date(d)]
        o[1 if status == RETURNED else 0] += n
        o[2] += int(overdue or 0)
    for cid, overdue, n in sql.run(
            "SELECT centre_id, SUM(CASE WHEN status <> 'returned' AND due_date < :today THEN 1 ELSE 0 END), "
            "COUNT(*) FROM application "
            "WHERE status IN ('submitted', 'in_progress', 'returned'){scope} GROUP BY 1", today_p, centre_ids):
        c = by_centre[cid]
        c["open"] += n
        c["overdue"] += int(overdue or 0)
    for o in day_open.values():
        now["in_progress"] += o[0]
        now["returned"] += o[1]
        now["overdue"] += o[2]
    now["open"] = now["in_progress"] + now["returned"]

    per = {}
    for p in pers:
        f = dict.fromkeys(FIGURES, 0) | {"on_time": 0}
        for d, (n_received, n_completed, n_on_time, n_rejected) in day_flow.items():
            if p.start <= d <= p.end:
                f["received"] += n_received
                f["completed"] += n_completed
                f["on_time"] += n_on_time
                f["rejected"] += n_rejected
        for d, (n_progress, n_returned, n_overdue) in day_open.items():
            if p.start <= d <= p.end:
                f["in_progress"] += n_progress
                f["returned"] += n_returned
                f["overdue"] += n_overdue
        per[p.key] = f
    trend_received = {d: f[0] for d, f in day_flow.items()}
    trend_completed = {d: f[1] for d, f in day_flow.items()}

    roles: dict[str, dict] = {}
    for role, n, overdue in sql.run(
            "SELECT office_role, COUNT(*), SUM(CASE WHEN due_date < :today THEN 1 ELSE 0 END) FROM task "
            "WHERE state = 'ready'{scope} GROUP BY 1", today_p, centre_ids):
        roles[role] = {"open": n, "overdue": int(overdue or 0)}
        now["backlog"] += n
    clerks: dict[int | None, dict] = {}
    if with_clerks:
        for clerk, n, overdue in sql.run(
                "SELECT claimed_by_id, COUNT(*), SUM(CASE WHEN due_date < :today THEN 1 ELSE 0 END) FROM task "
                f"WHERE state = 'ready' AND office_role <> '{APPLICANT_ROLE}'{{scope}} GROUP BY 1 "
                f"ORDER BY CASE WHEN claimed_by_id IS NULL THEN 0 ELSE 1 END, 2 DESC, 1 LIMIT {TOP_CLERKS + 1}",
                today_p, centre_ids):
            clerks[clerk] = {"open": n, "overdue": int(overdue or 0)}
    for cid, n in sql.run("SELECT centre_id, COUNT(*) FROM task WHERE state = 'ready'{scope} GROUP BY 1",
                          {}, centre_ids):
        by_centre[cid]["backlog"] += n

    out_periods = []
    for p in pers:
        f = per[p.key]
        out_periods.append({"key": p.key, "start": p.start, "end": p.end, **f,
                            "on_time_rate": (f["on_time"] / f["completed"]) if f["completed"] else None})

    return {
        "today": today,
        "periods": out_periods,
        "now": now,
        "services": processing_times(sql, centre_ids, rng),
        "backlog_roles": _roles(roles),
        "backlog_clerks": _clerks(clerks, TOP_CLERKS) if with_clerks else [],
        "trend_days": [{"day": d, "received": trend_received.get(d, 0), "completed": trend_completed.get(d, 0)}
                       for d in (today - timedelta(days=i) for i in range(TREND_DAYS - 1, -1, -1))],
        "trend_weeks": _weeks(trend_received, trend_completed, week0),
        "centres": _ranking(by_centre, centre_ids),
    }


def processing_times(sql: _Sql, centre_ids: list[str] | None, rng: Period) -> list[dict]:
    params = {"r0": sql.ts(day_start_utc(rng.start)), "r1": sql.ts(day_start_utc(rng.end + timedelta(days=1)))}
    stats: dict[str, tuple[int, float | None, float | None]] = {}
    if sql.pg:
        # one sort per service for both fractions, on float8 (EXTRACT gives numeric, slower to sort); enough
        # memory that a national month sorts in memory
        db.session.execute(text("SET LOCAL work_mem = '32MB'"))
        duration = "date_part('epoch', completed_at - submitted_at)"
        where = "FROM application WHERE status = 'completed' AND completed_at >= :r0 AND completed_at < :r1{scope}"
        service_ids = list(db.session.execute(select(Service.id).order_by(Service.id)).scalars())
        if len(service_ids) <= FILTERED_PERCENTILE_SERVICES:
            # one pass with an aggregate per service: no sort of every row by service id first
            cols = []
            params |= {f"s{i}": sid for i, sid in enumerate(service_ids)}
            for i in range(len(service_ids)):
                cols.append(f"COUNT(*) FILTER (WHERE service_id = :s{i}), percentile_cont(ARRAY[0.5, 0.9]) "
                            f"WITHIN GROUP (ORDER BY {duration}) FILTER (WHERE service_id = :s{i})")
            row = sql.run(f"SELECT {', '.join(cols)} " + where, params, centre_ids)[0] if cols else ()
            rows = [(sid, row[2 * i], row[2 * i + 1]) for i, sid in enumerate(service_ids) if row[2 * i]]
        else:
            rows = sql.run(f"SELECT service_id, COUNT(*), percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP "
                           f"(ORDER BY {duration}) " + where + " GROUP BY service_id", params, centre_ids)
        for sid, n, (p50, p90) in rows:
            stats[sid] = (n, float(p50) / 86400, float(p90) / 86400)
    else:
        rows = sql.run(
            "SELECT service_id, (julianday(completed_at) - julianday(submitted_at)) FROM application "
            "WHERE status = 'completed' AND completed_at >= :r0 AND completed_at < :r1{scope} "
            f"LIMIT {SQLITE_PERCENTILE_ROWS}", params, centre_ids)
        values: dict[str, list[float]] = defaultdict(list)
        for sid, days in rows:
            values[sid].append(float(days))
        for sid, vals in values.items():
            vals.sort()
            stats[sid] = (len(vals), percentile_cont(vals, 0.5), percentile_cont(vals, 0.9))
    names = _service_names(list(stats))
    return sorted(({"service_id": sid, "name": names.get(sid, {"lo": sid, "en": sid}), "completed": n,
                    "median_days": p50, "p90_days": p90} for sid, (n, p50, p90) in stats.items()),
                  key=lambda s: (-s["completed"], s["service_id"]))


def _service_names(ids: list[str]) -> dict[str, dict]:
    if not ids:
        return {}
    rows = db.session.execute(select(Service.id, Service.name_lo, Service.name_en).where(Service.id.in_(ids)))
    return {sid: {"lo": lo, "en": en} for sid, lo, en in rows}


def _roles(roles: dict) -> list[dict]:
    names = {rid: {"lo": lo, "en": en} for rid, lo, en in
             db.session.execute(select(OfficeRole.id, OfficeRole.name_lo, OfficeRole.name_en))}
    names.setdefault(APPLICANT_ROLE, {"lo": "ລໍຖ້າຜູ້ຍື່ນຄຳຮ້ອງ", "en": "Waiting for the applicant"})
    return sorted(({"role": r, "name": names.get(r, {"lo": r, "en": r}), **v} for r, v in roles.items()),
                  key=lambda r: (-r["open"], r["role"]))


def _clerks(clerks: dict, limit: int = 20) -> list[dict]:
    claimed = sorted(((uid, v) for uid, v in clerks.items() if uid is not None), key=lambda kv: (-kv[1]["open"], kv[0]))
    top = claimed[:limit]
    names = {}
    if top:
        names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_([u for u, _ in top]))).all())
    out = [{"user_id": uid, "name": names.get(uid) or f"#{uid}", **v} for uid, v in top]
    if None in clerks:
        out.append({"user_id": None, "name": None, **clerks[None]})
    return out


def _weeks(received: dict, completed: dict, week0: date) -> list[dict]:
    out = []
    for i in range(TREND_WEEKS):
        start = week0 + timedelta(weeks=i)
        days = [start + timedelta(days=k) for k in range(7)]
        out.append({"week": start, "received": sum(received.get(d, 0) for d in days),
                    "completed": sum(completed.get(d, 0) for d in days)})
    return out


def _ranking(by_centre: dict, centre_ids: list[str] | None) -> list[dict]:
    """Every centre in scope ranked by on-time rate (best first, none last), then smallest backlog."""
    stmt = select(Centre.id, Centre.name_lo, Centre.name_en, Centre.level, Centre.parent_id)
    if centre_ids is not None:
        stmt = stmt.where(Centre.id.in_(list(centre_ids) or ["-"]))
    rows = []
    for cid, lo, en, level, parent in db.session.execute(stmt):
        c = by_centre.get(cid) or {"received": 0, "completed": 0, "on_time": 0, "rejected": 0, "open": 0,
                                   "overdue": 0, "backlog": 0}
        rate = c["on_time"] / c["completed"] if c["completed"] else None
        rows.append({"centre_id": cid, "name": {"lo": lo, "en": en}, "level": level, "parent_id": parent,
                     **c, "on_time_rate": rate})
    rows.sort(key=lambda r: (r["on_time_rate"] is None, -(r["on_time_rate"] or 0), r["backlog"], r["centre_id"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def public_summary(centre_ids: list[str] | None, *, today: date | None = None) -> dict:
    """The transparency figures: counts, on-time rate and processing time per service. No personal data."""
    full = figures(centre_ids, today=today, with_clerks=False)
    return {
        "today": full["today"],
        "periods": [{k: p[k] for k in ("key", "start", "end", "received", "completed", "rejected",
                                        "on_time", "on_time_rate")} for p in full["periods"]],
        "now": {k: full["now"][k] for k in ("open", "overdue")},
        "services": full["services"],
        "trend_weeks": full["trend_weeks"],
        "centres": [{k: c[k] for k in ("centre_id", "name", "level", "received", "completed", "on_time_rate")}
                    for c in full["centres"]],
    }
