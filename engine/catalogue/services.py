"""service.yaml: parsing and cross-checking against its BPMN and the forms."""
from __future__ import annotations

import re

from engine.catalogue.bpmn import BpmnDocument
from engine.catalogue.confirm import CONFIRM_FORM_ID, confirmation_form
from engine.catalogue.problems import Problem, check_text
from engine.catalogue.yamlio import line_of

ID_RE = re.compile(r"^[a-z0-9_]{2,64}$")
MILESTONES = ("received", "in_review", "returned", "approved", "payment", "ready", "completed", "rejected")
SECTORS = ("administration", "land", "public_security", "tourism_culture", "commerce", "public_works",
           "home_affairs")
APPLICANT = "applicant"  # the built-in role of the citizen's lane
SUPERVISOR = "supervisor"  # where a task goes that no lane or candidateGroups routes (docs/ENGINE.md)
KIND_WORDS = {"userTask": "user task", "manualTask": "manual task", "task": "task"}


def parse_service(doc, file: str, folder: str, problems: list[Problem]) -> dict | None:
    if not isinstance(doc, dict):
        problems.append(Problem(file, "service.yaml must be a mapping", line=1))
        return None
    sid = doc.get("id")
    if sid != folder:
        problems.append(Problem(file, f"service id {sid!r} differs from its folder {folder!r}",
                                "make the id and the folder name the same", line_of(doc, "id")))
    if not isinstance(sid, str) or not ID_RE.match(sid or ""):
        problems.append(Problem(file, f"service id {sid!r} must be [a-z0-9_]", line=line_of(doc, "id")))
        return None
    service = {
        "id": sid,
        "name": check_text(doc.get("name"), file, line_of(doc, "name"), "name", problems),
        "description": check_text(doc.get("description"), file, line_of(doc, "description"), "description", problems),
        "sector": doc.get("sector") or "administration",
        "process": doc.get("process"),
        "application_form": doc.get("application_form"),
        "documents": [],
        "lanes": {},
        "labels": {},
        "milestones": [],
    }
    if service["sector"] not in SECTORS:
        problems.append(Problem(file, f"unknown sector {service['sector']!r}", f"use one of: {', '.join(SECTORS)}",
                                line_of(doc, "sector"), severity="warning"))
    for i, item in enumerate(doc.get("documents") or []):
        service["documents"].append(check_text(item, file, line_of(item) or line_of(doc, "documents"),
                                               f"document {i + 1}", problems))
    fee = doc.get("fee") or {}
    amount = fee.get("amount", 0) if isinstance(fee, dict) else fee
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        problems.append(Problem(file, f"fee amount {amount!r} must be a whole number of kip, 0 or more",
                                line=line_of(doc, "fee")))
        amount = 0
    currency = fee.get("currency", "LAK") if isinstance(fee, dict) else "LAK"
    service["fee"] = {"amount": amount, "currency": currency}
    days = doc.get("time_limit_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        problems.append(Problem(file, f"time_limit_days {days!r} must be a whole number of working days",
                                line=line_of(doc, "time_limit_days")))
        days = 0
    service["time_limit_days"] = days
    lanes = doc.get("lanes") or {}
    if not isinstance(lanes, dict):
        problems.append(Problem(file, "lanes must map BPMN lane ids to office roles", line=line_of(doc, "lanes")))
        lanes = {}
    service["lanes"] = {str(k): str(v) for k, v in lanes.items()}
    service["_lane_lines"] = {str(k): line_of(lanes, k) for k in lanes}
    labels = doc.get("labels") or {}
    for key, text in (labels.items() if isinstance(labels, dict) else []):
        service["labels"][str(key)] = check_text(text, file, line_of(labels, key), f"label of {key}", problems)
    for item in doc.get("milestones") or []:
        if not isinstance(item, dict):
            problems.append(Problem(file, "each milestone needs id, elements and label", line=line_of(doc, "milestones")))
            continue
        mid = item.get("id")
        if mid not in MILESTONES:
            problems.append(Problem(file, f"unknown milestone {mid!r}", f"use one of: {', '.join(MILESTONES)}",
                                    line_of(item, "id")))
        elements = item.get("elements") or []
        service["milestones"].append({
            "id": mid, "elements": [str(e) for e in elements],
            "label": check_text(item.get("label"), file, line_of(item, "label"), f"milestone {mid}", problems),
            "_line": line_of(item, "elements"),
        })
    if not service["milestones"]:
        problems.append(Problem(file, "no public milestones", "list the steps the citizen sees under milestones:",
                                line=1))
    return service


