"""Status by SMS: a citizen texts a tracking code, the platform queues a one-segment Lao reply (docs/SMS.md).

The gateway signs each request: X-ODSC-Timestamp (Unix seconds) and X-ODSC-Signature (hex HMAC-SHA256 under
SMS_INBOUND_SECRET of "<timestamp>.<raw body>"). A request older or newer than SMS_INBOUND_MAX_SKEW seconds
(default 300) is refused, and the same signature is answered once (replay protection). A tracking code is
found anywhere in the text with the status page's forgiving reading (engine.tracking.normalize over runs of
words); the reply names the service, the current step and the legal clock's days left, in at most 70 UCS-2
characters (one SMS segment), and nothing personal. Each phone number gets at most SMS_INBOUND_PER_HOUR
(default 5) answers an hour; phone numbers are kept only as hashes.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.db import db, utcnow
from engine.errors import DomainError
from engine.models import InboundSms
from engine.tracking import display, normalize

SEGMENT = 70  # UCS-2 characters in one SMS segment (Lao needs UCS-2)
HELP = {"lo": "ສົ່ງລະຫັດຕິດຕາມ 10 ຕົວ ເຊັ່ນ ABCD-EFGH-JK ເພື່ອເບິ່ງສະຖານະຄຳຮ້ອງ",
        "en": "Send a 10-character tracking code, e.g. ABCD-EFGH-JK, for the status"}
PAUSED = "ລໍຖ້າເອກະສານຈາກທ່ານ"
LEFT = "ເຫຼືອ {n} ມື້"
LATE = "ກາຍ {n} ມື້"
TODAY = "ກຳນົດມື້ນີ້"


class SmsRefused(DomainError):
    """The request is not from the gateway (bad signature), too old or replayed: HTTP 401."""

    status = 401


class SmsBadRequest(DomainError):
    """The signed request lacks `from` or `text`: HTTP 400."""

    status = 400


def signature(secret: str, timestamp: str, raw: bytes) -> str:
    """The signature a gateway sends: hex HMAC-SHA256(secret, b"<timestamp>." + raw body)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()


def verify(secret: str | None, timestamp: str | None, raw: bytes, sig: str | None, now: float,
           max_skew: float = 300) -> None:
    """Raise SmsRefused unless the request is signed with `secret` at a time within `max_skew` seconds."""
    if not secret:
        raise SmsRefused("sms_not_configured")
    try:
        ts = int(str(timestamp or "").strip())
    except ValueError:
        raise SmsRefused("sms_timestamp") from None
    if abs(now - ts) > max_skew:
        raise SmsRefused("sms_timestamp")
    if not sig or not hmac.compare_digest(sig.strip().lower(), signature(secret, str(timestamp).strip(), raw)):
        raise SmsRefused("sms_signature")


def find_code(text: str) -> str | None:
    """The first tracking code of an existing application in `text` (runs of 1-5 words, read forgivingly)."""
    from engine.models import Application

    words = re.findall(r"[0-9A-Za-z][0-9A-Za-z\-_.]*", text or "")[:60]
    candidates: list[str] = []
    for i in range(len(words)):
        for j in range(i + 1, min(i + 6, len(words) + 1)):
            code = normalize(" ".join(words[i:j]))
            if code and code not in candidates:
                candidates.append(code)
    if not candidates:
        return None
    found = set(db.session.execute(select(Application.tracking_code)
                                   .where(Application.tracking_code.in_(candidates))).scalars())
    return next((c for c in candidates if c in found), None)


def _fit(head: str, name: str, tail: str) -> str:
    """head + name + tail in SEGMENT characters, shortening `name` with an ellipsis when needed."""
    room = SEGMENT - len(head) - len(tail)
    if len(name) > room:
        name = name[:max(room - 1, 0)].rstrip() + "…"
    return (head + name + tail)[:SEGMENT]


def reply_for(code: str) -> str:
    """The Lao status reply for a tracking code (the help text for an unknown one)."""
    from engine.queries import public_status

    info = public_status(code)
    return HELP["lo"] if info is None else compose(info)


def compose(info: dict) -> str:
    """'ABCD-EFGH-JK <service>: <step>. <days left>' in at most SEGMENT characters, from a public status
    ({tracking_code, service: {lo}, milestone_label: {lo}, clock: {state, working_days_left}})."""
    from engine import clock

    state = info["clock"]
    left = state["working_days_left"]
    if state["state"] == clock.PAUSED:
        days = PAUSED
    elif state["state"] == clock.STOPPED or left is None:
        days = ""
    elif left > 0:
        days = LEFT.format(n=left)
    elif left == 0:
        days = TODAY
    else:
        days = LATE.format(n=-left)
    step = info["milestone_label"]["lo"]
    tail = f": {step}" + (f". {days}" if days else "")
    if len(tail) > SEGMENT - 20:  # a very long step label: keep the code, a little of the service, the days
        step = step[:max(SEGMENT - 32 - len(days), 8)].rstrip() + "…"
        tail = f": {step}" + (f". {days}" if days else "")
    return _fit(f"{display(info['tracking_code'])} ", info["service"]["lo"], tail)


def receive(phone: str, text: str, *, sig: str, per_hour: int = 5) -> dict:
    """Answer one verified inbound SMS (one transaction): record it, and unless the phone number is over its
    hourly limit queue the reply in the outbox. Returns {outcome: found|unknown|limited, notification_id}.
    Raises SmsRefused('sms_replay') for a signature seen before, ('sms_fields') for missing fields."""
    from engine import events
    from engine.notifications import _add, normalize_phone
    from engine.runtime.commands import transaction

    if not isinstance(phone, str) or not phone.strip() or not isinstance(text, str) or len(text) > 480:
        raise SmsBadRequest("sms_fields")
    phone = normalize_phone(phone)
    if len(phone) < 6:
        raise SmsBadRequest("sms_fields")
    phone_hash = hashlib.sha256(phone.encode()).hexdigest()
    sig_hash = hashlib.sha256(sig.encode()).hexdigest()
    since = utcnow() - timedelta(hours=1)
    nid = None
    try:
        with transaction():
            recent = db.session.execute(select(func.count()).select_from(InboundSms).where(
                InboundSms.phone_hash == phone_hash, InboundSms.received_at >= since,
                InboundSms.outcome != "limited")).scalar_one()
            code = find_code(text)
            outcome = "limited" if recent >= per_hour else ("found" if code else "unknown")
            row = InboundSms(phone_hash=phone_hash, signature_hash=sig_hash, outcome=outcome)
            db.session.add(row)
            db.session.flush()
            if outcome != "limited":
                body = reply_for(code) if code else HELP["lo"]
                nid = _add(f"sms_reply:{row.id}", "sms", phone, kind="status_reply", locale="lo",
                           subject="", body=body)
                if nid:
                    events.emit("notification", notification_id=nid, _outbox=True)
    except IntegrityError as exc:
        raise SmsRefused("sms_replay") from exc
    return {"outcome": outcome, "notification_id": nid}
