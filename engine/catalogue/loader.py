"""Loading and validating the whole catalogue directory: services, forms, centres and holidays."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from engine.catalogue.bpmn import build_specs, read_document
from engine.catalogue.centres import parse_centres
from engine.catalogue.forms import parse_form
from engine.catalogue.ids import check_ids
from engine.catalogue.joins import check_joins
from engine.catalogue.messages_modeler import modeler_problem
from engine.catalogue.names import check_names
from engine.catalogue.problems import Problem, problem
from engine.catalogue.routes import check_routes
from engine.catalogue.services import APPLICANT, SUPERVISOR, cross_check, definition, parse_service
from engine.catalogue.yamlio import YamlError, line_of, load_yaml


@dataclass
class ServiceBundle:
    id: str
    definition: dict
    bpmn: dict[str, str]
    service_yaml: str
    content_hash: str


@dataclass
class Catalogue:
    root: Path
    roles: dict = field(default_factory=dict)
    centres: list[dict] = field(default_factory=list)
    forms: dict = field(default_factory=dict)
    services: dict[str, ServiceBundle] = field(default_factory=dict)
    holidays: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _read_yaml(path: Path, rel: str, problems: list[Problem]):
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(problem("yaml.not_utf8", rel))
    except YamlError as exc:
        problems.append(exc.finding(rel))
    return None


def content_hash(service_yaml: str, bpmn: dict[str, str], forms: dict) -> str:
    digest = hashlib.sha256()
    digest.update(service_yaml.encode("utf-8"))
    for name in sorted(bpmn):
        digest.update(b"\0" + name.encode() + b"\0" + bpmn[name].encode("utf-8"))
    digest.update(json.dumps(forms, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def load_forms(root: Path, problems: list[Problem]) -> dict:
    forms = {}
    for path in sorted((root / "forms").glob("*.yaml")):
        rel = f"forms/{path.name}"
        form = parse_form(_read_yaml(path, rel, problems), rel, problems)
        if form and form["id"]:
            if form["id"] != path.stem:
                problems.append(Problem(rel, {"lo": f"ລະຫັດແບບຟອມ {form['id']!r} ບໍ່ກົງກັບຊື່ໄຟລ໌ {path.stem!r}", "en": f"form id {form['id']!r} differs from the file name {path.stem!r}"},
                                        {"lo": "ຕັ້ງຊື່ໄຟລ໌ເປັນ <form_id>.yaml", "en": "name the file <form_id>.yaml"}, 1, code="catalogue.form_id_differs_from"))
            forms[form["id"]] = form
    return forms


def syntax_reason(finding: str) -> dict[str, str]:
    """The sandbox's English parser finding (`line 1: syntax error: invalid syntax`) as a reason in each
    language: the Lao text says where, in Lao, and keeps no English parser words."""
    import re

    line = re.search(r"line (\d+)", finding)
    where = f" ແຖວ {line.group(1)}" if line else ""
    lo = f"ຂຽນຜິດໄວຍາກອນ{where}" if "syntax error" in finding else "ອ່ານຂໍ້ຄວາມນີ້ບໍ່ໄດ້"
    return {"lo": lo, "en": finding.split(": ", 1)[-1] if "syntax error" in finding else finding}


def check_scripts(service_id: str, docs, problems: list[Problem]) -> None:
    """Every condition and script through the sandbox's static check.

    Text that is not Python at all (a typo, prose in a condition) is an ordinary error; only a forbidden
    construct (imports, `_names`, introspection) is a sandbox finding, which marks the upload hostile.
    """
    from engine.sandbox import check_source

    for doc in docs:
        for element, mode, source, line in doc.expressions:
            for finding in check_source(source, "eval" if mode == "timer" else mode):
                if ("syntax error" in finding or "cannot parse" in finding) and mode == "timer":
                    # text that is neither ISO 8601 nor an expression (`3 days`): a timer finding, whose hint
                    # shows P3D, not a Python condition
                    reason = syntax_reason(finding)
                    problems.append(problem("timer.invalid", doc.file, line, element,
                                            expression=source.strip()[:120],
                                            reason={"lo": "ບໍ່ແມ່ນຂໍ້ຄວາມ ISO 8601 ແລະ ບໍ່ແມ່ນນິພົດທີ່ອ່ານໄດ້ ("
                                                          + reason["lo"] + ")",
                                                    "en": "it is neither ISO 8601 text nor an expression ("
                                                          + reason["en"] + ")"}))
                elif "syntax error" in finding or "cannot parse" in finding:
                    what = {"eval": {"lo": "ເງື່ອນໄຂ", "en": "condition"}}.get(
                        mode, {"lo": "ສະຄຣິບ", "en": "script"})
                    problems.append(modeler_problem("expr.syntax", doc.file, line, element, what=what,
                                                    source=source.strip()[:120], reason=syntax_reason(finding)))
                else:
                    problems.append(Problem(doc.file, {"lo": f"ນິພົດບໍ່ຜ່ານການກວດຂອງ sandbox (expression fails the sandbox check): {finding}", "en": f"expression fails the sandbox check: {finding}"},
                                            {"lo": "ໃຊ້ນິພົດທຳມະດາກັບຊ່ອງຂໍ້ມູນຂອງແບບຟອມ; ບໍ່ມີ import ຫຼື ຊື່ທີ່ຂຶ້ນຕົ້ນດ້ວຍ _", "en": "use plain expressions on form fields; no imports or _names"}, line,
                                            element, code="catalogue.expression_fails_sandbox_check"))


def load_service(folder: Path, rel_folder: str, forms: dict, roles: dict, problems: list[Problem],
                 files: dict[str, bytes] | None = None) -> ServiceBundle | None:
    """Validate one service folder (or uploaded files with the same names) into a publishable bundle."""
    if files is None:
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    yaml_rel = f"{rel_folder}/service.yaml"
    if "service.yaml" not in files:
        # BPMN files without one: a designer's bare upload gets one generated unless they cannot be read, and
        # then what is wrong with them (not UTF-8, not XML at line n, no process) is what to change
        unreadable: list[Problem] = []
        for name in sorted(n for n in files if n.endswith(".bpmn")):
            read_document(files[name], f"{rel_folder}/{name}", unreadable)
        if any(p.severity == "error" for p in unreadable):
            problems.extend(unreadable)
            return None
        problems.append(Problem(yaml_rel, {"lo": "ບໍ່ມີ service.yaml", "en": "missing service.yaml"}, {"lo": "ເພີ່ມໄຟລ໌ລາຍລະອຽດບໍລິການ", "en": "add the service description file"}, code="catalogue.missing_service_yaml"))
        return None
    before = len([p for p in problems if p.severity == "error"])
    try:
        service_yaml = files["service.yaml"].decode("utf-8")
        doc = load_yaml(service_yaml)
    except UnicodeDecodeError:
        problems.append(problem("yaml.not_utf8", yaml_rel))
        return None
    except YamlError as exc:
        problems.append(exc.finding(yaml_rel))
        return None
    service = parse_service(doc, yaml_rel, folder.name, problems)
    if service is None:
        return None
    bpmn_names = sorted(name for name in files if name.endswith(".bpmn"))
    if not bpmn_names:
        problems.append(Problem(yaml_rel, {"lo": "ບໍ່ມີໄຟລ໌ .bpmn ໃນໂຟນເດີບໍລິການ", "en": "no .bpmn file in the service folder"},
                                {"lo": "ເພີ່ມແຜນວາດຂະບວນການ", "en": "add the process diagram"}, 1, code="catalogue.no_bpmn_file_service"))
        return None
    docs = [read_document(files[name], f"{rel_folder}/{name}", problems) for name in bpmn_names]
    docs = [d for d in docs if d is not None]
    if len(docs) != len(bpmn_names):
        return None
    tasks = cross_check(service, docs, forms, roles, yaml_rel, problems)
    check_scripts(service["id"], docs, problems)
    from engine.connectors import service_task_connectors

    connectors = service_task_connectors({n: files[n].decode("utf-8") for n in bpmn_names})
    duplicated = check_ids(docs, connectors, problems)
    check_names(docs, service, tasks, forms, connectors, problems, duplicated)
    check_routes(docs, tasks, forms, problems, skip=duplicated, application_form=service["application_form"],
                 process=service["process"])
    if not duplicated:
        check_joins(docs, problems)
    from engine.certificates import TEMPLATE_FILE, template_from  # the service's certificate template

    certificate = template_from(doc, files, rel_folder, problems)
    if service["process"] in {pid for d in docs for pid in d.executable} and \
            len([p for p in problems if p.severity == "error"]) == before:
        # the engine's own parse only when the platform's checks found nothing: its English words about an
        # element already refused would repeat the finding without a line
        build_specs(docs, service["process"], problems)
    if len([p for p in problems if p.severity == "error"]) > before:
        return None
    bpmn_text = {name: files[name].decode("utf-8") for name in bpmn_names}
    defn = definition(service, tasks, forms, bpmn_names)
    hashed = dict(bpmn_text)
    if certificate:
        defn["certificate"] = hashed[TEMPLATE_FILE] = certificate
    return ServiceBundle(service["id"], defn, bpmn_text, service_yaml,
                         content_hash(service_yaml, hashed, defn["forms"]))


def load_holidays(root: Path, problems: list[Problem]) -> list[dict]:
    """workflows/holidays.yaml: `holidays` (days off) and `working_days` (weekend days declared working
    days), each {date, name: {lo, en}, province: optional province centre id}. Returns
    [{date, province ('' = national), kind ('holiday' | 'working'), name}]."""
    path = root / "workflows" / "holidays.yaml"
    if not path.exists():
        return []
    doc = _read_yaml(path, "workflows/holidays.yaml", problems) or {}
    if not isinstance(doc, dict):
        problems.append(Problem("workflows/holidays.yaml", "the file must be a mapping with `holidays:`", code="catalogue.file_mapping_holidays"))
        return []
    out, seen = [], {}
    for key, kind in (("holidays", "holiday"), ("working_days", "working")):
        for item in doc.get(key) or []:
            where = line_of(item) if isinstance(item, dict) else None
            try:
                day = item["date"] if isinstance(item["date"], date) else date.fromisoformat(str(item["date"]))
            except (KeyError, TypeError, ValueError):
                problems.append(Problem("workflows/holidays.yaml", f"{key}: {item!r} needs a date YYYY-MM-DD",
                                        line=where, code="catalogue.needs_date_yyyy_mm"))
                continue
            province = str(item.get("province") or "")
            if kind == "working" and day.weekday() < 5:
                problems.append(Problem("workflows/holidays.yaml",
                                        f"working_days: {day.isoformat()} is a weekday; only a Saturday or "
                                        f"Sunday can be declared a working day", line=where, code="catalogue.working_days_weekday_only"))
                continue
            if (day, province) in seen:
                problems.append(Problem("workflows/holidays.yaml",
                                        f"{day.isoformat()} is listed twice for "
                                        f"{'province ' + province if province else 'the whole country'}",
                                        line=where, code="catalogue.listed_twice"))
                continue
            seen[(day, province)] = kind
            out.append({"date": day.isoformat(), "province": province, "kind": kind,
                        "name": item.get("name") or {}, "line": where})
    return out


def _check_holiday_provinces(cat: Catalogue) -> None:
    provinces = {c["id"] for c in cat.centres if c.get("level") == "province"}
    for item in cat.holidays:
        if item["province"] and item["province"] not in provinces:
            cat.problems.append(Problem("workflows/holidays.yaml",
                                        f"{item['date']}: province {item['province']!r} is not a province "
                                        f"centre of workflows/centres.yaml", line=item.get("line"), code="catalogue.province_not_province_centre"))


def load_catalogue(root: Path | str) -> Catalogue:
    root = Path(root)
    cat = Catalogue(root)
    centres_path = root / "workflows" / "centres.yaml"
    if centres_path.exists():
        cat.roles, cat.centres = parse_centres(_read_yaml(centres_path, "workflows/centres.yaml", cat.problems),
                                               "workflows/centres.yaml", cat.problems)
    else:
        cat.problems.append(Problem("workflows/centres.yaml", {"lo": "ບໍ່ມີໄຟລ໌ສູນບໍລິການ", "en": "the centres file is missing"},
                                    {"lo": "ສ້າງມັນດ້ວຍ office_roles ແລະ centres", "en": "create it with office_roles and centres"}, code="catalogue.centres_file_missing"))
    cat.forms = load_forms(root, cat.problems)
    for folder in sorted(p for p in (root / "workflows").iterdir() if p.is_dir()) if (root / "workflows").is_dir() else []:
        if folder.name.startswith((".", "_")):
            continue
        bundle = load_service(folder, f"workflows/{folder.name}", cat.forms, cat.roles, cat.problems)
        if bundle:
            cat.services[bundle.id] = bundle
    cat.holidays = load_holidays(root, cat.problems)
    _check_holiday_provinces(cat)
    _check_centre_services(cat)
    return cat


def _check_centre_services(cat: Catalogue) -> None:
    known = {p.name for p in (cat.root / "workflows").iterdir() if p.is_dir()} if (cat.root / "workflows").is_dir() else set()
    for centre in cat.centres:
        covered = {role for office in centre["offices"] for role in office["roles"]}
        for offered in centre["services"]:
            if offered["id"] not in known:
                cat.problems.append(Problem("workflows/centres.yaml",
                                            {"lo": f"ສູນ {centre['id']!r} ໃຫ້ບໍລິການທີ່ບໍ່ຮູ້ຈັກ {offered['id']!r}", "en": f"centre {centre['id']!r} offers unknown service {offered['id']!r}"},
                                            {"lo": "ເພີ່ມ workflows/<service_id>/ ຫຼື ແກ້ລະຫັດ", "en": "add workflows/<service_id>/ or fix the id"}, offered["_line"], code="catalogue.centre_offers_unknown_service"))
                continue
            bundle = cat.services.get(offered["id"])
            if bundle is None:
                continue
            needed = {t["role"] for t in bundle.definition["tasks"].values()} - {APPLICANT, SUPERVISOR, ""}
            missing = sorted(needed - covered)
            if missing:
                cat.problems.append(Problem(
                    "workflows/centres.yaml",
                    {"lo": f"ສູນ {centre['id']!r} ໃຫ້ບໍລິການ {offered['id']!r} ແຕ່ບໍ່ມີຫ້ອງການໃດມີບົດບາດ {', '.join(missing)}",
                     "en": f"centre {centre['id']!r} offers {offered['id']!r} but no office covers {', '.join(missing)}"},
                    {"lo": "ເພີ່ມບົດບາດເຫຼົ່ານີ້ໃຫ້ຫ້ອງການໃດໜຶ່ງຂອງສູນ", "en": "add the roles to one of its offices"}, offered["_line"],
                 code="catalogue.centre_offers_but_no"))
