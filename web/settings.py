"""Every setting of the platform, typed, read from the environment once per process (pydantic-settings).

Environment variables have the field's name in upper case. Lists are comma-separated
(`NOTIFY_RETRY_DELAYS="300,600"`), mappings are `key=value` pairs (`NOTIFY_PROVIDERS="sms=http,email=smtp"`),
CONNECTORS is JSON. `Settings.flask_config()` turns them into the Flask config the engine reads; tests pass
overrides to create_app instead. docs/OPERATIONS.md lists each setting with its default.
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent

Seconds = Annotated[list[float], NoDecode]
Names = Annotated[list[str], NoDecode]
Mapping = Annotated[dict[str, str], NoDecode]


class SettingsError(RuntimeError):
    """A setting is missing or invalid; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    # ---- the deployment
    odsc_env: Literal["development", "production"] | None = Field(
        None, description="production refuses to start without SECRET_KEY; default: production when "
                          "REDIS_URL is set, else development")
    secret_key: str = Field("", description="signs sessions and CSRF tokens; the same on every web process")
    database_url: str = Field("", description="postgresql://...; empty: SQLite under instance/")
    redis_url: str = Field("", description="redis://...; jobs on rq, shared rate limits")
    jobs_mode: Literal["inprocess", "rq", ""] = Field("", description="default: rq when REDIS_URL is set")
    catalogue_dir: str = Field(str(ROOT), description="the folder holding workflows/ and forms/")
    public_base_url: str = Field("", description="https://... added to messages as the tracking link")

    # ---- uploads
    upload_dir: str = Field("", description="uploaded documents (local storage); shared storage with several "
                                            "web hosts. Default: instance/uploads")
    document_storage: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    s3_prefix: str = "documents/"
    upload_max_bytes: int = Field(5 * 1024 * 1024, gt=0)
    upload_kinds: Names = Field(default_factory=lambda: ["pdf", "jpeg", "png"])
    max_content_length: int = Field(12 * 1024 * 1024, gt=0)
    max_bpmn_bytes: int = Field(5 * 1024 * 1024, gt=0)

    # ---- sessions
    session_cookie_secure: bool = False
    session_lifetime_seconds: int = Field(8 * 3600, gt=0)
    session_idle_seconds: int = Field(3600, gt=0)

    # ---- notifications
    notify_providers: Mapping = Field(default_factory=dict, description="channel=provider pairs; "
                                      "providers: outbox, http (SMS gateway), smtp")
    notify_max_attempts: int = Field(6, ge=1)
    notify_retry_delays: Seconds = Field(default_factory=lambda: [10, 60, 300, 1800, 3600])
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""
    sms_gateway_user: str = ""
    sms_gateway_password: str = ""
    sms_sender: str = "ODSC"
    sms_gateway_timeout: float = Field(10.0, gt=0)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "odsc@localhost"
    smtp_starttls: bool = False

    # ---- connectors (BPMN service tasks)
    connector_max_attempts: int = Field(4, ge=1)
    connector_retry_delays: Seconds = Field(default_factory=lambda: [30, 120, 600])
    connector_timeout: float = Field(10.0, gt=0, description="seconds; a connector's own `timeout` wins")
    connectors: dict[str, dict] = Field(default_factory=dict, description="JSON; adds to workflows/connectors.yaml")

    # ---- jobs and workers
    jobs_dispatch_seconds: float = Field(1.0, gt=0)
    jobs_time_limits_seconds: float = Field(600.0, gt=0)
    jobs_grace_seconds: float = Field(30.0, ge=0)
    claim_lease_seconds: float = Field(300.0, gt=0, description="a claim older than this is abandoned")
    dispatch_lease_seconds: float = Field(30.0, gt=0, description="a dispatched job nobody took is re-dispatched")
    worker_heartbeat_seconds: float = Field(5.0, gt=0)
    worker_dead_seconds: float = Field(20.0, gt=0, description="claims of a worker silent this long are released")
    job_timeout_seconds: int = Field(180, gt=0, description="rq kills a job running longer")
    worker_queues: Names = Field(default_factory=list, description="default: every queue but connectors; "
                                 "`odsc worker --queues connectors` runs the connector pool")
    reminder_working_days: int = Field(1, ge=0)

    # ---- operations
    ready_max_heartbeat_age: float = Field(60.0, gt=0)
    ready_max_timer_lag: float = Field(300.0, gt=0)
    calendar_warn_days: int = Field(90, ge=0)
    metrics_token: str = Field("", description="bearer token for /metrics; empty: the loopback address only")
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    certificate_signing_key: str = ""
    api_status_limit: str = "30 per minute"
    api_login_limit: str = "20 per minute"
    trusted_proxy_count: int = Field(0, ge=0, description="proxies in front of the app allowed to set "
                                     "X-Forwarded-For (the client address of rate limits)")
    jobs_after_commit: Literal["thread", "inline"] = Field(
        "thread", description="embedded mode: after-commit jobs on a background thread, or inline")
    jobs_purge_idempotency_seconds: float = Field(3600.0, gt=0, description="how often old idempotency "
                                                  "records are deleted")
    jobs_purge_sessions_seconds: float = Field(3600.0, gt=0, description="how often ended and expired web "
                                               "sessions are deleted")

    # ---- citizens' channels (issue 18)
    sms_inbound_secret: str = Field("", description="shared secret of POST /sms/inbound signatures; "
                                    "empty: the endpoint refuses everything")
    sms_inbound_max_skew: float = Field(300.0, gt=0, description="seconds a signed request stays valid")
    sms_inbound_per_hour: int = Field(5, ge=1, description="status replies per phone number per hour")
    open_data_ttl: float = Field(600.0, ge=0, description="seconds the open performance data is cached")

    @field_validator("notify_retry_delays", "connector_retry_delays", mode="before")
    @classmethod
    def _seconds(cls, value):
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.split(",")) if part]
        return value

    @field_validator("upload_kinds", "worker_queues", mode="before")
    @classmethod
    def _names(cls, value):
        if isinstance(value, str):
            value = [part for part in (p.strip() for p in value.split(",")) if part]
        return value

    @field_validator("upload_kinds")
    @classmethod
    def _kinds(cls, value):
        unknown = sorted(set(value) - {"pdf", "jpeg", "png"})
        if unknown:
            raise ValueError(f"unknown document kinds {', '.join(unknown)}; use pdf, jpeg, png")
        return value

    @field_validator("notify_providers", mode="before")
    @classmethod
    def _pairs(cls, value):
        if isinstance(value, str):
            out = {}
            for pair in (p.strip() for p in value.split(",") if p.strip()):
                key, sep, val = pair.partition("=")
                if not sep or not key.strip() or not val.strip():
                    raise ValueError(f"expected channel=provider pairs separated by commas, got {pair!r}")
                out[key.strip()] = val.strip()
            return out
        return value

    @field_validator("connectors", mode="before")
    @classmethod
    def _json(cls, value):
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else {}
        return value

    @model_validator(mode="after")
    def _derived(self):
        if self.odsc_env is None:
            self.odsc_env = "production" if self.redis_url else "development"
        if not self.jobs_mode:
            self.jobs_mode = "rq" if self.redis_url else "inprocess"
        return self

    def flask_config(self, instance_path: str) -> dict:
        """The Flask config of these settings. Raises SettingsError in production without SECRET_KEY."""
        return {
            "ODSC_ENV": self.odsc_env,
            "SECRET_KEY": self._secret(instance_path),
            "SQLALCHEMY_DATABASE_URI": normalize_database_url(self.database_url, instance_path),
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(self.database_url),
            "CATALOGUE_DIR": self.catalogue_dir,
            "REDIS_URL": self.redis_url,
            "JOBS_MODE": self.jobs_mode,
            "PUBLIC_BASE_URL": self.public_base_url,
            "BABEL_DEFAULT_LOCALE": "lo",
            "BABEL_DEFAULT_TIMEZONE": "Asia/Vientiane",
            "LANGUAGES": ["lo", "en"],
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "MAX_BPMN_BYTES": self.max_bpmn_bytes,
            "UPLOAD_DIR": self.upload_dir or str(Path(instance_path) / "uploads"),
            "DOCUMENT_STORAGE": self.document_storage,
            "S3_BUCKET": self.s3_bucket, "S3_ENDPOINT_URL": self.s3_endpoint_url, "S3_REGION": self.s3_region,
            "S3_PREFIX": self.s3_prefix,
            "UPLOAD_MAX_BYTES": self.upload_max_bytes,
            "UPLOAD_KINDS": list(self.upload_kinds),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.session_cookie_secure,
            "PERMANENT_SESSION_LIFETIME": self.session_lifetime_seconds,
            "SESSION_IDLE_TIMEOUT": self.session_idle_seconds,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            "WTF_CSRF_TIME_LIMIT": None,
            "NOTIFY_PROVIDERS": dict(self.notify_providers),
            "NOTIFY_MAX_ATTEMPTS": self.notify_max_attempts,
            "NOTIFY_RETRY_DELAYS": tuple(self.notify_retry_delays),
            "SMS_GATEWAY_URL": self.sms_gateway_url, "SMS_GATEWAY_TOKEN": self.sms_gateway_token,
            "SMS_GATEWAY_USER": self.sms_gateway_user, "SMS_GATEWAY_PASSWORD": self.sms_gateway_password,
            "SMS_SENDER": self.sms_sender, "SMS_GATEWAY_TIMEOUT": self.sms_gateway_timeout,
            "SMTP_HOST": self.smtp_host, "SMTP_PORT": self.smtp_port, "SMTP_USER": self.smtp_user,
            "SMTP_PASSWORD": self.smtp_password, "SMTP_FROM": self.smtp_from, "SMTP_STARTTLS": self.smtp_starttls,
            "CONNECTOR_MAX_ATTEMPTS": self.connector_max_attempts,
            "CONNECTOR_RETRY_DELAYS": tuple(self.connector_retry_delays),
            "CONNECTOR_TIMEOUT": self.connector_timeout,
            "CONNECTORS": dict(self.connectors),
            "JOBS_DISPATCH_SECONDS": self.jobs_dispatch_seconds,
            "JOBS_TIME_LIMITS_SECONDS": self.jobs_time_limits_seconds,
            "JOBS_GRACE_SECONDS": self.jobs_grace_seconds,
            "CLAIM_LEASE_SECONDS": self.claim_lease_seconds,
            "DISPATCH_LEASE_SECONDS": self.dispatch_lease_seconds,
            "WORKER_HEARTBEAT_SECONDS": self.worker_heartbeat_seconds,
            "WORKER_DEAD_SECONDS": self.worker_dead_seconds,
            "JOB_TIMEOUT_SECONDS": self.job_timeout_seconds,
            "WORKER_QUEUES": list(self.worker_queues),
            "REMINDER_WORKING_DAYS": self.reminder_working_days,
            "READY_MAX_HEARTBEAT_AGE": self.ready_max_heartbeat_age,
            "READY_MAX_TIMER_LAG": self.ready_max_timer_lag,
            "CALENDAR_WARN_DAYS": self.calendar_warn_days,
            "METRICS_TOKEN": self.metrics_token,
            "LOG_FORMAT": self.log_format,
            "LOG_LEVEL": self.log_level.upper(),
            "CERTIFICATE_SIGNING_KEY": self.certificate_signing_key or None,
            "API_STATUS_LIMIT": self.api_status_limit,
            "API_LOGIN_LIMIT": self.api_login_limit,
            "TRUSTED_PROXY_COUNT": self.trusted_proxy_count,
            "JOBS_AFTER_COMMIT": self.jobs_after_commit,
            "JOBS_PURGE_IDEMPOTENCY_SECONDS": self.jobs_purge_idempotency_seconds,
            "JOBS_PURGE_SESSIONS_SECONDS": self.jobs_purge_sessions_seconds,
            "SMS_INBOUND_SECRET": self.sms_inbound_secret,
            "SMS_INBOUND_MAX_SKEW": self.sms_inbound_max_skew,
            "SMS_INBOUND_PER_HOUR": self.sms_inbound_per_hour,
            "OPEN_DATA_TTL": self.open_data_ttl,
        }

    def _secret(self, instance_path: str) -> str:
        if self.secret_key:
            return self.secret_key
        if self.odsc_env == "production":
            raise SettingsError("SECRET_KEY is not set: production (ODSC_ENV=production, or REDIS_URL set) "
                                "needs the same SECRET_KEY on every web process; generate one with "
                                "`python -c 'import secrets; print(secrets.token_hex(32))'`")
        # development only: a key kept under instance/ so sessions survive a restart of `odsc serve`
        path = Path(instance_path) / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()


def normalize_database_url(url: str, instance_path: str) -> str:
    """SQLAlchemy's URL for DATABASE_URL (postgres:// and postgresql:// use psycopg 3); SQLite by default."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'odsc.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_options(url: str) -> dict:
    options: dict = {"pool_pre_ping": True}
    if url.startswith(("postgres://", "postgresql")):
        # an unreachable database answers /readyz and requests within seconds instead of hanging
        options["connect_args"] = {"connect_timeout": 5}
    return options


def load(environ: dict | None = None) -> Settings:
    """The settings from the environment (or from `environ`); raises SettingsError naming the bad setting."""
    from pydantic import ValidationError

    try:
        if environ is None:
            return Settings()
        return Settings(**{k.lower(): v for k, v in environ.items() if k.lower() in Settings.model_fields})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from exc
