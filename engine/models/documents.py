"""Stored uploads and issued certificates (with the per-centre, per-year counter of certificate numbers)."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class Document(db.Model):
    """One stored upload. The bytes live in the document storage under `storage_key`, never in the web root."""

    __tablename__ = "document"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # random, unguessable
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def meta(self) -> dict:
        """The reference the forms store in their answers."""
        return {"id": self.id, "name": self.name, "content_type": self.content_type, "size": self.size,
                "sha256": self.sha256}


class IssuedCertificate(db.Model):
    """A certificate issued by the platform; `signature` is an HMAC over its number and key fields."""

    __tablename__ = "issued_certificate"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="certificate")  # certificate | decision (rejection)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    service_id: Mapped[str] = mapped_column(String(64))
    service_version_id: Mapped[int] = mapped_column(Integer)
    centre_id: Mapped[str] = mapped_column(String(64), index=True)
    # public facts (shown on the verify page)
    service_name: Mapped[dict] = mapped_column(JSON, default=dict)  # {lo, en}
    centre_name: Mapped[dict] = mapped_column(JSON, default=dict)  # {lo, en}
    approver_name: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # personal data: only on the PDF, never on the verify page
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    body_html: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[str] = mapped_column(String(64))


class CertificateCounter(db.Model):
    """The last certificate number given out by a centre in a year."""

    __tablename__ = "certificate_counter"
    centre_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
