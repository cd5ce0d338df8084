"""Web security: CSRF on every POST, request rate limits, login lockout, session idle timeout, headers."""
from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from engine.db import utcnow
from engine.models import User

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

MAX_FAILURES = 5
LOCK_MINUTES = 15
# limits of the public, unauthenticated endpoints (per client address)
STATUS_LIMIT = "30 per minute"
LOGIN_LIMIT = "20 per minute"


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    # explicit per app: the Limiter object is shared, and keeps the last app's setting otherwise
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # Redis down: count in this process instead of failing the request (the status page and login must keep
    # answering); a storage error never becomes a 500
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("redis"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    limiter.init_app(app)

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


# ---- login lockout ----------------------------------------------------------------------------------

def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > utcnow())


def login_failed(user: User) -> None:
    """Count a failed password; the 5th failure in a row locks the account for 15 minutes (caller commits)."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = utcnow() + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0


def login_succeeded(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
