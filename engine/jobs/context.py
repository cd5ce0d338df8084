"""The app a job runs in: reuse the caller's app context (in-process), or push the worker's app."""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

log = logging.getLogger("odsc.jobs")
_app: Flask | None = None
_pid: int | None = None


def register(app: Flask) -> None:
    """The app that jobs outside any app context run in (the worker builds it once; tests build theirs)."""
    global _app, _pid
    _app, _pid = app, os.getpid()


def registered() -> Flask | None:
    return _app


@contextmanager
def job_context():
    """A fresh app context (and so a fresh database session) for one job, removed afterwards.

    Inside a request or command (the in-process runner) the job still gets its own session, so it never
    shares state with the caller's unit of work.
    """
    app = current_app._get_current_object() if has_app_context() else _app
    if app is None:
        raise RuntimeError("no app registered for background jobs (engine.jobs.context.register)")
    global _pid
    from engine import logs

    with app.app_context():
        from engine.db import db

        if _pid is not None and _pid != os.getpid():  # a forked work horse: never share the parent's connections
            db.engine.dispose(close=False)
            _pid = os.getpid()
        job_id = _rq_job_id()
        if job_id:
            logs.bind(job_id=job_id)
        try:
            yield app
        finally:
            db.session.remove()
            if job_id:
                logs.unbind("job_id", "application_id", "tracking_code")


def _rq_job_id() -> str | None:
    try:
        from rq import get_current_job

        job = get_current_job()
    except Exception:  # noqa: BLE001 - not inside an rq job
        return None
    return job.id if job is not None else None


def call(path: str, *args):
    """Run the job function at dotted `path` with `args` (how the in-process runner calls jobs)."""
    module, _, name = path.rpartition(".")
    import importlib

    return getattr(importlib.import_module(module), name)(*args)
