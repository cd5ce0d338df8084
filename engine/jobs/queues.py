"""Every queue name, job path, retry policy and periodic job of the platform, in one place.

Jobs are plain importable functions (in engine.jobs.tasks) that take primitive ids; rq serializes their
arguments as JSON. The worker listens on QUEUES in order (timers first, so a busy notification queue never
delays a deadline).
"""
from __future__ import annotations

from dataclasses import dataclass

TIMERS = "odsc-timers"
CONNECTORS = "odsc-connectors"
NOTIFICATIONS = "odsc-notifications"
DEFAULT = "odsc-default"
QUEUES = (TIMERS, CONNECTORS, NOTIFICATIONS, DEFAULT)

# job function path -> queue
FIRE_TIMER = "engine.jobs.tasks.fire_timer"
RUN_SERVICE_TASK = "engine.jobs.tasks.run_service_task"
SEND_NOTIFICATION = "engine.jobs.tasks.send_notification"
DISPATCH_DUE = "engine.jobs.tasks.dispatch_due"
CHECK_TIME_LIMITS = "engine.jobs.tasks.check_time_limits"
PURGE_IDEMPOTENCY = "engine.jobs.tasks.purge_idempotency_keys"
PURGE_SESSIONS = "engine.jobs.tasks.purge_web_sessions"
JOB_QUEUES = {
    FIRE_TIMER: TIMERS,
    RUN_SERVICE_TASK: CONNECTORS,
    SEND_NOTIFICATION: NOTIFICATIONS,
    DISPATCH_DUE: TIMERS,
    CHECK_TIME_LIMITS: DEFAULT,
    PURGE_IDEMPOTENCY: DEFAULT,
    PURGE_SESSIONS: DEFAULT,
}

# retries with backoff (seconds before attempt 2, 3, ...); the last entry repeats. Overridable in the
# app config (NOTIFY_RETRY_DELAYS, CONNECTOR_RETRY_DELAYS) so tests run fast.
NOTIFY_MAX_ATTEMPTS = 6
NOTIFY_RETRY_DELAYS = (10, 60, 300, 1800, 3600)
CONNECTOR_MAX_ATTEMPTS = 4
CONNECTOR_RETRY_DELAYS = (30, 120, 600)
# a claim older than this is considered abandoned (the worker died) and the row can be claimed again
CLAIM_LEASE_SECONDS = 300


@dataclass(frozen=True)
class Periodic:
    job: str
    every_seconds: float
    config_key: str  # app config key that overrides every_seconds
    # True: every worker's ticker runs it (it only claims rows, so it is safe to run concurrently);
    # False: one run per period across all workers (a Redis lock in rq mode)
    everywhere: bool = False


SCHEDULE = (
    # due timers, retries of notifications and service calls: claimed atomically, then run or enqueued
    Periodic(DISPATCH_DUE, 1.0, "JOBS_DISPATCH_SECONDS", everywhere=True),
    # reminders before the due date and escalation of overdue tasks to the centre supervisor
    Periodic(CHECK_TIME_LIMITS, 600.0, "JOBS_TIME_LIMITS_SECONDS"),
    # idempotency records older than a day (kept out of the request path: one DELETE an hour)
    Periodic(PURGE_IDEMPOTENCY, 3600.0, "JOBS_PURGE_IDEMPOTENCY_SECONDS"),
    # web sessions that ended (logout) or outlived SESSION_LIFETIME_SECONDS: dead rows, one DELETE an hour
    Periodic(PURGE_SESSIONS, 3600.0, "JOBS_PURGE_SESSIONS_SECONDS"),
)
