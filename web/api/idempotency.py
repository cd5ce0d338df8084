"""Idempotency-Key: the first answer to (key, user, method + path) is stored and replayed to retries.

The key is reserved (committed) before the command runs, so two concurrent requests with one key cannot
both run it: the second gets 409 until the first has finished. Only successful answers are kept; after
an error the reservation is dropped and the client may retry with the same key.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from flask import Response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from engine.db import db, utcnow
from engine.models.api import IdempotencyKey
from web.api.problems import ApiProblem

KEEP = timedelta(hours=24)
_REPLAYED_HEADERS = ("Location", "ETag")


def _valid(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(33 <= ord(ch) < 127 for ch in key)


def run_once(key: str, user_id: int, body: bytes, call) -> Response:
    if not _valid(key):
        raise ApiProblem(400, "invalid_header", header="Idempotency-Key")
    route = f"{request.method} {request.path}"[:255]
    fingerprint = hashlib.sha256(body).hexdigest()
    now = utcnow()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                    IdempotencyKey.created < now - KEEP))
    row = IdempotencyKey(key=key, user_id=user_id, route=route, request_hash=fingerprint, created=now)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        first = db.session.execute(select(IdempotencyKey).where(
            IdempotencyKey.key == key, IdempotencyKey.user_id == user_id, IdempotencyKey.route == route,
        )).scalar_one_or_none()
        if first is None:  # it was just dropped after a failure: treat as in progress, the client retries
            raise ApiProblem(409, "idempotency_in_progress", headers={"Retry-After": "1"}) from None
        if first.request_hash != fingerprint:
            raise ApiProblem(422, "idempotency_key_reused") from None
        if first.status is None:
            raise ApiProblem(409, "idempotency_in_progress", headers={"Retry-After": "1"}) from None
        response = Response(first.body or "", status=first.status, mimetype="application/json")
        for name, value in json.loads(first.headers or "{}").items():
            response.headers[name] = value
        response.headers["Idempotent-Replayed"] = "true"
        return response
    row_id = row.id
    try:
        response = call()
    except BaseException:
        db.session.rollback()
        _drop(row_id)
        raise
    if 200 <= response.status_code < 300:
        stored = db.session.get(IdempotencyKey, row_id)
        stored.status = response.status_code
        stored.body = response.get_data(as_text=True)
        stored.headers = json.dumps({h: response.headers[h] for h in _REPLAYED_HEADERS if h in response.headers})
        db.session.commit()
    else:
        _drop(row_id)
    return response


def _drop(row_id: int) -> None:
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
    db.session.commit()
