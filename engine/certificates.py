"""Certificates: issued once per application when it is approved and ready (or completed) — or a decision
letter when it is rejected —, numbered per centre and year, signed (HMAC-SHA256 over the number and key fields), rendered to PDF from the service's own
Jinja2 template, and verifiable publicly by number.

A service declares its output document as `workflows/<service_id>/certificate.html.j2` or as a
`certificate:` text in service.yaml (the file wins); services without one use templates/default.html.j2.
Templates run in Jinja2's immutable sandbox with autoescaping and the scripts' time, memory and size limits
(engine.pdf.template_limits) (designers write them; applicants' answers
are data). Context: number, issued_on, issued_on_en, tracking_code, service, centre, approver, fee, data
(raw answers), answer (answers as shown, Lao), answer_en, rows (label/value pairs of the application form),
lang. Filters: kip, date, pick. The HTML subset kept for the PDF: h1-h4, p, div, br, hr, b, strong, u,
table/tr/td/th, ul/ol/li, center, blockquote (see engine.pdf.render.ALLOWED).
"""
from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

from flask import current_app
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError
from sqlalchemy import select

from engine import events
from engine.audit import SYSTEM, Actor, record
from engine.db import db, is_postgres, utcnow
from engine.errors import NotFound
from engine.models import Application, Centre, Service, Task, User
from engine.models.application import CANCELLED, COMPLETED, REJECTED, TASK_COMPLETED
from engine.models.documents import CertificateCounter, IssuedCertificate
from engine.pdf.template_limits import LimitedEnvironment, TemplateLimit, guard_filters, render_limited
from engine.tracking import display

TEMPLATE_FILE = "certificate.html.j2"
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "pdf" / "templates" / "default.html.j2"
MAX_TEMPLATE_BYTES = 64 * 1024
VIENTIANE = ZoneInfo("Asia/Vientiane")
NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{4,63}$")
ISSUE_MILESTONES = ("ready", "completed")
SIGNING_CONTEXT = b"odsc-certificate-v1"
CERTIFICATE, DECISION = "certificate", "decision"
DECISION_TEMPLATE = Path(__file__).resolve().parent / "pdf" / "templates" / "decision.html.j2"


# ---- templates --------------------------------------------------------------------------------------

def _pick(text, locale: str = "lo") -> str:
    from engine.pdf.render import pick

    return pick(text, locale)


def _kip(amount, locale: str = "lo") -> str:
    from engine.pdf.render import kip

    return kip(amount, locale)


def _date(value, locale: str = "lo") -> str:
    from engine.pdf.render import day

    try:
        return day(value, locale)
    except (TypeError, ValueError):
        return str(value or "")


def _prefixed(value, prefix: str) -> str:
    """A place name after its kind word, without doubling it: 'ບ້ານ ໂພນພະເນົາ' or 'ໂພນພະເນົາ' with 'ບ້ານ' both
    give 'ບ້ານ ໂພນພະເນົາ'/'ບ້ານໂພນພະເນົາ', never 'ບ້ານບ້ານ ໂພນພະເນົາ'."""
    text = str(value or "").strip()
    return text if text.startswith(prefix) else prefix + text


