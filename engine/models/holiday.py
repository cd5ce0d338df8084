"""Public holidays, skipped when counting working days."""
from datetime import date

from sqlalchemy import JSON, Date
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db


class Holiday(db.Model):
    __tablename__ = "holiday"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[dict] = mapped_column(JSON, default=dict)
