"""`python -m bench status`: the public status endpoint over 1,000,000 applications, under gunicorn, driven
by wrk from a second process; beside it, in the same run, a constant Flask route (/healthz) as the ceiling.

Steps: (1) a dedicated PostgreSQL database (default odsc_bench) is migrated and the seed catalogue
published; (2) N applications (default 1,000,000) and their milestone events are generated inside
PostgreSQL with set-based INSERT … SELECT over generate_series (no engine, no per-row round trips),
spread over the seed centres and services with realistic weights and a realistic status mix; (3) gunicorn
serves the app (2 workers, gthread) with rate limiting off; (4) wrk hits GET /healthz, then
GET /api/v1/status/<code> with codes picked at random from 20,000 existing ones (a Lua script).

Prints JSON lines. Options: --applications N, --reuse (keep an existing filled database), --duration S, --rounds R,
--connections C, --workers W, --threads T. Needs `wrk` on the PATH.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_STATUS_DB", "odsc_bench")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MULT, MASK = 5023883945827, 0x2B5C_D1E9_4A37  # odd multiplier and xor mask: a bijection on 50-bit numbers

# relative demand of the seed services (certificates of daily life are common, permits rare)
SERVICE_WEIGHT = {
    "residence_certificate": 30, "family_book_change": 20, "birth_certificate": 15, "marriage_certificate": 8,
    "enterprise_registration": 10, "land_title_transfer": 7, "construction_permit": 5,
    "small_guesthouse_licence": 5,
}
LEVEL_WEIGHT = {"district": 6, "province": 3, "ministry": 1}
# final milestone -> (status, share of applications, milestones passed in order, open?)
MIX = [
    ("completed", "completed", 0.70, ["received", "in_review", "payment", "ready", "completed"]),
    ("rejected", "rejected", 0.05, ["received", "in_review", "rejected"]),
    ("cancelled", "cancelled", 0.02, ["received", "cancelled"]),
    ("returned", "returned", 0.03, ["received", "returned"]),
    ("received", "submitted", 0.05, ["received"]),
    ("in_review", "in_progress", 0.10, ["received", "in_review"]),
    ("payment", "in_progress", 0.03, ["received", "in_review", "payment"]),
    ("ready", "in_progress", 0.02, ["received", "in_review", "payment", "ready"]),
]


def emit(**row) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


def db_url(name: str = DB_NAME) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


# ---- data -------------------------------------------------------------------------------------------

def create_database(reuse: bool) -> bool:
    """Create the bench database; True if it has to be filled."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists and reuse:
            return False
        if exists:
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return True


def migrate_and_publish() -> None:
    os.environ["DATABASE_URL"] = db_url()
    from web import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        from engine.db import db
        from web.cli import init_database
        from web.demo import load_demo

        init_database()
        problems = [line for line in load_demo() if "error" in line]
        if problems:
            raise SystemExit("\n".join(problems))
        db.session.remove()
        db.engine.dispose()


def code_sql(number: str) -> str:
    """SQL that writes a 50-bit number as a 10-symbol tracking code (Crockford base 32)."""
    parts = [f"substr('{ALPHABET}', (({number} >> {5 * i}) & 31)::int + 1, 1)" for i in range(9, -1, -1)]
    return " || ".join(parts)


def scramble_sql(expr: str) -> str:
    """A bijection of ids onto 50-bit numbers, so that codes are unique but do not look sequential."""
    return f"((({expr})::bigint * {MULT}) & {(1 << 50) - 1}) # {MASK}"


