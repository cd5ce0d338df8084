"""The one display layer: every value a person reads on a page goes through here, in the page's language.

Event kinds, statuses, channels, roles (from the office-role table, translated), the platform's own actor,
phone numbers, numbers, kip, dates. Templates reach these as globals and filters (see `init_display`);
views use the same functions, so a page never shows an internal id or a raw value.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

from babel.numbers import format_decimal
from flask import g
from flask_babel import lazy_gettext as _l

from web.i18n import format_date, format_datetime, format_kip, lang, pick

EVENT_KINDS = {
    "application.started": _l("Application submitted"),
    "application.returned": _l("Returned to the applicant"),
    "application.rejected": _l("Application rejected"),
    "application.cancelled": _l("Application cancelled"),
    "application.migrated": _l("Moved to a new version of the service"),
    "task.completed": _l("Step completed"),
    "task.claimed": _l("Task taken"),
    "task.unclaimed": _l("Task released"),
    "task.reassigned": _l("Task reassigned"),
    "task.escalated": _l("Task escalated to the supervisor"),
    "timer.fired": _l("Time limit reached"),
    "comment": _l("Internal comment"),
    "certificate.issued": _l("Certificate issued"),
    "decision.issued": _l("Decision letter issued"),
    "document.uploaded": _l("Document received"),
    "service_task.completed": _l("Automatic step completed"),
    "incident.opened": _l("Automatic step failed"),
    "incident.retried": _l("Automatic step retried"),
    "centre.created": _l("Centre created"),
    "centre.updated": _l("Centre changed"),
    "centre.closed": _l("Centre closed"),
    "centre.service_offered": _l("Service offered at a centre"),
    "user.created": _l("Account created"),
    "user.updated": _l("Account changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.password_set": _l("Password set"),
    "service.published": _l("Service version published"),
    "designer.draft_uploaded": _l("Service draft uploaded"),
    "designer.draft_published": _l("Service draft published"),
    "designer.upload_rejected": _l("Service upload refused"),
    "designer.migration": _l("Applications moved to a new version"),
}
EVENT_GROUPS = {
    "centre": _l("Centres"), "user": _l("Accounts"), "service": _l("Services"), "task": _l("Tasks"),
    "application": _l("Applications"),
}
STATUSES = {
    "submitted": _l("Submitted"), "in_progress": _l("In progress"), "returned": _l("Returned to the applicant"),
    "completed": _l("Completed"), "rejected": _l("Rejected"), "cancelled": _l("Cancelled"),
}
CHANNELS = {"online": _l("Online"), "desk": _l("Front desk"), "api": _l("Partner system")}
SYSTEM_ROLES = {
    "supervisor": _l("Supervisor"), "monitor": _l("Monitor"), "designer": _l("Process designer"),
    "admin": _l("Administrator"),
}
LEVELS = {"ministry": _l("Ministry"), "province": _l("Province"), "district": _l("District")}
# the names of the fields inside an audit entry's details (engine.audit.record's `data`, user and centre
# snapshots), as the audit page shows them; a key missing here is shown by `_humane`
FIELDS = {
    "username": _l("Username"), "full_name": _l("Full name"), "centre": _l("Centre"), "centres": _l("Centres"),
    "roles": _l("Roles"), "role": _l("Role"), "phone": _l("Phone number"), "email": _l("Email"),
    "active": _l("In use"), "must_change_password": _l("Must change the password"), "user": _l("Account"),
    "kind": _l("Kind"), "reason": _l("Reason"), "task": _l("Task"), "task_name": _l("Task name"),
    "from": _l("From"), "expires_hours": _l("Valid for (hours)"), "how": _l("How"), "forced": _l("Forced"),
    "tracking_code": _l("Tracking code"), "channel": _l("Channel"), "text": _l("Text"), "element": _l("Element"),
    "elements": _l("Elements"), "manual": _l("By hand"), "connector": _l("Connected system"),
    "due_date": _l("Due date"), "notification": _l("Message"), "notifications": _l("Messages"),
    "rating": _l("Rating"), "number": _l("Number"), "template_error": _l("Template error"), "error": _l("Error"),
    "errors": _l("Errors"), "warnings": _l("Warnings"), "incident": _l("Failed automatic step"),
    "service": _l("Service"), "services": _l("Services"), "version": _l("Version"), "origin": _l("Origin"),
    "hash": _l("Content fingerprint"), "current": _l("Current version"),
    "current_origin": _l("Origin of the current version"), "current_by": _l("Current version published by"),
    "file_version": _l("Version in the catalogue file"), "made_current": _l("Version made current"),
    "draft": _l("Draft"), "generated": _l("Generated"), "from_version": _l("From version"),
    "to_version": _l("To version"), "service_version": _l("Service version"), "document": _l("Document"),
    "files": _l("Files"), "name": _l("Name"), "size": _l("Size (bytes)"), "status": _l("Status"),
    "hostile": _l("Refused as hostile"), "id": _l("Identifier"), "level": _l("Level"),
    "parent": _l("Parent centre"), "address": _l("Address"), "opening_hours": _l("Opening hours"),
    "offices": _l("Offices"), "fee": _l("Fee"), "added": _l("Added"), "removed": _l("Removed"),
    "changed": _l("Changed"), "created": _l("Created"), "moved": _l("Moved"), "skipped": _l("Skipped"),
    "refused": _l("Refused"), "answers": _l("Answers"), "confirmed": _l("Confirmed"), "form": _l("Form"),
    "result": _l("Result"), "decision": _l("Decision"), "tasks_released": _l("Tasks released"),
    "waiting_before": _l("Waiting before"), "waiting_after": _l("Waiting after"), "timezone": _l("Time zone"),
}


def _humane(key: str) -> str:
    """Last resort for a value no table knows (statuses, roles): never the raw dotted id a programmer wrote."""
    return str(key).replace("_", " ").replace(".", " ").strip()


def field_label(key) -> str:
    """'full_name' -> 'Full name' / 'ຊື່ ແລະ ນາມສະກຸນ': a field inside an audit entry's details."""
    found = FIELDS.get(str(key))
    return str(found) if found is not None else _humane(str(key))


