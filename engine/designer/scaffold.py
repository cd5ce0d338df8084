"""A service description proposed from a bare BPMN upload (no service.yaml): the designer reviews and edits it.

What is proposed, each item reported as a warning that says it was guessed:
- the service id and names from the executable process (its id and name);
- lanes → office roles: a lane named by a role id, or by a role's Lao or English name, maps to that role;
  any other lane gets a proposed role id made from its name (which the designer must correct or create);
- user tasks without a form → a generated form: from `camunda:formField`s (Camunda 7), from an embedded
  Camunda 8 form (`zeebe:userTaskForm` JSON) or, with neither, a confirmation form: with a decision (approve /
  reject) when a condition after the task reads `decision`, else a note only (a Reject nothing routes would be
  recorded and the case go on); a task that
  names a form file the upload does not have (`formJsonSchemaFilename`, `camunda:formKey`, a linked Camunda 8
  form) gets none: the validator reports the missing file at the task (engine.catalogue.services);
- milestones from the main path (start → first/default flows, avoiding refusals → end): received, in review at
  its first user task; every end event of the process completed, or rejected when its name or id says refused
  or cancelled (English or Lao: "Invoice rejected", `End_Denied`, "ຍົກເລີກ"), wherever it is;
- an application form with the applicant's name and phone number.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from engine.catalogue.bpmn import BPMN_NS, CAMUNDA_NS, ZEEBE_NS, read_document
from engine.catalogue.endings import REFUSAL_WORDS, case_ends, is_refusal_end
from engine.catalogue.problems import LOCALES, Problem
from engine.catalogue.routes import _decision_read

_GUESSES = {
    "id": ("ລະຫັດບໍລິການ {value} ມາຈາກຂະບວນການ {process}", "the service id {value} comes from the process {process}"),
    "lane": ("ເລນ «{lane}» → ບົດບາດຫ້ອງການ {value}", "lane «{lane}» → office role {value}"),
    "lane_new": ("ເລນ «{lane}» ບໍ່ກົງກັບບົດບາດໃດ: ສະເໜີ {value}; ແກ້ໃຫ້ເປັນບົດບາດທີ່ມີ",
                 "lane «{lane}» matches no office role: {value} is proposed; change it to an existing role"),
    "form_fields": ("ແບບຟອມ {value} ສ້າງຈາກຊ່ອງຂໍ້ມູນຂອງໜ້າວຽກ «{task}»",
                    "form {value} generated from the form fields of the task «{task}»"),
    "form_confirm": ("ໜ້າວຽກ «{task}» ບໍ່ມີແບບຟອມ: ສ້າງແບບຟອມຢືນຢັນ {value} (ອະນຸມັດ / ປະຕິເສດ)",
                     "the task «{task}» has no form: a confirmation form {value} (approve / reject) is generated"),
    "form_done": ("ໜ້າວຽກ «{task}» ບໍ່ມີແບບຟອມ: ສ້າງແບບຟອມຢືນຢັນ {value} (ໝາຍເຫດ; ບໍ່ມີການປະຕິເສດ ເພາະບໍ່ມີທາງແຍກໃດອ່ານ "
                  "decision ຫຼັງໜ້າວຽກນີ້)",
                  "the task «{task}» has no form: a confirmation form {value} is generated (a note; no reject, as "
                  "no gateway after the task reads decision)"),
    "application": ("ແບບຟອມຄຳຮ້ອງ {value} ຖືກສ້າງ (ຊື່ ແລະ ເບີໂທ)",
                    "the application form {value} is generated (name and phone)"),
    "milestones": ("ຂັ້ນຕອນທີ່ປະຊາຊົນເຫັນ ສະເໜີຈາກເສັ້ນທາງຫຼັກ: {value}",
                   "the public milestones are proposed from the main path: {value}"),
    "application_field": ("ເງື່ອນໄຂ ຫຼື ສະຄຣິບອ່ານ {value} ເຊິ່ງບໍ່ມີໃຜໃຫ້ຄ່າ: ເພີ່ມເປັນຊ່ອງຂໍ້ມູນ ({type}) ຂອງແບບຟອມຄຳຮ້ອງ",
                          "a condition or script reads {value}, which nothing sets: it is added to the application "
                          "form as a {type} field"),
    "fee": ("ຄ່າທຳນຽມ 0 ກີບ ແລະ ກຳນົດເວລາ 15 ວັນລັດຖະການ: ໃສ່ຕົວເລກແທ້",
            "fee 0 kip and a time limit of 15 working days: put in the real figures"),
}


GENERATED_HEADER = "# Generated from the BPMN file: every value below was guessed. Check it, correct it, check again.\n"


@dataclass
class Scaffold:
    service_yaml: str
    forms: dict[str, str] = field(default_factory=dict)  # {form id: yaml text}
    guesses: list[Problem] = field(default_factory=list)  # warnings, one per guess


def _guess(kind: str, file: str, element: str | None = None, line: int | None = None, **params) -> Problem:
    lo, en = _GUESSES[kind]
    return Problem(file, {"lo": lo.format(**params), "en": en.format(**params)},
                   {"lo": "ກວດ ແລະ ແກ້ service.yaml ທີ່ສ້າງໃຫ້ໃນໜ້ານີ້", "en": "review and edit the generated service.yaml on this page"},
                   line, element, "warning", f"scaffold.{kind}", params)


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")
    if not re.match(r"^[a-z]", slug):
        slug = f"{fallback}_{slug}".strip("_")
    return slug[:60] if len(slug) >= 2 else fallback


def _text(value: str) -> dict:
    return {"lo": value, "en": value}


def _plain(text: str) -> str:
    return re.sub(r"\s*\(.*\)\s*$", "", (text or "").strip()).lower()


def _role_for(name: str, roles: dict) -> str | None:
    """The office role a lane name means: its id, or its Lao or English name (without the part in brackets);
    failing that, the one role whose name contains the lane's name or is contained in it."""
    wanted = _plain(name)
    if wanted in ("applicant", "citizen", "ຜູ້ຍື່ນຄຳຮ້ອງ", "ປະຊາຊົນ"):
        return "applicant"
    names = {rid: {rid.lower(), _plain(n.get("lo", "")), _plain(n.get("en", ""))} - {""} for rid, n in roles.items()}
    exact = [rid for rid, words in names.items() if wanted in words]
    if exact:
        return exact[0]
    near = [rid for rid, words in names.items() if len(wanted) >= 4 and any(wanted in w or w in wanted for w in words)]
    return near[0] if len(near) == 1 else None


