"""Fault 7 of issue 12: a gateway with no route or a failing script never eats a clerk's action.

The command fails whole: nothing is written, the task stays ready and claimed by the same clerk, no incident
is opened, and the message names the element by id and name in Lao and English, without a Python repr.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conformance.harness import Case, actor, publish, restart

REPR = re.compile(r"<[^>]* at 0x[0-9a-f]+>|''|\?\s*:|element \?")


def snapshot(case):
    from engine.db import db
    from engine.models import AuditEvent
    from engine.models.jobs import Incident
    from engine.models.workflow import WorkflowTaskState

    app = case.app()
    rows = db.session.execute(select(WorkflowTaskState.task_id, WorkflowTaskState.body).where(
        WorkflowTaskState.application_id == case.id).order_by(WorkflowTaskState.seq)).all()
    return {
        "version": app.version, "status": app.status, "milestone": app.milestone, "incident": app.incident,
        "tasks": [(t.id, t.bpmn_id, t.state, t.claimed_by_id) for t in case.ready()],
        "state": [(tid, body) for tid, body in rows],
        "incidents": db.session.execute(select(func.count()).select_from(Incident).where(
            Incident.application_id == case.id)).scalar(),
        "audit": db.session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.application_id == case.id)).scalar(),
    }


def claimed_task(case, bpmn_id):
    from engine.runtime.commands import claim

    row = case.task(bpmn_id)
    restart()
    claim(row.id, actor("desk.xs"))
    restart()
    return row.id


def attempt(case, task_id, data):
    from engine.runtime.commands import complete_task
    from engine.runtime.failures import StepFailed

    restart()
    with pytest.raises(StepFailed) as failed:
        complete_task(task_id, actor("desk.xs"), data)
    restart()
    return failed.value


def test_gateway_without_route_fails_the_command_whole(conf):
    case = Case(publish("gateway_gap"))
    task_id = claimed_task(case, "Task_Score")
    before = snapshot(case)
    failed = attempt(case, task_id, {"score": 4})
    assert snapshot(case) == before  # nothing written: same version, rows, incidents and audit trail
    assert before["tasks"][0][3] is not None  # still claimed by the clerk
    lo, en = failed.message("lo"), failed.message("en")
    for text in (lo, en):
        assert "Gateway_Score" in text and "Score high enough?" in text
        assert not REPR.search(text), text
    assert "no route" in en and "ບໍ່ມີເສັ້ນທາງ" in lo
    assert failed.status == 422 and failed.element == "Gateway_Score"
    # retrying the same answer fails the same way; another answer goes through
    attempt(case, task_id, {"score": 3})
    case.complete("Task_Score", {"score": 7})
    app = case.app()
    assert (app.status, app.milestone, app.incident) == ("completed", "completed", None)


def test_failing_script_after_a_clerk_fails_the_command_whole(conf):
    case = Case(publish("script_failure"))
    task_id = claimed_task(case, "Task_Score")
    before = snapshot(case)
    failed = attempt(case, task_id, {"score": 0})
    assert snapshot(case) == before
    en = failed.message("en")
    assert "«Compute the ratio» (Script_Ratio)" in en and "division by zero" in en, en
    assert not re.search(r"\b[A-Z]\w*(Error|Exception)\b", en), en  # no Python exception name for a clerk
    assert "«Compute the ratio» (Script_Ratio)" in failed.message("lo")
    assert not REPR.search(en)
    case.complete("Task_Score", {"score": 5})
    assert case.app().status == "completed"
