"""Appending to the audit trail; callers do it inside the transaction of the change they record."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.db import db
from engine.models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, a citizen, or the system (jobs, CLI)."""

    user_id: int | None
    name: str
    kind: str = "staff"  # staff | citizen | system
    centre_id: str | None = None
    roles: frozenset = field(default_factory=frozenset)
    locale: str = "lo"

    def has(self, role: str) -> bool:
        return role in self.roles


SYSTEM = Actor(None, "system", "system")


def record(kind: str, actor: Actor, summary: str = "", *, application_id: int | None = None,
           centre_id: str | None = None, data: dict | None = None) -> AuditEvent:
    event = AuditEvent(kind=kind, actor_id=actor.user_id, actor_name=actor.name, summary=summary,
                       application_id=application_id, centre_id=centre_id or actor.centre_id, data=data or {})
    db.session.add(event)
    db.session.info.setdefault("odsc_audit_kinds", []).append(kind)  # counted by engine.metrics after commit
    return event