def event_label(kind: str | None) -> str:
    """'certificate.issued' -> 'Certificate issued' / 'ອອກໃບຢັ້ງຢືນແລ້ວ'."""
    if not kind:
        return ""
    found = EVENT_KINDS.get(kind)
    if found is not None:
        return str(found)
    group = EVENT_GROUPS.get(kind.split(".", 1)[0])
    return f"{group}: {_l('other change')}" if group else str(_l("Recorded event"))


# kinds whose summary is written by people or names a person (a comment, a reason, a username); the others'
# summaries are internal ids (BPMN elements, service and centre ids) already said by the label
_INTERNAL_SUMMARY = ("task.", "timer.", "service_task.", "incident.", "application.", "certificate.", "service.",
                     "centre.", "designer.", "document.", "calendar.", "catalogue.", "feedback.", "notification.")


def summary_shown(kind: str | None) -> bool:
    kind = kind or ""
    return kind == "application.cancelled" or not kind.startswith(_INTERNAL_SUMMARY)


def group_label(group: str) -> str:
    return str(EVENT_GROUPS.get(group, _humane(group)))


def status_label(status: str | None) -> str:
    return str(STATUSES.get(status or "", _humane(status or "")))


def channel_label(channel: str | None) -> str:
    return str(CHANNELS.get(channel or "", _humane(channel or "")))


def level_label(level: str | None) -> str:
    return str(LEVELS.get(level or "", _humane(level or "")))


def _role_table() -> dict[str, dict]:
    if "odsc_roles" not in g:
        from engine.db import db
        from engine.models.catalogue import OfficeRole

        g.odsc_roles = {r.id: {"lo": r.name_lo, "en": r.name_en} for r in db.session.query(OfficeRole).all()}
    return g.odsc_roles


