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
import smtplib
import urllib.error
import urllib.request
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, case, select, update

from engine.db import db, is_postgres, utcnow
from engine.jobs import leases, queues
from engine.models import Application, User
from engine.models.jobs import FAILED, PENDING, SENT, Notification

log = logging.getLogger("odsc.notifications")

CANCELLED_LABEL = {"lo": "ຄຳຮ້ອງຖືກຍົກເລີກ", "en": "Cancelled"}
# Each text fits in two SMS (engine.sms.LIMIT, 134 UCS-2 units) once filled in: the variable parts are
# shortened when needed. "returned" says what the office asks for; "payment" says how much to pay.
TEXTS = {
    "milestone": {
        "lo": "ສູນປະຕູດຽວ: ຄຳຮ້ອງ {code} ({service}): {label}.{track}",
        "en": "One-Door Service Centre: application {code} ({service}): {label}.{track}",
    },
    "returned": {
        "lo": "ສູນປະຕູດຽວ: ຄຳຮ້ອງ {code} ຖືກສົ່ງຄືນ ເພາະ: {reason}{track}",
        "en": "One-Door Service Centre: application {code} returned to you: {reason}{track}",
    },
    "payment": {
        "lo": "ສູນປະຕູດຽວ: ຄຳຮ້ອງ {code}: ກະລຸນາຊຳລະຄ່າທຳນຽມ {amount} ທີ່ສູນບໍລິການ.{track}",
        "en": "One-Door Service Centre: application {code}: pay {amount} at the centre.{track}",
    },
    "track": {"lo": " {url}", "en": " {url}"},
    "rate": {"lo": " ໃຫ້ຄະແນນ: {url}", "en": " Rate us: {url}"},
    # the legal clock (engine/clock.py) in each milestone message
    "clock_left": {"lo": " ເຫຼືອ {n} ມື້ລັດຖະການ.", "en": " {n} working days left."},
    "clock_today": {"lo": " ກຳນົດແມ່ນມື້ນີ້.", "en": " Due today."},
    "clock_late": {"lo": " ກາຍກຳນົດ {n} ມື້ລັດຖະການ.", "en": " {n} working days late."},
    # English singulars (Lao has no plural)
    "clock_left_one": {"lo": " ເຫຼືອ {n} ມື້ລັດຖະການ.", "en": " {n} working day left."},
    "clock_late_one": {"lo": " ກາຍກຳນົດ {n} ມື້ລັດຖະການ.", "en": " {n} working day late."},
    "clock_paused": {"lo": " ໂມງຢຸດ: ລໍຖ້າເອກະສານຂອງທ່ານ (ເຫຼືອ {n} ມື້).",
                     "en": " Clock paused: waiting for your documents ({n} days left)."},
    # a step of the applicant's own lane that the process plans (sign the register, collect in person): the
    # clock waits for the applicant as for a return, but nothing was returned and no document is missing
    "clock_paused_step": {"lo": " ໂມງຢຸດ: ລໍຖ້າທ່ານ (ເຫຼືອ {n} ມື້).",
                          "en": " Clock paused: waiting for you ({n} days left)."},
    "subject": {"lo": "ຄຳຮ້ອງ {code}: {label}", "en": "Application {code}: {label}"},
    "reminder": {
        "lo": "ເຕືອນ: ວຽກ '{task}' ຂອງຄຳຮ້ອງ {code} ຕ້ອງສຳເລັດພາຍໃນ {due}.",
        "en": "Reminder: task '{task}' of application {code} is due on {due}.",
    },
    "incident": {
        "lo": "ບັນຫາ: ຂັ້ນຕອນອັດຕະໂນມັດ '{task}' ຂອງຄຳຮ້ອງ {code} ລົ້ມເຫຼວ. ເບິ່ງໜ້າບັນຫາ.",
        "en": "Incident: automatic step '{task}' of application {code} failed. See the incidents page.",
    },
    "escalation": {
        "lo": "ກາຍກຳນົດ: ວຽກ '{task}' ຂອງຄຳຮ້ອງ {code} ກາຍກຳນົດແລ້ວ ({due}). ຜູ້ຮັບຜິດຊອບ: {who}.",
        "en": "Overdue: task '{task}' of application {code} was due on {due}. Assigned to: {who}.",
    },
}


def cfg(key: str, default=None):
    """A setting from the app config (typed by web.settings from the environment); `default` when unset."""
    value = current_app.config.get(key)
    return value if value not in (None, "") else default


def _pick(text: dict | None, locale: str) -> str:
    if not isinstance(text, dict):
        return str(text or "")
    return text.get(locale) or text.get("lo") or text.get("en") or ""


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}" if len(code) == 10 else code


