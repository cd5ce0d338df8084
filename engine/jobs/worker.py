"""`odsc worker`: an rq worker (with rq's scheduler) over the queues of engine.jobs.queues, plus the ticker
that claims due timers and retries and runs the periodic jobs. The app is built once per process."""
from __future__ import annotations

import logging

from flask import Flask

from engine.jobs.queues import QUEUES

log = logging.getLogger("odsc.jobs")


def make_worker(app: Flask, *, fork: bool = False, name: str | None = None):
    from redis import Redis
    from rq import Queue, SimpleWorker, Worker
    from rq.serializers import JSONSerializer

    if not app.config.get("REDIS_URL"):
        raise RuntimeError("REDIS_URL is not set: the worker needs Redis (the embedded mode runs jobs in-process)")
    redis = Redis.from_url(app.config["REDIS_URL"])
    queues = [Queue(q, connection=redis, serializer=JSONSerializer) for q in QUEUES]
    cls = Worker if fork else SimpleWorker
    return cls(queues, connection=redis, serializer=JSONSerializer, name=name)


def run_worker(app: Flask, *, burst: bool = False, fork: bool = False, ticker: bool = True,
               name: str | None = None) -> bool:
    from engine.jobs.ticker import Ticker

    if app.extensions["odsc_publisher"].mode != "rq":
        raise RuntimeError("the worker needs JOBS_MODE=rq and REDIS_URL")
    worker = make_worker(app, fork=fork, name=name)
    running = Ticker(app).start() if ticker else None
    try:
        return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        if running is not None:
            running.stop()
