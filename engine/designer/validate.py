"""The validation report of an upload: every finding with file, line, BPMN element id and name, severity, hint.

An upload is validated exactly as the catalogue on disk is (engine.catalogue.loader.load_service) against the
office roles in the database and the forms already published, with the upload's own forms on top.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from engine.catalogue.bpmn import read_document
from engine.catalogue.forms import parse_form
from engine.catalogue.loader import ServiceBundle, load_service
from engine.catalogue.problems import Problem
from engine.catalogue.yamlio import YamlError, load_yaml
from engine.db import db
from engine.designer.upload import Upload
from engine.models import OfficeRole, Service, ServiceVersion

# findings that mark an upload as hostile (not merely wrong): they are audited as such
HOSTILE_MARKERS = ("DOCTYPE or ENTITY", "fails the sandbox check", "not UTF-8")


@dataclass
class Report:
    service_id: str | None
    problems: list[dict] = field(default_factory=list)  # Problem.as_dict() + element_name
    bundle: ServiceBundle | None = None
    forms: dict = field(default_factory=dict)  # uploaded form declarations, parsed {form id: form}
    form_texts: dict = field(default_factory=dict)  # {form id: yaml text}

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p["severity"] == "error"]

    @property
    def warnings(self) -> list[dict]:
        return [p for p in self.problems if p["severity"] != "error"]

    @property
    def ok(self) -> bool:
        return self.bundle is not None and not self.errors

    @property
    def hostile(self) -> list[dict]:
        return [p for p in self.errors if any(m in p["message"] for m in HOSTILE_MARKERS)]


def office_roles() -> dict:
    return {r.id: {"lo": r.name_lo, "en": r.name_en} for r in db.session.execute(select(OfficeRole)).scalars()}


def published_forms() -> dict:
    """The form declarations of every service's current version (a form id names the same form everywhere)."""
    forms: dict = {}
    rows = db.session.execute(
        select(ServiceVersion.definition).join(Service, Service.current_version_id == ServiceVersion.id)
    ).scalars()
    for definition in rows:
        forms.update((definition or {}).get("forms") or {})
    return forms


def _service_id(upload: Upload) -> str | None:
    try:
        doc = load_yaml(upload.service["service.yaml"].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, YamlError):
        return None
    sid = doc.get("id") if isinstance(doc, dict) else None
    return sid if isinstance(sid, str) else None


def _element_names(files: dict[str, bytes], rel: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, data in files.items():
        if name.endswith(".bpmn"):
            doc = read_document(data, f"{rel}/{name}", [])
            if doc is not None:
                names.update({eid: el["name"] for eid, el in doc.elements.items()})
    return names


def validate(upload: Upload) -> Report:
    """Validate the files of one service. Reads the database (roles, forms); writes nothing."""
    problems: list[Problem] = list(upload.notes)
    sid = _service_id(upload)
    folder = sid or upload.folder or "service"  # an upload's folder is named by its service id, whatever the zip
    rel = f"workflows/{folder}"
    report = Report(service_id=sid)
    forms = published_forms()
    for fname, data in sorted(upload.forms.items()):
        frel = f"forms/{fname}"
        try:
            text = data.decode("utf-8")
            form = parse_form(load_yaml(text), frel, problems)
        except UnicodeDecodeError:
            problems.append(Problem(frel, {"lo": "ບໍ່ແມ່ນຂໍ້ຄວາມ UTF-8 (not UTF-8)", "en": "not UTF-8 text"}, {"lo": "ບັນທຶກໄຟລ໌ເປັນ UTF-8", "en": "save the file as UTF-8"}, code="upload.not_utf_text"))
            continue
        except YamlError as exc:
            problems.append(Problem(frel, {"lo": f"YAML ບໍ່ຖືກຕ້ອງ: {exc}", "en": str(exc)}, {"lo": "ກວດການຍະຫໍ້ໜ້າ ແລະ ເຄື່ອງໝາຍວົງຢືມ", "en": "check indentation and quotes"}, exc.line, code="yaml.invalid"))
            continue
        if form and form["id"]:
            stem = fname.rsplit(".", 1)[0]
            if form["id"] != stem:
                problems.append(Problem(frel, {"lo": f"ລະຫັດແບບຟອມ {form['id']!r} ບໍ່ກົງກັບຊື່ໄຟລ໌ {stem!r}", "en": f"form id {form['id']!r} differs from the file name {stem!r}"},
                                        {"lo": "ຕັ້ງຊື່ໄຟລ໌ເປັນ <form_id>.yaml", "en": "name the file <form_id>.yaml"}, 1, code="upload.form_id_differs_from"))
            published = forms.get(form["id"])
            if published is not None and published != form:
                problems.append(Problem(frel, {"lo": f"ແບບຟອມ {form['id']!r} ແຕກຕ່າງຈາກແບບຟອມທີ່ເຜີຍແຜ່ແລ້ວຂອງລະຫັດດຽວກັນ", "en": f"form {form['id']!r} differs from the published form of that id"},
                                        {"lo": "ສະເພາະບໍລິການນີ້ໃຊ້ແບບຟອມທີ່ອັບໂຫລດ; ບໍລິການອື່ນໃຊ້ແບບຟອມເດີມ", "en": "only this service uses the uploaded form; other services keep theirs"},
                                        1, severity="warning", code="upload.form_differs_from_published"))
            forms[form["id"]] = form
            report.forms[form["id"]] = form
            report.form_texts[form["id"]] = text
    bundle = load_service(Path(folder), rel, forms, office_roles(), problems, files=dict(upload.service))
    names = _element_names(upload.service, rel)
    seen = set()
    for p in problems:
        item = p.as_dict()
        item["element_name"] = names.get(p.element or "", "") if p.element else ""
        key = tuple(sorted((k, str(v)) for k, v in item.items()))
        if key not in seen:
            seen.add(key)
            report.problems.append(item)
    report.problems.sort(key=lambda p: (p["severity"] != "error", p["file"], p["line"] or 0))
    if not report.errors:
        report.bundle = bundle
    return report
