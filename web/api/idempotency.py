"""Idempotency-Key: the first answer to (key, user, method + path) is replayed to retries.

One transaction, and no extra statement on a first attempt: the record (status, resource id, ETag) is inserted by a before-commit hook into the very
transaction that commits the command, so there is no reservation commit and no window where a command
committed without its record. Two concurrent requests with one key both run the command, but only one can
commit (the unique key); the other is rolled back whole and answered from the winner's record. A failed
command commits nothing, so the client may retry with the same key. A replay answers with the first
status and ETag and the resource as it is now.
"""
from __future__ import annotations

import hashlib

from flask import Response, request
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import idempotency
from engine.db import db
from engine.errors import DomainError
from web.api.problems import ApiProblem

_PENDING = "odsc_idempotency"
_installed = False


def _valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(33 <= ord(ch) < 127 for ch in key)


def _install() -> None:
    global _installed
    if not _installed:
        event.listen(Session, "before_commit", _before_commit)
        _installed = True


def _before_commit(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending or pending.get("written"):
        return
    # the application the command wrote (engine.runtime.commands keeps it for its after-commit cache)
    written = session.info.get("odsc_after_commit_cache") or []
    resource_id, etag = (written[-1][0], f'"{written[-1][1]}"') if written else (None, None)
    idempotency.write(session.connection(), key=pending["key"], user_id=pending["user_id"], route=pending["route"],
                      request_hash=pending["request_hash"], status=pending["status"], resource_id=resource_id,
                      etag=etag)
    pending["written"] = True


def run_once(key: str, user_id: int, body: bytes, status: int, call, replay) -> Response:
    """Run `call()` (which commits the command) unless this key already has an answer.

    `replay(resource_id)` renders the resource of an earlier answer (a Response)."""
    if not _valid(key):
        raise ApiProblem(400, "invalid_header", header="Idempotency-Key")
    _install()
    route = f"{request.method} {request.path}"[:255]
    fingerprint = hashlib.sha256(body).hexdigest()
    # No lookup first: a first attempt (the common case) costs nothing extra. A retry either fails inside the
    # command (the task is no longer ready, ...) or would commit a twin, which the unique key refuses; both
    # roll back whole and are answered from the record of the first attempt.
    db.session.info[_PENDING] = {"key": key, "user_id": user_id, "route": route, "request_hash": fingerprint,
                                 "status": status}
    try:
        return call()
    except IntegrityError as exc:
        db.session.rollback()
        if "idempotency_key" not in str(exc.orig).lower():
            raise
        first = idempotency.find(key, user_id, route)
        if first is None:  # the twin's transaction is not visible yet
            raise ApiProblem(409, "idempotency_in_progress", headers={"Retry-After": "1"}) from None
        return _replay(first, fingerprint, replay)
    except (DomainError, ApiProblem):
        db.session.rollback()
        first = idempotency.find(key, user_id, route)
        if first is None:
            raise
        return _replay(first, fingerprint, replay)
    finally:
        db.session.info.pop(_PENDING, None)


def _replay(first, fingerprint: str, replay) -> Response:
    if first.request_hash != fingerprint:
        raise ApiProblem(422, "idempotency_key_reused")
    response = replay(first.resource_id) if first.resource_id is not None else Response(status=204)
    response.status_code = first.status or response.status_code
    if first.etag:
        response.headers["ETag"] = first.etag
    response.headers["Idempotent-Replayed"] = "true"
    return response
