"""The one live-server helper of the tests: an app served by a real threaded HTTP server (real concurrent
requests) on a free port, or a given one. Used by the browser tests, the security races and the standalone
API fuzz server (tests/api/fuzz_server.py)."""
from __future__ import annotations

import threading


class LiveServer:
    """`with LiveServer(app) as server:` serves `app` at `server.url` until the block ends; then the server
    stops and the app's database connections are closed.

    Args: app (a Flask app), port (int; 0 picks a free one)."""

    def __init__(self, app, port: int = 0):
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)
        from engine.db import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
