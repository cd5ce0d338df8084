"""Who holds claimed work, and when a claim is abandoned.

Every `odsc worker` (and the embedded ticker) has an id and renews its `worker_heartbeat` row every
WORKER_HEARTBEAT_SECONDS from its ticker thread, which keeps beating while a job runs. A claim has two stages:

- dispatched (`claim_owner` NULL): the dispatcher claimed a due row and handed it to a job on Redis. If that
  job is lost (Redis flushed, a worker died before taking it), the row is claimable again after
  DISPATCH_LEASE_SECONDS (30 s).
- taken (`claim_owner` = the worker running it): released as soon as that worker has not beaten for
  WORKER_DEAD_SECONDS (20 s), or after CLAIM_LEASE_SECONDS (300 s) whatever happens (a process without
  heartbeat, e.g. a web process running a job in embedded mode).
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, or_, select, update

from engine.db import db, utcnow
from engine.jobs import queues
from engine.models.jobs import WorkerHeartbeat

_worker_id: str | None = None


def set_worker_id(name: str | None = None) -> str:
    """Name this process as a heartbeat-keeping worker (`odsc worker`, the embedded ticker)."""
    global _worker_id
    _worker_id = (name or f"{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:6]}")[:64]
    return _worker_id


def owner() -> str:
    """The claim owner written by a job of this process: the worker id, or a process id without heartbeat."""
    return _worker_id or f"proc:{socket.gethostname()}:{os.getpid()}"[:64]


def _setting(key: str, default: float) -> float:
    if has_app_context():
        return float(current_app.config.get(key) or default)
    return default


def beat(queue_names: list[str] | tuple[str, ...] = ()) -> None:
    """Renew this worker's heartbeat (insert on first beat). Commits."""
    if _worker_id is None:
        return
    now = utcnow()
    done = db.session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.id == _worker_id)
                              .values(seen_at=now)).rowcount
    if not done:
        db.session.add(WorkerHeartbeat(id=_worker_id, hostname=socket.gethostname()[:200], pid=os.getpid(),
                                       queues=",".join(queue_names)[:300], started_at=now, seen_at=now))
    db.session.commit()


def stop() -> None:
    """A clean stop: forget this worker's heartbeat (its claims fall back to the lease). Commits."""
    if _worker_id is None:
        return
    row = db.session.get(WorkerHeartbeat, _worker_id)
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def claimable(model, now: datetime):
    """SQL condition: the row (DueTimer or Notification) is not claimed, or its claim is abandoned."""
    dispatch = now - timedelta(seconds=_setting("DISPATCH_LEASE_SECONDS", 30))
    lease = now - timedelta(seconds=_setting("CLAIM_LEASE_SECONDS", queues.CLAIM_LEASE_SECONDS))
    dead = now - timedelta(seconds=_setting("WORKER_DEAD_SECONDS", 20))
    silent = select(WorkerHeartbeat.id).where(WorkerHeartbeat.seen_at < dead)
    return or_(model.claimed_by.is_(None),
               and_(model.claim_owner.is_(None), model.claimed_at < dispatch),
               model.claimed_at < lease,
               model.claim_owner.in_(silent))