def cross_check(service: dict, docs: list[BpmnDocument], forms: dict, roles: dict, file: str,
                problems: list[Problem]) -> dict:
    """Resolve lanes, task forms and milestones against the BPMN; return per-task metadata."""
    process_id = service["process"]
    executable = {pid for d in docs for pid in d.executable}
    if not process_id:
        problems.append(Problem(file, "no 'process:' given", "name the id of the executable BPMN process", 1))
    elif process_id not in executable:
        known = sorted({pid for d in docs for pid in d.process_ids})
        problems.append(Problem(file, f"process id {process_id!r} not found among executable processes",
                                f"use one of: {', '.join(known) or '(none)'}", 1))
    if service["application_form"] not in forms:
        problems.append(Problem(file, f"unknown application form {service['application_form']!r}",
                                f"add forms/{service['application_form']}.yaml", 1))
    lanes = {lid: lane for d in docs for lid, lane in d.lanes.items()}
    elements = {eid: el for d in docs for eid, el in d.elements.items()}
    lane_roles: dict[str, str] = {}
    for lane_id, lane in lanes.items():
        doc_file = next(d.file for d in docs if lane_id in d.lanes)
        if lane["process"] not in executable:
            continue
        if lane.get("parent") and lane_id not in service["lanes"] and lane["name"] not in service["lanes"]:
            continue  # a lane of lanes needs no role of its own
        role = service["lanes"].get(lane_id) or service["lanes"].get(lane["name"])
        if role is None and (lane["name"] in roles or lane["name"] == APPLICANT):
            role = lane["name"]
        if role is None:
            problems.append(Problem(doc_file, f"lane {lane['name'] or lane_id!r} has no office role",
                                    f"add '{lane_id}: <role>' under lanes: in service.yaml", lane["line"], lane_id))
        elif role != APPLICANT and role not in roles:
            problems.append(Problem(file, f"unknown office role {role!r} for lane {lane_id}",
                                    f"use one of: {', '.join(sorted(roles))}, {APPLICANT}",
                                    service["_lane_lines"].get(lane_id) or service["_lane_lines"].get(lane["name"]),
                                    lane_id))
        else:
            lane_roles[lane_id] = role
    for key in service["lanes"]:
        if key not in lanes and key not in {lane["name"] for lane in lanes.values()}:
            problems.append(Problem(file, f"lanes: {key!r} is not a lane of the BPMN", "check the lane id",
                                    service["_lane_lines"].get(key)))
    tasks: dict[str, dict] = {}
    for d in docs:
        for tid, info in d.user_tasks.items():
            role = next((g for g in info.candidate_groups if g in roles or g == APPLICANT), None)
            if info.candidate_groups and role is None:
                problems.append(Problem(d.file, f"candidateGroups {info.candidate_groups} name no known office role",
                                        f"use one of: {', '.join(sorted(roles))}", info.line, tid))
            role = role or lane_roles.get(info.lane or "")
            kind = KIND_WORDS.get(info.kind, "task")
            if role is None and info.lane is None:
                role = SUPERVISOR
                problems.append(Problem(
                    d.file, f"{kind} {info.name or tid!r} is in no lane and has no candidateGroups: it goes to the "
                            "inbox of the centre's supervisor", "put the task in the lane of its office",
                    info.line, tid, "warning"))
            form = info.form
            if not form and info.kind != "userTask":
                form = CONFIRM_FORM_ID  # the clerk confirms the work is done
            elif not form:
                problems.append(Problem(d.file, f"user task {info.name or tid!r} has no form",
                                        "set camunda:formKey (or formJsonSchemaFilename) to a form id", info.line, tid))
            elif form not in forms:
                problems.append(Problem(d.file, f"{kind} {info.name or tid!r} names unknown form {form!r}",
                                        f"add forms/{form}.yaml", info.line, tid))
            label = service["labels"].get(tid)
            if label is None and form in forms:
                label = forms[form]["title"]
            tasks[tid] = {"name": label or {"lo": info.name or tid, "en": info.name or tid}, "form": form,
                          "role": role or "", "lane": info.lane, "assignee": info.assignee}
    for milestone in service["milestones"]:
        for element in milestone["elements"]:
            if element not in elements:
                problems.append(Problem(file, f"milestone {milestone['id']} names unknown BPMN element {element!r}",
                                        "use the id of a task or event", milestone["_line"], element))
    return tasks


def definition(service: dict, tasks: dict, forms: dict, bpmn_files: list[str]) -> dict:
    """The JSON stored with a published version: what the runtime and the pages need."""
    used = {service["application_form"]} | {t["form"] for t in tasks.values() if t["form"]}
    element_milestone = {}
    for m in service["milestones"]:
        for element in m["elements"]:
            element_milestone[element] = m["id"]
    clean = {k: v for k, v in service.items() if not k.startswith("_")}
    clean["milestones"] = [{k: v for k, v in m.items() if not k.startswith("_")} for m in service["milestones"]]
    return {
        **clean,
        "tasks": tasks,
        "forms": {fid: forms[fid] if fid in forms else confirmation_form() for fid in sorted(used)
                  if fid in forms or fid == CONFIRM_FORM_ID},
        "element_milestones": element_milestone,
        "bpmn_files": sorted(bpmn_files),
    }
