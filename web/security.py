"""Web security: CSRF on every POST, request rate limits (web.ratelimit), session idle timeout, headers.
The login lockout is engine.login."""
from __future__ import annotations

import time

from flask import Flask, session
from flask_wtf.csrf import CSRFProtect

from web.ratelimit import LOGIN_LIMIT, STATUS_LIMIT, init_ratelimit, limiter

csrf = CSRFProtect()

__all__ = ["LOGIN_LIMIT", "STATUS_LIMIT", "csrf", "init_security", "limiter"]


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    init_ratelimit(app)

    @app.before_request
    def _idle_timeout():
        """End a logged-in session that was idle longer than SESSION_IDLE_TIMEOUT seconds."""
        if "uid" not in session:
            return
        now = int(time.time())
        last = session.get("seen")
        if last and now - last > app.config.get("SESSION_IDLE_TIMEOUT", 3600):
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            return
        if not last or now - last > 60:  # avoid rewriting the cookie on every request
            session["seen"] = now

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
