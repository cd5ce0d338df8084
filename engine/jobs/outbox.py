"""The transactional outbox: events that need durable follow-up work are turned into rows in the same
transaction that raised them (a SQLAlchemy before_commit hook), so nothing is lost between the commit and
the enqueue. Milestones become notification rows; script failures become incidents."""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("odsc.jobs")
_installed = False


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Session, "before_commit", _before_commit)
        _installed = True


def _before_commit(session: Session) -> None:
    pending = session.info.get("odsc_events")
    if not pending:
        return
    from flask import has_app_context

    if not has_app_context():
        return
    from engine import incidents, notifications

    for ev in list(pending):
        if ev.get("_outbox"):
            continue
        ev["_outbox"] = True
        if ev.get("kind") == "milestone":
            for notification_id in notifications.for_milestone(ev["application_id"], ev["milestone"]):
                pending.append({"kind": "notification", "notification_id": notification_id, "_outbox": True})
        elif ev.get("kind") in ("incident", "incident_opened") and ev.get("application_id"):
            if ev["kind"] == "incident":
                incidents.record_script_incident(ev["application_id"], ev.get("element") or "",
                                                 ev.get("detail") or "")
            for notification_id in incidents.notify_supervisors(ev["application_id"], ev.get("element") or ""):
                pending.append({"kind": "notification", "notification_id": notification_id, "_outbox": True})
