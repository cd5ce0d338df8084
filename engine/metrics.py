"""Prometheus metrics of the platform (prometheus_client). Counters are incremented where things happen
(web requests, committed commands, SMS segments); the state of the queues and of the centres is read from
the database at scrape time by `DatabaseCollector`, so every process reports the same truth.

gunicorn runs several processes: with PROMETHEUS_MULTIPROC_DIR set (a directory shared by the web and
worker processes of one host, emptied at start), counters of every process are summed at scrape time.
"""
from __future__ import annotations

import math
from datetime import timedelta

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import case, event, func, select
from sqlalchemy.orm import Session

REQUESTS = Counter("odsc_http_requests_total", "HTTP requests by route, method and status",
                   ["route", "method", "status"])
LATENCY = Histogram("odsc_http_request_seconds", "HTTP request latency by route", ["route"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
COMMANDS = Counter("odsc_commands_total", "Committed state changes by kind (the audit event kinds)", ["kind"])
SMS_SEGMENTS = Counter("odsc_sms_segments_total", "SMS segments handed to the gateway")
NOTIFICATIONS = Counter("odsc_notifications_total", "Notification send outcomes by channel", ["channel", "outcome"])
CONNECTOR_CALLS = Counter("odsc_connector_calls_total", "Connector call outcomes", ["connector", "outcome"])


def sms_segments(text: str) -> int:
    """Segments an SMS of `text` takes: GSM-7 160 (153 per part), else UCS-2 70 (67 per part) — Lao is UCS-2."""
    gsm = all(ord(ch) < 128 for ch in text)
    single, part = (160, 153) if gsm else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / part)


@event.listens_for(Session, "after_commit")
def _count_commands(session) -> None:
    for kind in session.info.pop("odsc_audit_kinds", []):
        COMMANDS.labels(kind=kind).inc()


@event.listens_for(Session, "after_rollback")
def _forget_commands(session) -> None:
    session.info.pop("odsc_audit_kinds", None)


class DatabaseCollector:
    """Gauges read from the database at scrape time (inside the scraping request's app context)."""

    def collect(self):
        from engine import health
        from engine.db import db, utcnow
        from engine.models import Application, Task
        from engine.models.application import CLOSED_STATUSES, TASK_READY
        from engine.models.jobs import OPEN, WAITING, DueTimer, Incident, Notification, WorkerHeartbeat

        now = utcnow()
        backlog = GaugeMetricFamily("odsc_due_timers", "Waiting timers and service calls: due now / later",
                                    labels=["kind", "due"])
        # one expression for "due now" in both SELECT and GROUP BY would be two bind parameters, which
        # PostgreSQL refuses to group by: count with a CASE instead
        due_now = func.sum(case((DueTimer.due_at <= now, 1), else_=0))
        for kind, total, now_count in db.session.execute(
                select(DueTimer.kind, func.count(), due_now).where(DueTimer.state == WAITING)
                .group_by(DueTimer.kind)):
            backlog.add_metric([kind, "now"], int(now_count or 0))
            backlog.add_metric([kind, "later"], int(total) - int(now_count or 0))
        yield backlog
        yield GaugeMetricFamily("odsc_due_timer_lag_seconds", "How late the oldest due timer or call is",
                                value=health.oldest_due_lag())
        outbox = GaugeMetricFamily("odsc_outbox_messages", "Messages by channel and status (pending, failed)",
                                   labels=["channel", "status"])
        for channel, status, count in db.session.execute(
                select(Notification.channel, Notification.status, func.count())
                .where(Notification.status.in_(("pending", "failed"))).group_by(Notification.channel,
                                                                                 Notification.status)):
            outbox.add_metric([channel, status], count)
        yield outbox
        incidents = GaugeMetricFamily("odsc_incidents_open", "Open incidents by centre and kind",
                                      labels=["centre", "kind"])
        for centre, kind, count in db.session.execute(
                select(Incident.centre_id, Incident.kind, func.count()).where(Incident.status == OPEN)
                .group_by(Incident.centre_id, Incident.kind)):
            incidents.add_metric([centre, kind], count)
        yield incidents
        from engine.runtime.commands import local_today

        overdue = GaugeMetricFamily("odsc_tasks_overdue", "Open tasks past their due date by centre",
                                    labels=["centre"])
        for centre, count in db.session.execute(
                select(Task.centre_id, func.count()).join(Application, Application.id == Task.application_id)
                .where(Task.state == TASK_READY, Task.due_date < local_today(),
                       Application.status.not_in(CLOSED_STATUSES)).group_by(Task.centre_id)):
            overdue.add_metric([centre], count)
        yield overdue
        workers = GaugeMetricFamily("odsc_worker_heartbeat_age_seconds", "Seconds since each worker's heartbeat",
                                    labels=["worker"])
        for wid, seen in db.session.execute(select(WorkerHeartbeat.id, WorkerHeartbeat.seen_at).where(
                WorkerHeartbeat.seen_at >= now - timedelta(hours=1))):
            workers.add_metric([wid], (now - seen).total_seconds())
        yield workers