def sandbox() -> LimitedEnvironment:
    """Jinja2's immutable sandbox with the scripts' limits (engine.pdf.template_limits)."""
    env = LimitedEnvironment(autoescape=True, undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(kip=_kip, date=_date, pick=_pick, prefixed=_prefixed)
    guard_filters(env)
    return env


def check_template(text: str) -> list[tuple[str, int | None]]:
    """Problems of a certificate template: (message, line)."""
    if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
        return [(f"certificate template is larger than {MAX_TEMPLATE_BYTES // 1024} KB", None)]
    try:
        sandbox().parse(text)
    except TemplateSyntaxError as exc:
        return [(f"certificate template: {exc.message}", exc.lineno)]
    return []


# `certificate:` holding a file name instead of the template text ("certificate: cert.html.j2")
TEMPLATE_NAME = re.compile(r"^[\w./\\-]+\.(j2|jinja2?|html?|txt)$", re.I)


def _template_file_missing(rel: str, name: str, doc):
    """`certificate:` names a file: only the text under `certificate:` or the file certificate.html.j2 next to
    service.yaml is read, so the certificate would print the file's name. An error, never a silent default."""
    from engine.catalogue.problems import Problem
    from engine.catalogue.yamlio import line_of

    return Problem(
        rel,
        {"lo": f"certificate: ອ້າງເຖິງໄຟລ໌ {name!r} ເຊິ່ງບໍ່ມີໃນໂຟນເດີບໍລິການ: ໃບຢັ້ງຢືນຈະພິມຊື່ໄຟລ໌ນັ້ນແທນແມ່ແບບ",
         "en": f"certificate: names the file {name!r}, which is not in the service folder: the certificate "
               "would print that name instead of a template"},
        {"lo": f"ວາງແມ່ແບບໄວ້ໃນ {TEMPLATE_FILE} ຂ້າງ service.yaml (ໃນ zip ຫຼື ອັບໂຫຼດພ້ອມກັນ), "
               "ຫຼື ຂຽນຂໍ້ຄວາມແມ່ແບບເອງໃຕ້ certificate: |",
         "en": f"put the template in {TEMPLATE_FILE} next to service.yaml (in the zip, or uploaded with it), "
               "or write the template text itself under certificate: |"},
        line_of(doc, "certificate"), code="certificate.template_file_missing", params={"file": name})


def template_from(doc, files: dict[str, bytes], rel_folder: str, problems: list) -> str | None:
    """The certificate template of a service folder (for the catalogue loader), checked; None if none."""
    from engine.catalogue.problems import Problem

    rel = f"{rel_folder}/{TEMPLATE_FILE}"
    if TEMPLATE_FILE in files:
        try:
            text = files[TEMPLATE_FILE].decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(rel, "not UTF-8 text", "save the file as UTF-8", code="certificate.not_utf_text"))
            return None
    elif isinstance(doc, dict) and isinstance(doc.get("certificate"), str):
        text, rel = doc["certificate"], f"{rel_folder}/service.yaml"
        if TEMPLATE_NAME.match(text.strip()):
            problems.append(_template_file_missing(rel, text.strip(), doc))
            return None
    else:
        return None
    for message, line in check_template(text):
        problems.append(Problem(rel, message, {"lo": "ແກ້ໄວຍາກອນ Jinja2 ຂອງແມ່ແບບໃບຢັ້ງຢືນ", "en": "fix the Jinja2 syntax"}, line,
                                code="certificate.template"))
    return text


def default_template() -> str:
    return DEFAULT_TEMPLATE.read_text(encoding="utf-8")


# ---- issuing ----------------------------------------------------------------------------------------

def after_step(app: Application, definition: dict, workflow, actor: Actor, completed_task_id: str | None) -> None:
    """Called by the runtime inside every start/complete transaction, after the read models are synced:
    attaches the actor's uploads named in the answers, and issues the certificate once the application is
    approved and ready for collection (milestone 'ready') or completed."""
    from engine.documents import attach_answers

    data = app.data
    answers = _file_answers(definition, definition["application_form"], data)
    if completed_task_id is not None:
        try:
            task = workflow.get_task_from_id(UUID(completed_task_id))
            bpmn_id = getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
            data = task.data
            answers = _file_answers(definition, definition["tasks"].get(bpmn_id, {}).get("form"), data)
        except Exception:  # noqa: BLE001 - no answers to attach is not an error
            data, answers = {}, {}
    attach_answers(app, actor, answers)
    if app.status == CANCELLED:
        return
    if app.status == REJECTED:
        reason = data.get("reason") if isinstance(data, dict) else None
        issue(app, definition, actor, kind=DECISION, reason=str(reason or ""))
    elif app.status == COMPLETED or app.milestone in ISSUE_MILESTONES:
        issue(app, definition, actor)


