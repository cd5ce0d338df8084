"""Finding 16: rate limits are shared by every worker process (Redis), keyed by the client address the
trusted proxies report (ProxyFix), and fall back to in-process memory when Redis is absent or down, never
answering 500. Real worker processes, real Redis."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
STATUS_LIMIT = 30  # web.ratelimit.STATUS_LIMIT, per minute


@contextmanager
def workers(database_uri: str, count: int, **env):
    """`count` web worker processes over one database; yields their URLs."""
    procs, urls = [], []
    environ = {**os.environ, "RATELIMIT_KEY_PREFIX": f"i14test-{uuid.uuid4().hex}", **env}
    environ.pop("DATABASE_URL", None)
    try:
        for _ in range(count):
            procs.append(subprocess.Popen([sys.executable, str(HERE / "limit_server.py"), database_uri],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ))
        for proc in procs:
            line = proc.stdout.readline().strip()  # blocks until the worker serves (or dies: empty)
            assert line.startswith("http://"), proc.stderr.read()[-3000:]
            urls.append(line)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _db_uri(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def _hit(url: str, n: int, headers: dict | None = None) -> list[int]:
    return [requests.get(f"{url}/status/ABCDEFGHJK", headers=headers or {}, timeout=30).status_code
            for _ in range(n)]


def test_two_workers_share_one_count_in_redis(app, redis_url):
    with workers(_db_uri(app), 2, REDIS_URL=redis_url) as (first, second):
        codes = _hit(first, STATUS_LIMIT // 2) + _hit(second, STATUS_LIMIT - STATUS_LIMIT // 2)
        assert 429 not in codes and 500 not in codes, codes
        assert _hit(first, 1) == [429] and _hit(second, 1) == [429]


def test_clients_behind_a_trusted_proxy_get_their_own_bucket(app, redis_url):
    with workers(_db_uri(app), 1, REDIS_URL=redis_url, TRUSTED_PROXY_COUNT="1") as (url,):
        alice, bob = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.9"}
        assert 429 not in _hit(url, STATUS_LIMIT, alice)
        assert _hit(url, 1, alice) == [429]
        assert _hit(url, 1, bob) != [429]  # before ProxyFix every client shared the proxy's address


def test_an_untrusted_forwarded_header_is_ignored(app, redis_url):
    with workers(_db_uri(app), 1, REDIS_URL=redis_url) as (url,):
        codes = [requests.get(f"{url}/status/ABCDEFGHJK", headers={"X-Forwarded-For": f"10.0.0.{i}"},
                              timeout=30).status_code for i in range(STATUS_LIMIT + 1)]
        assert codes[-1] == 429  # a client cannot pick a fresh address per request


def test_redis_down_falls_back_to_memory_limits_without_500(app):
    down = "redis://127.0.0.1:1/0"  # nothing listens there
    with workers(_db_uri(app), 1, REDIS_URL=down) as (url,):
        codes = _hit(url, STATUS_LIMIT + 1)
        assert 500 not in codes and codes[0] == 404, codes
        assert codes[-1] == 429  # still limited, in the worker's memory
        login = requests.post(f"{url}/login", data={"username": "desk.xs", "password": "wrong"}, timeout=30)
        assert login.status_code == 401
