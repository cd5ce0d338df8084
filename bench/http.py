"""`python -m bench http`: task completions over the real HTTP API, served by gunicorn, on SQLite and PostgreSQL.

For each database and each server shape (1 worker × 1 thread with one sequential keep-alive client; then
2 workers × 4 threads with 4 concurrent clients) the bench makes a fresh database (migrated, seed catalogue
published, demo accounts), starts gunicorn on it with `ODSC_SQL_COUNT=1` (every response then carries the
SQL statements and commits its request ran, counted with SQLAlchemy events in the server), logs the demo
accounts in over /api/v1/auth/token and drives the residence-certificate service:

- starts: N applications (POST /applications, the citizen);
- completions: the five staff steps of each application's approve path (POST /tasks/<id>/complete), step by
  step across all applications, each with an Idempotency-Key as a careful client sends it;
- loops: one application returned for documents and resubmitted 1, 10 and 100 times; the latency of one
  return step after each count (median of 15).

Prints JSON lines: completions/s and starts/s (sequential: requests / time in those requests; concurrent:
requests / wall time of the phase), median/p95/p99 latency, statements and commits per completion request,
server CPU ms per completion (user + system time of the gunicorn processes during the completion phase,
from /proc), and the ratio to the peer figure (SpiffArena, 12 completions/s on this machine).

Options: --applications N (default 200), --only sqlite|postgresql, --shape single|multi, --loops 1,10,100.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICE, CENTRE = "residence_certificate", "xaysettha"
PEER_COMPLETIONS_PER_S = 12.0
PASSWORD = "demo-pass-2026"
CITIZEN = "02055551234"
# the approve path: who completes each step, with what answers
PATH = [
    ("desk.xs", {"decision": "approve"}), ("officer.xs", {"decision": "approve"}),
    ("approver.xs", {"decision": "approve"}), ("cashier.xs", {"receipt_number": "R-1", "amount_paid": 25000}),
    ("desk.xs", {"handed_over": True}),
]
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_HTTP_DB", "odsc_bench_http")
TARGETS = {"sqlite": {"completions_per_s": 240, "median_ms": 5.0},
           "postgresql": {"completions_per_s": 150, "median_ms": 8.0}}


def emit(**row) -> dict:
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


# ---- database and server ------------------------------------------------------------------------------

def prepare(backend: str, instance: Path) -> str:
    """A fresh, migrated database with the catalogue published and the demo accounts; returns its URL."""
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
    else:
        url = f"sqlite:///{instance / 'bench.sqlite3'}"
    env = dict(os.environ, DATABASE_URL=url, ODSC_INSTANCE=str(instance), PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    code = ("from web import create_app\nfrom web.cli import init_database\nfrom web.demo import load_demo\n"
            "app = create_app()\nwith app.app_context():\n    init_database()\n"
            "    bad = [x for x in load_demo() if 'error' in x]\n    assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return url


class Server:
    def __init__(self, url: str, instance: Path, workers: int, threads: int):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ, DATABASE_URL=url, ODSC_INSTANCE=str(instance), PYTHONPATH=str(ROOT),
                   ODSC_SQL_COUNT="1")
        env.pop("REDIS_URL", None)
        self.log = instance / f"gunicorn-{workers}x{threads}.log"
        cmd = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-k", "gthread",
               "--threads", str(threads), "-b", f"127.0.0.1:{self.port}", "--keep-alive", "60", "--log-level", "warning",
               "web:create_app({'RATELIMIT_ENABLED': False})"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [self.proc.pid, *map(int, children)]

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(15)


# ---- client ---------------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection; every call returns (status, json body, headers, seconds)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens: dict[str, str] = {}

    def call(self, method: str, path: str, body=None, user: str | None = None, headers: dict | None = None,
             raw: bytes | None = None):
        head = {"Accept-Language": "en", **(headers or {})}
        if user is not None:
            head["Authorization"] = f"Bearer {self.tokens[user]}"
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            head["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=head)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed an idle keep-alive connection: reconnect (commands carry Idempotency-Keys)
            self.conn.close()
            t0 = time.perf_counter()
            self.conn.request(method, path, body=payload, headers=head)
            response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - t0
        parsed = json.loads(data) if data and response.headers.get("Content-Type", "").startswith(
            ("application/json", "application/problem+json")) else None
        return response.status, parsed, response.headers, elapsed

    def login(self, *users: str) -> None:
        for user in users:
            status, body, _h, _t = self.call("POST", "/api/v1/auth/token", {"username": user, "password": PASSWORD})
            if status != 201:
                raise SystemExit(f"login {user}: {status} {body}")
            self.tokens[user] = body["access_token"]

    def upload(self, user: str) -> dict:
        boundary = uuid.uuid4().hex
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fb.pdf\"\r\n"
               f"Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
        status, body, _h, _t = self.call("POST", "/api/v1/documents", user=user, raw=raw,
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        if status != 201:
            raise SystemExit(f"upload: {status} {body}")
        return {"id": body["id"], "name": body["name"]}


def application_data(document: dict) -> dict:
    return {"applicant_name": "ສົມຊາຍ", "id_number": "LA123456", "birth_date": "1990-01-02",
            "phone": "020 5555 1234", "village": "ບ້ານໂພນສະອາດ", "family_book_number": "FB-1",
            "purpose": "employment", "family_book_scan": document}


USERS = (CITIZEN, "desk.xs", "officer.xs", "approver.xs", "cashier.xs")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statements: list[int] = []
        self.commits: list[int] = []
        self.errors: list[str] = []

    def add(self, status: int, expected: int, body, headers, elapsed: float) -> bool:
        with self.lock:
            if status != expected:
                self.errors.append(f"{status} {str(body)[:400]}")
                return False
            self.latencies.append(elapsed)
            if headers.get("X-SQL-Statements") is not None:
                self.statements.append(int(headers["X-SQL-Statements"]))
                self.commits.append(int(headers["X-SQL-Commits"]))
            return True


def start_many(client: Client, count: int, tally: Tally) -> list[dict]:
    """Start `count` applications; each gets its own uploaded scan (untimed), as a document belongs to one case."""
    apps = []
    for _ in range(count):
        document = client.upload(CITIZEN)
        status, body, headers, elapsed = client.call(
            "POST", "/api/v1/applications", {"service_id": SERVICE, "centre_id": CENTRE,
                                             "data": application_data(document)},
            user=CITIZEN, headers={"Idempotency-Key": uuid.uuid4().hex})
        if tally.add(status, 201, body, headers, elapsed):
            apps.append(body)
    return apps


def complete_step(client: Client, apps: list[dict], step: int, tally: Tally) -> None:
    user, answers = PATH[step]
    for i, app in enumerate(apps):
        if app is None or not app["waiting_for"]:
            continue
        task = app["waiting_for"][0]["id"]
        data = dict(answers)
        if "amount_paid" in data:  # the cashier records the fee this centre charges (its override, if any)
            data["amount_paid"] = app["fee_amount"]
        status, body, headers, elapsed = client.call(
            "POST", f"/api/v1/tasks/{task}/complete", {"data": data}, user=user,
            headers={"Idempotency-Key": uuid.uuid4().hex, "If-Match": f'"{app["version"]}"'})
        apps[i] = body if tally.add(status, 200, body, headers, elapsed) else None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(tally: Tally) -> dict:
    lat = tally.latencies
    out = {"requests": len(lat), "errors": len(tally.errors)}
    if lat:
        out.update(median_ms=round(statistics.median(lat) * 1000, 2), p95_ms=round(percentile(lat, 0.95) * 1000, 2),
                   p99_ms=round(percentile(lat, 0.99) * 1000, 2))
    if tally.statements:
        out.update(sql_statements_per_request=round(statistics.mean(tally.statements), 2),
                   sql_statements_max=max(tally.statements),
                   commits_per_request=round(statistics.mean(tally.commits), 2))
    if tally.errors:
        out["first_error"] = tally.errors[0]
    return out


# ---- runs -----------------------------------------------------------------------------------------------

def run_sequential(server: Server, backend: str, count: int, url: str = "", loops: bool = True) -> tuple | None:
    """The sequential run; returns (live table sizes before, applications) on PostgreSQL, for the live
    storage figure the caller takes once the server has stopped (no session of it can hold dead rows)."""
    client = Client(server.port)
    client.login(*USERS)
    start_many(client, 5, Tally())  # warm up: every code path once, the spec cache filled
    # live bytes: the tables rewritten (VACUUM FULL) before and after, so only the rows that remain count
    live = table_sizes(url, rewrite=True) if backend == "postgresql" else None
    sizes = table_sizes(url) if backend == "postgresql" else None
    starts = Tally()
    apps = start_many(client, count, starts)
    completions = Tally()
    cpu0 = server.cpu_seconds()
    for step in range(len(PATH)):
        complete_step(client, apps, step, completions)
    cpu = server.cpu_seconds() - cpu0
    c = summary(completions)
    rate = len(completions.latencies) / sum(completions.latencies) if completions.latencies else 0.0
    target = TARGETS[backend]
    emit(bench="http", backend=backend, shape="1 worker x 1 thread, 1 sequential client", phase="completions",
         completions_per_s=round(rate, 1), **c,
         server_cpu_ms_per_completion=round(cpu * 1000 / max(1, len(completions.latencies)), 2),
         ratio_to_peer=round(rate / PEER_COMPLETIONS_PER_S, 1), targets=target,
         meets_targets=rate >= target["completions_per_s"] and c.get("median_ms", 1e9) <= target["median_ms"],
         load_average_1m=load_average())
    s = summary(starts)
    emit(bench="http", backend=backend, shape="1 worker x 1 thread, 1 sequential client", phase="starts",
         starts_per_s=round(len(starts.latencies) / sum(starts.latencies), 1) if starts.latencies else 0.0, **s,
         load_average_1m=load_average())
    if sizes is not None:
        storage_delta(sizes, table_sizes(url), len(apps))
    if loops:
        run_loops(client, backend)
    return (live, len(apps)) if live is not None and not loops else None


TABLES = ("application", "task", "workflow_state", "workflow_task_state", "audit_event", "milestone_event",
          "notification", "idempotency_key", "issued_certificate", "due_timer")


def table_sizes(url: str, rewrite: bool = False) -> dict[str, int]:
    """PostgreSQL bytes by table: heap + indexes + TOAST, what an operator's disk holds. `rewrite`: VACUUM FULL
    the tables first, so dead row versions (which autovacuum makes reusable in a running system) do not count."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if rewrite:
            conn.execute(f"VACUUM FULL {', '.join(TABLES)}")
        return dict(conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(%s)", (list(TABLES),)).fetchall())


def storage_delta(before: dict[str, int], after: dict[str, int], applications: int, live: bool = False) -> None:
    """Bytes per application of the journeys run between two snapshots (page-granular: use ≥ 100). `live`:
    both snapshots taken after VACUUM FULL (the rows that remain); else as written, dead versions included."""
    growth = {name: after.get(name, 0) - before.get(name, 0) for name in TABLES}
    total = sum(growth.values())
    emit(bench="http", backend="postgresql", phase="storage live (after VACUUM FULL)" if live else "storage",
         applications=applications,
         bytes_per_application=round(total / max(1, applications)),
         by_table={k: round(v / max(1, applications)) for k, v in sorted(growth.items(), key=lambda x: -x[1])},
         target_bytes_max=16 * 1024,
         note="growth of pg_total_relation_size over the starts and the full approve path of these applications "
              "(certificate issued), divided by their number")


def run_loops(client: Client, backend: str, marks=(1, 10, 100), repeats: int = 15) -> None:
    """Latency of one return step after 1, 10 and 100 return-for-documents loops of one application."""
    document = client.upload(CITIZEN)
    status, app, _h, _t = client.call("POST", "/api/v1/applications", {
        "service_id": SERVICE, "centre_id": CENTRE, "data": application_data(document)}, user=CITIZEN)
    if status != 201:
        raise SystemExit(f"start: {status} {app}")
    timings, statements = [], []
    for _loop in range(max(marks) + repeats):
        task = app["waiting_for"][0]["id"]
        status, body, headers, elapsed = client.call(
            "POST", f"/api/v1/tasks/{task}/return", {"reason": "missing family book page", "data": {}},
            user="desk.xs")
        if status != 200:
            raise SystemExit(f"return: {status} {body}")
        timings.append(elapsed)
        statements.append(int(headers.get("X-SQL-Statements") or 0))
        status, app, _h, _t = client.call("POST", f"/api/v1/applications/{app['id']}/resubmit",
                                          {"data": {"response": "attached"}}, user=CITIZEN)
        if status != 200:
            raise SystemExit(f"resubmit: {status} {app}")
    # timings[n] is the return step of an application that has already been returned n times
    results = {m: (statistics.median(timings[m:m + repeats]), statistics.mean(statements[m:m + repeats]))
               for m in marks}
    first = results[marks[0]][0]
    emit(bench="http", backend=backend, phase="step_after_loops",
         **{f"ms_after_{m}": round(t * 1000, 2) for m, (t, _s) in results.items()},
         **{f"statements_after_{m}": round(s, 1) for m, (_t, s) in results.items()},
         ratio_last_to_first=round(results[marks[-1]][0] / first, 2), target_ratio_max=1.2,
         load_average_1m=load_average())


def run_concurrent(server: Server, backend: str, count: int, clients: int = 4) -> None:
    setup = Client(server.port)
    setup.login(*USERS)
    workers = []
    for _ in range(clients):
        client = Client(server.port)
        client.tokens = dict(setup.tokens)
        workers.append(client)
    start_many(setup, 5, Tally())
    starts, completions = Tally(), Tally()
    per = max(1, count // clients)
    apps: list[list[dict]] = [[] for _ in workers]

    def drive(fn):
        threads = [threading.Thread(target=fn, args=(i, c)) for i, c in enumerate(workers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - t0

    start_wall = drive(lambda i, c: apps[i].extend(start_many(c, per, starts)))
    cpu0 = server.cpu_seconds()
    complete_wall = drive(lambda i, c: [complete_step(c, apps[i], step, completions) for step in range(len(PATH))])
    cpu = server.cpu_seconds() - cpu0
    shape = f"2 workers x 4 threads, {clients} concurrent clients"
    done = len(completions.latencies)
    emit(bench="http", backend=backend, shape=shape, phase="completions",
         completions_per_s=round(done / complete_wall, 1), **summary(completions),
         server_cpu_ms_per_completion=round(cpu * 1000 / max(1, done), 2),
         ratio_to_peer=round(done / complete_wall / PEER_COMPLETIONS_PER_S, 1), load_average_1m=load_average())
    emit(bench="http", backend=backend, shape=shape, phase="starts",
         starts_per_s=round(len(starts.latencies) / start_wall, 1), **summary(starts),
         load_average_1m=load_average())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench http")
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--shape", choices=("single", "multi"))
    parser.add_argument("--no-loops", action="store_true", help="skip the return-for-documents loops")
    args = parser.parse_args(argv or [])
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    shapes = [args.shape] if args.shape else ["single", "multi"]
    for backend in backends:
        for shape in shapes:
            instance = Path(tempfile.mkdtemp(prefix=f"odsc-bench-http-{backend}-"))
            url = prepare(backend, instance)
            workers, threads = (1, 1) if shape == "single" else (2, 4)
            server = Server(url, instance, workers, threads)
            live = None
            try:
                if shape == "single":
                    live = run_sequential(server, backend, args.applications, url, loops=not args.no_loops)
                else:
                    run_concurrent(server, backend, args.applications)
            finally:
                server.stop()
            if live is not None:  # (with --no-loops: the loops' rows would count otherwise)
                storage_delta(live[0], table_sizes(url, rewrite=True), live[1], live=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