def fill(conn, n: int) -> dict:
    """Generate n applications and their milestone events inside PostgreSQL."""
    offers = conn.execute("""
        SELECT cs.centre_id, c.level, cs.service_id, s.current_version_id,
               coalesce(cs.fee_override, (v.definition::jsonb -> 'fee' ->> 'amount')::int, 0),
               coalesce((v.definition::jsonb ->> 'time_limit_days')::int, 5)
        FROM centre_service cs JOIN centre c ON c.id = cs.centre_id JOIN service s ON s.id = cs.service_id
        JOIN service_version v ON v.id = s.current_version_id
        WHERE cs.active AND c.active ORDER BY cs.centre_id, cs.service_id""").fetchall()
    if not offers:
        raise SystemExit("no centre offers a published service: is the catalogue loaded?")
    conn.execute("SET session_replication_role = replica")  # bulk load: skip FK and audit triggers
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '256MB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    conn.execute("CREATE TEMP TABLE bench_slot (slot int, centre_id text, service_id text, version_id int, "
                 "fee int, days int)")
    slots = []
    for centre, level, service, version, fee, days in offers:
        for _ in range(LEVEL_WEIGHT.get(level, 2) * SERVICE_WEIGHT.get(service, 5)):
            slots.append((len(slots), centre, service, version, fee, days))
    with conn.cursor().copy("COPY bench_slot FROM STDIN") as copy:
        for row in slots:
            copy.write_row(row)
    conn.execute("CREATE TEMP TABLE bench_mix (lo float8, hi float8, milestone text, status text, steps text[])")
    low = 0.0
    for milestone, status, share, steps in MIX:
        conn.execute("INSERT INTO bench_mix VALUES (%s, %s, %s, %s, %s)",
                     (low, low + share if milestone != MIX[-1][0] else 1.0000001, milestone, status, steps))
        low += share
    start = conn.execute("SELECT coalesce(max(id), 0) FROM application").fetchone()[0]
    # secondary indexes are dropped during the load and rebuilt after it: much faster than row by row
    indexes = conn.execute("""
        SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename IN ('application', 'milestone_event')
          AND indexname NOT IN (SELECT conname FROM pg_constraint)""").fetchall()
    for name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    t0 = time.perf_counter()
    conn.execute(f"""
        INSERT INTO application (id, tracking_code, service_id, service_version_id, centre_id, channel, locale,
                                 status, milestone, fee_amount, data, submitted_at, due_date, completed_at,
                                 updated_at, version)
        SELECT x.id, {code_sql('x0.num')}, s.service_id, s.version_id, s.centre_id,
               (ARRAY['online', 'desk', 'desk', 'api'])[1 + (x.id % 4)], 'lo', m.status, m.milestone, s.fee,
               '{{}}', x.submitted, (x.submitted + make_interval(days => s.days + s.days / 2))::date,
               CASE WHEN m.status IN ('completed', 'rejected', 'cancelled')
                    THEN x.submitted + make_interval(days => s.days) END,
               x.submitted, array_length(m.steps, 1)
        FROM (SELECT {start} + g AS id, {scramble_sql(f'{start} + g')} AS num,
                     floor(random() * {len(slots)})::int AS slot, random() AS r, random() AS age
              FROM generate_series(1, {n}) g) x0
        JOIN bench_slot s ON s.slot = x0.slot
        JOIN bench_mix m ON x0.r >= m.lo AND x0.r < m.hi
        CROSS JOIN LATERAL (SELECT x0.id,
            localtimestamp - make_interval(secs => CASE WHEN m.status IN ('completed', 'rejected', 'cancelled')
                                                        THEN 60 + x0.age * 730 * 86400
                                                        ELSE 60 + x0.age * 20 * 86400 END) AS submitted) x
    """)
    t1 = time.perf_counter()
    conn.execute(f"""
        INSERT INTO milestone_event (application_id, milestone, at)
        SELECT a.id, step.milestone,
               a.submitted_at + (step.ord - 1) * least(interval '20 hours', (localtimestamp - a.submitted_at) / 6)
        FROM application a JOIN bench_mix m ON m.milestone = a.milestone
        CROSS JOIN LATERAL unnest(m.steps) WITH ORDINALITY AS step(milestone, ord)
        WHERE a.id > {start}
        ORDER BY a.id, step.ord
    """)
    t2 = time.perf_counter()
    for _name, definition in indexes:
        conn.execute(definition)
    t_index = time.perf_counter()
    conn.execute("SELECT setval(pg_get_serial_sequence('application', 'id'), (SELECT max(id) FROM application))")
    conn.execute("SET session_replication_role = origin")
    conn.commit()
    # vacuum now (visibility map, hint bits, statistics) so that autovacuum does not start mid-measurement
    conn.autocommit = True
    conn.execute("VACUUM (ANALYZE) application")
    conn.execute("VACUUM (ANALYZE) milestone_event")
    conn.autocommit = False
    t3 = time.perf_counter()
    counts = conn.execute("SELECT (SELECT count(*) FROM application), (SELECT count(*) FROM milestone_event), "
                          "(SELECT count(DISTINCT centre_id) FROM application), "
                          "(SELECT count(DISTINCT service_id) FROM application)").fetchone()
    return {"applications": counts[0], "milestone_events": counts[1], "centres": counts[2], "services": counts[3],
            "insert_applications_s": round(t1 - t0, 1), "insert_milestones_s": round(t2 - t1, 1),
            "rebuild_indexes_s": round(t_index - t2, 1), "vacuum_analyze_s": round(t3 - t_index, 1)}