def _camunda7_fields(task) -> list[dict]:
    fields = []
    for item in task.iter(f"{{{CAMUNDA_NS}}}formField"):
        name = _slug(item.get("id") or "", "field")
        kind = (item.get("type") or "string").lower()
        out = {"name": name, "type": {"long": "number", "boolean": "yes_no", "date": "date", "enum": "choice"}.get(
            kind, "text"), "required": any(c.get("name") == "required" for c in item.iter(f"{{{CAMUNDA_NS}}}constraint")),
            "label": _text(item.get("label") or item.get("id") or name)}
        if out["type"] == "choice":
            out["choices"] = [{"value": _slug(v.get("id") or "", "option"), "label": _text(v.get("name") or v.get("id"))}
                              for v in item.iter(f"{{{CAMUNDA_NS}}}value")]
        fields.append(out)
    return fields


def _embedded_form(task, root) -> str | None:
    """The JSON of the Camunda 8 form embedded in the file (`zeebe:userTaskForm`) that the task's
    `zeebe:formDefinition formKey` names; None when it names none or the file has no such form."""
    key = next((d.get("formKey") for d in task.iter(f"{{{ZEEBE_NS}}}formDefinition") if d.get("formKey")), "")
    form_id = key.rsplit(":", 1)[-1]
    if not form_id:
        return None
    return next((f.text or "" for f in root.iter(f"{{{ZEEBE_NS}}}userTaskForm") if f.get("id") == form_id), None)


def _camunda8_fields(task, root) -> list[dict]:
    body = _embedded_form(task, root)
    try:
        components = json.loads(body or "{}").get("components") or []
    except (ValueError, AttributeError):
        return []
    kinds = {"textfield": "text", "textarea": "long_text", "number": "number", "checkbox": "yes_no",
             "select": "choice", "radio": "choice", "datetime": "date"}
    fields = []
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, dict) or comp.get("type") not in kinds or not comp.get("key"):
            continue
        out = {"name": _slug(str(comp["key"]), "field"), "type": kinds[comp["type"]],
               "required": bool((comp.get("validate") or {}).get("required")),
               "label": _text(str(comp.get("label") or comp["key"]))}
        if out["type"] == "choice":
            out["choices"] = [{"value": _slug(str(v.get("value")), "option"), "label": _text(str(v.get("label")))}
                              for v in comp.get("values") or [] if isinstance(v, dict)]
        fields.append(out)
    return fields


