"""`python -m bench jobs`: background work in the embedded mode (SQLite, in-process jobs, ticker thread).

Measures in one run:
- due-timer claiming: `engine.timers.claim_due` over N due rows, against the baseline of merely selecting
  the same due rows (what a dispatcher without atomic claims would do);
- timer latency: K applications of the test scenario `jobs_timers` (an intermediate PT1S timer) with the
  ticker thread running (dispatch every 0.1 s): the time from each timer's due time to its `timer.fired`
  audit entry, and the throughput of firing against the throughput of starting applications.

Prints JSON lines. Options: --rows N (default 5000), --apps K (default 50).
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "jobs" / "data"


def emit(**row) -> None:
    print(json.dumps(row), flush=True)


def _publish_scenarios() -> None:
    from engine.catalogue.forms import parse_form
    from engine.catalogue.loader import load_forms, load_service
    from engine.catalogue.publish import publish_service
    from engine.catalogue.yamlio import load_yaml
    from engine.db import db
    from engine.models import CentreService, OfficeRole

    problems: list = []
    forms = load_forms(ROOT, problems)
    for path in sorted((DATA / "forms").glob("*.yaml")):
        form = parse_form(load_yaml(path.read_text(encoding="utf-8")), path.name, problems)
        forms[form["id"]] = form
    roles = {r.id: {"lo": r.name_lo, "en": r.name_en} for r in db.session.query(OfficeRole)}
    bundle = load_service(DATA / "jobs_timers", "jobs_timers", forms, roles, problems)
    publish_service(bundle)
    if db.session.get(CentreService, ("xaysettha", bundle.id)) is None:
        db.session.add(CentreService(centre_id="xaysettha", service_id=bundle.id, active=True))
    db.session.commit()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench jobs")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--apps", type=int, default=50)
    args = parser.parse_args(argv)

    from sqlalchemy import insert, select

    from engine import timers
    from engine.accounts import actor_for
    from engine.db import db, utcnow
    from engine.jobs.ticker import start_ticker
    from engine.models import AuditEvent, User
    from engine.models.jobs import DueTimer
    from engine.runtime.commands import start_application
    from web import create_app
    from web.cli import init_database
    from web.demo import load_demo

    tmp = Path(tempfile.mkdtemp(prefix="odsc-bench-jobs-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}", "TESTING": True,
                      "JOBS_DISPATCH_SECONDS": 0.1, "JOBS_GRACE_SECONDS": 0})
    with app.app_context():
        init_database()
        load_demo()
        _publish_scenarios()
        citizen = actor_for(db.session.query(User).filter_by(username="02055551234").one())

        def start():
            return start_application(service_id="jobs_timers", centre_id="xaysettha", data={"applicant_name": "A"},
                                     actor=citizen, applicant_id=citizen.user_id)

        # ---- claiming ---------------------------------------------------------------------------------
        owner = start().id
        db.session.execute(DueTimer.__table__.delete())
        now = utcnow()
        db.session.execute(insert(DueTimer), [
            {"application_id": owner, "task_id": str(uuid.uuid4()), "element": "Bench", "kind": "timer",
             "state": "waiting", "due_at": now, "attempts": 0, "created_at": now} for _ in range(args.rows)])
        db.session.commit()
        t0 = time.perf_counter()
        selected = db.session.execute(select(DueTimer.id).where(DueTimer.due_at <= utcnow())).scalars().all()
        db.session.rollback()
        baseline = time.perf_counter() - t0
        t0 = time.perf_counter()
        claimed = timers.claim_due(limit=args.rows)
        claim = time.perf_counter() - t0
        emit(bench="jobs.claim", rows=len(claimed), selected=len(selected), claim_s=round(claim, 4),
             select_only_s=round(baseline, 4), claims_per_s=round(len(claimed) / claim),
             ratio_vs_select=round(claim / baseline, 1))
        db.session.execute(DueTimer.__table__.delete())
        db.session.commit()

        db.session.remove()
    # ---- timer latency (the ticker runs while the applications are started, as under `odsc serve`) ----
    ticker = start_ticker(app)
    try:
        with app.app_context():
            t0 = time.perf_counter()
            ids, due = [], {}
            for _ in range(args.apps):
                app_id = start().id
                ids.append(app_id)
                due[app_id] = db.session.execute(select(DueTimer.due_at).where(
                    DueTimer.application_id == app_id)).scalar()
            start_s = time.perf_counter() - t0
            db.session.remove()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                fired = dict(db.session.execute(select(AuditEvent.application_id, AuditEvent.at).where(
                    AuditEvent.kind == "timer.fired", AuditEvent.application_id.in_(ids))).all())
                db.session.remove()
                if len(fired) == len(ids):
                    break
                time.sleep(0.05)
    finally:
        ticker.stop()
    lat = sorted((fired[a] - due[a]).total_seconds() for a in ids if a in fired)
    span = (max(fired.values()) - min(due.values())).total_seconds() if fired else 0
    emit(bench="jobs.timer_latency", apps=len(ids), fired=len(lat),
         p50_s=round(statistics.median(lat), 3) if lat else None,
         p95_s=round(lat[int(len(lat) * 0.95) - 1], 3) if lat else None, max_s=round(max(lat), 3) if lat else None,
         starts_per_s=round(len(ids) / start_s, 1),
         fires_per_s=round(len(lat) / max(span, 1e-9), 1) if lat else None)
    return 0