def normalize_phone(phone: str) -> str:
    """One canonical form (E.164, `+856…`) for every way a Lao number is written: `020 5555 1234`,
    `+856 20 5555 1234`, `00856…`, `856 20…` (a gateway's `from` without the plus) and `20 5555 1234` (no
    trunk 0). One number must give one form: SMS recipients, the inbound per-phone limit and its hash rely on it.
    Lao mobiles: 20 + 8 digits, 30 + 7 digits; other texts keep their digits (and a leading +)."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit() or ch == "+")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+856" + digits[1:]
    elif digits.startswith("856") and len(digits) >= 11:
        digits = "+" + digits
    elif (digits.startswith("20") and len(digits) == 10) or (digits.startswith("30") and len(digits) == 9):
        digits = "+856" + digits
    return digits


# ---- who gets what ----------------------------------------------------------------------------------

def applicant_addresses(app: Application) -> dict[str, str]:
    """The applicant's phone (account, else the application form's phone field) and e-mail."""
    out: dict[str, str] = {}
    # columns only: loading the account would also load its roles; a command read them with its task
    from engine.runtime.readmodel import applicant_columns

    user = applicant_columns(app.id) if app.applicant_id else None
    if user is None and app.applicant_id:
        user = db.session.execute(select(User.phone, User.username, User.kind, User.email)
                                  .where(User.id == app.applicant_id)).first()
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


def clock_words(app: Application, locale: str) -> str:
    """The legal clock in a few words for an SMS ('' once the case is closed or without a time limit)."""
    from engine import clock

    state = clock.of(app)
    left = state["working_days_left"]
    if left is None or state["state"] == clock.STOPPED:
        return ""
    if state["state"] == clock.PAUSED:
        key = "clock_paused" if app.milestone == "returned" else "clock_paused_step"
        return TEXTS[key][locale].format(n=max(left, 0))
    if left > 0:
        return TEXTS["clock_left_one" if left == 1 else "clock_left"][locale].format(n=left)
    if left == 0:
        return TEXTS["clock_today"][locale]
    return TEXTS["clock_late_one" if left == -1 else "clock_late"][locale].format(n=-left)


def for_milestone(application_id: int, milestone: str) -> list[int]:
    """Outbox rows telling the applicant about a public milestone, in the application's language."""
    from engine.models import MilestoneEvent
    from engine.runtime.specs import compiled

    app = db.session.get(Application, application_id)
    if app is None:
        return []
    db.session.flush()
    from engine.runtime.readmodel import milestone_row

    held = milestone_row(app.id, milestone)  # the row this transaction added: the latest of its kind
    step = held.id if held is not None and held.id is not None else db.session.execute(
        select(MilestoneEvent.id).where(MilestoneEvent.application_id == app.id, MilestoneEvent.milestone == milestone)
        .order_by(MilestoneEvent.id.desc()).limit(1)).scalar()
    key = f"milestone:{app.id}:{milestone}:{step or 0}"
    locale = app.locale if app.locale in ("lo", "en") else "lo"
    defn = compiled(app.service_version_id).definition
    labels = {m["id"]: m["label"] for m in defn.get("milestones", [])}
    label = _pick(labels.get(milestone) or (CANCELLED_LABEL if milestone == "cancelled" else milestone), locale)
    service_name = _pick(defn.get("name"), locale) or app.service_id
    code = display_code(app.tracking_code)
    base = cfg("PUBLIC_BASE_URL", "")
    # the clock's words, the status link and (on the final message) the one-time rating link are fixed parts:
    # fit() would shorten the reason or label to a few letters to make room, so drop the least useful parts
    # first: the first variant whose text keeps the reason / label whole wins (else the shortest, last one)
    words = clock_words(app, locale)
    link = rate = ""
    if base:
        link = TEXTS["track"][locale].format(url=f"{base.rstrip('/')}/status/{app.tracking_code}")
        if milestone in ("completed", "rejected"):  # the one-time rating link (engine/feedback.py)
            from engine.feedback import link_path

            rate = TEXTS["rate"][locale].format(url=base.rstrip("/") + link_path(app.id))
    variants = [words + link + rate, link + rate, words + link, link]
    if rate:  # the final message: the one-time rating link matters more than the status link
        variants = [link + rate, rate, link]
    reason = _reason(app.id) if milestone == "returned" else ""
    amount = app.fee_amount if milestone == "payment" else None
    for track in variants:
        body = milestone_text(locale, milestone, code=code, service=service_name, label=label, track=track,
                              reason=reason, amount=amount)
        if _kept_whole(body, milestone, label=label, reason=reason, amount=amount):
            break
    subject = TEXTS["subject"][locale].format(code=code, label=label)
    addresses = applicant_addresses(app) or {"web": f"application {code}"}
    ids = []
    for channel, recipient in addresses.items():
        nid = _add(key, channel, recipient, kind="milestone", application_id=app.id, user_id=app.applicant_id,
                   centre_id=app.centre_id, locale=locale, subject=subject, body=body)
        if nid:
            ids.append(nid)
    return ids