def _file_answers(definition: dict, form_id: str | None, data: dict) -> dict:
    """Only the upload fields of the form just answered: the rest of the task data needs no look-up."""
    form = definition.get("forms", {}).get(form_id or "")
    if not form:
        return {}
    return {f["name"]: data.get(f["name"]) for f in form["fields"] if f["type"] == "file" and data.get(f["name"])}


def on_completed(app: Application, definition: dict) -> IssuedCertificate | None:
    """Issue the certificate of a completed application (idempotent)."""
    if app.status != COMPLETED:
        return None
    return issue(app, definition, SYSTEM)


def _next_number(centre_id: str, year: int) -> str:
    table = CertificateCounter.__table__
    if is_postgres():
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(centre_id=centre_id, year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["centre_id", "year"],
                                      set_={"last": table.c.last + 1}).returning(table.c.last)
    seq = db.session.execute(stmt).scalar_one()
    prefix = re.sub(r"[^A-Z0-9]+", "-", centre_id.upper()).strip("-")[:24] or "ODSC"
    return f"{prefix}-{year}-{seq:06d}"


def _approver_name(app: Application, actor: Actor) -> str:
    row = db.session.execute(
        select(User.full_name, User.username).join(Task, Task.completed_by_id == User.id)
        .where(Task.application_id == app.id, Task.office_role == "approver", Task.state == TASK_COMPLETED)
        .order_by(Task.completed_at.desc())
    ).first()
    if row is not None:
        return row.full_name or row.username
    return actor.name if actor.kind == "staff" else ""


def _display(field: dict, value, locale: str) -> str:
    if value is None or value == "":
        return ""
    if field["type"] == "choice":
        for choice in field.get("choices", []):
            if choice["value"] == str(value):
                return _pick(choice["label"], locale) or str(value)
    if field["type"] == "yes_no":
        return ("ແມ່ນ" if locale == "lo" else "Yes") if value in (True, "yes", "true") else \
            ("ບໍ່" if locale == "lo" else "No")
    if field["type"] == "money":
        return _kip(value, locale)
    if field["type"] == "date":
        return _date(value, locale)
    if field["type"] == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if field["type"] == "file":
        items = value if isinstance(value, list) else [value]
        return ", ".join(str(i.get("name", "")) for i in items if isinstance(i, dict))
    return str(value)


def build_fields(app: Application, definition: dict, number: str, issued_at: datetime, approver: str) -> dict:
    """The key fields of a certificate: what its template may show, frozen and signed at issue."""
    centre = db.session.get(Centre, app.centre_id)
    form = definition.get("forms", {}).get(definition.get("application_form"), {"fields": []})
    data = {k: ({"name": v.get("name")} if isinstance(v, dict) else v) for k, v in (app.data or {}).items()}
    answer, answer_en, rows = {}, {}, []
    for field in form["fields"]:
        value = (app.data or {}).get(field["name"])
        answer[field["name"]] = _display(field, value, "lo")
        answer_en[field["name"]] = _display(field, value, "en")
        if field["type"] != "file" and answer[field["name"]]:
            rows.append({"name": field["name"], "label": field["label"], "value": answer[field["name"]],
                         "value_en": answer_en[field["name"]]})
    return {
        "number": number,
        "tracking_code": display(app.tracking_code),
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "issued_on": _date(issued_at, "lo"),
        "issued_on_en": _date(issued_at, "en"),
        "service": dict(definition.get("name") or {}),
        "centre": {"lo": centre.name_lo, "en": centre.name_en, "address_lo": centre.address_lo,
                   "address_en": centre.address_en} if centre else {},
        "approver": approver,
        "fee": _kip(app.fee_amount, "lo"),
        "fee_amount": app.fee_amount,
        "data": data,
        "answer": answer,
        "answer_en": answer_en,
        "rows": rows,
        "lang": app.locale or "lo",
    }


_TEMPLATES_MAX = 256
_templates: OrderedDict[str, object] = OrderedDict()
_templates_lock = threading.Lock()
_env: LimitedEnvironment | None = None


def _environment() -> LimitedEnvironment:
    """One limited sandbox per process: compiled templates belong to the environment that compiled them."""
    global _env
    with _templates_lock:
        if _env is None:
            _env = sandbox()
        return _env


