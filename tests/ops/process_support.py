"""Helpers (imported by the test modules) for tests that run the platform's real processes: the Procfile's
commands (gunicorn, `odsc worker`), each in its own process group so that a failing test still ends every
process it started; an HTTP stand-in for an external service (SMS gateway, registry) that can hold a request
until the test releases it; and polling on an observable condition with a deadline."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ODSC = str(BIN / "odsc")


def procfile() -> dict[str, str]:
    """The Procfile's process types: {name: command line}."""
    out = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            out[name.strip()] = command.strip()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, seconds: float, check, interval: float = 0.2):
    """Poll `check()` until it returns something true (returned); AssertionError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


def children(pid: int) -> list[str]:
    """The child processes of `pid` ("pid args" lines)."""
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def process_env(app, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a platform process on the test's database and Redis database (rq mode)."""
    env = dict(os.environ)
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=app.config["REDIS_URL"],
               JOBS_MODE="rq", ODSC_INSTANCE=str(tmp_path / "process-instance"), SECRET_KEY="test",
               UPLOAD_DIR=str(tmp_path / "uploads"), LOG_FORMAT="json", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    env.update(extra)
    return env


class Processes:
    """Processes started by one test, each in a new session (its own process group), logged to files."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: str | list[str], env: dict[str, str]) -> subprocess.Popen:
        """Start `command` (a shell line such as a Procfile entry, run with exec, or an argv list) as `name`."""
        argv = ["bash", "-c", f"exec {command}"] if isinstance(command, str) else command
        log = (self.folder / f"{name}.log").open("wb")
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str, tail: int = 3000) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name} (exit {p.poll()}) ---\n{self.log(name)}" for name, p in self.procs.items())

    def kill(self, name: str) -> None:
        """SIGKILL the process group of `name` (kill -9) and reap it."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        """SIGTERM every process group still running, then SIGKILL what has not ended within 15 s."""
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group: children of a worker too
            except (ProcessLookupError, PermissionError):
                pass
            if proc.poll() is None:
                proc.wait(10)


def http_up(port: int, path: str = "/healthz") -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False


class StandIn:
    """An external HTTP service on 127.0.0.1 (an SMS gateway, a registry) that records every request.

    `hold_first`: the first request is held (no answer) until `release` is set; `held` is set when it
    arrives. `statuses`: answers in order (then 200). A request whose client went away (a killed worker)
    is still recorded: the service did receive it."""

    def __init__(self, hold_first: bool = False, statuses=()):
        self.hold_first = hold_first
        self.statuses = list(statuses)
        self.held = threading.Event()
        self.release = threading.Event()
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with stand_in.lock:
                    first = not stand_in.requests
                    status = stand_in.statuses.pop(0) if stand_in.statuses else 200
                    record = {"path": self.path, "json": json.loads(raw or b"{}"), "status": status,
                              "key": self.headers.get("Idempotency-Key"), "at": time.monotonic(),
                              "held": first and stand_in.hold_first}
                    stand_in.requests.append(record)
                if record["held"]:
                    stand_in.held.set()
                    stand_in.release.wait(120)
                payload = json.dumps({"ok": status < 300}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the caller is gone (killed)

            def finish(self):
                try:
                    super().finish()
                except OSError:
                    pass  # the caller is gone (killed)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.requests)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
