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
    with app.app_context():
        from engine.db import db

        if _pid is not None and _pid != os.getpid():  # a forked work horse: never share the parent's connections
            db.engine.dispose(close=False)
            _pid = os.getpid()
        try:
            yield app
        finally:
            db.session.remove()


def call(path: str, *args):
    """Run the job function at dotted `path` with `args` (how the in-process runner calls jobs)."""
    module, _, name = path.rpartition(".")
    import importlib

    return getattr(importlib.import_module(module), name)(*args)
