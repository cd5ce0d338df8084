"""Readiness of a process: can it reach the database and Redis, is the schema at the migrations' head, are
workers beating, is due work late. Each check returns a plain dict; `readiness()` combines them.

Critical checks (database, Redis when configured, migrations) make the process not ready (HTTP 503 on
/readyz); the others (worker heartbeat age, oldest due-timer lag, calendar end) are reported as warnings,
because taking web processes out of a load balancer would not bring a dead worker back.
"""
from __future__ import annotations

import time
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select, text

from engine.db import db, utcnow

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _timed(fn):
    start = time.monotonic()
    try:
        out = fn()
        out.setdefault("ok", True)
    except Exception as exc:  # noqa: BLE001 - any failure is the answer of the check
        db.session.rollback()
        out = {"ok": False, "error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"}
    out["ms"] = round((time.monotonic() - start) * 1000, 1)
    return out


@lru_cache(maxsize=1)
def migration_heads() -> tuple[str, ...]:
    """The head revision(s) of the migration scripts shipped with this code."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return tuple(sorted(ScriptDirectory.from_config(config).get_heads()))


def check_database() -> dict:
    return _timed(lambda: {"ok": db.session.execute(text("SELECT 1")).scalar() == 1})


def check_migrations() -> dict:
    def run():
        current = tuple(sorted(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()))
        heads = migration_heads()
        return {"ok": current == heads, "current": list(current), "head": list(heads)}
    return _timed(run)


def check_redis(url: str) -> dict:
    def run():
        from redis import Redis

        conn = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return {"ok": bool(conn.ping())}
        finally:
            conn.close()
    return _timed(run)


def check_workers(max_age_seconds: float) -> dict:
    """Age of the freshest worker heartbeat (seconds) and how many workers beat within `max_age_seconds`."""
    def run():
        from engine.models.jobs import WorkerHeartbeat

        now = utcnow()
        newest = db.session.execute(select(func.max(WorkerHeartbeat.seen_at))).scalar()
        alive = db.session.execute(select(func.count()).select_from(WorkerHeartbeat).where(
            WorkerHeartbeat.seen_at >= now - timedelta(seconds=max_age_seconds))).scalar()
        age = (now - newest).total_seconds() if newest else None
        return {"ok": age is not None and age <= max_age_seconds, "alive": alive,
                "heartbeat_age_seconds": round(age, 1) if age is not None else None}
    return _timed(run)


def oldest_due_lag() -> float:
    """Seconds the oldest due, unclaimed timer or service call has been waiting past its due time (0: none)."""
    from engine.models.jobs import WAITING, DueTimer

    now = utcnow()
    oldest = db.session.execute(select(func.min(DueTimer.due_at)).where(
        DueTimer.state == WAITING, DueTimer.due_at <= now)).scalar()
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0


def check_timers(max_lag_seconds: float) -> dict:
    def run():
        lag = oldest_due_lag()
        return {"ok": lag <= max_lag_seconds, "oldest_due_lag_seconds": round(lag, 1)}
    return _timed(run)


def readiness(config: dict) -> tuple[bool, dict]:
    """(ready, report). `config`: the app config (REDIS_URL, JOBS_MODE, READY_* thresholds in seconds)."""
    checks: dict[str, dict] = {"database": check_database()}
    if config.get("REDIS_URL"):
        checks["redis"] = check_redis(config["REDIS_URL"])
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
        if config.get("JOBS_MODE") == "rq":
            checks["workers"] = check_workers(float(config.get("READY_MAX_HEARTBEAT_AGE", 60)))
        checks["timers"] = check_timers(float(config.get("READY_MAX_TIMER_LAG", 300)))
    critical = ("database", "redis", "migrations")
    ready = all(checks[name]["ok"] for name in critical if name in checks)
    warnings = [name for name, c in checks.items() if name not in critical and not c["ok"]]
    if checks["database"]["ok"]:
        try:
            from engine import workdays
            from engine.runtime.commands import local_today

            calendar = workdays.ends_soon(local_today(), int(config.get("CALENDAR_WARN_DAYS", 90)))
        except Exception:  # noqa: BLE001 - reported by the database check
            db.session.rollback()
            calendar = None
        if calendar:
            checks["calendar"] = {"ok": False, "warning": calendar}
            warnings.append("calendar")
    status = "ok" if ready and not warnings else ("degraded" if ready else "not ready")
    return ready, {"status": status, "checks": checks, "warnings": warnings}
