# ruff: noqa: F811 - pytest fixtures are imported from jobs_support and named as arguments
"""Faults 5 and 6 of issue 16, with real `odsc worker` processes on the real Redis: a worker killed with
SIGKILL during a connector call leaves no scheduler child behind, and its claimed work moves to another
worker within 30 s (not after the 300 s lease); the connector pool is separate from the timers' workers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from sqlalchemy import select

from tests.jobs.jobs_support import clean_redis, rq_app, start  # noqa: F401 - fixtures
from tests.ops.process_support import ODSC, StandIn, process_env, procfile
from tests.ops.process_support import children as _children
from tests.ops.process_support import wait_for as _wait


def _env(app, tmp_path, registry_url):
    return process_env(app, tmp_path, JOBS_DISPATCH_SECONDS="0.5", WORKER_HEARTBEAT_SECONDS="1",
                       WORKER_DEAD_SECONDS="10", CONNECTOR_TIMEOUT="300", JOBS_GRACE_SECONDS="0",
                       CONNECTORS=json.dumps({"http_registry": {"type": "http", "url": registry_url},
                                              "certificate_number": {"type": "sequence"}}))


def test_work_of_a_killed_worker_moves_on_within_30_seconds(rq_app, tmp_path):
    from engine.db import db
    from engine.models import Task
    from engine.models.jobs import DueTimer, WorkerHeartbeat

    registry = StandIn(hold_first=True)  # the first call hangs (the worker dies during it); later ones answer
    env = _env(rq_app, tmp_path, registry.url)
    first = subprocess.Popen([ODSC, "worker", "--queues", "connectors", "--name", "conn-1"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    second = None
    try:
        with rq_app.app_context():
            app_id = start("jobs_service").id
            db.session.remove()
        assert registry.held.wait(120), "the connector was never called"
        with rq_app.app_context():
            row = _wait("the claim", 30, lambda: db.session.execute(select(DueTimer).where(
                DueTimer.application_id == app_id, DueTimer.claim_owner == "conn-1")).scalar_one_or_none()
                or db.session.remove())
            assert row.claim_owner == "conn-1"
            assert db.session.get(WorkerHeartbeat, "conn-1") is not None
            db.session.remove()
        assert _children(first.pid) == []  # no rq scheduler child that could outlive the worker
        # a second worker of the pool is running (as in production) before the first one dies
        second = subprocess.Popen([ODSC, "worker", "--queues", "connectors,timers", "--name", "conn-2"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with rq_app.app_context():
            _wait("the second worker's heartbeat", 120,
                  lambda: db.session.get(WorkerHeartbeat, "conn-2") or db.session.remove())
            db.session.remove()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        killed = time.monotonic()

        def taken_over():
            with rq_app.app_context():
                owner = db.session.execute(select(DueTimer.claim_owner).where(
                    DueTimer.application_id == app_id)).scalar_one_or_none()
                db.session.remove()
                return owner != "conn-1"  # claimed by the running worker (or already completed: no row)
        _wait("the claim of the dead worker to be released", 60, taken_over)
        released = time.monotonic() - killed
        assert released < 30, f"released after {released:.1f} s"

        def done():
            with rq_app.app_context():
                ready = db.session.execute(select(Task.bpmn_id).where(
                    Task.application_id == app_id, Task.state == "ready")).scalars().all()
                db.session.remove()
                return ready == ["Task_Issue"]
        _wait("the service task to complete on the second worker", 90, done)
        assert len(registry.snapshot()) == 2  # the hung call, and one call by the second worker
        leftovers = subprocess.run(["pgrep", "-f", "conn-1"], capture_output=True, text=True).stdout.split()
        assert [p for p in leftovers if int(p) != os.getpid()] == []
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        registry.close()


def test_the_default_worker_leaves_connectors_to_their_own_pool(rq_app):
    from engine.jobs import queues
    from engine.jobs.worker import queue_names

    default = queue_names(rq_app)
    assert queues.CONNECTORS not in default and queues.TIMERS in default and queues.NOTIFICATIONS in default
    assert queue_names(rq_app, ["connectors"]) == [queues.CONNECTORS]
    assert procfile()["connectors"] == "odsc worker --queues connectors"
