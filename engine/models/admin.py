"""Administration state: one-time password set-up / reset codes (only a hash is stored)."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class PasswordReset(db.Model):
    """A one-time code an administrator hands to a staff member (in person or by phone) to choose a password.

    Only the SHA-256 of the code is kept; the code works once, before `expires`.
    """

    __tablename__ = "password_reset"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires: Mapped[datetime] = mapped_column(DateTime)
    used: Mapped[datetime | None] = mapped_column(DateTime)
