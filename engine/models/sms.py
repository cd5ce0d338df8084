"""Inbound status SMS: one row per accepted request (rate limits per phone, replay protection)."""
from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class InboundSms(db.Model):
    __tablename__ = "inbound_sms"
    __table_args__ = (Index("ix_inbound_sms_phone_at", "phone_hash", "received_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # sha256 of the normalised phone number: enough to count requests, nothing to read back
    phone_hash: Mapped[str] = mapped_column(String(64))
    # sha256 of the gateway's signature: the same signed request is answered once
    signature_hash: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))  # found | unknown | limited
