"""What the diagram partial (web/templates/designer/_diagram.html) needs for one application or version.

Reads only the read models (task rows), never restores a workflow.
"""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.models import Application, ServiceVersion, Task
from engine.models.application import TASK_COMPLETED, TASK_READY


def main_bpmn(definition: dict, bpmn: dict[str, str]) -> str:
    """The BPMN text holding the service's entry process."""
    process = definition.get("process") or ""
    for name in sorted(bpmn):
        if f'id="{process}"' in bpmn[name]:
            return bpmn[name]
    return bpmn[sorted(bpmn)[0]] if bpmn else ""


def for_version(version: ServiceVersion, done: list[str] | None = None, current: list[str] | None = None) -> dict:
    return {"xml": main_bpmn(version.definition, version.bpmn), "done": sorted(set(done or [])),
            "current": sorted(set(current or [])), "version": version.number, "service": version.service_id}


def for_application(app: Application) -> dict:
    """The diagram of the application's own version, its completed steps and the steps it waits in."""
    version = db.session.get(ServiceVersion, app.service_version_id)
    rows = db.session.execute(select(Task.bpmn_id, Task.state).where(Task.application_id == app.id)).all()
    current = [b for b, s in rows if s == TASK_READY]
    done = [b for b, s in rows if s == TASK_COMPLETED and b not in current]
    return for_version(version, done, current)
