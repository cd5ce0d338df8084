"""API client state: bearer tokens (only their SHA-256 is stored) and idempotency keys."""
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
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
    # the first answer, compactly: its status, the resource it made or changed (an application id) and the
    # ETag it had; a retry gets the resource as it is now with the first status and ETag
    status: Mapped[int | None] = mapped_column(Integer)
    resource_id: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class AuthRevision(db.Model):
    """One row; database triggers bump `version` whenever a token or account changes in a way that can end
    or alter what a bearer token stands for (see migration 0011). Token caches compare it per request."""

    __tablename__ = "auth_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
