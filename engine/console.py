"""The national operations console (administrators): open incidents and failed messages of every centre,
with filters, retried in bulk; failed background jobs from rq's failed-job registry."""
from __future__ import annotations

from sqlalchemy import select

from engine.audit import Actor
from engine.db import db
from engine.errors import Forbidden
from engine.models import Application
from engine.models.jobs import FAILED, OPEN, Incident, Notification


def _admin(actor: Actor) -> set[str] | None:
    """The centres the administrator's console covers (None: every centre, a ministry administrator; a
    province administrator: its province's centres, engine.admin.scope). Raises Forbidden for anyone else."""
    from engine.admin.scope import manageable_centres

    if actor.kind != "staff" or "admin" not in actor.roles:
        raise Forbidden()
    return manageable_centres(actor)


def require_national(actor: Actor) -> None:
    """Failed rq jobs carry no centre: only a national administrator sees and requeues them. Forbidden else."""
    if _admin(actor) is not None:
        raise Forbidden()


def _within(stmt, column, scope: set[str] | None):
    """`stmt` limited to rows whose centre `column` lies in `scope` (None: every centre)."""
    return stmt if scope is None else stmt.where(column.in_(sorted(scope) or [""]))


def incidents(actor: Actor, centre: str | None = None, kind: str | None = None,
              limit: int = 200) -> list[tuple[Incident, Application]]:
    """Open incidents of every centre, newest first; `centre`, `kind` (service, script, notification) filter.
    Raises Forbidden for anyone but an administrator; a province administrator sees its province's only."""
    scope = _admin(actor)
    stmt = (select(Incident, Application).join(Application, Application.id == Incident.application_id)
            .where(Incident.status == OPEN).order_by(Incident.created_at.desc()).limit(limit))
    stmt = _within(stmt, Incident.centre_id, scope)
    if centre:
        stmt = stmt.where(Incident.centre_id == centre)
    if kind:
        stmt = stmt.where(Incident.kind == kind)
    return list(db.session.execute(stmt).all())


def failed_messages(actor: Actor, centre: str | None = None, channel: str | None = None,
                    limit: int = 200) -> list[Notification]:
    """Messages that failed every attempt, newest first; `centre`, `channel` (sms, email, web) filter."""
    scope = _admin(actor)
    stmt = select(Notification).where(Notification.status == FAILED).order_by(Notification.id.desc()).limit(limit)
    stmt = _within(stmt, Notification.centre_id, scope)
    if centre:
        stmt = stmt.where(Notification.centre_id == centre)
    if channel:
        stmt = stmt.where(Notification.channel == channel)
    return list(db.session.execute(stmt).scalars())


def retry_many(actor: Actor, incident_ids: list[int], message_ids: list[int]) -> dict:
    """Retry the chosen incidents and failed messages (each incident in its own transaction, the messages in
    one). Returns {"incidents": n, "messages": n, "skipped": [ids of incidents already closed]}."""
    from engine import events
    from engine import incidents as incident_ops
    from engine.db import utcnow
    from engine.errors import DomainError
    from engine.models.jobs import PENDING
    from engine.runtime.commands import transaction

    scope = _admin(actor)
    done = {"incidents": 0, "messages": 0, "skipped": []}
    for incident_id in sorted(set(incident_ids)):
        try:
            incident_ops.retry(incident_id, actor)
            done["incidents"] += 1
        except DomainError:
            done["skipped"].append(incident_id)
    with transaction():
        chosen = select(Notification).where(Notification.id.in_(sorted(set(message_ids)) or [0]),
                                            Notification.status == FAILED)
        chosen = _within(chosen, Notification.centre_id, scope)  # not another province's (nor revealed)
        for n in db.session.execute(chosen).scalars():
            n.status, n.attempts, n.next_attempt_at, n.last_error = PENDING, 0, utcnow(), None
            n.claimed_by = n.claimed_at = n.claim_owner = None
            events.emit("notification", notification_id=n.id)
            done["messages"] += 1
        if done["messages"]:
            from engine.audit import record

            record("notification.retried", actor, f"{done['messages']} messages",
                   data={"notifications": sorted(set(message_ids))})
    return done


def failed_jobs(redis_url: str, limit: int = 100) -> list[dict]:
    """Jobs rq gave up on (exception in the job function), per queue, newest first. [] without Redis."""
    if not redis_url:
        return []
    from redis import Redis
    from rq import Queue
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from engine.jobs.queues import QUEUES

    conn = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    out = []
    for name in QUEUES:
        registry = Queue(name, connection=conn, serializer=JSONSerializer).failed_job_registry
        for job in Job.fetch_many(registry.get_job_ids(0, limit - 1), connection=conn, serializer=JSONSerializer):
            if job is None:
                continue
            error = (job.latest_result().exc_string if job.latest_result() else "") or ""
            out.append({"id": job.id, "queue": name, "function": job.func_name, "args": list(job.args or ()),
                        "ended_at": job.ended_at, "error": error.strip().splitlines()[-1][:300] if error else ""})
    return sorted(out, key=lambda j: j["ended_at"] or 0, reverse=True)[:limit]


def requeue_failed_jobs(redis_url: str) -> int:
    """Put every failed job back on its queue; returns how many."""
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    from engine.jobs.queues import QUEUES

    conn = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    count = 0
    for name in QUEUES:
        registry = Queue(name, connection=conn, serializer=JSONSerializer).failed_job_registry
        for job_id in registry.get_job_ids():
            registry.requeue(job_id)
            count += 1
    return count
