"""Designer: uploaded drafts (validated, not yet published) and version migrations of waiting applications."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

# draft.status values
DRAFT, PUBLISHED = "draft", "published"


class DesignerDraft(db.Model):
    """An upload that passed validation: its files, kept until published (or replaced by a newer upload)."""

    __tablename__ = "designer_draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), index=True)
    # {"service.yaml": text, "<name>.bpmn": text}
    files: Mapped[dict] = mapped_column(JSON)
    # uploaded form declarations {form id: yaml text}
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    # the validation report: a list of Problem.as_dict() with element names
    report: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("service_version.id"))


class VersionMigration(db.Model):
    """One run of 'move waiting applications of a centre from one service version to another'."""

    __tablename__ = "version_migration"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), index=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("service_version.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("service_version.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # [application id, ...] moved; {application id: reason} refused
    migrated: Mapped[list] = mapped_column(JSON, default=list)
    refused: Mapped[dict] = mapped_column(JSON, default=dict)
