"""Notifications: one outbox row per (event, channel), sent by pluggable providers with retries and backoff.

Rows are created inside the transaction of the event (see engine.jobs.outbox), so nothing is lost; the
unique (event_key, channel) makes creation idempotent, and a send is claimed with a compare-and-set, so a
message is never sent twice for the same event. Providers:

- `outbox`: the row itself is the message (default in the embedded mode; developers read /dev/outbox);
- `http`: SMS over an HTTP gateway (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN or SMS_GATEWAY_USER/PASSWORD,
  SMS_SENDER); the gateway gets an Idempotency-Key header that is the same on every retry;
- `smtp`: e-mail (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS).
"""
from __future__ import annotations

import base64
import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, or_, select, update

from engine.db import db, is_postgres, utcnow
from engine.jobs import queues
from engine.models import Application, User
from engine.models.jobs import FAILED, PENDING, SENT, Notification

log = logging.getLogger("odsc.notifications")

CANCELLED_LABEL = {"lo": "ຄຳຮ້ອງຖືກຍົກເລີກ", "en": "Cancelled"}
TEXTS = {
    "milestone": {
        "lo": "ສູນບໍລິການຜ່ານປະຕູດຽວ: ຄຳຮ້ອງ {code} ({service}): {label}.",
        "en": "One-Door Service Centre: application {code} ({service}): {label}.",
    },
    "track": {"lo": " ຕິດຕາມ: {url}", "en": " Track: {url}"},
    "subject": {"lo": "ຄຳຮ້ອງ {code}: {label}", "en": "Application {code}: {label}"},
    "reminder": {
        "lo": "ເຕືອນ: ວຽກ '{task}' ຂອງຄຳຮ້ອງ {code} ຕ້ອງສຳເລັດພາຍໃນ {due}.",
        "en": "Reminder: task '{task}' of application {code} is due on {due}.",
    },
    "incident": {
        "lo": "ບັນຫາ: ຂັ້ນຕອນອັດຕະໂນມັດ '{task}' ຂອງຄຳຮ້ອງ {code} ລົ້ມເຫຼວ. ກະລຸນາກວດເບິ່ງໜ້າບັນຫາ.",
        "en": "Incident: automatic step '{task}' of application {code} failed. Please see the incidents page.",
    },
    "escalation": {
        "lo": "ກາຍກຳນົດ: ວຽກ '{task}' ຂອງຄຳຮ້ອງ {code} ກາຍກຳນົດແລ້ວ ({due}). ຜູ້ຮັບຜິດຊອບ: {who}.",
        "en": "Overdue: task '{task}' of application {code} was due on {due}. Assigned to: {who}.",
    },
}


def cfg(key: str, default=None):
    value = current_app.config.get(key)
    if value in (None, ""):
        value = os.environ.get(key, default)
    return value if value not in (None, "") else default


def _pick(text: dict | None, locale: str) -> str:
    if not isinstance(text, dict):
        return str(text or "")
    return text.get(locale) or text.get("lo") or text.get("en") or ""


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}" if len(code) == 10 else code


def normalize_phone(phone: str) -> str:
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit() or ch == "+")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+856" + digits[1:]
    return digits


# ---- who gets what ----------------------------------------------------------------------------------

def applicant_addresses(app: Application) -> dict[str, str]:
    """The applicant's phone (account, else the application form's phone field) and e-mail."""
    out: dict[str, str] = {}
    # columns only: loading the account would also load its roles
    user = db.session.execute(select(User.phone, User.username, User.kind, User.email)
                              .where(User.id == app.applicant_id)).first() if app.applicant_id else None
    if user is not None:
        phone = user.phone or (user.username if user.kind == "citizen" else "")
        if phone:
            out["sms"] = normalize_phone(phone)
        if user.email:
            out["email"] = user.email
    if "sms" not in out:
        from engine.runtime.specs import compiled

        defn = compiled(app.service_version_id).definition
        form = defn.get("forms", {}).get(defn.get("application_form"), {})
        for field in form.get("fields", []):
            if field.get("type") == "phone" and (app.data or {}).get(field["name"]):
                out["sms"] = normalize_phone(app.data[field["name"]])
                break
    return out


