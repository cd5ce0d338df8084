"""gunicorn settings the Procfile loads (`--config python:web.gunicorn_conf`): Prometheus multiprocess mode
needs each worker's metric files removed when the worker exits."""
from __future__ import annotations

import os


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
