"""`python -m bench engine`: the cost of running services, from raw SpiffWorkflow to the persisted engine.

Prints JSON lines. Everything is measured in one process on one machine; ratios compare lines of the same run.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[1]
SERVICE = "residence_certificate"
PATH = [  # the residence certificate's approve path, with the answers each step gives
    {"decision": "approve"}, {"decision": "approve"}, {"decision": "approve"},
    {"receipt_number": "R-1", "amount_paid": 0}, {"handed_over": True},  # amount_paid: the centre's fee
]
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/odsc_bench_engine")


def emit(**row) -> dict:
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def raw_spec():
    parser = BpmnParser()
    parser.add_bpmn_file(str(ROOT / "workflows" / SERVICE / "process.bpmn"))
    return parser.get_spec(SERVICE)


def _sandbox_engine():
    from engine.sandbox import create_script_engine

    return create_script_engine()


def raw_run(spec, round_trip: bool, seconds: float) -> float:
    """Completions per second of raw SpiffWorkflow (optionally with a whole-workflow JSON round trip per step)."""
    serializer = BpmnWorkflowSerializer()
    script_engine = _sandbox_engine()
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        wf = BpmnWorkflow(spec, script_engine=script_engine)
        wf.do_engine_steps()
        for answers in PATH:
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(answers)
            task.run()
            wf.do_engine_steps()
            if round_trip:
                wf = serializer.deserialize_json(serializer.serialize_json(wf))
                wf.script_engine = script_engine
            done += 1
    return done / (time.perf_counter() - start)


def raw_loop_cost(spec, loops: int, repeats: int = 20) -> float:
    """Seconds for one step + whole-blob round trip after `loops` return loops."""
    serializer = BpmnWorkflowSerializer()
    wf = BpmnWorkflow(spec, script_engine=_sandbox_engine())
    wf.do_engine_steps()
    for i in range(loops * 2 + repeats):
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"decision": "return", "reason": "x"} if task.task_spec.name == "Task_Check"
                         else {"response": "ok"})
        if i == loops * 2:
            t0 = time.perf_counter()
        task.run()
        wf.do_engine_steps()
        if i >= loops * 2:
            engine = wf.script_engine
            wf = serializer.deserialize_json(serializer.serialize_json(wf))
            wf.script_engine = engine
    return (time.perf_counter() - t0) / repeats


def make_app(url: str):
    from web import create_app
    from web.cli import init_database
    from web.demo import load_demo

    os.environ.setdefault("ODSC_INSTANCE", tempfile.mkdtemp(prefix="odsc-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        init_database()
        load_demo()
    # jobs (notifications) are enqueued, not run inline, as rq does in production: the engine is measured
    app.extensions["odsc_publisher"] = _Enqueue()
    return app


class _Enqueue:
    def __init__(self):
        self.events: list = []

    def publish(self, events: list) -> None:
        self.events.extend(events)
        del self.events[:-100]


def engine_run(app, seconds: float, cold: bool) -> float:
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import Task, User
    from engine.runtime import commands, store

    with app.app_context():
        users = {u.username: actor_for(u) for u in db.session.query(User).all()}
        citizen = users["02055551234"]
        who = ["desk.xs", "officer.xs", "approver.xs", "cashier.xs", "desk.xs"]
        done, elapsed = 0, 0.0
        while elapsed < seconds:
            data = _application_data(citizen)
            application = commands.start_application(service_id=SERVICE, centre_id="xaysettha", data=data,
                                                     actor=citizen, applicant_id=citizen.user_id)
            for username, answers in zip(who, PATH, strict=True):
                task = db.session.query(Task).filter_by(application_id=application.id, state="ready").one()
                if cold:
                    store.clear_cache()
                t0 = time.perf_counter()
                commands.complete_task(task.id, users[username], _with_fee(answers, application.fee_amount))
                elapsed += time.perf_counter() - t0
                done += 1
        return done / elapsed


def engine_loop_cost(app, loops: int, cold: bool, repeats: int = 20) -> float:
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import Task, User
    from engine.runtime import commands, store

    with app.app_context():
        desk = actor_for(db.session.query(User).filter_by(username="desk.xs").one())
        citizen = actor_for(db.session.query(User).filter_by(username="02055551234").one())
        application = commands.start_application(service_id=SERVICE, centre_id="xaysettha",
                                                 data=_application_data(citizen), actor=citizen,
                                                 applicant_id=citizen.user_id)
        timings = []
        for i in range(loops + repeats):
            task = db.session.query(Task).filter_by(application_id=application.id, state="ready").one()
            if cold:
                store.clear_cache()
            t0 = time.perf_counter()
            commands.return_to_citizen(task.id, desk, "missing")
            t1 = time.perf_counter()
            commands.resubmit(application.id, citizen, {"response": "ok"})
            if i >= loops:
                timings.append(t1 - t0)
        return statistics.median(timings)


def _with_fee(answers: dict, fee: int | None) -> dict:
    """The cashier records the fee the centre charges (kip), as a clerk would."""
    return {**answers, "amount_paid": fee or 0} if "amount_paid" in answers else answers


def _application_data(citizen) -> dict:
    """The residence application's answers with a freshly stored scan: a document belongs to one case."""
    from engine import documents

    doc = documents.store(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "fb.pdf", citizen.user_id)
    return {
        "applicant_name": "ສົມຊາຍ", "id_number": "LA123456", "birth_date": "1990-01-02", "phone": "020 5555 1234",
        "village": "ບ້ານໂພນສະອາດ", "family_book_number": "FB-1", "purpose": "employment",
        "family_book_scan": {"id": doc.id, "name": doc.name},
    }


def _pg_database() -> str | None:
    try:
        import psycopg

        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        name = PG_URL.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_URL.replace("postgresql://", "postgresql+psycopg://")
    except Exception as exc:  # noqa: BLE001 - report and go on without PostgreSQL
        emit(measure="postgresql", skipped=str(exc))
        return None


def main(argv: list[str] | None = None) -> int:
    seconds = float((argv or [None])[0] or 3)
    spec = raw_spec()
    limit = emit(measure="raw_in_memory", completions_per_s=round(raw_run(spec, False, seconds), 1))
    trip = emit(measure="raw_json_round_trip", completions_per_s=round(raw_run(spec, True, seconds), 1),
                ratio_to_in_memory=None)
    trip["ratio_to_in_memory"] = round(trip["completions_per_s"] / limit["completions_per_s"], 3)
    backends = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='odsc-bench-')}/bench.sqlite3")]
    pg = _pg_database()
    if pg:
        backends.append(("postgresql", pg))
    raw_costs = {n: raw_loop_cost(spec, n) for n in (1, 10, 100)}
    emit(measure="raw_blob_step_after_loops", **{f"ms_after_{n}": round(c * 1000, 3) for n, c in raw_costs.items()},
         ratio_100_to_1=round(raw_costs[100] / raw_costs[1], 2))
    for name, url in backends:
        app = make_app(url)
        for cold in (False, True):
            rate = engine_run(app, seconds, cold)
            emit(measure=f"engine_{name}", restore="every step" if cold else "cached when current",
                 completions_per_s=round(rate, 1), ratio_to_raw_round_trip=round(rate / trip["completions_per_s"], 3))
        for cold in (False, True):
            costs = {n: engine_loop_cost(app, n, cold) for n in (1, 10, 100)}
            emit(measure=f"engine_{name}_step_after_loops", restore="every step" if cold else "cached when current",
                 **{f"ms_after_{n}": round(c * 1000, 3) for n, c in costs.items()},
                 ratio_100_to_1=round(costs[100] / costs[1], 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
