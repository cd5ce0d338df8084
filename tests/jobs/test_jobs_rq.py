# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""The same jobs on rq + the real Redis (JSON serializer), with real workers: rq's SimpleWorker in-process,
and separate `odsc worker` processes for the restart and the race."""
from __future__ import annotations

import json
import os
import threading
import time
import zlib

import pytest
from sqlalchemy import func, select

from tests.jobs.jobs_support import clean_redis, http_server, rq_app, staff, start  # noqa: F401 - fixtures
from tests.jobs.worker_procs import WorkerProcess, finish, stop

pytestmark = pytest.mark.redis


def work(app):
    """Drain the queues with rq's SimpleWorker (JSON serializer), as `odsc worker` does, in this process."""
    from engine.jobs.queues import QUEUES
    from engine.jobs.worker import make_worker

    make_worker(app, names=list(QUEUES)).work(burst=True, logging_level="WARNING")  # and the connectors' pool


def drive(app, until, rounds=40, pause=0.06, at_least_seconds=30.0):
    """Worker + ticker until `until()` holds (inside an app context): at least `rounds` rounds and at least
    `at_least_seconds`, so a loaded CI machine gets the same number of chances as a quiet one."""
    from engine.db import db
    from engine.jobs.ticker import Ticker

    ticker = Ticker(app)
    deadline = time.monotonic() + at_least_seconds
    done = 0
    while done < rounds or time.monotonic() < deadline:
        done += 1
        work(app)
        db.session.expire_all()
        if until():
            return True
        time.sleep(pause)
        ticker.tick(force=True)
    return until()


def worker_env(app, tmp_path):
    env = dict(os.environ)
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=app.config["REDIS_URL"],
               JOBS_MODE="rq", ODSC_INSTANCE=str(tmp_path / "worker-instance"), SECRET_KEY="test",
               JOBS_DISPATCH_SECONDS="0.2")
    return env


def ready(app_id):
    from engine.db import db
    from engine.models import Task

    return sorted(t.bpmn_id for t in db.session.execute(
        select(Task).where(Task.application_id == app_id, Task.state == "ready")).scalars())


def fired_count(app_id, element="Timer_Wait"):
    from engine.db import db
    from engine.models import AuditEvent

    return db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired",
        AuditEvent.summary == element)).scalar()


def review_tasks(app_id):
    """Task_Review rows in any state (the boundary timers may have moved on if the machine is slow)."""
    from engine.db import db
    from engine.models import Task

    return db.session.execute(select(func.count()).select_from(Task).where(
        Task.application_id == app_id, Task.bpmn_id == "Task_Review")).scalar()


def test_jobs_are_enqueued_after_commit_as_json(rq_app, http_server):
    import redis

    registry = http_server()
    rq_app.config["CONNECTORS"] = {"http_registry": {"type": "http", "url": registry.url},
                                   "certificate_number": {"type": "sequence"}}
    with rq_app.app_context():
        app_id = start("jobs_service").id
        conn = redis.Redis.from_url(rq_app.config["REDIS_URL"])
        keys = [k for k in conn.keys("rq:job:*") if k.count(b":") == 2]
        jobs = [json.loads(zlib.decompress(conn.hget(k, "data"))) for k in keys]
        assert sorted(j[0] for j in jobs) == ["engine.jobs.tasks.run_service_task",
                                              "engine.jobs.tasks.send_notification"]
        assert all(isinstance(a, int | type(None)) for j in jobs for a in j[2])
        assert ready(app_id) == []  # nothing ran in the web process
        assert registry.requests == []
        assert drive(rq_app, lambda: ready(app_id) == ["Task_Issue"])


def test_notification_provider_failing_twice_is_sent_once_on_rq(rq_app, http_server):
    from engine.models.jobs import Notification

    gateway = http_server(statuses=[500, 503])
    rq_app.config.update(SMS_GATEWAY_URL=gateway.url, NOTIFY_RETRY_DELAYS=[0.05])
    with rq_app.app_context():
        from engine.db import db

        app_id = start("jobs_timers").id

        def received():
            return db.session.execute(select(Notification).where(
                Notification.application_id == app_id, Notification.event_key.like("milestone:%:received:%"))
            ).scalar_one()

        assert drive(rq_app, lambda: received().status == "sent")
        assert received().attempts == 3
        mine = [r for r in gateway.requests if r["json"]["reference"].startswith(received().event_key)]
        assert [r["status"] for r in mine] == [500, 503, 200]
        drive(rq_app, lambda: False, rounds=3, at_least_seconds=0)
        mine = [r for r in gateway.requests if r["json"]["reference"].startswith(received().event_key)]
        assert len(mine) == 3


