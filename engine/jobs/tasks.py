"""The job functions. Plain importable functions taking primitive ids: rq (JSON serializer) and the in-process
runner call the same code. Each runs in an app context (engine.jobs.context.job_context)."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from engine.jobs.context import job_context
from engine.runtime.failures import explain

log = logging.getLogger("odsc.jobs")


def _publisher():
    return current_app.extensions["odsc_publisher"]


def fire_timer(timer_id: int, token: str | None = None) -> list[str]:
    """Fire the due timers of the application that owns due_timer `timer_id` (claimed with `token`)."""
    from engine import timers
    from engine.db import db, utcnow
    from engine.errors import Conflict
    from engine.runtime.timer_command import fire_due_timers

    with job_context():
        runner = timers.new_token()
        row = timers.take_claim(timer_id, token, runner)
        if row is None:
            return []  # fired (or taken) by someone else
        app_id = row.application_id
        try:
            fired = fire_due_timers(app_id)
        except Conflict:
            fired = []  # another command changed the application meanwhile: try again on the next tick
        except Exception as exc:  # noqa: BLE001 - keep the timer; try again later
            db.session.rollback()
            log.exception("timer %s of application %s failed", timer_id, app_id)
            timers.release(timer_id, runner, due_at=utcnow() + timedelta(seconds=30), error=explain(exc))
            db.session.commit()
            return []
        # still there (not yet due by the engine's clock): free it, look again a little later
        timers.release(timer_id, runner, due_at=None if fired else utcnow() + timedelta(seconds=2))
        db.session.commit()
        return fired


def run_service_task(timer_id: int, token: str | None = None) -> str:
    """Call the connector of a waiting service task and complete the task; retry with backoff, then incident."""
    from engine import connectors, incidents, timers
    from engine.db import db, utcnow
    from engine.errors import DomainError
    from engine.jobs import queues
    from engine.models import Application
    from engine.models.jobs import DueTimer
    from engine.runtime.timer_command import complete_service_task

    with job_context():
        runner = timers.new_token()
        row = timers.take_claim(timer_id, token, runner)
        if row is None:
            return "skipped"
        app_id, task_id, name = row.application_id, row.task_id, row.connector or row.element
        attempts = row.attempts + 1
        from engine import logs

        logs.bind(application_id=app_id)
        try:
            connector = connectors.get(name)
            result = None
            if not connector.in_transaction:
                app = db.session.get(Application, app_id)
                data = dict(app.data or {})
                data.update(_task_data(app, task_id))
                db.session.commit()
                result = connector.call(app, data)
            complete_service_task(app_id, task_id, connector, result)
            log.info("connector %s completed service task %s of application %s (attempt %s)",
                     name, row.element, app_id, attempts)
            _count_call(name, "completed")
            return "completed"
        except Exception as exc:  # noqa: BLE001 - every failure counts as an attempt
            db.session.rollback()
            error = explain(exc)
            if isinstance(exc, DomainError) and exc.code in ("task_not_ready", "application_closed"):
                timers.drop(timer_id)  # the task is not waiting any more: nothing to call
                db.session.commit()
                return "stale"
            if isinstance(exc, DomainError) and exc.code == "conflict":
                timers.release(timer_id, runner, due_at=utcnow() + timedelta(seconds=1))
                db.session.commit()
                return "conflict"
            limit = int(current_app.config.get("CONNECTOR_MAX_ATTEMPTS", queues.CONNECTOR_MAX_ATTEMPTS))
            delays = current_app.config.get("CONNECTOR_RETRY_DELAYS", queues.CONNECTOR_RETRY_DELAYS)
            if attempts >= limit:
                from engine.runtime.commands import transaction

                with transaction():
                    row = db.session.get(DueTimer, timer_id)
                    row.attempts, row.last_error, row.claimed_by, row.claimed_at = attempts, error[:4000], None, None
                    row.claim_owner = None
                    incidents.open_service_incident(row, error)
                log.warning("service task %s of application %s: incident after %s attempts: %s",
                            row.element, app_id, attempts, error)
                _count_call(name, "incident")
                return "incident"
            delay = float(delays[min(attempts - 1, len(delays) - 1)]) if delays else 0.0
            timers.release(timer_id, runner, due_at=utcnow() + timedelta(seconds=delay), error=error,
                           attempts=attempts)
            db.session.commit()
            log.warning("connector %s failed for application %s (attempt %s of %s), retry in %ss: %s",
                        name, app_id, attempts, limit, delay, error)
            _count_call(name, "retry")
            return "retry"


def _count_call(connector: str, outcome: str) -> None:
    from engine import metrics

    metrics.CONNECTOR_CALLS.labels(connector=connector, outcome=outcome).inc()


def _task_data(app, task_id: str) -> dict:
    from uuid import UUID

    from engine.runtime import store
    from engine.runtime.specs import compiled

    workflow = store.restore(app.id, compiled(app.service_version_id))  # a private copy, read only
    task = workflow.get_task_from_id(UUID(task_id))
    return dict(task.data) if task is not None else {}


def send_notification(notification_id: int, token: str | None = None) -> str:
    from engine import notifications

    with job_context():
        return notifications.send(notification_id, token)


def dispatch_due() -> int:
    """Claim due timers, service-call retries and notification retries; hand each to a job. Safe on every worker."""
    from engine import notifications, timers
    from engine.jobs.queues import FIRE_TIMER, RUN_SERVICE_TASK, SEND_NOTIFICATION
    from engine.models.jobs import TIMER

    with job_context():
        publisher = _publisher()
        count = 0
        for row_id, kind, token in timers.claim_due():
            publisher.submit(FIRE_TIMER if kind == TIMER else RUN_SERVICE_TASK, row_id, token)
            count += 1
        for nid, token in notifications.claim_due():
            publisher.submit(SEND_NOTIFICATION, nid, token)
            count += 1
        return count


def check_time_limits() -> dict:
    """Reminders before the due date and escalation of overdue tasks to the centre supervisor."""
    from engine.jobs import timelimits

    with job_context():
        return timelimits.check()


def purge_idempotency_keys() -> int:
    """Delete idempotency records older than a day (engine.idempotency.KEEP); returns how many."""
    from engine import idempotency

    with job_context():
        return idempotency.purge()


def purge_web_sessions() -> int:
    """Delete the web sessions that can never be used again: ended (logged out) or started longer ago than
    the app's PERMANENT_SESSION_LIFETIME (seconds, or a timedelta; SESSION_LIFETIME_SECONDS). Returns how many."""
    from engine import sessions

    with job_context():
        lifetime = current_app.config.get("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
        if not isinstance(lifetime, timedelta):
            lifetime = timedelta(seconds=float(lifetime))
        return sessions.purge(lifetime)