def user_addresses(user: User) -> dict[str, str]:
    out = {}
    if user.phone:
        out["sms"] = normalize_phone(user.phone)
    if user.email:
        out["email"] = user.email
    return out or {"web": user.username}


def _add(event_key: str, channel: str, recipient: str, **fields) -> int | None:
    """Insert one outbox row unless (event_key, channel) exists; return its id if created.

    One statement (INSERT … ON CONFLICT DO NOTHING RETURNING id) on PostgreSQL and SQLite alike."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    grace = float(cfg("JOBS_GRACE_SECONDS", 30))
    stmt = (insert(Notification)
            .values(event_key=event_key, channel=channel, recipient=recipient, status=PENDING, attempts=0,
                    next_attempt_at=utcnow() + timedelta(seconds=grace), **fields)
            .on_conflict_do_nothing(index_elements=["event_key", "channel"])
            .returning(Notification.id))
    return db.session.execute(stmt).scalar()


def for_milestone(application_id: int, milestone: str) -> list[int]:
    """Outbox rows telling the applicant about a public milestone, in the application's language."""
    from engine.models import MilestoneEvent
    from engine.runtime.specs import compiled

    app = db.session.get(Application, application_id)
    if app is None:
        return []
    db.session.flush()
    step = db.session.execute(select(MilestoneEvent.id).where(
        MilestoneEvent.application_id == app.id, MilestoneEvent.milestone == milestone)
        .order_by(MilestoneEvent.id.desc()).limit(1)).scalar()
    key = f"milestone:{app.id}:{milestone}:{step or 0}"
    locale = app.locale if app.locale in ("lo", "en") else "lo"
    defn = compiled(app.service_version_id).definition
    labels = {m["id"]: m["label"] for m in defn.get("milestones", [])}
    label = _pick(labels.get(milestone) or (CANCELLED_LABEL if milestone == "cancelled" else milestone), locale)
    service_name = _pick(defn.get("name"), locale) or app.service_id
    code = display_code(app.tracking_code)
    body = TEXTS["milestone"][locale].format(code=code, service=service_name, label=label)
    base = cfg("PUBLIC_BASE_URL", "")
    if base:
        body += TEXTS["track"][locale].format(url=f"{base.rstrip('/')}/status/{app.tracking_code}")
    subject = TEXTS["subject"][locale].format(code=code, label=label)
    addresses = applicant_addresses(app) or {"web": f"application {code}"}
    ids = []
    for channel, recipient in addresses.items():
        nid = _add(key, channel, recipient, kind="milestone", application_id=app.id, user_id=app.applicant_id,
                   centre_id=app.centre_id, locale=locale, subject=subject, body=body)
        if nid:
            ids.append(nid)
    return ids


def for_staff(kind: str, key: str, user: User, app: Application, params: dict) -> list[int]:
    locale = user.locale if user.locale in ("lo", "en") else "lo"
    task = _pick(params.get("task"), locale)
    body = TEXTS[kind][locale].format(code=display_code(app.tracking_code), task=task, due=params.get("due"),
                                      who=params.get("who") or "-")
    ids = []
    for channel, recipient in user_addresses(user).items():
        nid = _add(f"{key}:{user.id}", channel, recipient, kind=kind, application_id=app.id, user_id=user.id,
                   centre_id=app.centre_id, locale=locale, subject=body[:300], body=body)
        if nid:
            ids.append(nid)
    return ids


