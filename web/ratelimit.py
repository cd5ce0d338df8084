"""Request rate limits, in one module: which limits, where they are counted, and who a client is.

- Counted in Redis when REDIS_URL (or RATELIMIT_STORAGE_URI) is set, so every web worker and every web
  process share one count; without Redis (the embedded mode) in the process's memory.
- When Redis is configured but down, the limits fall back to in-process memory at once (and go back to
  Redis when it answers again): an outage never turns the status page or the login into a 500.
- A client is its address as the trusted proxies report it: TRUSTED_PROXY_COUNT (default 0) proxies in
  front of the app may set X-Forwarded-For / -Proto / -Host (werkzeug ProxyFix). Behind one proxy, set 1:
  otherwise every client shares the proxy's bucket; never set more than there are, or clients can choose
  their own address.
"""
from __future__ import annotations

import os

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

# limits of the public, unauthenticated endpoints (per client address)
STATUS_LIMIT = "30 per minute"
LOGIN_LIMIT = "20 per minute"

limiter = Limiter(key_func=get_remote_address)


def settings(environ: dict | None = None) -> dict:
    """The Flask config of the limiter from the environment (REDIS_URL, RATELIMIT_STORAGE_URI,
    TRUSTED_PROXY_COUNT)."""
    env = os.environ if environ is None else environ
    storage = env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://"
    return {
        "RATELIMIT_STORAGE_URI": storage,
        # a down Redis must answer fast, then the in-memory fallback takes over
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        if storage.startswith(("redis://", "rediss://")) else {},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_KEY_PREFIX": "odsc-limits",
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0") or 0),
    }


def init_ratelimit(app: Flask) -> None:
    """Bind the limiter to `app` and trust TRUSTED_PROXY_COUNT proxies for the client address."""
    for key, value in settings().items():
        app.config.setdefault(key, value)
    # explicit per app: the Limiter object is shared, and keeps the last app's setting otherwise
    app.config.setdefault("RATELIMIT_ENABLED", True)
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    limiter.init_app(app)
