# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Issue 16, faults 5 and 6 as behaviour of the Procfile's real worker processes (`odsc worker` and
`odsc worker --queues connectors`) on the real Redis:

- a BPMN timer becomes due while a connector call hangs: the timer fires while the call is still held
  (the external service holds its answer until the test has seen the timer fire in the database);
- Redis loses every job (FLUSHDB) after they were enqueued, some of them already claimed by the dispatcher:
  the database is the truth, so the reconciler dispatches them again after the grace / dispatch lease,
  and each runs exactly once."""
from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.jobs.jobs_support import clean_redis, rq_app, start  # noqa: F401 - fixtures
from tests.ops.process_support import Processes, StandIn, process_env, procfile, wait_for

pytestmark = pytest.mark.redis


def _connectors(registry: StandIn) -> dict:
    return {"http_registry": {"type": "http", "url": registry.url + "/registry"},
            "certificate_number": {"type": "sequence"}}


def _ready(app_id: int) -> list[str]:
    from engine.db import db
    from engine.models import Task

    return sorted(db.session.execute(select(Task.bpmn_id).where(
        Task.application_id == app_id, Task.state == "ready")).scalars())


def _fired(app_id: int, element: str) -> int:
    from engine.db import db
    from engine.models import AuditEvent

    return db.session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.application_id == app_id, AuditEvent.kind == "timer.fired",
        AuditEvent.summary == element)).scalar()


def _fresh(check):
    """`check()` on a fresh session (another process wrote the rows)."""
    from engine.db import db

    try:
        return check()
    finally:
        db.session.remove()


def test_a_due_timer_fires_while_a_connector_call_is_held(rq_app, tmp_path):
    """Fault 6: one slow connector must not delay timers (each worker runs one job at a time)."""
    registry = StandIn(hold_first=True)
    env = process_env(rq_app, tmp_path, CONNECTOR_TIMEOUT="120", CONNECTORS=json.dumps(_connectors(registry)))
    commands = procfile()
    procs = Processes(tmp_path / "logs")
    try:
        procs.start("worker", commands["worker"], env)
        procs.start("connectors", commands["connectors"], env)
        with rq_app.app_context():
            slow = start("jobs_service").id
            assert registry.held.wait(60), "the registry was never called\n" + procs.logs()
            # the connector worker is now inside the call, which the registry holds; a timer becomes due
            waiting = start("jobs_timers").id  # Timer_Wait: PT1S
            wait_for("the timer to fire while the connector call is held", 30,
                     lambda: _fresh(lambda: _fired(waiting, "Timer_Wait")))
            assert not registry.release.is_set()
            assert _fresh(lambda: _ready(slow)) == []  # the call is still held: its task has not moved on
            assert _fresh(lambda: _ready(waiting)) in (["Task_Review"], ["Task_Escalated"])
            registry.release.set()
            wait_for("the held call to complete its service task", 30,
                     lambda: _fresh(lambda: _ready(slow) == ["Task_Issue"]))
            assert len(registry.snapshot()) == 1
            assert _fresh(lambda: _fired(waiting, "Timer_Wait")) == 1
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop_all()
        registry.close()


def test_jobs_lost_in_a_redis_flush_run_once_after_the_reconcile_interval(rq_app, tmp_path):
    """Redis is flushed with jobs enqueued but not run: jobs enqueued after commit (their rows not yet
    claimed: found again once their grace has passed) and jobs the dispatcher had claimed (found again
    after DISPATCH_LEASE_SECONDS). Workers started afterwards run every one of them exactly once."""
    import redis

    from engine.db import db
    from engine.jobs import tasks
    from engine.jobs.queues import QUEUES
    from engine.models.jobs import DueTimer, Notification

    gateway, registry = StandIn(), StandIn()
    grace, lease = 3, 5
    rq_app.config.update(JOBS_GRACE_SECONDS=grace, SMS_GATEWAY_URL=gateway.url + "/sms",
                         CONNECTORS=_connectors(registry))
    conn = redis.Redis.from_url(rq_app.config["REDIS_URL"])
    with rq_app.app_context():
        # claimed by the dispatcher (a token, no owner yet) and handed to jobs on Redis
        claimed = [start("jobs_service").id, start("jobs_timers").id]

        def all_claimed():
            tasks.dispatch_due()
            unclaimed = db.session.execute(select(func.count()).select_from(DueTimer).where(
                DueTimer.application_id.in_(claimed), DueTimer.claimed_by.is_(None))).scalar()
            unclaimed += db.session.execute(select(func.count()).select_from(Notification).where(
                Notification.application_id.in_(claimed), Notification.status == "pending",
                Notification.claimed_by.is_(None))).scalar()
            db.session.remove()
            return unclaimed == 0
        wait_for("the dispatcher to claim the due rows", 30, all_claimed)
        # enqueued after commit, not yet claimed by anyone
        enqueued = [start("jobs_service").id, start("jobs_timers").id]
        expected = {claimed[0]: ["Task_Issue"], enqueued[0]: ["Task_Issue"],
                    claimed[1]: ["Task_Escalated"], enqueued[1]: ["Task_Escalated"]}
        db.session.remove()
    assert sum(conn.llen(f"rq:queue:{q}") for q in QUEUES) >= 6  # the jobs are on Redis ...
    conn.flushdb()  # ... and now they are gone
    flushed = time.monotonic()
    assert sum(conn.llen(f"rq:queue:{q}") for q in QUEUES) == 0

    env = process_env(rq_app, tmp_path, DISPATCH_LEASE_SECONDS=str(lease), SMS_GATEWAY_URL=gateway.url + "/sms",
                      CONNECTORS=json.dumps(_connectors(registry)))
    commands = procfile()
    procs = Processes(tmp_path / "logs")
    try:
        procs.start("worker", commands["worker"], env)
        procs.start("connectors", commands["connectors"], env)
        with rq_app.app_context():
            def all_done():
                states = {i: _ready(i) for i in expected}
                pending = db.session.execute(select(func.count()).select_from(Notification).where(
                    Notification.application_id.in_(list(expected)), Notification.status == "pending")).scalar()
                db.session.remove()
                return states == expected and pending == 0
            wait_for("every lost job to run", 60, all_done)
            print(f"\nall lost jobs done {time.monotonic() - flushed:.1f} s after the flush "
                  f"(grace {grace} s, dispatch lease {lease} s)")
            sms = db.session.execute(select(Notification).where(
                Notification.application_id.in_(list(expected)), Notification.channel == "sms")).scalars().all()
            assert sms and all(n.status == "sent" and n.attempts == 1 for n in sms)
            assert Counter(r["json"]["reference"] for r in gateway.snapshot()) == \
                Counter(f"{n.event_key}/sms" for n in sms)
            # one registry call per application (the flushed job and the dispatcher's copy never both ran)
            assert sorted(r["json"]["tracking_code"] for r in registry.snapshot()) == _codes([claimed[0], enqueued[0]])
            for app_id in (claimed[1], enqueued[1]):
                assert _fired(app_id, "Timer_Wait") == 1
                assert _fired(app_id, "Boundary_Deadline") == 1
            assert db.session.execute(select(func.count()).select_from(DueTimer).where(
                DueTimer.application_id.in_(list(expected)), DueTimer.claimed_by.is_not(None))).scalar() == 0
            db.session.remove()
        first = min(r["at"] for r in gateway.snapshot() + registry.snapshot())
        print(f"first lost job re-dispatched {first - flushed:.1f} s after the flush")
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop_all()
        gateway.close()
        registry.close()


def _codes(app_ids: list[int]) -> list[str]:
    from engine.db import db
    from engine.models import Application

    return sorted(db.session.execute(select(Application.tracking_code).where(
        Application.id.in_(app_ids))).scalars())


class _Dies:
    """A provider during whose send the worker process dies (nothing after it runs)."""

    name = "dies"

    def send(self, n):
        raise SystemExit("killed")


def test_work_taken_by_a_worker_that_dies_is_due_at_once_not_after_the_grace(rq_app):
    """A service call or message taken by a worker right after commit was still 'due' only after the
    after-commit grace (JOBS_GRACE_SECONDS, 30 s): when that worker died, its claim was released after
    WORKER_DEAD_SECONDS but the work waited for the grace too (measured in the Procfile run: 28.9 s)."""
    from datetime import timedelta

    from engine import notifications, timers
    from engine.db import db, utcnow
    from engine.jobs import leases
    from engine.models.jobs import SERVICE, DueTimer, Notification, WorkerHeartbeat

    rq_app.config.update(JOBS_GRACE_SECONDS=30, NOTIFY_PROVIDERS={"sms": _Dies()})
    with rq_app.app_context():
        app_id = start("jobs_service").id  # its jobs wait on Redis; no worker runs
        row = db.session.execute(select(DueTimer).where(DueTimer.application_id == app_id,
                                                        DueTimer.kind == SERVICE)).scalar_one()
        sms = db.session.execute(select(Notification).where(Notification.application_id == app_id,
                                                            Notification.channel == "sms")).scalars().first()
        assert row.due_at > utcnow() + timedelta(seconds=20) and sms.next_attempt_at > utcnow() + timedelta(seconds=20)
        row_id, sms_id = row.id, sms.id
        try:
            leases.set_worker_id("doomed-worker")
            leases.beat()
            assert timers.take_claim(row_id, None, timers.new_token()) is not None  # the job starts the call ...
            with pytest.raises(SystemExit):
                notifications.send(sms_id)  # ... and another job is sending the SMS when the process dies
        finally:
            leases._worker_id = None
        db.session.rollback()
        assert db.session.get(Notification, sms_id).claim_owner == "doomed-worker"
        assert timers.claim_due() == [] and notifications.claim_due() == []  # alive: nobody else takes them
        db.session.execute(WorkerHeartbeat.__table__.update().where(WorkerHeartbeat.id == "doomed-worker")
                           .values(seen_at=utcnow() - timedelta(seconds=60)))  # silent past WORKER_DEAD_SECONDS
        db.session.commit()
        assert [r for r, _kind, _token in timers.claim_due()] == [row_id]
        assert [n for n, _token in notifications.claim_due()] == [sms_id]
