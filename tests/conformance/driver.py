"""One engine command in its own OS process: `python -m tests.conformance.driver DB_URL JSON`.

JSON is {"op": "complete", "application_id": N, "bpmn_id": "...", "data": {...}, "action": "complete"} or
{"op": "fire_timers", "application_id": N}. Prints one JSON line: the ready tasks, status and milestone after it.
"""
from __future__ import annotations

import json
import sys


def main(url: str, command: dict) -> dict:
    from sqlalchemy import select

    from engine.db import db
    from engine.models import Application, Task
    from tests.conformance.harness import ROLE_USERS, actor
    from web import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        app_id = command["application_id"]
        if command["op"] == "complete":
            from engine.runtime.commands import complete_task

            row = db.session.execute(select(Task).where(
                Task.application_id == app_id, Task.state == "ready", Task.bpmn_id == command["bpmn_id"])
                .order_by(Task.created_at, Task.id)).scalars().first()
            if row is None:
                raise SystemExit(f"{command['bpmn_id']} is not ready")
            complete_task(row.id, actor(command.get("user") or ROLE_USERS[row.office_role]),
                          command.get("data") or {}, action=command.get("action", "complete"),
                          reason=command.get("reason"))
        elif command["op"] == "fire_timers":
            from engine.runtime.timer_command import fire_due_timers

            fire_due_timers(app_id)
        db.session.remove()
        case = db.session.get(Application, app_id)
        ready = sorted(t.bpmn_id for t in db.session.execute(select(Task).where(
            Task.application_id == app_id, Task.state == "ready")).scalars())
        return {"ready": ready, "status": case.status, "milestone": case.milestone}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
