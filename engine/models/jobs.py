"""Background work that must survive restarts: due timers and service calls, the notification outbox,
per-centre number sequences and incidents. The database is the source of truth; Redis only carries jobs."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

# due_timer.kind
TIMER, SERVICE = "timer", "service"
# due_timer.state
WAITING, STUCK = "waiting", "incident"


class DueTimer(db.Model):
    """A BPMN timer waiting to fire, or a service task waiting for its connector call (kind 'service').

    A dispatcher claims due rows atomically (UPDATE ... WHERE claimed_by IS NULL, or FOR UPDATE SKIP LOCKED
    on PostgreSQL), so however many workers look at a row, one job runs it.
    """

    __tablename__ = "due_timer"
    __table_args__ = (
        UniqueConstraint("application_id", "task_id", name="uq_due_timer_application_task"),
        Index("ix_due_timer_due_at", "due_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))  # SpiffWorkflow task id
    element: Mapped[str] = mapped_column(String(128))  # BPMN element id
    kind: Mapped[str] = mapped_column(String(16), default=TIMER)
    connector: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=WAITING)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the worker (worker_heartbeat.id) running the claimed job; its claims are released once it stops beating
    claim_owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# notification.status
PENDING, SENT, FAILED = "pending", "sent", "failed"


class Notification(db.Model):
    """The outbox: one message for one (event, channel). The unique key makes every send idempotent."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event_key", "channel", name="uq_notification_event_channel"),
        Index("ix_notification_status_next", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_key: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(16))  # sms | email | web
    kind: Mapped[str] = mapped_column(String(32), default="milestone")  # milestone | reminder | escalation
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    centre_id: Mapped[str | None] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(8), default="lo")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    provider: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    claim_owner: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class Sequence(db.Model):
    """A gap-free counter per (name, scope), e.g. certificate numbers per centre and year."""

    __tablename__ = "sequence"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# incident.status
OPEN, RETRIED, CANCELLED = "open", "retried", "cancelled"


class Incident(db.Model):
    """Automatic work that gave up (a connector after its last retry, a failing script): the supervisor's job."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_centre_status", "centre_id", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    centre_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default=SERVICE)  # service | script
    element: Mapped[str] = mapped_column(String(128), default="")
    connector: Mapped[str | None] = mapped_column(String(64))
    due_timer_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class WorkerHeartbeat(db.Model):
    """A live `odsc worker` (or embedded ticker): `seen_at` is renewed every few seconds by its ticker.

    A claim whose owner has not beaten for WORKER_DEAD_SECONDS is released, so work held by a killed
    worker moves on within half a minute instead of waiting out the claim lease."""

    __tablename__ = "worker_heartbeat"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    queues: Mapped[str] = mapped_column(String(300), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
