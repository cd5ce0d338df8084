"""Counting SQL statements and commits per request, for `python -m bench http` and the statement-budget test.

Off unless the app config `SQL_COUNT` is true (the bench sets the environment variable `ODSC_SQL_COUNT=1`).
When on, every response carries `X-SQL-Statements` and `X-SQL-Commits`: what the request's own thread ran
(work handed to a background thread is not counted). Counted with SQLAlchemy engine events, not estimated:
an `executemany` of several rows is one statement (one round trip on both drivers).
"""
from __future__ import annotations

import os
import threading

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

_local = threading.local()
_installed = False


class Counter:
    """Statements and commits run by one thread between `start()` and `stop()`."""

    def __init__(self):
        self.statements = 0
        self.commits = 0
        self.sql: list[str] = []

    def __enter__(self) -> Counter:
        install()
        _local.counter = self
        return self

    def __exit__(self, *exc) -> None:
        _local.counter = None


def _on_execute(conn, cursor, statement, parameters, context, executemany):
    counter = getattr(_local, "counter", None)
    if counter is not None:
        counter.statements += 1
        counter.sql.append(statement)


def _on_commit(conn):
    counter = getattr(_local, "counter", None)
    if counter is not None:
        counter.commits += 1


def install() -> None:
    """Listen on every engine (idempotent); costs one thread-local lookup per statement."""
    global _installed
    if not _installed:
        event.listen(Engine, "before_cursor_execute", _on_execute)
        event.listen(Engine, "commit", _on_commit)
        _installed = True


def init_sql_count(app: Flask) -> None:
    if not (app.config.get("SQL_COUNT") or os.environ.get("ODSC_SQL_COUNT") == "1"):
        return
    install()

    @app.before_request
    def _start_count():
        _local.counter = Counter()

    @app.after_request
    def _report_count(response):
        counter = getattr(_local, "counter", None)
        if counter is not None:
            response.headers["X-SQL-Statements"] = str(counter.statements)
            response.headers["X-SQL-Commits"] = str(counter.commits)
        return response

    @app.teardown_request
    def _stop_count(_exc=None):
        _local.last = getattr(_local, "counter", None)
        _local.counter = None


def last() -> Counter | None:
    """The counter of the last request this thread served (tests read the statements it ran)."""
    return getattr(_local, "last", None)
