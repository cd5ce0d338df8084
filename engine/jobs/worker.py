"""`odsc worker`: an rq worker over the queues of engine.jobs.queues, plus the ticker that claims due timers and
retries, runs the periodic jobs and renews the worker's heartbeat. The app is built once per process.

Connector calls have their own queue and worker pool (`odsc worker --queues connectors`), so a slow
external service never delays timers and notifications. rq's scheduler is not used (the ticker schedules
from the database), so no scheduler child process can outlive its worker."""
from __future__ import annotations

import faulthandler
import logging
import signal

from flask import Flask

from engine.jobs import queues
from engine.jobs.queues import QUEUES

log = logging.getLogger("odsc.jobs")


ALIASES = {"timers": queues.TIMERS, "connectors": queues.CONNECTORS, "notifications": queues.NOTIFICATIONS,
           "default": queues.DEFAULT}


def queue_names(app: Flask, names: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The queues a worker listens on: `names` (short or full names), else WORKER_QUEUES, else every queue
    but the connectors' (they get their own pool). Raises ValueError naming an unknown queue."""
    chosen = list(names or app.config.get("WORKER_QUEUES") or [q for q in QUEUES if q != queues.CONNECTORS])
    out = []
    for name in chosen:
        full = ALIASES.get(name, name)
        if full not in QUEUES:
            raise ValueError(f"unknown queue {name!r}; use one of {', '.join(ALIASES)}")
        out.append(full)
    return out


def make_worker(app: Flask, *, fork: bool = False, name: str | None = None, names: list[str] | None = None):
    from redis import Redis
    from rq import Queue, SimpleWorker, Worker
    from rq.serializers import JSONSerializer

    if not app.config.get("REDIS_URL"):
        raise RuntimeError("REDIS_URL is not set: the worker needs Redis (the embedded mode runs jobs in-process)")
    redis = Redis.from_url(app.config["REDIS_URL"])
    listen = [Queue(q, connection=redis, serializer=JSONSerializer) for q in queue_names(app, names)]
    cls = Worker if fork else SimpleWorker
    return cls(listen, connection=redis, serializer=JSONSerializer, name=name)


def run_worker(app: Flask, *, burst: bool = False, fork: bool = False, ticker: bool = True,
               name: str | None = None, names: list[str] | None = None) -> bool:
    from engine.jobs import leases
    from engine.jobs.ticker import Ticker

    if app.extensions["odsc_publisher"].mode != "rq":
        raise RuntimeError("the worker needs JOBS_MODE=rq and REDIS_URL")
    worker = make_worker(app, fork=fork, name=name, names=names)
    leases.set_worker_id(worker.name)
    # `kill -USR1 <pid>` prints every thread's stack to stderr: a stuck worker (or work horse, which
    # inherits this) says where it waits, without a debugger on the server
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    running = Ticker(app, queues=[q.name for q in worker.queues]).start() if ticker else None
    try:
        # rq's own log lines per job are noise at 74 centres: our jobs log their outcome once (WARNING for rq)
        return worker.work(burst=burst, with_scheduler=False, logging_level=app.config.get("RQ_LOG_LEVEL", "WARNING"))
    finally:
        if running is not None:
            running.stop()
