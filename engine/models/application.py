"""The application aggregate's read models: the application row, its tasks and its milestones."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

# application.status values
SUBMITTED, IN_PROGRESS, RETURNED, COMPLETED, REJECTED, CANCELLED = (
    "submitted", "in_progress", "returned", "completed", "rejected", "cancelled"
)
CLOSED_STATUSES = (COMPLETED, REJECTED, CANCELLED)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        Index("ix_application_centre_status", "centre_id", "status"),
        Index("ix_application_centre_submitted", "centre_id", "submitted_at"),
        Index("ix_application_status_due", "status", "due_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    service_version_id: Mapped[int] = mapped_column(ForeignKey("service_version.id"), index=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    channel: Mapped[str] = mapped_column(String(16), default="online")  # online | desk | api
    locale: Mapped[str] = mapped_column(String(8), default="lo")
    status: Mapped[str] = mapped_column(String(16), default=SUBMITTED)
    milestone: Mapped[str | None] = mapped_column(String(32))
    fee_amount: Mapped[int] = mapped_column(Integer, default=0)
    # the application form's answers (personal data: never on public pages)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    incident: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # the legal due date: the service's time limit in working days from submission, moved on by every
    # working day the case waited for the applicant (engine.clock)
    due_date: Mapped[date | None] = mapped_column(Date)
    # the legal clock is paused since this local date while the case is returned to the applicant
    clock_paused_since: Mapped[date | None] = mapped_column(Date)
    # working days the clock was paused in earlier, finished pauses
    paused_working_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # working days the case was with the centre, from submission to closing (set when it closes)
    working_days_taken: Mapped[int | None] = mapped_column(Integer)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # optimistic concurrency: every command checks and bumps it in the same transaction
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MilestoneEvent(db.Model):
    __tablename__ = "milestone_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    milestone: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# task.state values
TASK_READY, TASK_COMPLETED, TASK_CANCELLED = "ready", "completed", "cancelled"


class Task(db.Model):
    """One BPMN user task instance as the inbox sees it."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_inbox", "centre_id", "state", "office_role"),
        Index("ix_task_claimed", "claimed_by_id", "state"),
        # the bottleneck map (engine/stats/elements.py): working time per element over a period, index-only
        Index("ix_task_elements", "service_id", "completed_at", "bpmn_id", "working_days", "centre_id"),
        Index("ix_task_waiting", "service_id", "state", "bpmn_id", "centre_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task id
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"))
    bpmn_id: Mapped[str] = mapped_column(String(128))
    office_role: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str | None] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default=TASK_READY)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    # denormalised from the application, so the bottleneck map needs no join
    service_id: Mapped[str | None] = mapped_column(String(64))
    # working days from creation to completion (engine.clock), set when a clerk completes the task
    working_days: Mapped[int | None] = mapped_column(Integer)
