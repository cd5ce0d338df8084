"""Form declarations on the web: reading a submitted HTML form into answers for the engine, and keeping
uploaded documents across a re-render. The HTML itself is the Jinja macro in templates/forms/fields.html."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from engine.catalogue.forms import FILE_KINDS
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


def upload_message(code: str) -> str:
    return {
        "too_large": _("The file is larger than 5 MB"),
        "empty": _("The file is empty"),
        "kind": _("Only PDF, JPEG or PNG files are accepted"),
    }.get(code, _("The file could not be stored"))


def read_submission(form: dict, values, files, *, skip: tuple[str, ...] = ()) -> tuple[dict, dict[str, str]]:
    """Turn request.form / request.files into answers for the engine. Returns (answers, upload errors)."""
    answers: dict = {}
    errors: dict[str, str] = {}
    for field in form["fields"]:
        name, ftype = field["name"], field["type"]
        if name in skip:
            continue
        if ftype == "file":
            upload = files.get(name) if files else None
            if upload is not None and upload.filename:
                try:
                    meta = store_upload(upload)
                except UploadRejected as exc:
                    errors[name] = upload_message(exc.code)
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
        if ftype == "money":
            raw = re.sub(r"[\s.,₭]|ກີບ|kip", "", raw, flags=re.IGNORECASE)
        elif ftype == "number":
            raw = raw.replace(" ", "")
        if raw != "":
            answers[name] = raw
    return answers, errors


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
    app.jinja_env.globals.update(keep_token=keep_token, display_value=display_value)


def submit_application(form: dict, request, **start) -> tuple[object | None, dict, dict[str, str]]:
    """Handle a POSTed application form (online or at the desk): returns (application or None, the values to
    show again, errors). `start` are the keyword arguments of engine start_application besides `data`."""
    from engine.errors import DomainError, InvalidData
    from engine.runtime.commands import start_application
    from web.i18n import lang

    answers, errors = read_submission(form, request.form, request.files)
    values = {**request.form.to_dict(), **{k: v for k, v in answers.items() if isinstance(v, dict)}}
    if errors:
        return None, values, errors
    try:
        return start_application(data=answers, locale=lang(), **start), values, {}
    except InvalidData as exc:
        return None, values, exc.errors
    except DomainError as exc:
        return None, values, {"_form": exc.message(lang())}