def for_supervisors(kind: str, key: str, app: Application, params: dict) -> list[int]:
    """Tell every active supervisor of the application's centre (or the centre's outbox if there is none)."""
    from engine.models import UserRole

    supervisors = db.session.execute(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.centre_id == app.centre_id, User.active.is_(True), User.kind == "staff",
               UserRole.role == "supervisor")).scalars().unique().all()
    ids = []
    for user in supervisors:
        ids += for_staff(kind, key, user, app, params)
    return ids or for_centre(kind, key, app, params)


def for_centre(kind: str, key: str, app: Application, params: dict) -> list[int]:
    """A staff notification with nobody to address: stays on the centre's outbox (channel 'web')."""
    locale = "lo"
    body = TEXTS[kind][locale].format(code=display_code(app.tracking_code), task=_pick(params.get("task"), locale),
                                      due=params.get("due"), who=params.get("who") or "-")
    nid = _add(f"{key}:centre", "web", f"centre {app.centre_id}", kind=kind, application_id=app.id,
               centre_id=app.centre_id, locale=locale, subject=body[:300], body=body)
    return [nid] if nid else []


# ---- providers --------------------------------------------------------------------------------------

class ProviderError(Exception):
    pass


class OutboxProvider:
    name = "outbox"

    def send(self, n: Notification) -> None:
        """The outbox row is the message: developers read it on /dev/outbox."""