def _kept_whole(text: str, milestone: str, *, label: str, reason: str, amount) -> bool:
    """Whether fit() left the part the applicant must read (the return reason, else the label) unshortened."""
    if milestone == "returned" and reason:
        part = reason
    elif milestone == "payment" and amount:
        return True  # the amount is never shortened
    else:
        part = label
    return " ".join(str(part or "").split()) in text


def milestone_text(locale: str, milestone: str, *, code: str, service: str, label: str, track: str = "",
                   reason: str = "", amount=None) -> str:
    """The SMS for a public milestone, in two SMS at most: the reason when returned, the amount when payment
    is due (whole kip in the locale's style), else the step's label."""
    from engine.money import format_kip
    from engine.sms import fit

    if milestone == "returned" and reason:
        return fit(TEXTS["returned"][locale], code=code, reason=reason, track=track)
    if milestone == "payment" and amount:
        return fit(TEXTS["payment"][locale], code=code, amount=format_kip(amount, locale), track=track)
    return fit(TEXTS["milestone"][locale], code=code, service=service, label=label, track=track)


def _reason(application_id: int) -> str:
    from engine.models import AuditEvent

    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.application_id == application_id, AuditEvent.kind == "application.returned")
        .order_by(AuditEvent.id.desc()).limit(1)).scalar()
    return str(((event.data or {}).get("answers") or {}).get("reason") or "") if event else ""


def staff_text(kind: str, locale: str, **params) -> str:
    """A reminder, incident or escalation for staff, in two SMS at most."""
    from engine.sms import fit

    return fit(TEXTS[kind][locale], **params)


def for_staff(kind: str, key: str, user: User, app: Application, params: dict) -> list[int]:
    locale = user.locale if user.locale in ("lo", "en") else "lo"
    task = _pick(params.get("task"), locale)
    body = staff_text(kind, locale, code=display_code(app.tracking_code), task=task, due=params.get("due"),
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
    body = staff_text(kind, locale, code=display_code(app.tracking_code), task=_pick(params.get("task"), locale),
                      due=params.get("due"), who=params.get("who") or "-")
    nid = _add(f"{key}:centre", "web", f"centre {app.centre_id}", kind=kind, application_id=app.id,
               centre_id=app.centre_id, locale=locale, subject=body[:300], body=body)
    return [nid] if nid else []


# ---- providers --------------------------------------------------------------------------------------

class ProviderError(Exception):
    """The provider did not take the message: it is retried with backoff."""


class Unconfirmed(Exception):
    """The message was handed over but the provider did not answer in time (a read timeout): it may have
    been delivered, so it is not sent again (a slow SMS gateway would otherwise get it three times)."""


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
        except urllib.error.URLError as exc:  # urllib wraps failures before the request was sent
            raise ProviderError(f"SMS gateway unreachable: {exc.reason}") from exc
        except TimeoutError as exc:  # the request went out; waiting for the answer timed out
            raise Unconfirmed(f"SMS gateway did not answer within {self.timeout:g} s after the message "
                              f"was sent") from exc
        except OSError as exc:
            raise ProviderError(f"SMS gateway connection failed: {exc}") from exc


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
                            cfg("SMTP_FROM", "odsc@localhost"), cfg("SMTP_STARTTLS", False) in (True, "1", "true", "True"))
    return OutboxProvider()


# ---- sending ----------------------------------------------------------------------------------------

def claim_due(limit: int = 100) -> list[tuple[int, str]]:
    """Claim pending rows whose next attempt is due, in one atomic UPDATE; [(id, token)]. Commits."""
    from engine.timers import new_token

    now = utcnow()
    due = and_(Notification.status == PENDING, Notification.next_attempt_at <= now,
               leases.claimable(Notification, now))
    token = new_token()
    candidates = select(Notification.id).where(due).order_by(Notification.next_attempt_at).limit(limit)
    if is_postgres():
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.execute(
        update(Notification).where(Notification.id.in_(candidates.scalar_subquery()), due)
        .values(claimed_by=token, claimed_at=now, claim_owner=None).returning(Notification.id)
        .execution_options(synchronize_session=False)).scalars().all()
    db.session.commit()
    return [(nid, token) for nid in ids]


