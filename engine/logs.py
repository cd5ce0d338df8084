"""Structured logs: one JSON object per line (time, level, logger, message, and the context of the moment:
request id, user id, application / tracking code, job id), from web and worker processes alike.

Every stdlib logger (ours, rq's, gunicorn's error log) goes through structlog's ProcessorFormatter, so the
format is the same everywhere. Context is bound per request (web.request_log) and per job
(engine.jobs.context.job_context) with `bind()`; it is kept in contextvars, so threads never mix it up.
"""
from __future__ import annotations

import logging
import sys

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, unbind_contextvars

_configured: tuple | None = None


def configure(level: str = "INFO", fmt: str = "json", stream=None) -> None:
    """Route every log record of this process to `stream` (stderr) as JSON lines (fmt 'json') or text.
    Idempotent per (level, fmt, stream)."""
    global _configured
    key = (level, fmt, id(stream))
    if _configured == key:
        return
    _configured = key
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    ]
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json" else \
        structlog.dev.ConsoleRenderer(colors=False)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer])
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.set_name("odsc")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "odsc"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # rq logs every job start and "Job OK" at INFO: at 74 centres that is noise, and it says OK for jobs
    # whose work failed and was retried; our jobs log their own outcome once
    logging.getLogger("rq.worker").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def bind(**values) -> None:
    """Add context (request_id, user_id, tracking_code, application_id, job_id, ...) to later log lines."""
    bind_contextvars(**{k: v for k, v in values.items() if v is not None})


def unbind(*keys: str) -> None:
    unbind_contextvars(*keys)


def clear() -> None:
    clear_contextvars()