# ---- load -------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, log: Path, nice: int = 0) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=db_url(), PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    cmd = (["nice", "-n", str(nice)] if nice else []) + [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-k", "gthread",
           "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--backlog", "2048",
           "--log-level", "warning", "web:create_app({'RATELIMIT_ENABLED': False})"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    import urllib.request

    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz")


LUA = r"""
local codes = {}
for line in io.lines("%s") do codes[#codes + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/status/" .. codes[math.random(#codes)])
end
"""

LUA_HTML = r"""
local codes = {}
for line in io.lines("%s") do codes[#codes + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/status/" .. codes[math.random(#codes)] .. "?lang=en")
end
"""

# a repeat visit: each line is "code<TAB>etag"; the answer is a 304
LUA_REPEAT = r"""
local codes, tags = {}, {}
for line in io.lines("%s") do
  local code, tag = line:match("([^\t]+)\t(.+)")
  codes[#codes + 1] = code; tags[#tags + 1] = tag
end
math.randomseed(os.time())
request = function()
  local i = math.random(#codes)
  return wrk.format("GET", "/api/v1/status/" .. codes[i], {["If-None-Match"] = tags[i], ["Accept-Language"] = "en"})
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text.strip())
    return round(float(match.group(1)) * _UNITS[match.group(2)], 3) if match else float("nan")


def run_wrk(url: str, duration: int, connections: int, script: Path | None = None, nice: int = 0) -> dict:
    cmd = (["nice", "-n", str(nice)] if nice else []) + ["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": round(rps, 1), "p50_ms": _ms(lat.get("50", "")), "p90_ms": _ms(lat.get("90", "")),
            "p99_ms": _ms(lat.get("99", "")), "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else None}


def count_apps() -> int:
    import psycopg

    with psycopg.connect(db_url()) as conn:
        return conn.execute("SELECT count(*) FROM application").fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench status")
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing filled database")
    parser.add_argument("--duration", type=int, default=10, help="seconds per route and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nice", type=int, default=0,
                        help="run gunicorn and wrk at this niceness (e.g. -10 as root) on a machine shared "
                             "with other work, so that the figures measure this system and not its neighbours")
    args = parser.parse_args(argv or [])
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    import psycopg

    t0 = time.perf_counter()
    if create_database(args.reuse):
        migrate_and_publish()
        with psycopg.connect(db_url()) as conn:
            figures = fill(conn, args.applications)
        emit(bench="status", step="generate", seconds=round(time.perf_counter() - t0, 1), **figures)
    else:
        with psycopg.connect(db_url()) as conn:
            count = conn.execute("SELECT count(*) FROM application").fetchone()[0]
        emit(bench="status", step="generate", reused=True, applications=count)

    work = Path(tempfile.mkdtemp(prefix="odsc-bench-status-"))
    with psycopg.connect(db_url()) as conn:
        codes = [r[0] for r in conn.execute(
            "SELECT tracking_code FROM application TABLESAMPLE SYSTEM (5) LIMIT 20000").fetchall()]
    (work / "codes.txt").write_text("\n".join(codes) + "\n")
    (work / "status.lua").write_text(LUA % (work / "codes.txt"))
    (work / "html.lua").write_text(LUA_HTML % (work / "codes.txt"))
    port = free_port()
    proc = start_gunicorn(port, args.workers, args.threads, work / "gunicorn.log", args.nice)
    base = f"http://127.0.0.1:{port}"
    try:
        sample = json.loads(subprocess.run(["curl", "-s", f"{base}/api/v1/status/{codes[0]}"], capture_output=True,
                                           text=True).stdout or "{}") if shutil.which("curl") else {}
        if sample and sample.get("tracking_code") != codes[0]:
            raise SystemExit(f"status endpoint answered {sample}")
        run_wrk(f"{base}/healthz", 3, args.connections, nice=args.nice)  # warm up both paths, every worker
        run_wrk(base, 3, args.connections, work / "status.lua", nice=args.nice)
        import urllib.request

        tagged = []
        for code in codes[:2000]:  # the ETags a returning visitor holds
            req = urllib.request.Request(f"{base}/api/v1/status/{code}", headers={"Accept-Language": "en"})
            with urllib.request.urlopen(req) as answer:
                tagged.append(f"{code}\t{answer.headers['ETag']}")
        (work / "tagged.txt").write_text("\n".join(tagged) + "\n")
        (work / "repeat.lua").write_text(LUA_REPEAT % (work / "tagged.txt"))
        config = {"workers": args.workers, "threads": args.threads, "connections": args.connections,
                  "duration_s": args.duration, "codes": len(codes), "nice": args.nice}
        # alternate the two routes in rounds: background load on a shared machine then hits both alike
        ceilings, statuses, pages = [], [], []
        for round_no in range(1, args.rounds + 1):
            ceiling = run_wrk(f"{base}/healthz", args.duration, args.connections, nice=args.nice)
            emit(bench="status", step="ceiling", round=round_no, route="/healthz", **ceiling, **config,
                 load_average_1m=round(os.getloadavg()[0], 1))
            status = run_wrk(base, args.duration, args.connections, work / "status.lua", nice=args.nice)
            emit(bench="status", step="status", round=round_no, route="/api/v1/status/<code>", **status, **config,
                 load_average_1m=round(os.getloadavg()[0], 1))
            ceilings.append(ceiling)
            statuses.append(status)
            page = run_wrk(base, args.duration, args.connections, work / "html.lua", nice=args.nice)
            emit(bench="status", step="status_html", round=round_no, route="/status/<code> (HTML page)", **page,
                 ratio_to_ceiling=round(page["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None, **config,
                 load_average_1m=round(os.getloadavg()[0], 1))
            repeat = run_wrk(base, args.duration, args.connections, work / "repeat.lua", nice=args.nice)
            emit(bench="status", step="status_304", round=round_no,
                 route="/api/v1/status/<code> with If-None-Match (304)", **repeat,
                 ratio_to_ceiling=round(repeat["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None, **config,
                 load_average_1m=round(os.getloadavg()[0], 1))
            pages.append(page)
        ceiling_rps = sum(c["rps"] for c in ceilings) / len(ceilings)
        status_rps = sum(c["rps"] for c in statuses) / len(statuses)
        ratio = round(status_rps / ceiling_rps, 3) if ceiling_rps else 0.0
        p50 = sorted(c["p50_ms"] for c in statuses)[len(statuses) // 2]
        p99 = sorted(c["p99_ms"] for c in statuses)[len(statuses) // 2]
        ceiling_p99 = sorted(c["p99_ms"] for c in ceilings)[len(ceilings) // 2]
        errors = sum(c["non_2xx"] for c in statuses)
        page_rps = sum(c["rps"] for c in pages) / len(pages)
        emit(bench="status", step="summary_html", html_rps=round(page_rps, 1),
             ratio_html_to_ceiling=round(page_rps / ceiling_rps, 3) if ceiling_rps else 0.0,
             html_p99_ms_median=sorted(c["p99_ms"] for c in pages)[len(pages) // 2])
        ok = ratio >= 0.5 and p99 <= 25 and errors == 0
        emit(bench="status", step="summary", applications=count_apps(), ceiling_rps=round(ceiling_rps, 1),
             status_rps=round(status_rps, 1), ratio_status_to_ceiling=ratio, status_p50_ms_median=p50,
             status_p99_ms_median=p99, ceiling_p99_ms_median=ceiling_p99, status_non_2xx=errors,
             targets={"ratio_min": 0.5, "p99_ms_max": 25}, meets_targets=ok)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
