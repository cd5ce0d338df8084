"""Check the seed catalogue: parse and drive every BPMN with SpiffWorkflow, and cross-check the YAML contracts.

    .venv/bin/python tools/catalogue_gen/check.py

Independent of engine/ (it reimplements the contract checks from the catalogue brief), so it can run
before the loader exists. Exit status 1 when a problem is found.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parent.parent.parent
WF, FORMS = ROOT / "workflows", ROOT / "forms"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FIELD_TYPES = {"text", "long_text", "number", "money", "date", "choice", "yes_no", "phone", "national_id", "file"}
SECTORS = {"administration", "land", "public_security", "tourism_culture", "commerce", "public_works", "home_affairs"}
MILESTONES = ["received", "in_review", "returned", "approved", "payment", "ready", "completed", "rejected"]
SHARED = {  # form id -> {field: (type, required or None for "either")}
    "document_check": {"decision": ("choice", True), "reason": ("long_text", False), "note": ("long_text", False)},
    "officer_review": {"decision": ("choice", True), "reason": ("long_text", None), "findings": ("long_text", False)},
    "site_inspection": {"inspection_date": ("date", True), "findings": ("long_text", True),
                        "decision": ("choice", True), "reason": ("long_text", None)},
    "approval_decision": {"decision": ("choice", True), "reason": ("long_text", None)},
    "fee_payment": {"receipt_number": ("text", True), "amount_paid": ("money", True)},
    "certificate_issue": {"handed_over": ("yes_no", True)},
    "provide_documents": {"response": ("long_text", True), "documents": ("file", False)},
}
DECISIONS = {"document_check": {"approve", "return", "reject"}, "officer_review": {"approve", "return", "reject"},
             "site_inspection": {"approve", "return", "reject"}, "approval_decision": {"approve", "reject"}}
LAO = re.compile(r"[\u0E80-\u0EFF]")

problems: list[str] = []


def problem(msg):
    problems.append(msg)
    print("  PROBLEM:", msg)


def check_text(obj, where):
    """Every {lo, en} pair: both present, lo contains Lao letters."""
    if isinstance(obj, dict):
        if set(obj) >= {"lo", "en"} and all(isinstance(obj[k], str) for k in ("lo", "en")):
            if not obj["lo"].strip() or not obj["en"].strip():
                problem(f"{where}: empty lo/en")
            if not LAO.search(obj["lo"]):
                problem(f"{where}: lo text has no Lao letters: {obj['lo']!r}")
            if LAO.search(obj["en"]):
                problem(f"{where}: en text contains Lao: {obj['en']!r}")
        for k, v in obj.items():
            check_text(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            check_text(v, f"{where}[{i}]")


def is_pair(x):
    return isinstance(x, dict) and set(x) == {"lo", "en"}


# ---------------------------------------------------------------------------- forms
def load_forms():
    forms = {}
    used_types = set()
    for path in sorted(FORMS.glob("*.yaml")):
        f = yaml.safe_load(path.read_text(encoding="utf-8"))
        fid = path.stem
        if f.get("id") != fid:
            problem(f"{path.name}: id {f.get('id')!r} != file name")
        if not is_pair(f.get("title")):
            problem(f"{fid}: title must be {{lo, en}}")
        check_text(f, f"forms/{fid}")
        names = set()
        for fld in f.get("fields", []):
            n = fld.get("name", "")
            if not re.fullmatch(r"[a-z][a-z0-9_]*", n) or n in names:
                problem(f"{fid}: bad or duplicate field name {n!r}")
            names.add(n)
            t = fld.get("type")
            used_types.add(t)
            if t not in FIELD_TYPES:
                problem(f"{fid}.{n}: bad type {t!r}")
            if not is_pair(fld.get("label")):
                problem(f"{fid}.{n}: label must be {{lo, en}}")
            if "help" in fld and not is_pair(fld["help"]):
                problem(f"{fid}.{n}: help must be {{lo, en}}")
            if not isinstance(fld.get("required", False), bool):
                problem(f"{fid}.{n}: required must be a boolean")
            if t == "choice":
                ch = fld.get("choices") or []
                if not ch or not all(isinstance(c.get("value"), str) and is_pair(c.get("label")) for c in ch):
                    problem(f"{fid}.{n}: choices need value + {{lo, en}} label")
            elif "choices" in fld:
                problem(f"{fid}.{n}: choices on a {t} field")
            if t == "file":
                if not set(fld.get("accept", [])) <= {"pdf", "jpeg", "png"} or not fld.get("accept"):
                    problem(f"{fid}.{n}: file accept list")
            if "max_length" in fld and t not in ("text", "long_text"):
                problem(f"{fid}.{n}: max_length on {t}")
            if ("min" in fld or "max" in fld) and t not in ("number", "money"):
                problem(f"{fid}.{n}: min/max on {t}")
            allowed = {"name", "type", "required", "label", "help", "max_length", "min", "max", "choices",
                       "accept", "max_size_mb"}
            if set(fld) - allowed:
                problem(f"{fid}.{n}: unknown keys {set(fld) - allowed}")
        forms[fid] = {fld["name"]: fld for fld in f.get("fields", [])}
        if fid in SHARED:
            for n, (t, req) in SHARED[fid].items():
                fld = forms[fid].get(n)
                if not fld or fld["type"] != t or (req is not None and fld.get("required", False) != req):
                    problem(f"{fid}.{n}: must be {t} required={req}")
            if set(forms[fid]) != set(SHARED[fid]):
                problem(f"{fid}: fields {sorted(forms[fid])} != {sorted(SHARED[fid])}")
            if fid in DECISIONS:
                vals = {c["value"] for c in forms[fid]["decision"]["choices"]}
                if vals != DECISIONS[fid]:
                    problem(f"{fid}.decision: choices {vals}")
        elif fid.endswith("_application"):
            types = [fld["type"] for fld in f["fields"]]
            if not 5 <= len(types) <= 10:
                problem(f"{fid}: {len(types)} fields (want 5-10)")
            if "file" not in types:
                problem(f"{fid}: no file field")
    missing = FIELD_TYPES - used_types
    if missing:
        problem(f"field types never used: {missing}")
    print(f"forms: {len(forms)} ({', '.join(forms)})")
    return forms


# ---------------------------------------------------------------------------- BPMN statics
def user_task_form(el):
    key = el.get(f"{{{NS['camunda']}}}formKey") or el.get(f"{{{NS['camunda']}}}formRef")
    if key:
        return key, "formKey" if el.get(f"{{{NS['camunda']}}}formKey") else "formRef"
    for prop in el.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") == "formJsonSchemaFilename":
            v = prop.get("value")
            return v[: -len("-schema.json")] if v.endswith("-schema.json") else v, "spiff"
    return None, None


def check_bpmn_static(sid, path, svc, forms, roles):
    tree = etree.parse(str(path))
    BpmnValidator().validate(tree, str(path))  # XSD validation of the BPMN 2.0 semantic + DI model
    if shutil.which("xmllint"):
        r = subprocess.run(["xmllint", "--noout", str(path)], capture_output=True, text=True)
        if r.returncode:
            problem(f"{sid}: xmllint: {r.stderr.strip()}")
    root = tree.getroot()
    collabs = root.findall("bpmn:collaboration", NS)
    parts = root.findall("bpmn:collaboration/bpmn:participant", NS)
    if len(collabs) != 1 or len(parts) != 1:
        problem(f"{sid}: want one collaboration with one participant")
    proc = root.find(f"bpmn:process[@id='{svc['process']}']", NS)
    if proc is None or proc.get("isExecutable") != "true" or parts[0].get("processRef") != svc["process"]:
        problem(f"{sid}: executable process {svc['process']} not the participant's processRef")
        return {}
    nodes = {}
    for el in proc:
        tag = etree.QName(el).localname
        if tag in ("laneSet", "sequenceFlow", "extensionElements", "documentation"):
            continue
        nodes[el.get("id")] = (tag, el)
    for tag, el in nodes.values():
        if tag in ("serviceTask", "subProcess", "callActivity") or el.find(".//bpmn:timerEventDefinition", NS) is not None:
            problem(f"{sid}: {el.get('id')} is a {tag}/timer (not allowed in the seed)")
        if tag != "laneSet" and not LAO.search(el.get("name") or ""):
            problem(f"{sid}: {el.get('id')} has no Lao name")
    scripts = [i for i, (t, _) in nodes.items() if t == "scriptTask"]
    flows = {f.get("id"): f for f in proc.findall("bpmn:sequenceFlow", NS)}
    # lanes
    lane_of = {}
    lanes = proc.findall("bpmn:laneSet/bpmn:lane", NS)
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            if ref.text in lane_of:
                problem(f"{sid}: {ref.text} in two lanes")
            lane_of[ref.text] = lane.get("id")
    if set(lane_of) != set(nodes):
        problem(f"{sid}: nodes without lane: {set(nodes) - set(lane_of)}; unknown refs: {set(lane_of) - set(nodes)}")
    lane_ids = {lane.get("id") for lane in lanes}
    if lane_ids != set(svc["lanes"]):
        problem(f"{sid}: lanes {lane_ids} != service.yaml lanes {set(svc['lanes'])}")
    if "Lane_Applicant" not in lane_ids or svc["lanes"].get("Lane_Applicant") != "applicant":
        problem(f"{sid}: Lane_Applicant missing")
    for lid, role in svc["lanes"].items():
        if role != "applicant" and role not in roles:
            problem(f"{sid}: lane {lid} -> unknown role {role}")
    # user tasks and forms
    styles = set()
    tasks = {}
    for nid, (tag, el) in nodes.items():
        if tag == "userTask":
            form, style = user_task_form(el)
            styles.add(style)
            if form not in forms:
                problem(f"{sid}: {nid} form {form!r} not in forms/")
            tasks[nid] = form
            cg = el.get(f"{{{NS['camunda']}}}candidateGroups")
            if cg and cg != svc["lanes"][lane_of[nid]]:
                problem(f"{sid}: {nid} candidateGroups {cg} != lane role {svc['lanes'][lane_of[nid]]}")
            if nid not in svc.get("labels", {}):
                problem(f"{sid}: no label for {nid}")
    for nid in svc.get("labels", {}):
        if nid not in tasks:
            problem(f"{sid}: label for unknown user task {nid}")
    # gateways: a default flow on every exclusive gateway
    for nid, (tag, el) in nodes.items():
        if tag == "exclusiveGateway":
            d = el.get("default")
            if not d or d not in flows or flows[d].get("sourceRef") != nid:
                problem(f"{sid}: exclusive gateway {nid} without a valid default flow")
    for req in ("StartEvent_1", "Task_Check", "Task_ProvideDocuments", "EndEvent_Rejected", "EndEvent_Issued", "Task_Issue"):
        if req not in nodes:
            problem(f"{sid}: missing {req}")
    if tasks.get("Task_Check") != "document_check" or tasks.get("Task_ProvideDocuments") != "provide_documents":
        problem(f"{sid}: Task_Check/Task_ProvideDocuments forms")
    if lane_of.get("Task_ProvideDocuments") != "Lane_Applicant":
        problem(f"{sid}: Task_ProvideDocuments must be in Lane_Applicant")
    has_fee_task = "fee_payment" in tasks.values()
    if has_fee_task != (svc["fee"]["amount"] > 0):
        problem(f"{sid}: fee {svc['fee']['amount']} but fee task present={has_fee_task}")
    # milestones
    seen = set()
    order = [m["id"] for m in svc["milestones"]]
    if any(m not in MILESTONES for m in order) or len(set(order)) != len(order):
        problem(f"{sid}: bad milestone ids {order}")
    for m in svc["milestones"]:
        for e in m["elements"]:
            if e not in nodes:
                problem(f"{sid}: milestone {m['id']} element {e} not in BPMN")
            if e in seen:
                problem(f"{sid}: element {e} in two milestones")
            seen.add(e)
        if not is_pair(m.get("label")):
            problem(f"{sid}: milestone {m['id']} label")
    # diagram
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNEdge", NS)}
    for must in list(nodes) + list(lane_ids) + [parts[0].get("id")]:
        s = shapes.get(must)
        if s is None or s.find("dc:Bounds", NS) is None:
            problem(f"{sid}: no shape for {must}")
    for fid in flows:
        if fid not in edges or len(edges[fid].findall("di:waypoint", NS)) < 2:
            problem(f"{sid}: no edge for {fid}")
    return {"tasks": tasks, "styles": styles, "scripts": scripts, "nodes": nodes, "lane_of": lane_of,
            "cg": any(el.get(f"{{{NS['camunda']}}}candidateGroups") for _, el in nodes.values())}


# ---------------------------------------------------------------------------- driving the workflow
APP_DATA = {"business_type": "general_trade"}


def run(path, pid, tasks, policy, app_data=None, parser_cls=BpmnParser):
    p = parser_cls()
    p.add_bpmn_file(str(path))
    wf = BpmnWorkflow(p.get_spec(pid))
    for t in wf.get_tasks(state=TaskState.READY):
        t.data.update(app_data or APP_DATA)
    wf.do_engine_steps()
    visits = []
    for _ in range(60):
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        t = ready[0]
        name = t.task_spec.name
        form = tasks[name]
        visits.append(name)
        data = policy(name, form, visits.count(name))
        t.data.update(data)
        t.run()
        wf.do_engine_steps()
    if not wf.is_completed():
        raise AssertionError(f"not completed; visits={visits}")
    done = {t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED)}
    end = [e for e in ("EndEvent_Issued", "EndEvent_Rejected") if e in done]
    return visits, end, done


def form_data(form, decision):
    return {
        "document_check": {"decision": decision, "reason": "" if decision == "approve" else "ເຫດຜົນ"},
        "officer_review": {"decision": decision, "reason": ""},
        "site_inspection": {"inspection_date": "2026-03-02", "findings": "ok", "decision": decision, "reason": ""},
        "approval_decision": {"decision": "reject" if decision == "reject" else "approve", "reason": ""},
        "fee_payment": {"receipt_number": "R-1", "amount_paid": 1000},
        "certificate_issue": {"handed_over": True},
        "provide_documents": {"response": "ເພີ່ມແລ້ວ"},
        "village_certification": {"certified": True, "village_chief_name": "ທ້າວ ກ"},
        "title_verification": {"title_number": "T-1", "title_accurate": True},
    }[form]


def approve_all(name, form, n):
    return form_data(form, "approve")


def at(task, decision, times=1):
    """Policy: `decision` at `task` the first `times` visits, approve everywhere else."""
    def policy(name, form, n):
        return form_data(form, decision if name == task and n <= times else "approve")
    return policy


def drive(sid, path, svc, info):
    pid, tasks = svc["process"], info["tasks"]
    reached = set()
    summaries = []

    def case(label, policy, want_end, app=None, parser_cls=BpmnParser):
        try:
            visits, end, done = run(path, pid, tasks, policy, app, parser_cls)
        except Exception as exc:  # noqa: BLE001
            problem(f"{sid}: path '{label}' failed: {exc!r}")
            return
        reached.update(done)
        ok = end == [want_end]
        summaries.append(f"    {'ok ' if ok else 'BAD'} {label:<34} {' > '.join(v.replace('Task_', '') for v in visits)} => {end}")
        if not ok:
            problem(f"{sid}: path '{label}' ended at {end}, want {want_end}")

    case("approve", approve_all, "EndEvent_Issued")
    case("approve (CamundaParser)", approve_all, "EndEvent_Issued", parser_cls=CamundaParser)
    case("approve (SpiffBpmnParser)", approve_all, "EndEvent_Issued", parser_cls=SpiffBpmnParser)
    case("front desk returns once", at("Task_Check", "return"), "EndEvent_Issued")
    case("front desk rejects", at("Task_Check", "reject"), "EndEvent_Rejected")
    review_tasks = [t for t, f in tasks.items() if f in ("officer_review", "site_inspection")]
    for rt in review_tasks:
        app = {"business_type": "pharmacy"} if rt == "Task_ControlledReview" else None
        case(f"{rt.replace('Task_', '')} returns once", at(rt, "return"), "EndEvent_Issued", app)
        case(f"{rt.replace('Task_', '')} rejects", at(rt, "reject"), "EndEvent_Rejected", app)
    case("approver rejects", at("Task_Approve", "reject"), "EndEvent_Rejected")
    if sid == "enterprise_registration":
        case("controlled activity (pharmacy)", approve_all, "EndEvent_Issued", {"business_type": "pharmacy"})
    unreached = {n for n, (tag, _) in info["nodes"].items()} - reached
    if unreached:
        problem(f"{sid}: never reached on any path: {unreached}")
    print("\n".join(summaries))


# ---------------------------------------------------------------------------- main
def main():
    forms = load_forms()
    centres = yaml.safe_load((WF / "centres.yaml").read_text(encoding="utf-8"))
    roles = centres["office_roles"]
    for r, names in roles.items():
        if not re.fullmatch(r"[a-z_]+", r) or not is_pair(names):
            problem(f"office role {r}")
    check_text(centres, "centres.yaml")
    services = {}
    styles_seen, scripts_seen, cg_seen = set(), 0, False
    app_forms = set()
    used_roles = set()
    for d in sorted(p for p in WF.iterdir() if p.is_dir()):
        sid = d.name
        svc = yaml.safe_load((d / "service.yaml").read_text(encoding="utf-8"))
        print(f"service {sid}")
        if svc.get("id") != sid or not re.fullmatch(r"[a-z0-9_]+", sid):
            problem(f"{sid}: id mismatch")
        for k in ("name", "description"):
            if not is_pair(svc.get(k)):
                problem(f"{sid}: {k} must be {{lo, en}}")
        check_text(svc, f"{sid}/service.yaml")
        if svc.get("sector") not in SECTORS:
            problem(f"{sid}: sector {svc.get('sector')}")
        if svc.get("application_form") not in forms:
            problem(f"{sid}: application form {svc.get('application_form')} missing")
        app_forms.add(svc.get("application_form"))
        if not svc.get("documents") or not all(is_pair(x) for x in svc["documents"]):
            problem(f"{sid}: documents")
        fee = svc.get("fee", {})
        if not isinstance(fee.get("amount"), int) or fee["amount"] < 0 or fee.get("currency") != "LAK":
            problem(f"{sid}: fee {fee}")
        if not isinstance(svc.get("time_limit_days"), int) or svc["time_limit_days"] < 1:
            problem(f"{sid}: time_limit_days")
        info = check_bpmn_static(sid, d / "process.bpmn", svc, forms, roles)
        if not info:
            continue
        styles_seen |= info["styles"]
        scripts_seen += len(info["scripts"])
        cg_seen |= info["cg"]
        used_roles |= set(svc["lanes"].values()) - {"applicant"}
        services[sid] = svc
        drive(sid, d / "process.bpmn", svc, info)
    if styles_seen != {"formKey", "formRef", "spiff"}:
        problem(f"form reference styles used: {styles_seen}")
    if scripts_seen != 1:
        problem(f"{scripts_seen} script tasks in the catalogue (want exactly 1)")
    if not cg_seen:
        problem("no camunda:candidateGroups anywhere")
    unused_forms = set(forms) - app_forms - set(SHARED) - {"village_certification", "title_verification"}
    if unused_forms:
        problem(f"forms not used: {unused_forms}")
    if used_roles - set(roles):
        problem(f"roles used but not declared: {used_roles - set(roles)}")
    # centres
    ids = {c["id"] for c in centres["centres"]}
    office_ids = set()
    offered = []
    for c in centres["centres"]:
        cid = c["id"]
        if c["level"] not in ("ministry", "province", "district"):
            problem(f"centre {cid}: level")
        parent = next((p for p in centres["centres"] if p["id"] == c.get("parent")), None)
        want_parent = {"ministry": None, "province": "ministry", "district": "province"}[c["level"]]
        if (parent["level"] if parent else None) != want_parent:
            problem(f"centre {cid}: parent {c.get('parent')} has the wrong level")
        for k in ("name", "address", "opening_hours"):
            if not is_pair(c.get(k)):
                problem(f"centre {cid}: {k}")
        have = set()
        for o in c["offices"]:
            if o["id"] in office_ids or not re.fullmatch(r"[a-z0-9_]+", o["id"]):
                problem(f"centre {cid}: office id {o['id']} duplicate/bad")
            office_ids.add(o["id"])
            if not is_pair(o.get("name")):
                problem(f"office {o['id']}: name")
            for r in o["roles"]:
                if r not in roles:
                    problem(f"office {o['id']}: unknown role {r}")
            have |= set(o["roles"])
        svc_ids = []
        for s in c["services"]:
            if s["id"] not in services:
                problem(f"centre {cid}: unknown service {s['id']}")
                continue
            svc_ids.append(s["id"])
            need = set(services[s["id"]]["lanes"].values()) - {"applicant"}
            if need - have:
                problem(f"centre {cid}: service {s['id']} needs roles {need - have}")
            if "fee" in s and (not isinstance(s["fee"], int) or s["fee"] < 0):
                problem(f"centre {cid}: fee override {s['fee']}")
        offered.append(frozenset(svc_ids))
        print(f"centre {cid:<22} {c['level']:<9} parent={c.get('parent') or '-':<13} "
              f"services={len(svc_ids)} offices={len(c['offices'])} overrides="
              f"{sum('fee' in s for s in c['services'])}")
    if len(ids) != len(centres["centres"]) or len(ids) < 9:
        problem("centre ids not unique / fewer than 9 centres")
    if len(set(offered)) != len(offered):
        problem("two centres offer the same subset of services")
    # holidays
    hol = yaml.safe_load((WF / "holidays.yaml").read_text(encoding="utf-8"))["holidays"]
    years = {}
    for h in hol:
        years.setdefault(h["date"].year, []).append(h)
        if not is_pair(h.get("name")):
            problem(f"holiday {h}: name")
    check_text(hol, "holidays.yaml")
    print("holidays:", {y: len(v) for y, v in sorted(years.items())})
    if set(years) != {2026, 2027}:
        problem(f"holiday years {set(years)}")
    print()
    if problems:
        print(f"{len(problems)} PROBLEM(S)")
        sys.exit(1)
    print(f"OK: {len(services)} services, {len(forms)} forms, {len(centres['centres'])} centres, "
          f"{len(hol)} holidays")


if __name__ == "__main__":
    main()
