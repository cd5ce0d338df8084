"""Centres, offices, office roles and published service versions."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import db, utcnow


class OfficeRole(db.Model):
    __tablename__ = "office_role"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_lo: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Centre(db.Model):
    __tablename__ = "centre"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_lo: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # ministry | province | district
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("centre.id"), index=True)
    address_lo: Mapped[str] = mapped_column(String(300), default="")
    address_en: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    hours_lo: Mapped[str] = mapped_column(String(200), default="")
    hours_en: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # IANA time zone: a timer date-time without an offset is a local time of this zone (engine.timers)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Vientiane", server_default="Asia/Vientiane")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    offices: Mapped[list["Office"]] = relationship(back_populates="centre", order_by="Office.id")
    services: Mapped[list["CentreService"]] = relationship(back_populates="centre")


class Office(db.Model):
    __tablename__ = "office"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"), index=True)
    name_lo: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list] = mapped_column(JSON, default=list)

    centre: Mapped[Centre] = relationship(back_populates="offices")


class Service(db.Model):
    __tablename__ = "service"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_lo: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_version.id", use_alter=True, name="fk_service_current_version")
    )

    current_version: Mapped["ServiceVersion | None"] = relationship(foreign_keys=[current_version_id])


class ServiceVersion(db.Model):
    """An immutable published version: BPMN, service.yaml and the forms it uses, hashed together."""

    __tablename__ = "service_version"
    __table_args__ = (
        UniqueConstraint("service_id", "number", name="uq_service_version_number"),
        UniqueConstraint("service_id", "content_hash", name="uq_service_version_hash"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # parsed service.yaml + per-task metadata + form declarations; see engine.catalogue.model
    definition: Mapped[dict] = mapped_column(JSON)
    # {file name: BPMN XML text}, kept for download and for re-parsing after a restart
    bpmn: Mapped[dict] = mapped_column(JSON)
    service_yaml: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200), default="")
    # catalogue: loaded from workflows/ by `odsc catalogue load`; designer: uploaded through the designer
    origin: Mapped[str] = mapped_column(String(16), default="catalogue", server_default="catalogue")


class CentreService(db.Model):
    __tablename__ = "centre_service"
    centre_id: Mapped[str] = mapped_column(ForeignKey("centre.id"), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), primary_key=True)
    fee_override: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    centre: Mapped[Centre] = relationship(back_populates="services")
    service: Mapped[Service] = relationship()
