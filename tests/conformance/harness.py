"""Driving conformance scenarios through the real engine commands, restoring from the database between steps.

A scenario is a folder `tests/conformance/data/<scenario>/` with `service.yaml`, one or more `.bpmn` files and
optionally `forms/*.yaml`; the forms of `data/_forms/` and of the repository's `forms/` are available to every
scenario. It is validated by the same loader as a catalogue folder or a designer upload, published, and offered
at the demo centre `xaysettha`.

`restart()` is what a new OS process would see: the per-process workflow cache and spec cache are emptied and
the session is thrown away, so the next command restores the workflow from its stored rows and parses the
service version again. `Case` calls it before every command.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
CENTRE = "xaysettha"
# the demo accounts of xaysettha, by office role
ROLE_USERS = {"front_desk": "desk.xs", "approver": "approver.xs", "cashier": "cashier.xs",
              "village_office": "officer.xs", "home_affairs_officer": "officer.xs",
              "public_works_officer": "officer.xs", "commerce_officer": "officer.xs",
              "supervisor": "supervisor.xs", "applicant": "desk.xs"}


def restart() -> None:
    """Forget everything this process holds about workflows, as a freshly started worker would."""
    from engine.db import db
    from engine.jobs import hooks
    from engine.runtime import specs, store

    db.session.remove()
    store.clear_cache()
    specs.clear()
    hooks._can_wait.cache_clear()


def load_bundle(name: str, problems: list | None = None, files: dict[str, bytes] | None = None):
    """The scenario validated like an upload: (bundle or None, problems); `files` replaces its folder's files."""
    from engine.catalogue.forms import parse_form
    from engine.catalogue.loader import load_service
    from engine.catalogue.yamlio import load_yaml

    problems = [] if problems is None else problems
    cat = _repo_catalogue()
    forms = dict(cat.forms)
    for folder in (DATA / "_forms", DATA / name / "forms"):
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                form = parse_form(load_yaml(path.read_text("utf-8")), path.name, problems)
                forms[form["id"]] = form
    folder = DATA / name
    files = files or {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    service_id = _service_id(files)
    bundle = load_service(folder.with_name(service_id), f"workflows/{service_id}", forms, cat.roles, problems,
                          files=files)
    return bundle, problems


@lru_cache(maxsize=1)
def _repo_catalogue():
    from engine.catalogue.loader import load_catalogue

    return load_catalogue(ROOT)


def _service_id(files: dict) -> str:
    from engine.catalogue.yamlio import load_yaml

    return load_yaml(files["service.yaml"].decode("utf-8"))["id"]


def publish(name: str) -> str:
    """Validate, publish and offer the scenario at xaysettha; returns the service id. Fails on any error."""
    from engine.catalogue.publish import publish_service
    from engine.db import db
    from engine.models import CentreService

    bundle, problems = load_bundle(name)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert bundle is not None and not errors, errors
    publish_service(bundle)
    if db.session.get(CentreService, (CENTRE, bundle.id)) is None:
        db.session.add(CentreService(centre_id=CENTRE, service_id=bundle.id, active=True))
    db.session.commit()
    return bundle.id


def actor(username: str):
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import User

    return actor_for(db.session.execute(select(User).where(User.username == username)).scalar_one())


class Case:
    """One application of a scenario, driven command by command with a restart before each."""

    def __init__(self, service_id: str, data: dict | None = None):
        from engine.runtime.commands import start_application

        restart()
        citizen = actor("02055551234")
        app = start_application(service_id=service_id, centre_id=CENTRE,
                                data={"applicant_name": "ສົມຊາຍ", **(data or {})},
                                actor=citizen, applicant_id=citizen.user_id)
        self.id = app.id
        self.service_id = service_id
        run_jobs()

    # ---- what a user sees --------------------------------------------------------------------------
    def app(self):
        from engine.db import db
        from engine.models import Application

        db.session.expire_all()
        return db.session.get(Application, self.id)

    def ready(self) -> list:
        """The ready task rows (the inbox entries of this case), oldest first."""
        from engine.db import db
        from engine.models import Task

        db.session.expire_all()
        return list(db.session.execute(select(Task).where(Task.application_id == self.id, Task.state == "ready")
                                       .order_by(Task.created_at, Task.id)).scalars())

    def inbox(self) -> list[tuple[str, str]]:
        """(bpmn id, office role) of every ready task, sorted."""
        return sorted((t.bpmn_id, t.office_role) for t in self.ready())

    def milestones(self) -> list[str]:
        from engine.db import db
        from engine.models import MilestoneEvent

        return list(db.session.execute(select(MilestoneEvent.milestone).where(
            MilestoneEvent.application_id == self.id).order_by(MilestoneEvent.id)).scalars())

    def visible_in_inbox_of(self, username: str, bpmn_id: str) -> bool:
        from engine.queries import inbox

        restart()
        return any(t.bpmn_id == bpmn_id and t.application_id == self.id for t, _a in inbox(actor(username)))

    # ---- commands ----------------------------------------------------------------------------------
    def task(self, bpmn_id: str):
        rows = [t for t in self.ready() if t.bpmn_id == bpmn_id]
        assert rows, f"{bpmn_id} is not ready; ready: {self.inbox()}"
        return rows[0]

    def complete(self, bpmn_id: str, data: dict | None = None, *, user: str | None = None, action: str = "complete",
                 reason: str | None = None):
        """Complete the oldest ready task `bpmn_id` as a user of its office role, after a restart."""
        from engine.runtime.commands import complete_task

        row = self.task(bpmn_id)
        task_id, role = row.id, row.office_role
        restart()
        complete_task(task_id, actor(user or ROLE_USERS[role]), dict(data or {}), action=action, reason=reason)
        run_jobs()
        return self

    def fire_timers(self, later: timedelta = timedelta(days=400)) -> list[str]:
        """Move the clock of this case forward by `later` (its waiting timers' stored due times and due rows go
        back by that much) and run the timer command as the job would, after a restart."""
        from engine.runtime.timer_command import fire_due_timers

        make_due(self.id, later)
        restart()
        fired = fire_due_timers(self.id)
        run_jobs()
        return fired


def run_jobs() -> None:
    """Run the jobs the last command published (service tasks, notifications), after a restart, as a worker
    process would; the conformance fixture turns the in-process publisher's eager mode off for this."""
    from flask import current_app

    restart()
    current_app.extensions["odsc_publisher"].run_pending()
    restart()


def make_due(application_id: int, later: timedelta) -> None:
    """Time passes for one case: every waiting timer of the stored workflow is moved `later` into the past."""
    from SpiffWorkflow.util.task import TaskState

    from engine.db import db
    from engine.models.jobs import DueTimer
    from engine.models.workflow import WorkflowState, WorkflowTaskState
    from engine.timerexpr import to_utc as _as_utc

    WAITING = TaskState.WAITING  # noqa: N806 - the stored state number

    def shift(value):
        if isinstance(value, dict):
            return {**value, "next": shift(value.get("next"))} if value.get("next") else value
        if isinstance(value, str):
            if value.startswith("9999-"):  # held by engine.timers: the due row alone says when it fires
                return value
            try:
                when = _as_utc(value)
            except Exception:  # noqa: BLE001 - not a date: leave it
                return value
            if when is not None:
                return (when - later).isoformat() + "+00:00"
        return value

    restart()
    for row in db.session.execute(select(WorkflowTaskState).where(
            WorkflowTaskState.application_id == application_id)).scalars():
        body = dict(row.body)
        internal = dict(body.get("internal_data") or {})
        if "event_value" in internal and body.get("state") == WAITING:
            internal["event_value"] = shift(internal["event_value"])
            body["internal_data"] = internal
            row.body = body
    state = db.session.get(WorkflowState, application_id)
    meta = dict(state.meta)
    if meta.get("subprocesses"):
        subs = json.loads(json.dumps(meta["subprocesses"]))
        for sub in subs.values():
            for body in sub.get("tasks", {}).values():
                internal = body.get("internal_data") or {}
                if "event_value" in internal and body.get("state") == WAITING:
                    internal["event_value"] = shift(internal["event_value"])
        meta["subprocesses"] = subs
        state.meta = meta
    for due in db.session.execute(select(DueTimer).where(DueTimer.application_id == application_id)).scalars():
        due.due_at = due.due_at - later
    db.session.commit()


# ---- a second OS process -------------------------------------------------------------------------------

def in_other_process(app, command: dict) -> dict:
    """Run one command of `tests.conformance.driver` in a fresh Python process on the same database."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.conformance.driver", app.config["SQLALCHEMY_DATABASE_URI"],
         json.dumps(command)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])
