"""BPMN files as modelers export them: safe parsing, interoperability fixes, metadata and SpiffWorkflow specs.

Uploaded BPMN is untrusted: UTF-8 only, no DTDs, no entities, no network, a size limit. Forms and routing are
read from Camunda (`camunda:formKey`, `camunda:formRef`, `camunda:candidateGroups`, `camunda:assignee`; Camunda 8
`zeebe:formDefinition`, `zeebe:assignmentDefinition`) and SpiffArena (`formJsonSchemaFilename`) extensions, so
files from those modelers work as they are. Where the meaning is clear, modeler habits are read with a warning:
bare ISO 8601 timers are quoted, JUEL `${expr}` conditions are unwrapped, `camunda:assignee` naming an office role
routes a task outside any lane, and a file with no executable process whose only pool with a flow is unmarked
(Signavio) runs that pool.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.catalogue.confirm import HUMAN_TAGS
from engine.catalogue.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
ROLE_LIKE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_BPMN_BYTES = 5 * 1024 * 1024

# harmless for execution: reported as warnings
IGNORED_ELEMENTS = {"textAnnotation", "association", "dataStoreReference", "dataStore", "group", "category"}
# cannot run on this platform: errors
UNSUPPORTED_ELEMENTS = {
    "complexGateway": "complex gateways are not supported; use exclusive, inclusive or parallel gateways",
    "transaction": "transactions are not supported; use a subprocess",
    "choreographyTask": "choreographies are not executable",
    "manualTask": None,  # supported, listed so we do not warn
}
# ISO 8601 durations, repeating intervals and date-times, as modelers write them without quotes
ISO_TIMER = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?)"
    r"(/P[0-9YMWDTHS.]+)?$"
)


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


@dataclass
class UserTaskInfo:
    id: str
    name: str
    lane: str | None
    form: str | None
    candidate_groups: list[str] = field(default_factory=list)
    assignee: str | None = None
    line: int | None = None
    kind: str = "userTask"  # userTask | manualTask | task: every one becomes an inbox task


@dataclass
class BpmnDocument:
    file: str
    tree: etree._ElementTree
    process_ids: list[str]
    executable: list[str]
    lanes: dict[str, dict]  # lane id -> {name, nodes}
    user_tasks: dict[str, UserTaskInfo]
    elements: dict[str, dict]  # id -> {tag, name, line}
    expressions: list[tuple[str, str, str, int | None]]  # (element id, kind eval|exec, source, line)


def parse_xml(data: bytes, file: str, problems: list[Problem], max_bytes: int = MAX_BPMN_BYTES):
    if len(data) > max_bytes:
        problems.append(Problem(file, f"file is {len(data):,} bytes, more than the limit of {max_bytes:,}",
                                "split the process or remove embedded images"))
        return None
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        problems.append(Problem(file, "DOCTYPE or ENTITY declarations are not allowed in BPMN files",
                                "export the file again from the modeler; BPMN needs no DTD", 1))
        return None
    try:
        data.decode("utf-8")  # UTF-16 would also hide a DOCTYPE from the check above
    except UnicodeDecodeError:
        problems.append(Problem(file, "the file is not UTF-8 text", "save the BPMN file as UTF-8", 1))
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(file, f"not well-formed XML: {exc.msg}", "open and save it again in the modeler",
                                exc.lineno))
        return None
    except ValueError as exc:  # e.g. an encoding declaration lxml refuses
        problems.append(Problem(file, f"not well-formed XML: {exc}", "save the BPMN file as UTF-8", 1))
        return None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        problems.append(Problem(file, "DOCTYPE or ENTITY declarations are not allowed in BPMN files",
                                "export the file again from the modeler; BPMN needs no DTD", 1))
        return None
    return tree


def _form_of(node) -> str | None:
    for attr in ("formKey", "formRef"):
        value = node.get(f"{{{CAMUNDA_NS}}}{attr}")
        if value:
            # "embedded:app:forms/review.html", "camunda-forms:deployment:review.form" -> "review"
            last = re.split(r"[:/]", value.strip())[-1]
            return re.sub(r"\.(html|form|json|ya?ml)$", "", last)
    for form_def in node.iter(f"{{{ZEEBE_NS}}}formDefinition"):  # Camunda 8 files from Camunda Modeler 5
        value = form_def.get("formId") or form_def.get("formKey")
        if value:
            return re.sub(r"\.(form|json|ya?ml)$", "", re.split(r"[:/]", value.strip())[-1])
    for prop in node.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name") == "formJsonSchemaFilename" and prop.get("value"):
            return re.sub(r"(-schema)?\.json$", "", prop.get("value").strip())
    return None


def _quote_timers(root) -> None:
    """Timer text is evaluated as a Python expression by SpiffWorkflow; modelers write bare ISO 8601."""
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (node.text or "").strip()
            if text and ISO_TIMER.match(text):
                node.text = repr(text)


def _unwrap_conditions(root, file: str, problems: list[Problem]) -> None:
    """Camunda Modeler writes conditions as JUEL `${decision == 'reject'}`; the inside is a Python expression."""
    for node in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        text = (node.text or "").strip()
        match = re.fullmatch(r"[$#]\{(.*)\}", text, re.S)
        if match:
            node.text = match.group(1).strip()
            owner = node.getparent()
            problems.append(Problem(file, f"condition {text!r} read as the expression {node.text!r}",
                                    "write plain expressions on form fields", node.sourceline,
                                    owner.get("id") if owner is not None else None, "warning"))


def _flow_nodes(process) -> int:
    return sum(1 for child in process if isinstance(child.tag, str) and _local(child.tag) in (
        "startEvent", "userTask", "task", "serviceTask", "scriptTask", "endEvent", "exclusiveGateway"))


def _infer_executable(processes, file: str, problems: list[Problem]) -> None:
    """Signavio and other tools export without isExecutable: when exactly one process has a flow, run that one."""
    if not processes:
        return
    with_flow = [p for p in processes if _flow_nodes(p)]
    explicit = any(p.get("isExecutable", "false").lower() == "true" for p in processes)
    for process in processes:  # SpiffWorkflow would take a missing isExecutable as true
        if process.get("isExecutable") is None and (explicit or len(with_flow) != 1 or process is not with_flow[0]):
            process.set("isExecutable", "false")
    if not explicit and len(with_flow) == 1:
        process = with_flow[0]
        process.set("isExecutable", "true")
        problems.append(Problem(file, f"process {process.get('id')!r} is not marked executable; it is the only pool "
                                      "with a flow, so it is treated as the executable process",
                                "tick 'Executable' on the pool in the modeler", process.sourceline,
                                process.get("id"), "warning"))


def read_document(data: bytes, file: str, problems: list[Problem]) -> BpmnDocument | None:
    tree = parse_xml(data, file, problems)
    if tree is None:
        return None
    root = tree.getroot()
    if _local(root.tag) != "definitions" or not root.tag.startswith(f"{{{BPMN_NS}}}"):
        problems.append(Problem(file, "the root element is not bpmn:definitions", "save the file as BPMN 2.0 XML", 1))
        return None
    _quote_timers(root)
    _unwrap_conditions(root, file, problems)
    processes = root.findall(f"{{{BPMN_NS}}}process")
    _infer_executable(processes, file, problems)
    doc = BpmnDocument(file, tree, [p.get("id") for p in processes],
                       [p.get("id") for p in processes if p.get("isExecutable", "false").lower() == "true"],
                       {}, {}, {}, [])
    if not processes:
        problems.append(Problem(file, "no process in this file", "draw a pool with a process", 1))
    elif not doc.executable:
        problems.append(Problem(file, "no executable process", "tick 'Executable' on the pool of the process", 1))
    for process in processes:
        executable = process.get("id") in doc.executable
        _read_process(process, doc, problems, executable)
    return doc


def _read_process(process, doc: BpmnDocument, problems: list[Problem], executable: bool) -> None:
    node_lane: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        nodes = [ref.text.strip() for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef") if ref.text]
        doc.lanes[lane.get("id")] = {"name": (lane.get("name") or "").strip(), "nodes": nodes,
                                     "line": lane.sourceline, "process": process.get("id"),
                                     # a lane holding lanes: its tasks take the innermost lane's role
                                     "parent": lane.find(f"{{{BPMN_NS}}}childLaneSet") is not None}
        for node_id in nodes:
            node_lane[node_id] = lane.get("id")
    for node in process.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        tag, node_id = _local(node.tag), node.get("id")
        if node_id:
            doc.elements[node_id] = {"tag": tag, "name": (node.get("name") or "").strip(), "line": node.sourceline,
                                     "process": process.get("id")}
        severity = "error" if executable else "warning"
        if tag in IGNORED_ELEMENTS:
            problems.append(Problem(doc.file, f"{tag} is ignored when the process runs", "", node.sourceline,
                                    node_id, "warning"))
        elif tag in UNSUPPORTED_ELEMENTS and UNSUPPORTED_ELEMENTS[tag]:
            problems.append(Problem(doc.file, f"unsupported element {tag}", UNSUPPORTED_ELEMENTS[tag],
                                    node.sourceline, node_id, severity))
        elif tag == "multiInstanceLoopCharacteristics" and executable:
            has_count = node.find(f"{{{BPMN_NS}}}loopCardinality") is not None
            has_collection = node.get(f"{{{CAMUNDA_NS}}}collection") or node.find(
                f"{{{BPMN_NS}}}loopDataInputRef") is not None
            if not has_count and not has_collection:
                parent = node.getparent()
                problems.append(Problem(doc.file, "multi-instance activity without cardinality or collection",
                                        "set a loop cardinality or an input collection", node.sourceline,
                                        parent.get("id") if parent is not None else None))
        elif tag == "subProcess" and executable:
            starts = node.findall(f"{{{BPMN_NS}}}startEvent")
            if len(starts) > 1:
                problems.append(Problem(doc.file, "a subprocess with several start events", "keep one start event",
                                        node.sourceline, node_id))
        elif tag in HUMAN_TAGS and executable:
            groups = node.get(f"{{{CAMUNDA_NS}}}candidateGroups") or ""
            assignee = (node.get(f"{{{CAMUNDA_NS}}}assignee") or "").strip() or None
            for assignment in node.iter(f"{{{ZEEBE_NS}}}assignmentDefinition"):
                groups = groups or assignment.get("candidateGroups") or ""
                assignee = assignee or (assignment.get("assignee") or "").strip() or None
            candidate_groups = [g.strip() for g in groups.split(",") if g.strip()]
            if not candidate_groups and assignee and node_lane.get(node_id) is None and ROLE_LIKE.match(assignee):
                # camunda:assignee as a routing hint: a task outside any lane goes to the office role it names
                candidate_groups = [assignee]
                problems.append(Problem(doc.file, f"camunda:assignee {assignee!r} is read as the office role of "
                                                  "this task", "put the task in the lane of its office",
                                        node.sourceline, node_id, "warning"))
            doc.user_tasks[node_id] = UserTaskInfo(
                id=node_id, name=(node.get("name") or "").strip(), lane=node_lane.get(node_id), form=_form_of(node),
                candidate_groups=candidate_groups, assignee=assignee, line=node.sourceline, kind=tag,
            )
        elif tag == "conditionExpression" and executable and (node.text or "").strip():
            owner = node.getparent()
            doc.expressions.append((owner.get("id"), "eval", node.text.strip(), node.sourceline))
        elif tag == "script" and executable and (node.text or "").strip():
            owner = node.getparent()
            doc.expressions.append((owner.get("id"), "exec", node.text, node.sourceline))


def build_specs(docs: list[BpmnDocument], process_id: str, problems: list[Problem]):
    """Parse the documents with SpiffWorkflow; return (spec, subprocess_specs) or (None, None)."""
    parser = BpmnParser()
    try:
        for doc in docs:
            parser.add_bpmn_xml(doc.tree, filename=doc.file)
        if process_id not in parser.get_process_ids():
            problems.append(Problem(
                docs[0].file if docs else "?", f"process id {process_id!r} not found in the BPMN files",
                f"use one of: {', '.join(parser.get_process_ids()) or '(none)'}",
            ))
            return None, None
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        return spec, subprocess_specs
    except ValidationException as exc:
        problems.append(Problem(exc.file_name or (docs[0].file if docs else "?"), f"BPMN error: {exc}",
                                "fix the element in the modeler", exc.line_number or None, exc.id or None))
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises many types on odd files
        problems.append(Problem(docs[0].file if docs else "?", f"BPMN cannot be parsed: {exc}",
                                "check the element named in the message"))
    return None, None


def specs_from_xml(files: dict[str, str], process_id: str):
    """Rebuild specs from stored, already validated BPMN text (used after a restart)."""
    problems: list[Problem] = []
    docs = [read_document(text.encode("utf-8"), name, problems) for name, text in sorted(files.items())]
    spec, subs = build_specs([d for d in docs if d], process_id, problems)
    errors = [p for p in problems if p.severity == "error"]
    if spec is None or errors:
        raise ValueError("; ".join(str(p) for p in errors) or "process not found")
    return spec, subs