def send(notification_id: int, token: str | None = None) -> str:
    """Send one notification (claim, deliver, record). Returns the resulting status or 'skipped'."""
    from engine.timers import new_token

    runner = new_token()
    now = utcnow()
    if token is None:
        cond = leases.claimable(Notification, now)
    else:
        cond = Notification.claimed_by == token
    # being sent now: due from now on (not after the after-commit grace), so that if this worker dies the
    # message is taken over as soon as its claim is released
    taken = db.session.execute(update(Notification).where(Notification.id == notification_id,
                                                          Notification.status == PENDING, cond)
                               .values(claimed_by=runner, claimed_at=now, claim_owner=leases.owner(),
                                       next_attempt_at=case((Notification.next_attempt_at > now, now),
                                                            else_=Notification.next_attempt_at))).rowcount
    db.session.commit()
    if taken != 1:
        return "skipped"
    n = db.session.get(Notification, notification_id)
    from engine import logs

    logs.bind(application_id=n.application_id)
    provider = provider_for(n.channel)
    attempts = n.attempts + 1
    try:
        provider.send(n)
    except Unconfirmed as exc:
        db.session.execute(update(Notification).where(Notification.id == n.id, Notification.claimed_by == runner)
                           .values(attempts=attempts, status=SENT, sent_at=utcnow(), claimed_by=None,
                                   claimed_at=None, claim_owner=None, provider=getattr(provider, "name", "?"),
                                   last_error=f"unconfirmed: {exc}"[:2000]))
        db.session.commit()
        log.warning("notification %s handed to %s without confirmation; not sent again: %s", n.id,
                    getattr(provider, "name", "?"), exc)
        _count(n, "unconfirmed")
        return SENT
    except Exception as exc:  # noqa: BLE001 - any provider failure is retried with backoff
        delays = cfg("NOTIFY_RETRY_DELAYS", queues.NOTIFY_RETRY_DELAYS)
        limit = int(cfg("NOTIFY_MAX_ATTEMPTS", queues.NOTIFY_MAX_ATTEMPTS))
        final = attempts >= limit
        delay = float(delays[min(attempts - 1, len(delays) - 1)]) if delays else 0.0
        db.session.execute(update(Notification).where(Notification.id == n.id, Notification.claimed_by == runner)
                           .values(attempts=attempts, last_error=str(exc)[:2000], claimed_by=None, claimed_at=None, claim_owner=None,
                                   provider=getattr(provider, "name", "?"),
                                   status=FAILED if final else PENDING,
                                   next_attempt_at=utcnow() + timedelta(seconds=delay)))
        db.session.commit()
        log.warning("notification %s (%s) attempt %s of %s failed%s: %s", n.id, n.channel, attempts, limit,
                    "; giving up" if final else f", retry in {delay:g}s", exc)
        if final:
            _exhausted(n.id, str(exc))
        _count(n, FAILED if final else "retry")
        return FAILED if final else PENDING
    db.session.execute(update(Notification).where(Notification.id == n.id, Notification.claimed_by == runner)
                       .values(attempts=attempts, status=SENT, sent_at=utcnow(), claimed_by=None, claimed_at=None, claim_owner=None,
                               provider=getattr(provider, "name", "?"), last_error=None))
    db.session.commit()
    log.info("notification %s (%s) sent via %s (attempt %s)", n.id, n.channel, getattr(provider, "name", "?"),
             attempts)
    _count(n, SENT)
    return SENT


def _count(n: Notification, outcome: str) -> None:
    from engine import metrics

    metrics.NOTIFICATIONS.labels(channel=n.channel, outcome=outcome).inc()
    if n.channel == "sms" and outcome in (SENT, "unconfirmed"):
        metrics.SMS_SEGMENTS.inc(metrics.sms_segments(n.body or ""))


def _exhausted(notification_id: int, error: str) -> None:
    """A message that failed all its attempts opens an incident at its centre (the operations console)."""
    from engine import incidents

    try:
        incidents.open_notification_incident(notification_id, error)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the message stays failed and listed; never lose the send result
        db.session.rollback()
        log.exception("could not open an incident for notification %s", notification_id)


def outbox_for(actor, limit: int = 200) -> list[Notification]:
    """The stored notifications `actor` may read, newest first: a citizen those addressed to them, a staff
    member those of the centres in its reach (engine.admin.scope.reach: its centre, or its province /
    the nation for administrators and monitors). Never another centre's phone numbers or codes."""
    from engine.admin.scope import reach

    if actor is None or actor.user_id is None:
        return []
    if actor.kind != "staff":
        return outbox(limit, user_id=actor.user_id)
    centres = reach(actor)
    if centres is None:
        return outbox(limit)
    return outbox(limit, centre_ids=sorted(centres))


def outbox(limit: int = 200, *, centre_id: str | None = None, user_id: int | None = None,
           centre_ids: list[str] | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if centre_id:
        stmt = stmt.where(Notification.centre_id == centre_id)
    if centre_ids is not None:
        stmt = stmt.where(Notification.centre_id.in_(centre_ids))
    if user_id is not None:
        stmt = stmt.where(Notification.user_id == user_id)
    return list(db.session.execute(stmt).scalars())
