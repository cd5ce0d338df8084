"""Shared fixtures: `app` (migrated database with the seed catalogue and demo accounts), `client`, `runner`.

The database is SQLite by default; set TEST_DATABASE_URL to run on PostgreSQL. With ODSC_REQUIRE_SERVICES=1
(set by .ci/run) a test that needs PostgreSQL or Redis fails instead of skipping when it is not reachable.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from web import create_app

ROOT = Path(__file__).resolve().parent.parent
REQUIRE = os.environ.get("ODSC_REQUIRE_SERVICES") == "1"
PG_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _worker_redis_url(base: str, worker: str | None) -> str:
    """The Redis database of this test process: TEST_REDIS_URL's database for a run without xdist or for gw0,
    the next lower one for gw1, and so on. Tests that use Redis flush it and start worker processes on it, so
    two xdist workers must never share one. (Grouping them on one worker with `--dist loadgroup` stopped
    working silently with pytest 9, whose node ids xdist 3.8 can no longer suffix with the group.)"""
    head, _, db = base.rpartition("/")
    index = int(worker[2:]) if worker and worker.startswith("gw") and worker[2:].isdigit() else 0
    if not db.isdigit() or index == 0:
        return base
    return f"{head}/{max(int(db) - index, 0)}"


REDIS_URL = _worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                              os.environ.get("PYTEST_XDIST_WORKER"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests that use Redis are also grouped for `--dist loadgroup` (where xdist honours it); what keeps two
    xdist workers apart is their own Redis database (`_worker_redis_url`)."""
    for item in items:
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("redis"))


def unavailable(what: str, why: str):
    if REQUIRE:
        pytest.fail(f"{what} is required (ODSC_REQUIRE_SERVICES=1) but not reachable: {why}")
    pytest.skip(f"{what} not reachable: {why}")


def _reset_caches():
    from engine import queries, workdays
    from engine.runtime import specs, store

    specs.clear()
    store.clear_cache()
    workdays.reset()
    queries._labels_cache.clear()


def _migrate_and_seed(app, demo: bool):
    from engine.db import db
    from web.cli import init_database
    from web.demo import load_demo

    with app.app_context():
        init_database()
        if demo:
            load_demo()
        db.session.remove()
        db.engine.dispose()


def _pg_admin(url: str):
    import psycopg

    base = url.rsplit("/", 1)[0]
    try:
        return psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        unavailable("PostgreSQL", str(exc))


def _pg_create(url: str, name: str, template: str | None = None) -> str:
    with _pg_admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return url.rsplit("/", 1)[0] + "/" + name


# unique per test process, so concurrent runs on one PostgreSQL server never drop each other's databases
WORKER = f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}_{os.getpid()}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate and seed once per session: SQLite files to copy, or PostgreSQL template databases."""
    url = os.environ.get("TEST_DATABASE_URL")
    base = tmp_path_factory.mktemp("odsc")
    templates = {}
    for demo in (False, True):
        if url:
            name = f"odsc_tpl_{WORKER}_{'demo' if demo else 'bare'}"
            target = _pg_create(url, name)
            uri = _sqlalchemy_url(target)
            templates[demo] = name
        else:
            path = base / f"template-{'demo' if demo else 'bare'}.sqlite3"
            uri = f"sqlite:///{path}"
            templates[demo] = path
        _reset_caches()
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True})
        _migrate_and_seed(app, demo=demo)
    yield {"kind": "pg" if url else "sqlite", "url": url, "templates": templates}
    if url:
        with _pg_admin(url) as conn:
            for name in [*templates.values(), f"odsc_test_{WORKER}"]:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlalchemy_url(url: str) -> str:
    from web.config import database_url

    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        return database_url("")
    finally:
        if old is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = old


def make_app(database_template, tmp_path, demo: bool = True, **config):
    _reset_caches()
    template = database_template["templates"][demo]
    if database_template["kind"] == "pg":
        uri = _sqlalchemy_url(_pg_create(database_template["url"], f"odsc_test_{WORKER}", template))
    else:
        path = tmp_path / "odsc.sqlite3"
        shutil.copy(template, path)
        uri = f"sqlite:///{path}"
    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"), "RATELIMIT_ENABLED": False, **config,
    })


@pytest.fixture
def app(database_template, tmp_path):
    app = make_app(database_template, tmp_path)
    yield app
    from engine.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def bare_app(database_template, tmp_path):
    """A migrated database with nothing published."""
    app = make_app(database_template, tmp_path, demo=False)
    yield app
    from engine.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def pg_url():
    import psycopg

    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        unavailable("PostgreSQL", str(exc))
    return PG_URL


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable("Redis", str(exc))
    return REDIS_URL


# ---- the demo database on both databases, whatever TEST_DATABASE_URL says (security and admin property tests)

@pytest.fixture
def pg_demo_app(pg_url, tmp_path):
    """A demo database on PostgreSQL (created and dropped here), for tests that run on both databases."""
    from web import create_app

    name = f"odsc_demo_{WORKER}"
    uri = _sqlalchemy_url(_pg_create(pg_url, name))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False,
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        from engine.db import db
        from web.cli import init_database
        from web.demo import load_demo

        init_database()
        load_demo()
        db.session.remove()
    yield app
    with app.app_context():
        from engine.db import db

        db.session.remove()
        db.engine.dispose()
    with _pg_admin(pg_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def both_dbs(request):
    """The demo app on SQLite (the `app` fixture) and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("app")
    return request.getfixturevalue("pg_demo_app")
