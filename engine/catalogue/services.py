"""service.yaml: parsing and cross-checking against its BPMN and the forms."""
from __future__ import annotations

import re

from engine.catalogue.bpmn import BpmnDocument
from engine.catalogue.confirm import CONFIRM_FORM_ID, confirmation_form
from engine.catalogue.endings import check_refusal_ends
from engine.catalogue.messages_modeler import modeler_problem
from engine.catalogue.problems import Problem, check_text, problem
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
        found = {type(None): ("ຫວ່າງເປົ່າ", "empty"), str: ("ເປັນຂໍ້ຄວາມແຖວດຽວ", "one line of text"),
                 list: ("ເປັນລາຍການ", "a list")}.get(type(doc), ("ເປັນຄ່າດຽວ", "a single value"))
        problems.append(problem("yaml.service_not_mapping", file, 1, found_lo=found[0], found_en=found[1]))
        return None
    sid = doc.get("id")
    if sid != folder:
        problems.append(Problem(file, {"lo": f"ລະຫັດບໍລິການ {sid!r} ບໍ່ກົງກັບໂຟນເດີ {folder!r}", "en": f"service id {sid!r} differs from its folder {folder!r}"},
                                {"lo": "ໃຫ້ລະຫັດ ແລະ ຊື່ໂຟນເດີຄືກັນ", "en": "make the id and the folder name the same"}, line_of(doc, "id"), code="service.service_id_differs_from"))
    if not isinstance(sid, str) or not ID_RE.match(sid or ""):
        problems.append(Problem(file, {"lo": f"ລະຫັດບໍລິການ {sid!r} ຕ້ອງໃຊ້ພຽງ [a-z0-9_]", "en": f"service id {sid!r} must be [a-z0-9_]"}, line=line_of(doc, "id"), code="service.service_id_z"))
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
        problems.append(Problem(file, {"lo": f"ບໍ່ຮູ້ຈັກຂະແໜງ {service['sector']!r}", "en": f"unknown sector {service['sector']!r}"},
                                {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(SECTORS)}", "en": f"use one of: {', '.join(SECTORS)}"},
                                line_of(doc, "sector"), severity="warning", code="service.unknown_sector"))
    for i, item in enumerate(doc.get("documents") or []):
        service["documents"].append(check_text(item, file, line_of(item) or line_of(doc, "documents"),
                                               f"document {i + 1}", problems))
    fee = doc.get("fee") or {}
    amount = fee.get("amount", 0) if isinstance(fee, dict) else fee
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        problems.append(Problem(file, {"lo": f"ຄ່າທຳນຽມ {amount!r} ຕ້ອງເປັນຈຳນວນກີບເຕັມ, 0 ຂຶ້ນໄປ", "en": f"fee amount {amount!r} must be a whole number of kip, 0 or more"},
                                line=line_of(doc, "fee"), code="service.fee_amount_whole_number"))
        amount = 0
    currency = fee.get("currency", "LAK") if isinstance(fee, dict) else "LAK"
    service["fee"] = {"amount": amount, "currency": currency}
    days = doc.get("time_limit_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        problems.append(Problem(file, {"lo": f"time_limit_days {days!r} ຕ້ອງເປັນຈຳນວນວັນລັດຖະການເຕັມ", "en": f"time_limit_days {days!r} must be a whole number of working days"},
                                line=line_of(doc, "time_limit_days"), code="service.time_limit_days_whole"))
        days = 0
    service["time_limit_days"] = days
    service["step_limits"] = {}
    limits = doc.get("step_limits") or {}
    if not isinstance(limits, dict):
        problems.append(Problem(file, "step_limits must map user task ids to working days",
                                "write step_limits: {Task_Review: 3}", line_of(doc, "step_limits"), code="service.step_limits_map_user"))
        limits = {}
    for key, value in limits.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Problem(file, f"step_limits: {key}: {value!r} must be a whole number of working days",
                                    line=line_of(limits, key), element=str(key), code="service.step_limits_whole_number"))
            continue
        if days and value > days:
            problems.append(Problem(file, f"step_limits: {key}: {value} working days is more than the service's "
                                    f"time limit of {days}", "a step cannot take longer than the whole case",
                                    line_of(limits, key), str(key), code="service.step_limits_working_days"))
            continue
        service["step_limits"][str(key)] = value
    service["_step_lines"] = {str(k): line_of(limits, k) for k in limits}
    lanes = doc.get("lanes") or {}
    if not isinstance(lanes, dict):
        problems.append(Problem(file, {"lo": "lanes ຕ້ອງຈັບຄູ່ລະຫັດເລນ BPMN ກັບບົດບາດຫ້ອງການ", "en": "lanes must map BPMN lane ids to office roles"}, line=line_of(doc, "lanes"), code="service.lanes_map_bpmn_lane"))
        lanes = {}
    service["lanes"] = {str(k): str(v) for k, v in lanes.items()}
    # task id -> form id, for modelers that cannot write a form on a task (Bizagi, Signavio, ADONIS, bpmn.io)
    task_forms = doc.get("task_forms") or {}
    service["task_forms"] = {str(k): str(v) for k, v in task_forms.items()} if isinstance(task_forms, dict) else {}
    service["_lane_lines"] = {str(k): line_of(lanes, k) for k in lanes}
    labels = doc.get("labels") or {}
    for key, text in (labels.items() if isinstance(labels, dict) else []):
        service["labels"][str(key)] = check_text(text, file, line_of(labels, key), f"label of {key}", problems)
    for item in doc.get("milestones") or []:
        if not isinstance(item, dict):
            problems.append(Problem(file, {"lo": "ແຕ່ລະຂັ້ນຕອນຕ້ອງມີ id, elements ແລະ label", "en": "each milestone needs id, elements and label"}, line=line_of(doc, "milestones"), code="service.each_milestone_needs_id"))
            continue
        mid = item.get("id")
        if mid not in MILESTONES:
            problems.append(Problem(file, {"lo": f"ບໍ່ຮູ້ຈັກຂັ້ນຕອນ {mid!r}", "en": f"unknown milestone {mid!r}"},
                                    {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(MILESTONES)}", "en": f"use one of: {', '.join(MILESTONES)}"},
                                    line_of(item, "id"), code="service.unknown_milestone"))
        elements = item.get("elements") or []
        service["milestones"].append({
            "id": mid, "elements": [str(e) for e in elements],
            "label": check_text(item.get("label"), file, line_of(item, "label"), f"milestone {mid}", problems),
            "_line": line_of(item, "elements"),
        })
    if not service["milestones"]:
        problems.append(Problem(file, {"lo": "ບໍ່ມີຂັ້ນຕອນທີ່ປະຊາຊົນເຫັນ", "en": "no public milestones"},
                                {"lo": "ຂຽນຂັ້ນຕອນທີ່ປະຊາຊົນເຫັນ ໃຕ້ milestones:", "en": "list the steps the citizen sees under milestones:"},
                                line=1, code="service.no_public_milestones"))
    return service