def compiled_template(text: str):
    """The template compiled once per process and text (a published version's template never changes, so
    this is once per service version). Raises TemplateSyntaxError like `from_string`."""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    with _templates_lock:
        hit = _templates.get(key)
        if hit is not None:
            _templates.move_to_end(key)
            return hit
    template = _environment().from_string(text)
    with _templates_lock:
        _templates[key] = template
        while len(_templates) > _TEMPLATES_MAX:
            _templates.popitem(last=False)
    return template


def render_body(template_text: str | None, fields: dict) -> tuple[str, str | None]:
    """(HTML, error): the service's template (compiled once per text) rendered in the sandbox, under the
    scripts' time and memory limits, from a copy of `fields` (what is signed is computed here, never by the
    template); on any error or exceeded limit, the default template."""
    if template_text:
        try:
            return render_limited(_environment(), compiled_template(template_text), copy.deepcopy(fields)), None
        except (TemplateError, TemplateLimit, ArithmeticError, TypeError, ValueError, KeyError, AttributeError,
                RecursionError, MemoryError, OverflowError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            return render_limited(_environment(), compiled_template(default_template()), copy.deepcopy(fields)), error
    return render_limited(_environment(), compiled_template(default_template()), copy.deepcopy(fields)), None


def issue(app: Application, definition: dict, actor: Actor = SYSTEM, *, kind: str = CERTIFICATE,
          reason: str = "") -> IssuedCertificate:
    """Issue the application's certificate (or, for a rejection, its decision letter) inside the caller's
    transaction (idempotent: one document per application)."""
    existing = db.session.execute(select(IssuedCertificate).where(IssuedCertificate.application_id == app.id)
                                  ).scalar_one_or_none()
    if existing is not None:
        return existing
    issued_at = utcnow()
    year = issued_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(VIENTIANE).year
    number = _next_number(app.centre_id, year)
    approver = _approver_name(app, actor) if kind == CERTIFICATE else actor.name
    fields = build_fields(app, definition, number, issued_at, approver)
    if kind == DECISION:
        fields["reason"] = reason
        body, error = render_body(DECISION_TEMPLATE.read_text(encoding="utf-8"), fields)
    else:
        body, error = render_body(definition.get("certificate"), fields)
    cert = IssuedCertificate(
        number=number, kind=kind, application_id=app.id, service_id=app.service_id,
        service_version_id=app.service_version_id, centre_id=app.centre_id, service_name=fields["service"],
        centre_name={"lo": fields["centre"].get("lo", ""), "en": fields["centre"].get("en", "")},
        approver_name=approver, issued_at=issued_at, fields=fields, body_html=body, signature="",
    )
    cert.signature = sign(cert)
    db.session.add(cert)
    record("certificate.issued" if kind == CERTIFICATE else "decision.issued", actor, number, application_id=app.id, centre_id=app.centre_id,
           data={"number": number, "template_error": error} if error else {"number": number})
    events.emit("certificate_issued", application_id=app.id, number=number, document=kind)
    return cert


# ---- signing and verifying ----------------------------------------------------------------------------

def _key() -> bytes:
    secret = current_app.config.get("CERTIFICATE_SIGNING_KEY") or current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, SIGNING_CONTEXT, hashlib.sha256).digest()


