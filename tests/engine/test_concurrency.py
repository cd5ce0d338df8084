"""Two clerks completing the same task at the same moment: one wins, the other gets a clear conflict."""
from __future__ import annotations

import threading

import pytest

from engine.db import db
from engine.errors import Conflict
from engine.models import Application, AuditEvent
from engine.runtime import commands, store
from tests.engine.helpers import actor, ready_task, start_residence


@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_completions_one_wins(app, round_):
    with app.app_context():
        application = start_residence()
        task_id = ready_task(application.id).id
        app_id = application.id
        desk, supervisor = actor("desk.xs"), actor("supervisor.xs")
    barrier = threading.Barrier(2)
    results: list = []

    def complete(who):
        with app.app_context():
            store.clear_cache()
            db.session.get(Application, app_id)  # both read the same version before either writes
            barrier.wait()
            try:
                commands.complete_task(task_id, who, {"decision": "approve"})
                results.append("ok")
            except Conflict as exc:
                results.append(exc.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=complete, args=(who,)) for who in (desk, supervisor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["conflict", "ok"] or sorted(results) == ["ok", "task_not_ready"], results
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(application_id=app_id, kind="task.completed").count() == 1
        assert ready_task(app_id).bpmn_id == "Task_VillageCertify"
