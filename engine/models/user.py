"""Accounts: staff (by username) and citizens (by phone number), with their roles."""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db, utcnow

# roles that are not office roles; office roles come from the centres file
SYSTEM_ROLES = ("supervisor", "monitor", "designer", "admin")


class User(db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(16), default="staff")  # staff | citizen
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="lo")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # bumped to invalidate every session and token of the account at once
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class UserRole(db.Model):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)


class WebSession(db.Model):
    """One logged-in browser session. The cookie carries a random id; only its SHA-256 is stored here, so
    ending the row (logout) ends every copy of that cookie at once."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended: Mapped[datetime | None] = mapped_column(DateTime)
