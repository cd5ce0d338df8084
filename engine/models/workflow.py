"""Stored workflow state: one small row per workflow plus one row per SpiffWorkflow task.

A step rewrites only the task rows it changed, so its cost does not grow with the history of loops.
"""
from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db

# bump when the layout of `meta` or `body` changes; restore refuses unknown formats
FORMAT_VERSION = "odsc-wf-1"


class WorkflowState(db.Model):
    __tablename__ = "workflow_state"
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), primary_key=True)
    format_version: Mapped[str] = mapped_column(String(32), default=FORMAT_VERSION)
    serializer_version: Mapped[str] = mapped_column(String(16))
    # the serialized workflow without its tasks and specs (specs come from the service version)
    meta: Mapped[dict] = mapped_column(JSON)
    next_seq: Mapped[int] = mapped_column(Integer, default=0)


class WorkflowTaskState(db.Model):
    __tablename__ = "workflow_task_state"
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # restore order: a parent is always restored before its children
    seq: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
