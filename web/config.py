"""Configuration from the environment; the defaults are the embedded mode (SQLite, jobs in-process)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'odsc.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def secret_key(instance_path: str) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def defaults(instance_path: str) -> dict:
    production = bool(os.environ.get("REDIS_URL"))
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CATALOGUE_DIR": os.environ.get("CATALOGUE_DIR", str(ROOT)),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "JOBS_MODE": os.environ.get("JOBS_MODE", "rq" if production else "inprocess"),
        "BABEL_DEFAULT_LOCALE": "lo",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Vientiane",
        "LANGUAGES": ["lo", "en"],
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)),
        "MAX_BPMN_BYTES": int(os.environ.get("MAX_BPMN_BYTES", 5 * 1024 * 1024)),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "SESSION_IDLE_TIMEOUT": int(os.environ.get("SESSION_IDLE_SECONDS", 3600)),
        "WTF_CSRF_TIME_LIMIT": None,
    }