def _confirmation_fields(decided: bool) -> list[dict]:
    """A decision (approve / reject) only when a condition after the task reads it: a Reject that nothing
    routes would be recorded and the case go on (engine.catalogue.routes refuses it). Otherwise the clerk
    confirms the work is done, with a note."""
    note = {"name": "note", "type": "long_text", "required": False, "label": {"lo": "ໝາຍເຫດ", "en": "Note"},
            "max_length": 2000}
    if not decided:
        return [note]
    return [{"name": "decision", "type": "choice", "required": True, "label": {"lo": "ຄຳຕັດສິນ", "en": "Decision"},
             "choices": [{"value": "approve", "label": {"lo": "ອະນຸມັດ", "en": "Approve"}},
                         {"value": "reject", "label": {"lo": "ປະຕິເສດ", "en": "Reject"}}]},
            note]


def _leads_to_refusal(flow) -> bool:
    """A condition that holds on a refusal (`decision == 'reject'`), not one that excludes it (`!= 'reject'`)."""
    condition = flow.findtext(f"{{{BPMN_NS}}}conditionExpression") or ""
    return bool(REFUSAL_WORDS.search(condition)) and not re.search(r"!=|\bne\b|\bnot\b|!\s*\(", condition)


def _main_path(process) -> list[str]:
    """Element ids from the start event along the default (or first) outgoing flow, until an end or a loop."""
    flows = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        flows.setdefault(flow.get("sourceRef"), []).append(flow)
    nodes = {n.get("id"): n for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
    start = next((n.get("id") for n in process if isinstance(n.tag, str) and n.tag == f"{{{BPMN_NS}}}startEvent"), None)
    path, current = [], start
    while current and current not in path:
        path.append(current)
        outgoing = flows.get(current) or []
        if not outgoing:
            break
        default = nodes.get(current).get("default") if nodes.get(current) is not None else None
        unconditional = [f for f in outgoing if f.find(f"{{{BPMN_NS}}}conditionExpression") is None]
        candidates = [f for f in outgoing if f.get("id") == default] + [
            f for f in outgoing if not REFUSAL_WORDS.search(f.get("name") or "") and not _leads_to_refusal(f)
            and not is_refusal_end(nodes.get(f.get("targetRef")))] + unconditional + outgoing
        chosen = candidates[0]  # lxml elements without children are falsy: never `or` them
        current = chosen.get("targetRef")
    return path


def scaffold(bpmn_files: dict[str, bytes], roles: dict, forms: dict) -> Scaffold | None:
    """Propose service.yaml (and generated forms) for BPMN files uploaded without one.

    `bpmn_files`: {file name: bytes}; `roles`: {role id: {lo, en}}; `forms`: the known form declarations.
    Returns None when no file can be read (the ordinary validation reports why).
    """
    docs = [(name, read_document(data, name, [])) for name, data in sorted(bpmn_files.items())]
    docs = [(name, d) for name, d in docs if d is not None and d.process_ids]
    if not docs:
        return None
    # the main process: an executable one that no call activity calls (a called process is a part of it)
    called = {node.get("calledElement") for _n, d in docs
              for node in d.tree.getroot().iter(f"{{{BPMN_NS}}}callActivity")}
    runnable = [(n, d, pid) for n, d in docs for pid in d.executable]
    name, doc, process_id = next((c for c in runnable if c[2] not in called), runnable[0] if runnable else (
        docs[0][0], docs[0][1], docs[0][1].process_ids[0]))
    process = next(p for p in doc.tree.getroot().iter(f"{{{BPMN_NS}}}process") if p.get("id") == process_id)
    sid = _slug(process_id, "service")
    title = (process.get("name") or "").strip() or process_id
    out = Scaffold("")
    out.guesses.append(_guess("id", name, process_id, process.sourceline, value=sid, process=process_id))
    lanes = {}
    for lane_id, lane in doc.lanes.items():
        if lane["process"] != process_id:
            continue
        role = _role_for(lane["name"] or lane_id, roles)
        if role:
            out.guesses.append(_guess("lane", name, lane_id, lane["line"], lane=lane["name"] or lane_id, value=role))
        else:
            role = _slug(lane["name"] or lane_id, "role")
            out.guesses.append(_guess("lane_new", name, lane_id, lane["line"], lane=lane["name"] or lane_id,
                                      value=role))
        lanes[lane_id] = role
    root = doc.tree.getroot()
    by_id = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    flows = list(root.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    task_forms: dict[str, str] = {}
    for task in process.iter(f"{{{BPMN_NS}}}userTask"):
        info = doc.user_tasks.get(task.get("id"))
        if info is None or (info.form and info.form in forms):
            continue
        if info.form and _embedded_form(task, root) is None:
            # the task names a form file that is not here (formJsonSchemaFilename, camunda:formKey, a linked
            # zeebe form): never replaced by a generated one; the validator names the missing file at the task
            continue
        form_id = _slug(f"{sid}_{task.get('id')}", "form")[:64]
        fields = _camunda7_fields(task) or _camunda8_fields(task, root)
        routed = _decision_read(task.get("id"), by_id, flows)
        kind = "form_fields" if fields else "form_confirm" if routed else "form_done"
        form = {"id": form_id, "title": _text(info.name or task.get("id")),
                "fields": fields or _confirmation_fields(routed)}
        out.forms[form_id] = yaml.safe_dump(form, allow_unicode=True, sort_keys=False)
        task_forms[task.get("id")] = form_id
        out.guesses.append(_guess(kind, name, task.get("id"), task.sourceline, task=info.name or task.get("id"),
                                  value=form_id))
    application_form = _slug(f"{sid}_application", "application")[:64]
    out.forms[application_form] = yaml.safe_dump({
        "id": application_form, "title": {"lo": f"ຄຳຮ້ອງ {title}", "en": f"Application: {title}"},
        "fields": [{"name": "applicant_name", "type": "text", "required": True,
                    "label": {"lo": "ຊື່ ແລະ ນາມສະກຸນ", "en": "Full name"}, "max_length": 120},
                   {"name": "phone", "type": "phone", "required": True,
                    "label": {"lo": "ເບີໂທລະສັບ", "en": "Phone number"}}]}, allow_unicode=True, sort_keys=False)
    out.guesses.append(_guess("application", name, None, None, value=application_form))
    _application_fields(out, application_form, docs, process, name)
    milestones = _milestones(process, doc)
    out.guesses.append(_guess("milestones", name, process_id, process.sourceline,
                              value=", ".join(f"{m['id']} ({', '.join(m['elements'])})" for m in milestones)))
    out.guesses.append(_guess("fee", "service.yaml", None, None))
    service = {"id": sid, "name": _text(title), "description": _text(title), "process": process_id,
               "application_form": application_form, "fee": {"amount": 0, "currency": "LAK"}, "time_limit_days": 15,
               "documents": [], "lanes": lanes, "task_forms": task_forms, "milestones": milestones}
    out.service_yaml = GENERATED_HEADER + yaml.safe_dump(service, allow_unicode=True, sort_keys=False)
    return out


DATA_TAGS = ("inputDataItem", "outputDataItem", "dataObject", "dataObjectReference", "dataInput", "dataOutput",
             "property")


def _application_fields(out: Scaffold, form_id: str, docs, process, file: str) -> None:
    """Names conditions read that no generated form, script or the runtime provides become application fields
    (a number when compared with a number, yes/no when read as a truth value, else text), each a guess."""
    from engine.catalogue.forms import NAME_RE
    from engine.catalogue.names import MI_VARIABLES, RUNTIME_NAMES, _sandbox_names, assigned_names, free_names
    from engine.expressions.translate import guarded_names

    form = yaml.safe_load(out.forms[form_id])
    provided = set(RUNTIME_NAMES) | {f["name"] for f in form["fields"]} | {"reason", "decision"}
    for text in out.forms.values():
        provided |= {f.get("name") for f in (yaml.safe_load(text) or {}).get("fields", []) if isinstance(f, dict)}
    read: dict[str, str] = {}
    for _name, doc in docs:
        for node in doc.tree.getroot().iter():
            if not isinstance(node.tag, str):
                continue
            local = node.tag.split("}", 1)[-1]
            if local in DATA_TAGS:
                provided |= {v for v in (node.get("id"), node.get("name"), node.get("resultVariable")) if v}
            if not (node.text or "").strip():
                continue
            if local == "loopDataOutputRef":
                provided.add(node.text.strip())
            elif local == "script":
                provided |= assigned_names(node.text)
                for variable in free_names(node.text, "exec"):
                    read.setdefault(variable, node.text)
            elif local in ("conditionExpression", "completionCondition", "loopCondition", "loopCardinality"):
                for variable in free_names(node.text.strip()):
                    read.setdefault(variable, node.text.strip())
    for variable, text in sorted(read.items()):
        if variable in provided or variable in _sandbox_names() or variable.startswith("_"):
            continue
        # multi-instance counters are the engine's, never the applicant's; a name a form field cannot have
        # (camelCase) is left to the validator's unknown-name finding at its element, which the designer can act on
        if variable in MI_VARIABLES or not NAME_RE.match(variable):
            continue
        number = re.search(rf"\b{variable}\b\s*[<>]=?\s*-?[\d(]|[\d)]\s*[<>]=?\s*\b{variable}\b|\b{variable}\b\s*[-+*/]", text)
        string = re.search(rf"\b{variable}\b\s*[!=]=\s*['\"]|\b{variable}\b\s+in\s+[\[(]\s*(None|['\"])", text)
        kind = "number" if number else "text" if string else "yes_no"
        # required, yes/no included (a condition reading a blank answer could never be decided), unless the
        # condition asks `is defined(…)` about it first: then it may be left blank
        field = {"name": variable, "type": kind, "required": variable not in guarded_names(text),
                 "label": {"lo": variable, "en": variable}}
        if kind == "text":
            field["max_length"] = 200
        form["fields"].append(field)
        out.guesses.append(_guess("application_field", file, None, None, value=variable, type=kind))
    out.forms[form_id] = yaml.safe_dump(form, allow_unicode=True, sort_keys=False)


def _milestones(process, doc) -> list[dict]:
    """received at the start, in review at the main path's first user task; each of the process's own end events
    completed, or rejected when its name or id says refused or cancelled (the main path's end included: its
    first flows may lead to the refusal). An error end never ends a case (support matrix: only inside a
    subprocess that catches it); a terminate end is named like any other (the platform closes a case completed
    or rejected, nothing else)."""
    path = _main_path(process)
    kinds = {eid: el["tag"] for eid, el in doc.elements.items() if el["process"] == process.get("id")}
    starts = [e for e in path if kinds.get(e) == "startEvent"][:1]
    tasks = [e for e in path if kinds.get(e) == "userTask"][:1]
    ends = case_ends(process)
    main_end = [e for e in path if kinds.get(e) == "endEvent"][-1:]
    ends.sort(key=lambda c: c.get("id") not in main_end)  # the main path's end first, then document order
    rejected = [c.get("id") for c in ends if is_refusal_end(c)]
    completed = [c.get("id") for c in ends if not is_refusal_end(c)]
    labels = {"received": ("ໄດ້ຮັບຄຳຮ້ອງແລ້ວ", "Received"), "in_review": ("ກຳລັງພິຈາລະນາ", "Under review"),
              "completed": ("ສຳເລັດ", "Completed"), "rejected": ("ຖືກປະຕິເສດ", "Rejected")}
    out = []
    for mid, elements in (("received", starts), ("in_review", tasks), ("completed", completed),
                          ("rejected", rejected)):
        if elements:
            out.append({"id": mid, "elements": elements, "label": dict(zip(LOCALES, labels[mid], strict=True))})
    return out


def propose_service(upload) -> Scaffold | None:
    """Fill an Upload that has .bpmn files and no service.yaml with a generated one, its forms and its guesses.

    Reads the database (office roles, published forms). Returns the Scaffold, or None when nothing was generated.
    """
    from engine.designer.validate import office_roles, published_forms

    bpmn = {name: data for name, data in upload.service.items() if name.endswith(".bpmn")}
    if "service.yaml" in upload.service or not bpmn:
        return None
    generated = scaffold(bpmn, office_roles(), {**published_forms(), **{n.removesuffix(".yaml"): {} for n in upload.forms}})
    if generated is None:
        return None
    upload.service["service.yaml"] = generated.service_yaml.encode("utf-8")
    for form_id, text in generated.forms.items():
        upload.forms.setdefault(f"{form_id}.yaml", text.encode("utf-8"))
    upload.notes.extend(generated.guesses)
    return generated
