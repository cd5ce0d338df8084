"""The publisher turns committed domain events into jobs: in-process (embedded mode) or on rq (production).

`engine.events.publish` hands it the events of a transaction after the commit. Both publishers run the
same job functions (engine.jobs.tasks) with the same primitive arguments; the durable state (due rows,
the notification outbox) is in the database, so a job lost on the way (a crash, Redis down) is found again
by the dispatcher.
"""
from __future__ import annotations

import logging
import threading
from collections import deque

from flask import Flask, has_request_context

from engine.jobs import context
from engine.jobs.forkguard import ForkGuard
from engine.jobs.queues import JOB_QUEUES, QUEUES, RUN_SERVICE_TASK, SEND_NOTIFICATION

log = logging.getLogger("odsc.jobs")


def jobs_for(event: dict) -> list[tuple]:
    """The jobs one committed event asks for: (job path, *primitive args)."""
    kind = event.get("kind")
    if kind == "notification":
        return [(SEND_NOTIFICATION, event["notification_id"], None)]
    if kind == "service_task":
        return [(RUN_SERVICE_TASK, event["due_timer_id"], None)]
    return []


class InProcessPublisher:
    """Runs jobs in this process, never on a request's thread: right after the commit on a background
    thread of its own (eager), or in the ticker thread once that runs. The response goes out first.
    Outside a request (CLI, shell, engine-level tests) eager jobs run at once in the committing thread.

    `JOBS_AFTER_COMMIT = "inline"` (app config) runs them in the committing thread instead, for a shell
    session that wants effects at once. Tests wait for the background thread with `drain()`.
    """

    mode = "inprocess"

    def __init__(self, app: Flask):
        self.app = app
        self.published: list[dict] = []
        self.pending: deque = deque()
        self.eager = True
        self.inline = app.config.get("JOBS_AFTER_COMMIT", "thread") == "inline"
        self.wake = threading.Event()
        self._local = threading.local()
        self._idle = threading.Condition()
        self._active = 0
        self._kick = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = ForkGuard("odsc-after-commit")

    def publish(self, events: list[dict]) -> None:
        self.published.extend(events)
        del self.published[:-1000]  # a window for developers and tests, not a queue
        for event in events:
            for job in jobs_for(event):
                self.submit(*job)

    def submit(self, path: str, *args) -> None:
        self.pending.append((path, args))
        if not self.eager:
            self.wake.set()
        elif self.inline or getattr(self._local, "running", False) or not has_request_context():
            # inline: asked for; inside a job (the same loop picks it up); or no response waits for this
            # thread (the CLI, a shell, tests driving the engine directly)
            self.run_pending()
        else:
            self._start_thread()
            self._kick.set()

    def _start_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._idle:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="odsc-after-commit", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            self._kick.wait()
            self._kick.clear()
            try:
                with self._guard.busy(), self.app.app_context():  # a fork waits for the batch (forkguard)
                    try:
                        self.run_pending()
                    finally:
                        from engine.db import db

                        db.session.remove()
            except Exception:  # noqa: BLE001 - the loop must survive anything a job does
                log.exception("after-commit runner failed")

    def drain(self, timeout: float = 30.0) -> None:
        """Block until every queued job has run (tests; a clean shutdown). TimeoutError after `timeout` s."""
        with self._idle:
            if not self._idle.wait_for(lambda: not self.pending and self._active == 0, timeout):
                raise TimeoutError(f"{len(self.pending)} after-commit jobs still pending after {timeout} s")

    def run_pending(self) -> int:
        """Run queued jobs in this thread; a job that publishes more jobs appends to the same loop."""
        if getattr(self._local, "running", False):
            return 0
        self._local.running = True
        with self._idle:
            self._active += 1
        done = 0
        try:
            while True:
                try:
                    path, args = self.pending.popleft()
                except IndexError:
                    break
                try:
                    context.call(path, *args)
                except Exception:  # noqa: BLE001 - a job's failure is recorded by the job; never reaches a request
                    log.exception("job %s%r failed", path, args)
                done += 1
        finally:
            self._local.running = False
            with self._idle:
                self._active -= 1
                self._idle.notify_all()
        return done


class RqPublisher:
    """Enqueues jobs on rq (JSON serializer). If Redis is unreachable the dispatcher recovers the work."""

    mode = "rq"

    def __init__(self, app: Flask):
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.app = app
        self.published: list[dict] = []
        # Redis down: fail within seconds (the dispatcher finds the work again), never hang a request
        self.redis = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
        self.queues = {name: Queue(name, connection=self.redis, serializer=JSONSerializer) for name in QUEUES}

    def publish(self, events: list[dict]) -> None:
        self.published.extend(events)
        del self.published[:-1000]
        for event in events:
            for job in jobs_for(event):
                self.submit(*job)

    def submit(self, path: str, *args) -> None:
        from redis import RedisError

        try:
            self.queues[JOB_QUEUES[path]].enqueue(path, *args, result_ttl=600, failure_ttl=7 * 86400,
                                                  job_timeout=int(self.app.config.get("JOB_TIMEOUT_SECONDS", 180)))
        except RedisError:
            log.exception("could not enqueue %s%r; the dispatcher will pick it up", path, args)

    def run_pending(self) -> int:
        return 0

    def drain(self, timeout: float = 30.0) -> None:
        """Nothing runs in this process in rq mode."""


def init_publisher(app: Flask) -> None:
    mode = app.config.get("JOBS_MODE", "inprocess")
    if mode == "rq" and app.config.get("REDIS_URL"):
        app.extensions["odsc_publisher"] = RqPublisher(app)
    else:
        app.extensions["odsc_publisher"] = InProcessPublisher(app)
    context.register(app)
    from engine.jobs import outbox

    outbox.install()


def publisher_of(app: Flask):
    return app.extensions["odsc_publisher"]


def drain(app: Flask, timeout: float = 30.0) -> None:
    """Wait until the after-commit jobs queued in this process so far have run (tests wait with this)."""
    publisher = app.extensions.get("odsc_publisher")
    if publisher is not None and hasattr(publisher, "drain"):
        publisher.drain(timeout)