def _missing_form_file(file: str, info, kind: str, form: str) -> Problem:
    """A task whose modeler attribute (formJsonSchemaFilename, camunda:formKey, zeebe:formDefinition) names a
    form that is neither uploaded nor published: the finding names that file as written, never a default form."""
    attribute, written = info.form_ref
    name = info.name or info.id
    return Problem(
        file,
        {"lo": f"ໜ້າວຽກ {name!r} ອ້າງເຖິງແບບຟອມ {written!r} ({attribute}) ເຊິ່ງບໍ່ມີໃນໄຟລ໌ທີ່ອັບໂຫຼດ ແລະ ບໍ່ໄດ້ເຜີຍແຜ່: "
               f"ແບບຟອມທີ່ບໍ່ຮູ້ຈັກ {form!r}",
         "en": f"{kind} {name!r} names the form {written!r} ({attribute}), which is neither in the upload nor "
               f"published: unknown form {form!r}"},
        {"lo": f"ເພີ່ມ forms/{form}.yaml ໃນການອັບໂຫຼດ (ແພລດຟອມອ່ານແບບຟອມເປັນ YAML; ບໍ່ອ່ານ {written}), "
               "ຫຼື ກຳນົດແບບຟອມທີ່ມີຢູ່ແລ້ວໃຫ້ໜ້າວຽກນີ້ໃຕ້ task_forms: ໃນ service.yaml",
         "en": f"add forms/{form}.yaml to the upload (the platform reads form declarations in YAML; {written} "
               "itself is not read), or map the task to an existing form under task_forms: in service.yaml"},
        info.line, info.id, code="service.names_unknown_form",
        params={"form": form, "file": written, "attribute": attribute})


