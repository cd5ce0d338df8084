"""The applicant's rating of a finished case: one per application."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_service_centre", "service_id", "centre_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    service_id: Mapped[str] = mapped_column(String(64))
    centre_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(Integer)  # 1..5
    comment: Mapped[str | None] = mapped_column(Text)  # may name people: staff pages only, never public
    channel: Mapped[str] = mapped_column(String(16))  # web | api | sms_link
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
