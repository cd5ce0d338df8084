"""Open performance data: one row per month × centre × service (docs/OPEN_DATA.md, CC BY 4.0).

Months are calendar months in Asia/Vientiane. Figures per row:
- received: applications submitted in the month;
- completed / rejected: applications that closed with that status in the month;
- on_time_rate: of those completed, the share completed on or before the legal due date (engine/clock.py);
- median_working_days / p90_working_days: working days the completed cases were with the centre (the legal
  clock: pauses while returned to the applicant are not counted), linear interpolation;
- open_at_month_end: submitted before the month ended and not closed by then;
- ratings / average_rating: the applicants' ratings of the cases closed in the month (engine/feedback.py).

No personal data: counts and figures only. Timing figures (on-time rate, median, p90) are null when fewer than
MIN_APPLICATIONS applications completed in the row, and the average rating when there are fewer than
MIN_APPLICATIONS ratings, so no single citizen's case can be read from a row.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

from sqlalchemy import text

from engine.db import db, is_postgres
from engine.models import Centre, Service

MIN_APPLICATIONS = 5
LICENCE = {"id": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/",
           "attribution": "Ministry of Home Affairs, Lao PDR: One-Door Service Centres"}
FIELDS = ("month", "centre_id", "centre_name_lo", "centre_name_en", "service_id", "service_name_lo",
          "service_name_en", "received", "completed", "rejected", "on_time_rate", "median_working_days",
          "p90_working_days", "open_at_month_end", "average_rating", "ratings")


def _month(column: str) -> str:
    if is_postgres():
        return f"to_char({column} + INTERVAL '7 hours', 'YYYY-MM')"
    # SQLite's date functions round fractional seconds to milliseconds (23:59:59.9996 would become the next
    # day); the stored text is cut to whole seconds, which never crosses a day, as the range filters do not
    return f"strftime('%Y-%m', substr({column}, 1, 19), '+7 hours')"


def _day(column: str) -> str:
    if is_postgres():
        return f"CAST({column} + INTERVAL '7 hours' AS DATE)"
    return f"date(substr({column}, 1, 19), '+7 hours')"  # whole seconds: see _month


def percentile(counts: dict[int, int], fraction: float) -> float | None:
    """percentile_cont over a histogram {value: how many}: linear interpolation between ranks."""
    total = sum(counts.values())
    if not total:
        return None
    pos = (total - 1) * fraction
    lo_rank, hi_rank = int(pos), min(int(pos) + 1, total - 1)
    values, seen, lo_val, hi_val = sorted(counts), 0, None, None
    for v in values:
        seen += counts[v]
        if lo_val is None and seen > lo_rank:
            lo_val = v
        if seen > hi_rank:
            hi_val = v
            break
    return float(lo_val + (hi_val - lo_val) * (pos - lo_rank))


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def rows(today: date) -> list[dict]:
    """Every row from the first month with an application to the month of `today`, ordered by month, centre,
    service. Reads the application and feedback read models with five grouped queries."""
    run = lambda sql: db.session.execute(text(sql)).all()  # noqa: E731 - five one-off statements
    received: dict[tuple, int] = defaultdict(int)
    for m, cid, sid, n in run(f"SELECT {_month('submitted_at')}, centre_id, service_id, COUNT(*) FROM application "
                              "GROUP BY 1, 2, 3"):
        received[(m, cid, sid)] += n
    closed: dict[tuple, dict] = defaultdict(lambda: {"completed": 0, "rejected": 0, "cancelled": 0, "on_time": 0})
    for m, cid, sid, status, on_time, n in run(
            f"SELECT {_month('completed_at')}, centre_id, service_id, status, "
            f"SUM(CASE WHEN {_day('completed_at')} <= due_date THEN 1 ELSE 0 END), COUNT(*) FROM application "
            "WHERE completed_at IS NOT NULL AND status IN ('completed', 'rejected', 'cancelled') GROUP BY 1, 2, 3, 4"):
        c = closed[(m, cid, sid)]
        c[status] += n
        if status == "completed":
            c["on_time"] += int(on_time or 0)
    taken: dict[tuple, dict[int, int]] = defaultdict(dict)
    for m, cid, sid, days, n in run(
            f"SELECT {_month('completed_at')}, centre_id, service_id, working_days_taken, COUNT(*) FROM application "
            "WHERE status = 'completed' AND working_days_taken IS NOT NULL GROUP BY 1, 2, 3, 4"):
        taken[(m, cid, sid)][int(days)] = n
    rated: dict[tuple, tuple[int, int]] = {}
    for m, cid, sid, n, total in run(
            f"SELECT {_month('a.completed_at')}, f.centre_id, f.service_id, COUNT(*), SUM(f.rating) "
            "FROM feedback f JOIN application a ON a.id = f.application_id GROUP BY 1, 2, 3"):
        rated[(m, cid, sid)] = (n, int(total or 0))
    keys = set(received) | set(closed)
    if not keys:
        return []
    centres = {c.id: c for c in db.session.query(Centre).all()}
    services = {s.id: s for s in db.session.query(Service).all()}
    months = _months(min(k[0] for k in keys), today.strftime("%Y-%m"))
    pairs = sorted({(k[1], k[2]) for k in keys})
    out = []
    for cid, sid in pairs:
        still_open = 0
        for m in months:
            key = (m, cid, sid)
            c = closed.get(key) or {"completed": 0, "rejected": 0, "cancelled": 0, "on_time": 0}
            still_open += received.get(key, 0) - c["completed"] - c["rejected"] - c["cancelled"]
            if not received.get(key) and key not in closed and still_open <= 0:
                continue
            enough = c["completed"] >= MIN_APPLICATIONS
            n_rated, total_rating = rated.get(key, (0, 0))
            centre, service = centres.get(cid), services.get(sid)
            out.append({
                "month": m, "centre_id": cid,
                "centre_name_lo": centre.name_lo if centre else cid, "centre_name_en": centre.name_en if centre else cid,
                "service_id": sid,
                "service_name_lo": service.name_lo if service else sid,
                "service_name_en": service.name_en if service else sid,
                "received": received.get(key, 0), "completed": c["completed"], "rejected": c["rejected"],
                "on_time_rate": round(c["on_time"] / c["completed"], 4) if enough else None,
                "median_working_days": percentile(taken.get(key, {}), 0.5) if enough else None,
                "p90_working_days": percentile(taken.get(key, {}), 0.9) if enough else None,
                "open_at_month_end": max(still_open, 0),
                "average_rating": round(total_rating / n_rated, 2) if n_rated >= MIN_APPLICATIONS else None,
                "ratings": n_rated,
            })
    out.sort(key=lambda r: (r["month"], r["centre_id"], r["service_id"]))
    return out


def as_csv(data: list[dict]) -> str:
    """The rows as CSV (UTF-8, a header line, empty cells for suppressed figures)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in data:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in FIELDS})
    return buf.getvalue()


def as_json(data: list[dict], today: date) -> dict:
    return {"licence": LICENCE, "generated_on": today.isoformat(), "min_applications": MIN_APPLICATIONS,
            "fields": list(FIELDS), "rows": data}