def signed_payload(cert: IssuedCertificate) -> bytes:
    payload = {
        "number": cert.number, "kind": cert.kind, "application_id": cert.application_id, "service": cert.service_id,
        "centre": cert.centre_id, "approver": cert.approver_name,
        "issued_at": cert.issued_at.isoformat(timespec="seconds"), "fields": cert.fields,
        "body_sha256": hashlib.sha256(cert.body_html.encode("utf-8")).hexdigest(),
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(cert: IssuedCertificate) -> str:
    return hmac.new(_key(), signed_payload(cert), hashlib.sha256).hexdigest()


def normalize_number(number: str) -> str | None:
    number = (number or "").strip().upper()
    return number if NUMBER_RE.match(number) else None


def verify(number: str) -> dict | None:
    """The public facts of a certificate and whether it is authentic; None when the platform never issued it.

    Only what the certificate shows publicly: number, service, centre, issue date (no personal data)."""
    canonical = normalize_number(number)
    if canonical is None:
        return None
    cert = db.session.execute(select(IssuedCertificate).where(IssuedCertificate.number == canonical)
                              ).scalar_one_or_none()
    if cert is None:
        return None
    signed = hmac.compare_digest(cert.signature, sign(cert))
    application = db.session.get(Application, cert.application_id)
    revoked = application is not None and application.status == CANCELLED  # cancelled before hand-out
    return {"number": cert.number, "kind": cert.kind, "authentic": signed and not revoked, "altered": not signed,
            "revoked": revoked, "service": cert.service_name, "centre": cert.centre_name,
            "issued_at": cert.issued_at}


def certificate_for(actor: Actor | None, number: str) -> IssuedCertificate:
    """A certificate the actor may download: the applicant, or staff of the issuing centre (404 otherwise)."""
    canonical = normalize_number(number)
    cert = None
    if canonical and actor is not None:
        cert = db.session.execute(select(IssuedCertificate).where(IssuedCertificate.number == canonical)
                                  ).scalar_one_or_none()
    if cert is None:
        raise NotFound(what="certificate")
    app = db.session.get(Application, cert.application_id)
    if actor.kind == "citizen" and app is not None and app.applicant_id == actor.user_id:
        return cert
    if actor.kind == "staff" and actor.centre_id == cert.centre_id:
        return cert
    raise NotFound(what="certificate")


def certificate_of_application(application_id: int) -> IssuedCertificate | None:
    return db.session.execute(select(IssuedCertificate).where(IssuedCertificate.application_id == application_id)
                              ).scalar_one_or_none()


def certificate_pdf(cert: IssuedCertificate, verify_url: str) -> bytes:
    from engine.pdf import render_certificate

    return render_certificate({
        "locale": "lo", "service": cert.service_name, "centre": cert.centre_name, "number": cert.number,
        "issued_at": cert.issued_at, "body_html": cert.body_html, "approver": cert.approver_name,
        "verify_url": verify_url, "signature": cert.signature, "kind": cert.kind,
    })


# ---- receipts ---------------------------------------------------------------------------------------

def receipt_pdf(app: Application, status_url: str, locale: str | None = None) -> bytes:
    """The application's receipt in the citizen's language."""
    from engine.documents import documents_of_application
    from engine.pdf import render_receipt
    from engine.runtime.specs import compiled

    definition = compiled(app.service_version_id).definition
    centre = db.session.get(Centre, app.centre_id)
    service = db.session.get(Service, app.service_id)
    data = app.data or {}
    return render_receipt({
        "locale": locale or app.locale or "lo",
        "centre": {"lo": centre.name_lo, "en": centre.name_en},
        "centre_address": {"lo": centre.address_lo, "en": centre.address_en},
        "service": {"lo": service.name_lo, "en": service.name_en},
        "tracking_code": display(app.tracking_code), "status_url": status_url, "submitted_at": app.submitted_at,
        "due_date": app.due_date, "fee_amount": app.fee_amount, "channel": app.channel,
        "applicant": data.get("applicant_name") if isinstance(data.get("applicant_name"), str) else "",
        "received": received_documents(definition, data, documents_of_application(app.id)),
        "checklist": definition.get("documents") or [],
    })


def received_documents(definition: dict, data: dict, attached) -> list[dict]:
    """What the receipt may say was received: each document field of the application form that carries a
    file attached to the case. Returns [{"label": {lo, en}, "files": [file names]}]."""
    names = {d.id: d.name for d in attached}
    form = (definition.get("forms") or {}).get(definition.get("application_form")) or {"fields": []}
    received = []
    for field in form["fields"]:
        if field.get("type") != "file":
            continue
        value = data.get(field["name"])
        items = value if isinstance(value, list) else [value]
        files = [names[i["id"]] for i in items if isinstance(i, dict) and i.get("id") in names]
        if files:
            received.append({"label": field.get("label") or {}, "files": files})
    return received