class HttpSmsProvider:
    name = "http"

    def __init__(self, url: str, token: str | None = None, user: str | None = None, password: str | None = None,
                 sender: str = "ODSC", timeout: float = 10.0):
        self.url, self.token, self.user, self.password = url, token, user, password
        self.sender, self.timeout = sender, timeout

    def send(self, n: Notification) -> None:
        payload = {"to": n.recipient, "text": n.body, "sender": self.sender, "reference": f"{n.event_key}/{n.channel}"}
        req = urllib.request.Request(self.url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                     method="POST")
        req.add_header("Content-Type", "application/json; charset=utf-8")
        req.add_header("Idempotency-Key", f"odsc-notification-{n.id}")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        elif self.user:
            creds = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            req.add_header("Authorization", f"Basic {creds}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                if not 200 <= resp.status < 300:
                    raise ProviderError(f"SMS gateway answered {resp.status}")
        except urllib.error.HTTPError as exc:
            raise ProviderError(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ProviderError(f"SMS gateway unreachable: {exc}") from exc


class SmtpProvider:
    name = "smtp"

    def __init__(self, host: str, port: int = 25, user: str | None = None, password: str | None = None,
                 sender: str = "odsc@localhost", starttls: bool = False, timeout: float = 15.0):
        self.host, self.port, self.user, self.password = host, int(port), user, password
        self.sender, self.starttls, self.timeout = sender, starttls, timeout

    def send(self, n: Notification) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, n.recipient, n.subject or n.body[:80]
        msg["Message-ID"] = f"<odsc-notification-{n.id}@{self.sender.split('@')[-1]}>"
        msg.set_content(n.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise ProviderError(f"SMTP: {exc}") from exc


def provider_for(channel: str):
    """The provider of a channel: NOTIFY_PROVIDERS[channel] if configured, else by what is configured."""
    chosen = (cfg("NOTIFY_PROVIDERS", {}) or {}).get(channel)
    if chosen is None:
        if channel == "sms" and cfg("SMS_GATEWAY_URL"):
            chosen = "http"
        elif channel == "email" and cfg("SMTP_HOST"):
            chosen = "smtp"
        else:
            chosen = "outbox"
    if not isinstance(chosen, str):
        return chosen  # an object with .name and .send(notification)
    if chosen == "http":
        return HttpSmsProvider(cfg("SMS_GATEWAY_URL"), cfg("SMS_GATEWAY_TOKEN"), cfg("SMS_GATEWAY_USER"),
                               cfg("SMS_GATEWAY_PASSWORD"), cfg("SMS_SENDER", "ODSC"),
                               float(cfg("SMS_GATEWAY_TIMEOUT", 10)))
    if chosen == "smtp":
        return SmtpProvider(cfg("SMTP_HOST"), int(cfg("SMTP_PORT", 25)), cfg("SMTP_USER"), cfg("SMTP_PASSWORD"),
                            cfg("SMTP_FROM", "odsc@localhost"), str(cfg("SMTP_STARTTLS", "0")) in ("1", "true", "True"))
    return OutboxProvider()


# ---- sending ----------------------------------------------------------------------------------------

def _lease_cut(now):
    return now - timedelta(seconds=queues.CLAIM_LEASE_SECONDS)


def claim_due(limit: int = 100) -> list[tuple[int, str]]:
    """Claim pending rows whose next attempt is due, in one atomic UPDATE; [(id, token)]. Commits."""
    from engine.timers import new_token

    now = utcnow()
    due = and_(Notification.status == PENDING, Notification.next_attempt_at <= now,
               or_(Notification.claimed_by.is_(None), Notification.claimed_at < _lease_cut(now)))
    token = new_token()
    candidates = select(Notification.id).where(due).order_by(Notification.next_attempt_at).limit(limit)
    if is_postgres():
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.execute(
        update(Notification).where(Notification.id.in_(candidates.scalar_subquery()), due)
        .values(claimed_by=token, claimed_at=now).returning(Notification.id)
        .execution_options(synchronize_session=False)).scalars().all()
    db.session.commit()
    return [(nid, token) for nid in ids]


def send(notification_id: int, token: str | None = None) -> str:
    """Send one notification (claim, deliver, record). Returns the resulting status or 'skipped'."""
    from engine.timers import new_token

    runner = new_token()
    now = utcnow()
    if token is None:
        cond = or_(Notification.claimed_by.is_(None), Notification.claimed_at < _lease_cut(now))
    else:
        cond = Notification.claimed_by == token
    taken = db.session.execute(update(Notification).where(Notification.id == notification_id,
                                                          Notification.status == PENDING, cond)
                               .values(claimed_by=runner, claimed_at=now)).rowcount
    db.session.commit()
    if taken != 1:
        return "skipped"
    n = db.session.get(Notification, notification_id)
    provider = provider_for(n.channel)
    attempts = n.attempts + 1
    try:
        provider.send(n)
    except Exception as exc:  # noqa: BLE001 - any provider failure is retried with backoff
        delays = cfg("NOTIFY_RETRY_DELAYS", queues.NOTIFY_RETRY_DELAYS)
        limit = int(cfg("NOTIFY_MAX_ATTEMPTS", queues.NOTIFY_MAX_ATTEMPTS))
        final = attempts >= limit
        delay = float(delays[min(attempts - 1, len(delays) - 1)]) if delays else 0.0
        db.session.execute(update(Notification).where(Notification.id == n.id, Notification.claimed_by == runner)
                           .values(attempts=attempts, last_error=str(exc)[:2000], claimed_by=None, claimed_at=None,
                                   provider=getattr(provider, "name", "?"),
                                   status=FAILED if final else PENDING,
                                   next_attempt_at=utcnow() + timedelta(seconds=delay)))
        db.session.commit()
        log.warning("notification %s attempt %s failed: %s", n.id, attempts, exc)
        return FAILED if final else PENDING
    db.session.execute(update(Notification).where(Notification.id == n.id, Notification.claimed_by == runner)
                       .values(attempts=attempts, status=SENT, sent_at=utcnow(), claimed_by=None, claimed_at=None,
                               provider=getattr(provider, "name", "?"), last_error=None))
    db.session.commit()
    return SENT


def outbox(limit: int = 200, *, centre_id: str | None = None, user_id: int | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if centre_id:
        stmt = stmt.where(Notification.centre_id == centre_id)
    if user_id is not None:
        stmt = stmt.where(Notification.user_id == user_id)
    return list(db.session.execute(stmt).scalars())
