"""API client state: bearer tokens (only their SHA-256 is stored) and idempotency keys."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class ApiToken(db.Model):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # hex SHA-256 of the token; the token itself is shown once, when issued, and never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # the user's session_epoch at issue time: bumping the epoch ends every token at once
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120), default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[datetime | None] = mapped_column(DateTime)
    last_used: Mapped[datetime | None] = mapped_column(DateTime)


class IdempotencyKey(db.Model):
    """The first answer to a request carrying an Idempotency-Key, replayed to retries of it."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("key", "user_id", "route", name="uq_idempotency_key_user_route"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    route: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the request body: the same key with a different body is a client error
    request_hash: Mapped[str] = mapped_column(String(64))
    # None while the first request is still running
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
