"""Static files with content-hashed names and a one-year immutable cache, and compressed responses.

`url_for('static', filename='css/app.css')` gives `/static/css/app.3f9c2a1b7d.css`: the name changes when the
bytes change, so browsers may keep it for a year without asking again, and a repeat visit costs one request
(the page). CSS `url(...)` references are rewritten to the hashed names too (fonts included), and the hash of
a CSS file covers the rewritten text. Unhashed names keep working (the service worker's list, old pages) with
a short, revalidated cache.
"""
from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
CSS_URL = re.compile(r"url\((['\"]?)(?!data:|https?:|/)([^'\")]+)\1\)")


class Assets:
    """The hashed name and (for CSS) the rewritten bytes of every file under the static folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.names: dict[str, str] = {}       # "css/app.css" -> "css/app.<hash>.css"
        self.originals: dict[str, str] = {}   # hashed name -> original name
        self.bodies: dict[str, bytes] = {}    # original name -> rewritten CSS
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        # CSS last: its url() references need the hashes of the files they point to
        for path in sorted(files, key=lambda p: p.suffix == ".css"):
            name = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            if path.suffix == ".css":
                data = self._rewrite_css(name, data)
                self.bodies[name] = data
            digest = hashlib.sha256(data).hexdigest()[:10]
            stem, ext = posixpath.splitext(name)
            hashed = f"{stem}.{digest}{ext}"
            self.names[name] = hashed
            self.originals[hashed] = name

    def _rewrite_css(self, name: str, data: bytes) -> bytes:
        base = posixpath.dirname(name)

        def swap(match: re.Match) -> str:
            target = match.group(2)
            path, _sep, rest = target.partition("?")
            resolved = posixpath.normpath(posixpath.join(base, path))
            hashed = self.names.get(resolved)
            if hashed is None:
                return match.group(0)
            relative = posixpath.relpath(hashed, base or ".")
            return f"url({match.group(1)}{relative}{match.group(1)})"

        return CSS_URL.sub(swap, data.decode("utf-8")).encode("utf-8")

    def url_name(self, filename: str) -> str:
        return self.names.get(filename, filename)


def _serve(app: Flask, assets: Assets):
    def static(filename: str):
        original = assets.originals.get(filename)
        immutable = original is not None
        name = original or filename
        if name in assets.bodies:
            resp = Response(assets.bodies[name], mimetype=mimetypes.guess_type(name)[0] or "text/css")
            resp.set_etag(hashlib.sha256(assets.bodies[name]).hexdigest()[:16])
            resp = resp.make_conditional(request)
        else:
            if not (Path(app.static_folder) / name).is_file():
                abort(404)
            resp = send_from_directory(app.static_folder, name, max_age=0)
        resp.headers["Cache-Control"] = IMMUTABLE if immutable else REVALIDATE
        return resp

    return static


def init_assets(app: Flask) -> None:
    """Hashed static URLs, the static view that serves them, and gzip/brotli compression (Flask-Compress)."""
    from flask_compress import Compress

    assets = Assets(Path(app.static_folder))
    app.extensions["odsc_assets"] = assets

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.url_name(values["filename"])

    app.view_functions["static"] = _serve(app, assets)

    def favicon():
        resp = send_from_directory(app.static_folder, "monitor/icon-192.png", mimetype="image/png", max_age=0)
        resp.headers["Cache-Control"] = "public, max-age=604800"
        return resp

    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/csv", "text/xml", "application/json", "application/javascript",
        "text/javascript", "application/manifest+json", "image/svg+xml", "application/problem+json"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    Compress(app)