def task_label(service: dict, task_id: str, bpmn_name: str | None, form: dict | None) -> dict:
    """What the inbox and `waiting_for` call a task: `labels:` of service.yaml, else the task's BPMN name, else
    its form's title, else its id. The BPMN name comes before the form title because one form often serves
    several tasks (every manual task shares the generated confirmation form): clerks must tell them apart,
    and the label must not depend on whether that shared form was published before."""
    label = service["labels"].get(task_id)
    if label:
        return label
    name = (bpmn_name or "").strip()
    if name:
        return {"lo": name, "en": name}
    if form and form.get("title"):
        return form["title"]
    return {"lo": task_id, "en": task_id}


def cross_check(service: dict, docs: list[BpmnDocument], forms: dict, roles: dict, file: str,
                problems: list[Problem]) -> dict:
    """Resolve lanes, task forms and milestones against the BPMN; return per-task metadata."""
    executable = {pid for d in docs for pid in d.executable}
    _choose_process(service, docs, file, problems)
    if service["application_form"] not in forms:
        problems.append(Problem(file, {"lo": f"ບໍ່ຮູ້ຈັກແບບຟອມຄຳຮ້ອງ {service['application_form']!r}", "en": f"unknown application form {service['application_form']!r}"},
                                {"lo": f"ເພີ່ມ forms/{service['application_form']}.yaml", "en": f"add forms/{service['application_form']}.yaml"}, 1, code="service.unknown_application_form"))
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
            problems.append(Problem(doc_file, {"lo": f"ເລນ {lane['name'] or lane_id!r} ບໍ່ມີບົດບາດຫ້ອງການ", "en": f"lane {lane['name'] or lane_id!r} has no office role"},
                                    {"lo": f"ເພີ່ມ '{lane_id}: <role>' ໃຕ້ lanes: ໃນ service.yaml", "en": f"add '{lane_id}: <role>' under lanes: in service.yaml"}, lane["line"], lane_id, code="service.lane_has_no_office"))
        elif role != APPLICANT and role not in roles:
            problems.append(Problem(file, {"lo": f"ບໍ່ຮູ້ຈັກບົດບາດຫ້ອງການ {role!r} ຂອງເລນ {lane_id}", "en": f"unknown office role {role!r} for lane {lane_id}"},
                                    {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(sorted(roles))}, {APPLICANT}", "en": f"use one of: {', '.join(sorted(roles))}, {APPLICANT}"},
                                    service["_lane_lines"].get(lane_id) or service["_lane_lines"].get(lane["name"]),
                                    lane_id, code="service.unknown_office_role_lane"))
        else:
            lane_roles[lane_id] = role
    for key in service["lanes"]:
        if key not in lanes and key not in {lane["name"] for lane in lanes.values()}:
            problems.append(Problem(file, {"lo": f"lanes: {key!r} ບໍ່ແມ່ນເລນຂອງ BPMN", "en": f"lanes: {key!r} is not a lane of the BPMN"},
                                    {"lo": "ກວດລະຫັດເລນ", "en": "check the lane id"},
                                    service["_lane_lines"].get(key), code="service.lanes_not_lane_bpmn"))
    tasks: dict[str, dict] = {}
    for d in docs:
        for tid, info in d.user_tasks.items():
            if tid in service["task_forms"]:
                info.form = service["task_forms"][tid]
            # the supervisor is the documented default of unrouted tasks: naming it routes the task there
            role = next((g for g in info.candidate_groups if g in roles or g in (APPLICANT, SUPERVISOR)), None)
            if info.candidate_groups and role is None:
                problems.append(Problem(d.file, {"lo": f"candidateGroups {', '.join(info.candidate_groups)} ບໍ່ແມ່ນບົດບາດຫ້ອງການທີ່ຮູ້ຈັກ", "en": f"candidateGroups {', '.join(info.candidate_groups)} names no known office role"},
                                        {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(sorted(roles))}, {SUPERVISOR}", "en": f"use one of: {', '.join(sorted(roles))}, {SUPERVISOR}"}, info.line, tid, code="service.candidategroups_names_no_known"))
            lane_role = lane_roles.get(info.lane or "")
            if role and lane_role and role != lane_role:  # candidateGroups win; the drawing says otherwise
                problems.append(Problem(
                    d.file, {"lo": f"ໜ້າວຽກ {info.name or tid!r} ຢູ່ໃນເລນຂອງ {lane_role} ແຕ່ candidateGroups ສົ່ງມັນໄປຫາ "
                                   f"{role}: ກ່ອງວຽກຂອງ {role} ຈະໄດ້ຮັບມັນ",
                             "en": f"task {info.name or tid!r} sits in the lane of {lane_role} but its candidateGroups "
                                   f"route it to {role}: the {role} inbox gets it"},
                    {"lo": f"ຍ້າຍໜ້າວຽກໄປໄວ້ໃນເລນຂອງ {role}, ຫຼື ແກ້ candidateGroups ເປັນ {lane_role}",
                     "en": f"move the task into the lane of {role}, or change its candidateGroups to {lane_role}"},
                    info.line, tid, "warning", code="service.lane_and_candidate_groups_differ"))
            role = role or lane_role
            kind = KIND_WORDS.get(info.kind, "task")
            kind_lo = "ໜ້າວຽກ"
            if role is None and info.lane is None:
                role = SUPERVISOR
            if role == SUPERVISOR and info.lane is None and not info.candidate_groups:
                problems.append(Problem(
                    d.file, {"lo": f"{kind_lo} {info.name or tid!r} ບໍ່ຢູ່ໃນເລນໃດ ແລະ ບໍ່ມີ candidateGroups: ຈະໄປຫາກ່ອງວຽກຂອງຫົວໜ້າສູນ",
                             "en": f"{kind} {info.name or tid!r} is in no lane and has no candidateGroups: it goes to the "
                                   "inbox of the centre's supervisor"},
                    {"lo": "ວາງໜ້າວຽກໄວ້ໃນເລນຂອງຫ້ອງການຂອງມັນ", "en": "put the task in the lane of its office"},
                    info.line, tid, "warning", code="service.no_lane_has_no"))
            form = info.form
            if not form and info.kind != "userTask":
                form = CONFIRM_FORM_ID  # the clerk confirms the work is done
            elif not form:
                problems.append(Problem(d.file, {"lo": f"ໜ້າວຽກ {info.name or tid!r} ບໍ່ມີແບບຟອມ",
                                                 "en": f"user task {info.name or tid!r} has no form"},
                                        {"lo": "ຕັ້ງ camunda:formKey (ຫຼື formJsonSchemaFilename) ເປັນລະຫັດແບບຟອມ, ຫຼື task_forms: ໃນ service.yaml",
                                         "en": "set camunda:formKey (or formJsonSchemaFilename) to a form id, or map it under "
                                               "task_forms: in service.yaml"}, info.line, tid, code="task.no_form"))
            elif form not in forms and info.form_ref and tid not in service["task_forms"]:
                problems.append(_missing_form_file(d.file, info, kind, form))
            elif form not in forms:
                problems.append(Problem(d.file, {"lo": f"{kind_lo} {info.name or tid!r} ອ້າງເຖິງແບບຟອມທີ່ບໍ່ຮູ້ຈັກ {form!r}",
                                                 "en": f"{kind} {info.name or tid!r} names unknown form {form!r}"},
                                        {"lo": f"ເພີ່ມ forms/{form}.yaml", "en": f"add forms/{form}.yaml"}, info.line, tid, code="service.names_unknown_form"))
            tasks[tid] = {"name": task_label(service, tid, info.name, forms.get(form)), "form": form,
                          "role": role or "", "lane": info.lane, "assignee": info.assignee}
    for key in service.get("step_limits", {}):
        if key not in tasks:
            problems.append(Problem(file, f"step_limits: {key!r} is not a user task of the BPMN",
                                    f"use one of: {', '.join(sorted(tasks)) or '(none)'}",
                                    service["_step_lines"].get(key), key, code="service.step_limits_not_user"))
    for milestone in service["milestones"]:
        for element in milestone["elements"]:
            if element not in elements:
                problems.append(Problem(file, {"lo": f"ຂັ້ນຕອນ {milestone['id']} ອ້າງເຖິງອົງປະກອບ BPMN ທີ່ບໍ່ຮູ້ຈັກ {element!r}", "en": f"milestone {milestone['id']} names unknown BPMN element {element!r}"},
                                        {"lo": "ໃຊ້ລະຫັດຂອງໜ້າວຽກ ຫຼື ເຫດການ", "en": "use the id of a task or event"}, milestone["_line"], element, code="service.milestone_names_unknown_bpmn"))
    check_refusal_ends(service, docs, file, problems)
    return tasks


def _process_list(docs: list[BpmnDocument], ids) -> str:
    names = {pid: d.elements.get(pid, {}).get("name") or d.process_names.get(pid, "") for d in docs for pid in d.process_ids}
    return ", ".join(f"{pid} «{names[pid]}»" if names.get(pid) else pid for pid in ids)


def _choose_process(service: dict, docs: list[BpmnDocument], file: str, problems: list[Problem]) -> None:
    """The entry process: `process:` of service.yaml, or the only executable process. One message when unclear."""
    process_id = service["process"]
    executable = [pid for d in docs for pid in d.executable]
    documentation = [pid for d in docs for pid in d.process_ids if pid not in executable]
    where = next(((d.file, d.process_lines.get(process_id)) for d in docs if process_id in d.process_ids), (None, None))
    listed = _process_list(docs, executable)
    first = executable[0] if executable else ""
    if process_id in executable:
        return
    if not executable:
        if docs and documentation:
            home = next(d for d in docs if documentation[0] in d.process_ids)
            problems.append(modeler_problem("process.none_executable", home.file,
                                            home.process_lines.get(documentation[0]), documentation[0],
                                            pools=_process_list(docs, documentation)))
    elif not process_id and len(executable) == 1:
        service["process"] = first
        problems.append(modeler_problem("process.implicit", file, 1, first, process=listed, process_id=first))
    elif not process_id:
        problems.append(modeler_problem("process.several", file, 1, None, count=len(executable),
                                        processes=listed, first=first))
    elif where[0] is not None:
        problems.append(modeler_problem("process.not_executable", where[0], where[1], process_id,
                                        process_id=process_id, processes=listed, first=first))
    else:
        problems.append(modeler_problem("process.unknown", file, 1, None, process_id=process_id, processes=listed,
                                        first=first))


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
