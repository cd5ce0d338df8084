"""Conditional GETs for the public status page and API: ETag and Last-Modified, and a 304 before any
rendering when the client's copy is current.

The ETag names everything the answer depends on: the application's version (every command bumps it),
the language, today's date in Vientiane (the "overdue" flag changes at midnight) and the deployed templates
and translations. Last-Modified is the application's last change, but never earlier than the start of
today (so a cached page is not kept across the midnight that makes it overdue).
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from flask import Response, request

from engine.clock import VIENTIANE
from engine.runtime.commands import local_today

_ROOT = Path(__file__).resolve().parent


def _build(root: Path = _ROOT) -> str:
    """A digest of the deployed templates and translations under `root` (the web package): it changes when
    they are redeployed with other content, and it is the same on every host of one release, whenever and
    however its files were copied (modification times play no part). Computed once per process."""
    import hashlib

    digest = hashlib.sha256()
    files = sorted([*(root / "templates").rglob("*.html"), *(root / "translations").glob("*/*/LC_MESSAGES/*.mo")])
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


BUILD = _build()


def validators(found: dict, lang: str) -> tuple[str, datetime]:
    """(ETag value, Last-Modified as aware UTC) of a public status; pops the private fields from `found`."""
    version = found.pop("_version", None)
    updated = found.pop("_updated_at", None) or datetime.now(UTC).replace(tzinfo=None)
    today = local_today()
    midnight = datetime.combine(today, time(0), VIENTIANE).astimezone(UTC)
    modified = max(updated.replace(tzinfo=UTC, microsecond=0), midnight)
    return f"{version}.{lang}.{today:%Y%m%d}.{BUILD}", modified


def not_modified(etag: str, modified: datetime) -> Response | None:
    """A 304 when the request's If-None-Match (or, without it, If-Modified-Since) matches; else None."""
    if request.if_none_match:
        if not request.if_none_match.contains_weak(etag):
            return None
    elif request.if_modified_since is None or modified > request.if_modified_since:
        return None
    return finish(Response(status=304), etag, modified)


def finish(response: Response, etag: str, modified: datetime) -> Response:
    response.set_etag(etag, weak=True)
    response.last_modified = modified
    response.headers["Cache-Control"] = "no-cache"  # keep it, but ask every time (a cheap 304)
    response.vary.update(("Accept-Language", "Cookie"))
    return response