def test_connector_always_failing_opens_incident_then_retry_succeeds_on_rq(rq_app, http_server):
    from engine import incidents
    from engine.db import db
    from engine.models import Application
    from engine.models.jobs import Incident

    registry = http_server(statuses=[500] * 100)
    rq_app.config["CONNECTORS"] = {"http_registry": {"type": "http", "url": registry.url},
                                   "certificate_number": {"type": "sequence"}}
    with rq_app.app_context():
        app_id = start("jobs_service").id
        assert drive(rq_app, lambda: db.session.get(Application, app_id).incident is not None)
        assert len(registry.requests) == 3
        incident = db.session.execute(select(Incident).where(Incident.application_id == app_id)).scalar_one()
        assert incident.status == "open" and "500" in incident.error
        registry.statuses.clear()
        incidents.retry(incident.id, staff("supervisor.xs"))
        assert drive(rq_app, lambda: ready(app_id) == ["Task_Issue"])
        assert db.session.get(Application, app_id).incident is None
        assert len(registry.ok()) == 1


def test_timer_fires_after_a_restart_in_a_separate_worker_process(rq_app, tmp_path):
    """The web process starts the case and goes away; a fresh `odsc worker` process fires the timer."""
    from engine.db import db
    from engine.models.jobs import DueTimer

    with rq_app.app_context():
        app_id = start("jobs_timers").id
        assert db.session.execute(select(DueTimer.element).where(DueTimer.application_id == app_id)).scalars().all() \
            == ["Timer_Wait"]
        db.session.remove()
        db.engine.dispose()
    worker = WorkerProcess(worker_env(rq_app, tmp_path), tmp_path / "worker.log")
    try:
        with rq_app.app_context():
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and review_tasks(app_id) == 0:
                time.sleep(0.2)
                db.session.remove()
            assert review_tasks(app_id) == 1
            assert fired_count(app_id) == 1
    finally:
        out = stop(worker)
    assert "Traceback" not in out, out


def test_two_workers_racing_for_one_timer_fire_it_once(rq_app, tmp_path):
    """Two worker processes see the same due timer (each dispatches it, and it is enqueued twice)."""
    from engine.db import db, utcnow
    from engine.jobs.queues import DISPATCH_DUE, FIRE_TIMER
    from engine.models.jobs import DueTimer

    with rq_app.app_context():
        app_id = start("jobs_timers").id
        row = db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id)).scalar_one()
        delay = (row.due_at - utcnow()).total_seconds()
        time.sleep(max(delay, 0) + 0.05)
        publisher = rq_app.extensions["odsc_publisher"]
        for _ in range(2):
            publisher.submit(DISPATCH_DUE)
            publisher.submit(FIRE_TIMER, row.id, None)
        db.session.remove()
        db.engine.dispose()
    env = worker_env(rq_app, tmp_path)
    # one rq SimpleWorker and one forking rq Worker (a work horse per job, forked while the worker's ticker
    # thread runs: engine.jobs.forkguard); a hung one fails here with its stacks, and is killed
    workers = [WorkerProcess(env, tmp_path / f"race-{i}.log", "--burst", "--name", f"race-{i}", *extra)
               for i, extra in enumerate(([], ["--fork"]))]
    outs = finish(workers, timeout=90)
    assert all(w.returncode == 0 for w in workers), outs
    with rq_app.app_context():
        assert review_tasks(app_id) == 1  # the timer fired once: one review task, one audit entry
        assert fired_count(app_id) == 1


def test_concurrent_dispatchers_never_claim_the_same_row(rq_app):
    from engine import timers
    from engine.db import db, utcnow
    from engine.models.jobs import DueTimer

    with rq_app.app_context():
        ids = [start("jobs_timers").id for _ in range(3)]
        db.session.execute(DueTimer.__table__.update().where(DueTimer.application_id.in_(ids))
                           .values(due_at=utcnow()))
        db.session.commit()
    claims: list = []
    barrier = threading.Barrier(4)

    def claim():
        with rq_app.app_context():
            barrier.wait()
            claims.extend(timers.claim_due())
            db.session.remove()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claims) == 3
    assert len({row_id for row_id, _, _ in claims}) == 3