def role_label(role: str | None) -> str:
    """An office role (from the centres file's role table) or a platform role, in the page's language."""
    if not role:
        return ""
    if role in SYSTEM_ROLES:
        return str(SYSTEM_ROLES[role])
    names = _role_table().get(role)
    return pick(names) if names else _humane(role)


def roles_label(roles) -> str:
    return ", ".join(role_label(r) for r in roles or ())


def actor_label(name: str | None) -> str:
    """Who did something: a person's name, or the platform itself (timers, automatic steps)."""
    if not name or name == "system":
        return str(_l("The platform"))
    return name


def phone(value: str | None) -> str:
    """A Lao phone number as people write it: '+8562055551234' -> '020 5555 1234', '+85621000100' -> '021 000 100'."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", str(value))
    if digits.startswith("856"):
        digits = digits[3:]
    if not digits.startswith("0"):
        digits = "0" + digits
    if len(digits) == 11 and digits.startswith("020"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) >= 9:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return str(value)


def number(value, locale: str | None = None) -> str:
    """A number in the page's locale without a useless '.0': 6.0 -> '6', 2.5 -> '2,5' in Lao."""
    if value is None or value == "":
        return ""
    try:
        num = float(value)
    except (TypeError, ValueError):
        return str(value)
    if num.is_integer():
        num = int(num)
    return format_decimal(num, format="#,##0.#", locale=locale or lang())


def value(val, locale: str | None = None) -> str:
    """Any stored value (an audit diff cell, an answer) as a person reads it."""
    if val is None or val == "":
        return "—"
    if isinstance(val, bool):
        return str(_l("Yes") if val else _l("No"))
    if isinstance(val, int | float):
        return number(val, locale)
    if isinstance(val, datetime):
        return format_datetime(val, locale)
    if isinstance(val, date):
        return format_date(val, locale)
    if isinstance(val, dict):
        if set(val) <= {"lo", "en"}:
            return pick(val, locale)
        return "; ".join(f"{field_label(k)}: {value(v, locale)}" for k, v in val.items())
    if isinstance(val, list | tuple):
        return ", ".join(value(v, locale) for v in val)
    text = str(val)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return format_date(date.fromisoformat(text), locale)
        except ValueError:
            return text
    return text


def now_iso() -> str:
    """This moment in UTC, ISO 8601 (for machine-readable <time> and the offline 'last updated' line)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def now_local() -> str:
    """This moment as a person reads it: date and time in Vientiane, in the page's language."""
    return format_datetime(datetime.now(UTC))


def month_names(locale: str | None = None) -> list[str]:
    """The twelve month names of the page's language (Babel), January first."""
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=locale or lang())
    return [names[i] for i in range(1, 13)]


def dayformat(val) -> str:
    """What a date field shows: dd/mm/yyyy (a stored ISO day, a date, or the text typed, kept as typed)."""
    from engine.dayformat import format_day

    return format_day(val) if val else ""


def daywords(val) -> str:
    """A day in words in the page's language ('17 ພຶດສະພາ 1990'), or '' if `val` is not a day."""
    from engine.dayformat import parse_day

    if not val:
        return ""
    try:
        day = val if isinstance(val, date) else parse_day(str(val))
    except ValueError:
        return ""
    return format_date(day, locale="lo") if lang() == "lo" else format_date(day)


def init_display(app) -> None:
    app.jinja_env.globals.update(event_label=event_label, status_label=status_label, channel_label=channel_label,
                                 role_label=role_label, roles_label=roles_label, actor_label=actor_label,
                                 level_label=level_label, group_label=group_label, field_label=field_label,
                                 now_iso=now_iso, now_local=now_local, month_names=month_names,
                                 summary_shown=summary_shown)
    app.jinja_env.filters.update(phone=phone, number=number, value=value, kip=format_kip, dayformat=dayformat,
                                 daywords=daywords)
