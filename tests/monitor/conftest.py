"""Monitoring fixtures: synthetic read-model rows spread over the last months, and an independent calculator
that recomputes every dashboard figure from the raw rows in plain Python (zoneinfo, statistics)."""
from __future__ import annotations

import random
import statistics
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

VTE = ZoneInfo("Asia/Vientiane")
OPEN = {"submitted", "in_progress", "returned"}
# a returned case waits for the applicant: its legal clock is paused, so it is never overdue (engine/clock.py)
WITH_CENTRE = {"submitted", "in_progress"}


def local_date(ts: datetime) -> date:
    return ts.replace(tzinfo=UTC).astimezone(VTE).date()


def local_today() -> date:
    return datetime.now(VTE).date()


@pytest.fixture
def seeded(app):
    """~600 applications at the demo centres over the last 120 days, with ready and completed tasks."""
    from engine.db import db
    from engine.models import Application, Centre, CentreService, Service, Task, User

    rnd = random.Random(20260101)
    with app.app_context():
        services = {s.id: s.current_version_id for s in db.session.query(Service).all()}
        offers = defaultdict(list)
        for cs in db.session.query(CentreService).all():
            offers[cs.centre_id].append(cs.service_id)
        centres = [c.id for c in db.session.query(Centre).order_by(Centre.id).all() if offers.get(c.id)]
        clerks = defaultdict(list)
        for u in db.session.query(User).filter(User.kind == "staff").all():
            clerks[u.centre_id].append(u.id)
        now = datetime.now(UTC).replace(tzinfo=None)
        roles = ["front_desk", "home_affairs_officer", "approver", "cashier"]
        for i in range(600):
            cid = rnd.choice(centres)
            sid = rnd.choice(offers[cid])
            sub = now - timedelta(seconds=rnd.random() * 120 * 86400)
            due = local_date(sub) + timedelta(days=rnd.choice([0, 1, 3, 5, 7, 10, 14]))
            r = rnd.random()
            completed_at = None
            if r < 0.55:
                status = "completed"
            elif r < 0.65:
                status = "rejected"
            elif r < 0.7:
                status = "cancelled"
            else:
                status = rnd.choice(["submitted", "in_progress", "in_progress", "returned"])
            if status not in OPEN:
                completed_at = min(sub + timedelta(hours=rnd.random() * 24 * 12), now - timedelta(seconds=1))
            app_row = Application(tracking_code=f"T{i:09d}", service_id=sid, service_version_id=services[sid],
                                  centre_id=cid, channel="desk", locale="lo", status=status, fee_amount=0,
                                  data={"applicant_name": f"ທ້າວ ທົດສອບ ລັບ {i}"}, submitted_at=sub, due_date=due,
                                  completed_at=completed_at, updated_at=completed_at or sub)
            db.session.add(app_row)
            db.session.flush()
            if status in OPEN:
                role = "applicant" if status == "returned" else rnd.choice(roles)
                claimed = rnd.choice(clerks[cid]) if clerks.get(cid) and role != "applicant" and rnd.random() < 0.5 \
                    else None
                db.session.add(Task(id=str(uuid.uuid4()), application_id=app_row.id, centre_id=cid, bpmn_id="T",
                                    office_role=role, state="ready", claimed_by_id=claimed, created_at=sub,
                                    due_date=due))
            db.session.add(Task(id=str(uuid.uuid4()), application_id=app_row.id, centre_id=cid, bpmn_id="T0",
                                office_role="front_desk", state="completed", created_at=sub, completed_at=sub,
                                due_date=due))
        db.session.commit()
    return app


def raw_rows(centre_ids=None):
    """The raw application and ready-task rows, read with the ORM (no aggregation in SQL)."""
    from engine.db import db
    from engine.models import Application, Task

    apps = [a for a in db.session.query(Application).all() if centre_ids is None or a.centre_id in centre_ids]
    tasks = [t for t in db.session.query(Task).filter(Task.state == "ready").all()
             if centre_ids is None or t.centre_id in centre_ids]
    return apps, tasks


