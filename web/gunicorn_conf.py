"""gunicorn settings the Procfile loads (`--config python:web.gunicorn_conf`).

* gunicorn's own lines (starting, booting worker, worker timeouts) are JSON like every other log line of the
  platform (engine.logs), so one log pipeline reads them all;
* the settings are checked once in the master before any worker boots: a missing SECRET_KEY or a bad setting
  is one log line and exit status 1, not a traceback from every worker and "Worker failed to boot";
* Prometheus multiprocess mode needs each worker's metric files removed when the worker exits.
"""
from __future__ import annotations

import os

from gunicorn.glogging import Logger


class JsonLogger(Logger):
    """gunicorn's error log through the platform's JSON handler (the access log keeps the Procfile's JSON
    format, which gunicorn renders itself)."""

    def setup(self, cfg):
        super().setup(cfg)
        from engine import logs

        logs.configure(os.environ.get("LOG_LEVEL", "INFO").upper(), os.environ.get("LOG_FORMAT", "json"))
        self.error_log.handlers = []
        self.error_log.propagate = True


logger_class = JsonLogger


def on_starting(server):
    from web.config import ROOT
    from web.settings import SettingsError, load

    try:
        load().flask_config(os.environ.get("ODSC_INSTANCE", str(ROOT / "instance")))
    except SettingsError as exc:
        server.log.error("the web server cannot start: %s", exc)
        raise SystemExit(1) from None


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
