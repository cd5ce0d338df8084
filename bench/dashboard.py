"""`python -m bench dashboard`: the monitoring dashboards at national scale on PostgreSQL.

Builds (once; reused on later runs unless --regenerate) a dedicated database `odsc_bench_dash` migrated with
the app's own migrations, 74 centres (the seed centres plus generated provinces and districts), 1,000,000
applications over the last 365 days (bulk COPY), one task row per application (ready for open ones, with
clerks), then times the ministry view (every centre), one province view and one centre view:

- cold: a new connection pool and DISCARD ALL before the call, median of 3 (PostgreSQL's shared buffers
  and the OS page cache stay as they are: this machine cannot drop them without restarting the server);
- warm: median of repeated calls on the same connection;
- rows_only: the same view with use_rollup=False (every day read from the application rows), the baseline
  that shows what the daily rollup buys; `rollup` reports the one-time cost of rolling up the closed days.

The in-process TTL cache of the web layer is not used: these are the SQL + Python costs of one computation.
Prints JSON lines; `baseline` is a plain `SELECT count(*) FROM application` timed in the same run.
Targets: ministry ≤ 300 ms, centre ≤ 100 ms.

The bottleneck map (engine/stats/elements.py) is timed the same way for the busiest service over the last
365 days at the nation, one province and one centre (target: nation ≤ 300 ms), after the one-time monthly
element rollup of the closed months (`element_rollup`); `rows_only_warm_ms` reads the whole year from the task
rows, and the bench checks that both give the same figures. For it every application has
a task row per step it went through (the service's own user task ids, service_id and working_days set, as
the runtime writes them), so the task table holds several rows per application.

    python -m bench dashboard [--applications N] [--regenerate] [--repeat R] [--server postgresql://...]
                              [--db NAME]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = "odsc_bench_dash"
TARGETS = {"ministry": 300.0, "province": None, "centre": 100.0}
CENTRES = 74


def emit(**row):
    print(json.dumps({"bench": "dashboard", **row}, default=str), flush=True)


def ensure_database(server: str, name: str, drop: bool) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def migrate_and_seed(app):
    from engine.catalogue.loader import load_catalogue
    from engine.catalogue.publish import publish_catalogue
    from engine.db import db
    from web.cli import init_database

    with app.app_context():
        init_database()
        cat = load_catalogue(app.config["CATALOGUE_DIR"])
        if cat.errors:
            raise SystemExit(f"catalogue has errors: {cat.errors[:3]}")
        publish_catalogue(cat)
        db.session.commit()


def generate(url: str, n_apps: int, seed: int = 7) -> dict:
    """Bulk-load centres, clerks, applications and tasks with COPY; return what was made."""
    import psycopg

    rnd = random.Random(seed)
    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        existing = conn.execute("SELECT count(*) FROM application").fetchone()[0]
        if existing:
            conn.execute("TRUNCATE application, task, milestone_event, audit_event, workflow_state, "
                         "workflow_task_state RESTART IDENTITY CASCADE")
        conn.execute("TRUNCATE stats_daily, stats_day_done, stats_element_month, stats_element_month_done")
        services = {}
        for sid, vid, defn in conn.execute(
                "SELECT s.id, s.current_version_id, v.definition FROM service s "
                "JOIN service_version v ON v.id = s.current_version_id"):
            roles = sorted({t.get("role") for t in (defn.get("tasks") or {}).values() if t.get("role")})
            steps = [(tid, t["role"]) for tid, t in (defn.get("tasks") or {}).items()
                     if t.get("role") and t["role"] != "applicant"]
            services[sid] = (vid, int(defn.get("time_limit_days") or 5), roles or ["front_desk"],
                             steps or [("Task_Bench", "front_desk")])
        centres = dict(conn.execute("SELECT id, parent_id FROM centre").fetchall())
        offered = {}
        for cid, sid in conn.execute("SELECT centre_id, service_id FROM centre_service WHERE active"):
            if sid in services:
                offered.setdefault(cid, []).append(sid)
        # extra provinces and districts up to 74 centres
        sids = sorted(services)
        new_centres = []
        p = 0
        while len(centres) + len(new_centres) < CENTRES:
            p += 1
            prov = f"bench_p{p:02d}"
            new_centres.append((prov, f"ແຂວງທົດສອບ {p}", f"Bench province {p}", "province", "moha"))
            for d in range(1, 5):
                if len(centres) + len(new_centres) >= CENTRES:
                    break
                new_centres.append((f"bench_p{p:02d}_d{d}", f"ເມືອງທົດສອບ {p}.{d}", f"Bench district {p}.{d}",
                                    "district", prov))
        with conn.cursor() as cur:
            for cid, lo, en, level, parent in new_centres:
                cur.execute("INSERT INTO centre (id, name_lo, name_en, level, parent_id, address_lo, address_en, "
                            "phone, hours_lo, hours_en, active, created_at) VALUES "
                            "(%s, %s, %s, %s, %s, '', '', '', '', '', true, now()) ON CONFLICT (id) DO NOTHING",
                            (cid, lo, en, level, parent))
                centres[cid] = parent
                offered[cid] = rnd.sample(sids, rnd.randint(3, len(sids)))
        for cid in centres:
            offered.setdefault(cid, rnd.sample(sids, 3))
        # five clerks per centre
        clerks: dict[str, list[int]] = {}
        with conn.cursor() as cur:
            for cid in sorted(centres):
                ids = []
                for k in range(5):
                    uname = f"bench.{cid}.{k}"
                    row = cur.execute("SELECT id FROM user_account WHERE username = %s", (uname,)).fetchone()
                    if row is None:
                        row = cur.execute(
                            "INSERT INTO user_account (username, full_name, phone, email, password_hash, kind, "
                            "centre_id, locale, active, must_change_password, failed_logins, session_epoch, "
                            "created_at) VALUES (%s, %s, '', '', '', 'staff', %s, 'lo', true, false, 0, 0, now()) "
                            "RETURNING id", (uname, f"Clerk {k + 1} {cid}", cid)).fetchone()
                    ids.append(row[0])
                clerks[cid] = ids
        conn.commit()

        centre_ids = sorted(centres)
        weights = [rnd.paretovariate(1.5) for _ in centre_ids]
        now = datetime.now(UTC).replace(tzinfo=None)
        span = 365 * 86400
        app_cols = ("id", "tracking_code", "service_id", "service_version_id", "centre_id", "channel", "locale",
                    "status", "fee_amount", "data", "submitted_at", "due_date", "completed_at", "updated_at",
                    "version")
        task_cols = ("id", "application_id", "centre_id", "bpmn_id", "office_role", "state", "claimed_by_id",
                     "created_at", "completed_at", "due_date", "service_id", "working_days")
        task_n = 0
        counts: dict[str, int] = {}
        batch = 50_000
        with conn.cursor() as cur:
            done = 0
            while done < n_apps:
                size = min(batch, n_apps - done)
                picked = rnd.choices(centre_ids, weights=weights, k=size)
                apps, tasks = [], []
                for k in range(size):
                    i = done + k + 1
                    cid = picked[k]
                    sid = rnd.choice(offered[cid])
                    vid, limit, roles, steps = services[sid]
                    # weekday office hours, local time
                    sub = now - timedelta(seconds=rnd.random() * span)
                    local = sub + timedelta(hours=7)
                    if local.weekday() >= 5 and rnd.random() < 0.8:
                        sub -= timedelta(days=local.weekday() - 4)
                    local = sub + timedelta(hours=7)
                    due = local.date() + timedelta(days=max(limit, 0) * 7 // 5 + (1 if limit == 0 else 0))
                    duration = timedelta(days=rnd.lognormvariate(0, 0.6) * max(limit, 0.5) * 0.8)
                    done_at = sub + duration
                    if done_at < now:
                        r = rnd.random()
                        status = "completed" if r < 0.9 else "rejected" if r < 0.97 else "cancelled"
                        completed_at = done_at
                    else:
                        r = rnd.random()
                        status = "in_progress" if r < 0.8 else "submitted" if r < 0.9 else "returned"
                        completed_at = None
                    counts[status] = counts.get(status, 0) + 1
                    apps.append((i, f"BD{i:010d}", sid, vid, cid, "desk" if i % 3 else "online", "lo", status,
                                 0, "{}", sub, due, completed_at, completed_at or sub, 1))
                    # the steps it went through: completed ones share the time taken; an open case waits in
                    # the next step (or with the applicant when returned)
                    end = completed_at or now
                    reached = len(steps) if completed_at else rnd.randint(0, len(steps) - 1)
                    t_start = sub
                    for k_step in range(reached):
                        bpmn, role = steps[k_step]
                        t_end = t_start + (end - sub) / max(reached, 1)
                        task_n += 1
                        wd = max(int((t_end - t_start).total_seconds() / 86400 * 5 / 7), 0)
                        tasks.append((str(uuid.UUID(int=task_n)), i, cid, bpmn, role, "completed", None, t_start,
                                      t_end, due, sid, wd))
                        t_start = t_end
                    if completed_at is None:
                        bpmn, role = ("Task_ProvideDocuments", "applicant") if status == "returned" \
                            else steps[reached]
                        claimed = rnd.choice(clerks[cid]) if role != "applicant" and rnd.random() < 0.6 else None
                        task_n += 1
                        tasks.append((str(uuid.UUID(int=task_n)), i, cid, bpmn, role, "ready", claimed, t_start,
                                      None, due, sid, None))
                with cur.copy(f"COPY application ({', '.join(app_cols)}) FROM STDIN") as copy:
                    for row in apps:
                        copy.write_row(row)
                with cur.copy(f"COPY task ({', '.join(task_cols)}) FROM STDIN") as copy:
                    for row in tasks:
                        copy.write_row(row)
                done += size
            cur.execute("SELECT setval(pg_get_serial_sequence('application', 'id'), %s)", (n_apps,))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE application")
        conn.execute("VACUUM ANALYZE task")
        conn.execute("VACUUM ANALYZE centre")
    return {"applications": n_apps, "centres": len(centres), "statuses": counts,
            "seconds": round(time.perf_counter() - t0, 1)}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _page_timing(app, repeat: int) -> list[float]:
    from engine.accounts import create_user
    from engine.db import db
    from engine.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username="bench.monitor").first()
        if user is None:
            user = create_user("bench.monitor", "bench-pass-2026", full_name="Bench monitor", centre_id="moha",
                               roles=["monitor"])
            db.session.commit()
    # sessions live on the server (web_session): log in through the form, as a browser would (this in-process
    # client has no CSRF token to send)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login = client.post("/login", data={"username": "bench.monitor", "password": "bench-pass-2026"})
    assert login.status_code == 302, login.status_code
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get("/monitor/")
        out.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    return out


ELEMENT_TARGETS = {"ministry": 300.0, "province": None, "centre": None}


def bench_elements(app, views: dict, repeat: int, cold) -> bool:
    """The bottleneck map of the busiest service over the last 365 days, per view; True when within target."""
    from datetime import date as _date
    from datetime import timedelta as _td

    from sqlalchemy import text

    from engine.clock import today
    from engine.db import db
    from engine.stats.elements import figures as element_figures

    end = today()
    start: _date = end - _td(days=364)
    service = db.session.execute(text("SELECT service_id FROM application GROUP BY 1 ORDER BY count(*) DESC "
                                      "LIMIT 1")).scalar()
    # one-time: the monthly element rollup of the closed months in the year (the first map after a deploy or
    # after `odsc monitor rebuild-rollup` pays it; later maps reuse it)
    months_before = db.session.execute(text("SELECT count(*) FROM stats_element_month_done WHERE service_id = :s"),
                                       {"s": service}).scalar()
    build = timed(lambda: element_figures(service, None, start, end))
    emit(step="element_rollup", service=service, months_before=months_before,
         months_after=db.session.execute(text("SELECT count(*) FROM stats_element_month_done "
                                              "WHERE service_id = :s"), {"s": service}).scalar(),
         rows=db.session.execute(text("SELECT count(*) FROM stats_element_month WHERE service_id = :s"),
                                 {"s": service}).scalar(),
         first_view_ms=round(build, 1), note="one-time per closed month and service; later maps reuse it")
    ok = True
    for name, ids in views.items():
        def run(ids=ids):
            return element_figures(service, ids, start, end)

        def rows_only(ids=ids):
            return element_figures(service, ids, start, end, use_rollup=False)
        colds = [cold(run) for _ in range(3)]
        warm = [timed(run) for _ in range(repeat)]
        rows_w = [timed(rows_only) for _ in range(3)]
        c, w = statistics.median(colds), statistics.median(warm)
        result = run()
        assert result == rows_only(), "element rollup and rows disagree"
        target = ELEMENT_TARGETS[name]
        within = None if target is None else max(c, w) <= target
        ok = ok and within is not False
        emit(view=f"elements_{name}", service=service, days=365, cold_ms=round(c, 1), cold_max_ms=round(max(colds), 1),
             warm_ms=round(w, 1), warm_min_ms=round(min(warm), 1), target_ms=target, ok=within,
             rows_only_warm_ms=round(statistics.median(rows_w), 1),
             steps_completed=sum(e["completed"] for e in result), waiting=sum(e["waiting"] for e in result),
             elements=len(result), loadavg_1m=round(os.getloadavg()[0], 2))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard")
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", DEFAULT_SERVER))
    parser.add_argument("--db", default=DB_NAME, help="database name (default %(default)s)")
    args = parser.parse_args(argv or [])

    url = ensure_database(args.server, args.db, drop=args.regenerate)
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import text

    from web import create_app

    app = create_app()
    migrate_and_seed(app)

    import psycopg

    with psycopg.connect(url) as conn:
        have = conn.execute("SELECT count(*) FROM application").fetchone()[0]
        n_centres = conn.execute("SELECT count(*) FROM centre").fetchone()[0]
        # a database generated before the bottleneck map has no per-step task rows
        steps = conn.execute("SELECT EXISTS (SELECT 1 FROM task WHERE working_days IS NOT NULL)").fetchone()[0]
    if have != args.applications or n_centres < CENTRES or not steps:
        emit(step="generate", **generate(url, args.applications))
    else:
        emit(step="generate", reused=True, applications=have, centres=n_centres)

    from engine.db import db
    from engine.stats import descendants, figures

    with app.app_context():
        n_centres = db.session.execute(text("SELECT count(*) FROM centre")).scalar()
        # the busiest district and its province
        centre = db.session.execute(text(
            "SELECT a.centre_id FROM application a JOIN centre c ON c.id = a.centre_id "
            "WHERE c.level = 'district' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")).scalar()
        province = db.session.execute(text("SELECT parent_id FROM centre WHERE id = :c"), {"c": centre}).scalar()
        views = {
            "ministry": None,  # a monitor at the root sees every centre: no centre filter at all
            "province": descendants(province),
            "centre": [centre],
        }

        def baseline():
            db.session.execute(text("SELECT count(*) FROM application")).scalar()

        def cold(fn):
            db.session.remove()
            db.engine.dispose()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("DISCARD ALL"))
            return timed(fn)

        base_warm = statistics.median(timed(baseline) for _ in range(3))
        emit(step="baseline", what="SELECT count(*) FROM application", ms=round(base_warm, 1),
             loadavg_1m=round(os.getloadavg()[0], 2), cpus=os.cpu_count())
        # one-time: the daily rollup of every closed day the views need (done by the first view after a
        # deploy or after `rollup.rebuild()`); then one call to warm this Python process up
        have_days = db.session.execute(text("SELECT count(*) FROM stats_day_done")).scalar()
        build = timed(lambda: figures(None, range_start=None))
        emit(step="rollup", days_before=have_days,
             days_after=db.session.execute(text("SELECT count(*) FROM stats_day_done")).scalar(),
             rows=db.session.execute(text("SELECT count(*) FROM stats_daily")).scalar(),
             first_view_ms=round(build, 1), note="one-time per closed day; later views reuse it")
        figures([centre])
        results = {}
        for name, ids in views.items():
            def run(ids=ids):
                return figures(ids)

            def rows_only(ids=ids):
                return figures(ids, use_rollup=False)
            colds = [cold(run) for _ in range(3)]
            c = statistics.median(colds)
            warm = [timed(run) for _ in range(args.repeat)]
            w = statistics.median(warm)
            rows_w = statistics.median(timed(rows_only) for _ in range(3))
            result = figures(ids)
            assert result == rows_only(), "rollup and rows disagree"
            target = TARGETS[name]
            results[name] = (c, w)
            emit(view=name, centres=len(ids) if ids else n_centres, root=(ids or ["(all)"])[0],
                 cold_ms=round(c, 1), cold_max_ms=round(max(colds), 1), warm_ms=round(w, 1),
                 warm_min_ms=round(min(warm), 1), target_ms=target,
                 ok=None if target is None else max(c, w) <= target,
                 rows_only_warm_ms=round(rows_w, 1), rollup_speedup=round(rows_w / w, 2),
                 vs_count_baseline=round(w / base_warm, 2),
                 received_month=result["periods"][2]["received"], open_now=result["now"]["open"])
        # the whole page as a monitor at the ministry gets it (figures + HTML), TTL cache off
        app.config["MONITOR_CACHE_SECONDS"] = 0
        page_ms = _page_timing(app, args.repeat)
        emit(view="ministry_page", what="GET /monitor/ as monitor.moha (HTML rendered, cache off)",
             warm_ms=round(statistics.median(page_ms), 1), warm_min_ms=round(min(page_ms), 1))
        ok = all(max(results[n]) <= t for n, t in TARGETS.items() if t)
        ok = bench_elements(app, views, args.repeat, cold) and ok
        emit(step="summary", ok=ok, loadavg_1m=round(os.getloadavg()[0], 2), cpus=os.cpu_count(), **{f"{n}_worst_ms": round(max(v), 1) for n, v in results.items()})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