def expected(centre_ids=None, today: date | None = None, range_start=None, range_end=None) -> dict:
    """Every figure, recomputed independently from the raw rows."""
    today = today or local_today()
    range_end = range_end or today
    range_start = range_start or range_end - timedelta(days=29)
    periods = {"today": (today, today), "week": (today - timedelta(days=today.weekday()), today),
               "month": (today.replace(day=1), today), "range": (range_start, range_end)}
    apps, tasks = raw_rows(centre_ids)
    out = {}
    for key, (a, b) in periods.items():
        def inside(ts, a=a, b=b):
            return ts is not None and a <= local_date(ts) <= b
        received_here = [x for x in apps if inside(x.submitted_at)]
        completed = [x for x in apps if x.status == "completed" and inside(x.completed_at)]
        out[key] = {
            "received": len(received_here),
            "completed": len(completed),
            "rejected": sum(1 for x in apps if x.status == "rejected" and inside(x.completed_at)),
            "in_progress": sum(1 for x in received_here if x.status in ("submitted", "in_progress")),
            "returned": sum(1 for x in received_here if x.status == "returned"),
            "overdue": sum(1 for x in received_here if x.status in WITH_CENTRE and x.due_date < today),
            "on_time": sum(1 for x in completed if local_date(x.completed_at) <= x.due_date),
        }
    open_apps = [x for x in apps if x.status in OPEN]
    out["now"] = {"open": len(open_apps), "in_progress": sum(1 for x in open_apps if x.status != "returned"),
                  "returned": sum(1 for x in open_apps if x.status == "returned"),
                  "overdue": sum(1 for x in open_apps if x.status in WITH_CENTRE and x.due_date < today),
                  "backlog": len(tasks)}
    a, b = periods["range"]
    durations = defaultdict(list)
    for x in apps:
        if x.status == "completed" and a <= local_date(x.completed_at) <= b:
            durations[x.service_id].append((x.completed_at - x.submitted_at).total_seconds() / 86400)
    out["services"] = {}
    for sid, vals in durations.items():
        p90 = statistics.quantiles(vals, n=10, method="inclusive")[-1] if len(vals) > 1 else vals[0]
        out["services"][sid] = (len(vals), statistics.median(vals), p90)
    out["roles"] = Counter(t.office_role for t in tasks)
    out["clerks"] = Counter(t.claimed_by_id for t in tasks if t.office_role != "applicant")
    days = [today - timedelta(days=i) for i in range(29, -1, -1)]
    out["trend_received"] = [sum(1 for x in apps if local_date(x.submitted_at) == d) for d in days]
    out["trend_completed"] = [sum(1 for x in apps if x.status == "completed" and local_date(x.completed_at) == d)
                              for d in days]
    week0 = today - timedelta(days=today.weekday()) - timedelta(weeks=11)
    out["week_received"] = [sum(1 for x in apps if week0 + timedelta(weeks=w) <= local_date(x.submitted_at)
                                < week0 + timedelta(weeks=w + 1)) for w in range(12)]
    per_centre = {}
    for cid in {x.centre_id for x in apps}:
        mine = [x for x in apps if x.centre_id == cid]
        done = [x for x in mine if x.status == "completed" and a <= local_date(x.completed_at) <= b]
        per_centre[cid] = {
            "received": sum(1 for x in mine if a <= local_date(x.submitted_at) <= b),
            "completed": len(done),
            "on_time_rate": (sum(1 for x in done if local_date(x.completed_at) <= x.due_date) / len(done))
            if done else None,
            "backlog": sum(1 for t in tasks if t.centre_id == cid),
            "overdue": sum(1 for x in mine if x.status in WITH_CENTRE and x.due_date < today),
        }
    out["centres"] = per_centre
    return out


def login_as(client, app, username: str) -> None:
    """Put the user's id in the Flask session (what the login page does after checking the password)."""
    from engine import sessions
    from engine.db import db
    from engine.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        uid, epoch = user.id, user.session_epoch
        sid = sessions.start(uid)  # a server-side session, as login records one
    with client.session_transaction() as sess:
        sess["sid"] = sid
        sess["uid"] = uid
        sess["epoch"] = epoch
