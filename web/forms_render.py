"""Form declarations on the web: reading a submitted HTML form into answers for the engine, and keeping
uploaded documents across a re-render. The HTML itself is the Jinja macro in templates/forms/fields.html."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from engine.catalogue.forms import FILE_KINDS
from engine.money import MoneyError, parse_kip
from web.i18n import format_kip
from web.uploads import UploadRejected, store_upload

DECISION = "decision"
# the decisions the engine treats specially (return/reject need a reason)
ACTIONS = {"return": "return", "reject": "reject"}


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="odsc-upload-keep")


def keep_token(meta: dict) -> str:
    """A signed reference to an upload already stored, so a re-rendered form need not ask for it again."""
    return _signer().dumps(meta)


def _kept(token: str | None) -> dict | None:
    if not token:
        return None
    try:
        meta = _signer().loads(token)
    except BadSignature:
        return None
    return meta if isinstance(meta, dict) and "id" in meta else None


def upload_message(code: str, limit_mb: float | None = None) -> str:
    return {
        "too_large": _("The file is larger than %(n)s MB", n=_mb(limit_mb or 5)),
        "empty": _("The file is empty"),
        "kind": _("Only PDF, JPEG or PNG files are accepted"),
    }.get(code, _("The file could not be stored"))


def _mb(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def money_message(code: str) -> str:
    from web.i18n import lang

    example = format_kip(25000, lang())
    if code == "decimals":
        return _("Kip amounts are whole: no decimals (e.g. %(example)s)", example=example)
    if code == "negative":
        return _("The amount cannot be negative")
    return _("Enter an amount in kip (e.g. %(example)s)", example=example)


def _size(upload) -> int | None:
    try:
        stream = upload.stream
        here = stream.tell()
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(here)
        return size
    except (AttributeError, OSError):
        return None


def read_submission(form: dict, values, files, *, skip: tuple[str, ...] = ()) -> tuple[dict, dict[str, str]]:
    """Turn request.form / request.files into answers for the engine. Returns (answers, errors found while
    reading: uploads refused, amounts that are not kip). Amounts are read in the page's language."""
    from web.i18n import lang

    answers: dict = {}
    errors: dict[str, str] = {}
    for field in form["fields"]:
        name, ftype = field["name"], field["type"]
        if name in skip:
            continue
        if ftype == "file":
            upload = files.get(name) if files else None
            if upload is not None and upload.filename:
                limit_mb = field.get("max_size_mb")
                size = _size(upload)
                if limit_mb and size is not None and size > limit_mb * 1024 * 1024:
                    errors[name] = upload_message("too_large", limit_mb)
                    continue
                try:
                    meta = store_upload(upload)
                except UploadRejected as exc:
                    errors[name] = upload_message(exc.code, limit_mb)
                    continue
                accepted = {FILE_KINDS[k] for k in field.get("accept") or FILE_KINDS}
                if meta["content_type"] not in accepted:
                    errors[name] = upload_message("kind")
                    continue
                answers[name] = meta
            else:
                kept = _kept(values.get(f"_keep_{name}"))
                if kept:
                    answers[name] = kept
            continue
        raw = values.get(name)
        if raw is None:
            continue
        raw = raw.strip()
        if ftype == "money" and raw:
            try:
                raw = str(parse_kip(raw, lang(), decimals=int(field.get("decimals") or 0)))
            except MoneyError as exc:
                errors[name] = money_message(exc.code)
                continue
        elif ftype == "number":
            raw = raw.replace(" ", "")
        if raw != "":
            answers[name] = raw
    return answers, errors


def all_errors(form: dict, answers: dict, read_errors: dict[str, str], *, skip: tuple[str, ...] = ()) -> dict:
    """Every problem of a submission in one round: what reading found (uploads, amounts) plus the form's
    own validation of the other fields, in the page's language."""
    from engine.catalogue.forms import validate_answers
    from web.i18n import lang

    scoped = {**form, "fields": [f for f in form["fields"] if f["name"] not in skip]}
    # a field whose reading failed is known to be wrong already: don't add "required" on top of it
    checked = {**scoped, "fields": [{**f, "required": False} if f["name"] in read_errors else f
                                    for f in scoped["fields"]]}
    _clean, errors = validate_answers(checked, answers, lang())
    return {**errors, **read_errors}


def display_value(field: dict, value, locale: str) -> str:
    """An answer as a person reads it (choice labels, yes/no); documents are shown by the template."""
    if value is None or value == "":
        return ""
    if field["type"] == "choice":
        for choice in field.get("choices", []):
            if choice["value"] == str(value):
                return choice["label"].get(locale) or choice["label"].get("lo") or str(value)
    if field["type"] == "yes_no":
        return _("Yes") if value in (True, "yes", "true", "1", "on") else _("No")
    from web import display

    if field["type"] == "phone":
        return display.phone(value)
    if field["type"] == "money":
        return display.format_kip(value, locale)
    if field["type"] == "number":
        return display.number(value, locale)
    if field["type"] == "date":
        return display.value(str(value), locale)
    return str(value)


def documents_of(form: dict, answers: dict) -> list[tuple[dict, dict]]:
    """(field, document metadata) for every document answer."""
    out = []
    for field in form["fields"]:
        if field["type"] != "file":
            continue
        value = answers.get(field["name"])
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and item.get("id"):
                out.append((field, item))
    return out


def init_forms(app) -> None:
    from web.submissions import new_token

    app.jinja_env.globals.update(keep_token=keep_token, display_value=display_value, submission_token=new_token)


def submit_application(form: dict, request, **start) -> tuple[object | None, dict, dict[str, str]]:
    """Handle a POSTed application form (online or at the desk): returns (application or None, the values to
    show again, errors). `start` are the keyword arguments of engine start_application besides `data`."""
    from engine.db import db
    from engine.errors import DomainError, InvalidData
    from engine.models import Application
    from engine.runtime.commands import start_application
    from web.i18n import lang
    from web.submissions import FIELD, Replay, run_once

    def attempt():
        answers, errors = read_submission(form, request.form, request.files)
        values = {**request.form.to_dict(), **{k: v for k, v in answers.items() if isinstance(v, dict)}}
        if errors:
            return None, values, all_errors(form, answers, errors)
        try:
            return start_application(data=answers, locale=lang(), **start), values, {}
        except InvalidData as exc:
            return None, values, exc.errors
        except DomainError as exc:
            return None, values, {"_form": exc.message(lang())}

    actor = start.get("actor")
    try:
        return run_once(request.form.get(FIELD), getattr(actor, "user_id", None), request.path, attempt)
    except Replay as replay:
        values = request.form.to_dict()
        first = db.session.get(Application, replay.result) if replay.result else None
        if first is None:
            return None, values, {"_form": _("This form is being sent already: please wait a moment.")}
        return first, values, {}
