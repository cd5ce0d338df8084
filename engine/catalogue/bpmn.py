"""BPMN files as modelers export them: safe parsing, interoperability fixes, metadata and SpiffWorkflow specs.

Uploaded BPMN is untrusted: UTF-8 only, no DTDs, no entities, no network, a size limit. Forms and routing are
read from Camunda (`camunda:formKey`, `camunda:formRef`, `camunda:candidateGroups`, `camunda:assignee`; Camunda 8
`zeebe:formDefinition`, `zeebe:assignmentDefinition`) and SpiffArena (`formJsonSchemaFilename`) extensions, so
files from those modelers work as they are. Where the meaning is clear, modeler habits are read with a warning:
bare ISO 8601 timers are quoted, JUEL `${…}` and FEEL `= …` conditions are translated (engine.expressions), `camunda:assignee` naming an office role
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
from engine.catalogue.matrix import check_document
from engine.catalogue.messages_modeler import modeler_problem
from engine.catalogue.problems import Problem, problem
from engine.expressions import (
    FEEL_LANG,
    LANGUAGE_NAMES,
    PLATFORM,
    UnsupportedExpression,
    language_of,
    translate,
)
from engine.timerexpr import DEFAULT_ZONE, LOOKS_ISO, TimerError, normalize, string_literal
from engine.timerexpr import parse as parse_timer

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
TIMER_KINDS = ("timeDuration", "timeDate", "timeCycle")
ROLE_LIKE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_BPMN_BYTES = 5 * 1024 * 1024

# a pool that does not run is documentation: one warning naming it (elements around it: the support matrix)
DOCUMENTATION = {"process": ("pool ທີ່ບໍ່ executable", "non-executable pool")}
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
    # the modeler's own words for the form, when it names one: (attribute, value as written), e.g.
    # ("formJsonSchemaFilename", "review-schema.json"); a finding about a missing form names that file
    form_ref: tuple[str, str] | None = None


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
    process_names: dict[str, str] = field(default_factory=dict)
    process_lines: dict[str, int | None] = field(default_factory=dict)


def parse_xml(data: bytes, file: str, problems: list[Problem], max_bytes: int = MAX_BPMN_BYTES):
    if len(data) > max_bytes:
        problems.append(Problem(file, {"lo": f"ໄຟລ໌ມີ {len(data):,} ໄບຕ໌, ເກີນຂີດຈຳກັດ {max_bytes:,}",
                                 "en": f"file is {len(data):,} bytes, more than the limit of {max_bytes:,}"},
                                {"lo": "ແບ່ງຂະບວນການ ຫຼື ເອົາຮູບທີ່ຝັງໄວ້ອອກ", "en": "split the process or remove embedded images"}, code="bpmn.file_bytes_more_than"))
        return None
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        problems.append(Problem(file, {"lo": "ບໍ່ອະນຸຍາດໃຫ້ມີ DOCTYPE ຫຼື ENTITY ໃນໄຟລ໌ BPMN (DOCTYPE or ENTITY declarations are not allowed)",
                                 "en": "DOCTYPE or ENTITY declarations are not allowed in BPMN files"},
                                {"lo": "export ໄຟລ໌ຄືນຈາກ modeler; BPMN ບໍ່ຕ້ອງການ DTD",
                                 "en": "export the file again from the modeler; BPMN needs no DTD"}, 1, code="bpmn.doctype_entity_declarations_not"))
        return None
    try:
        data.decode("utf-8")  # UTF-16 would also hide a DOCTYPE from the check above
    except UnicodeDecodeError:
        problems.append(Problem(file, {"lo": "ໄຟລ໌ບໍ່ແມ່ນຂໍ້ຄວາມ UTF-8 (not UTF-8)", "en": "the file is not UTF-8 text"},
                                {"lo": "ບັນທຶກໄຟລ໌ BPMN ເປັນ UTF-8", "en": "save the BPMN file as UTF-8"}, 1, code="bpmn.file_not_utf_text"))
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(file, {"lo": f"XML ບໍ່ຖືກຮູບແບບ: {exc.msg}", "en": f"not well-formed XML: {exc.msg}"},
                                {"lo": "ເປີດ ແລະ ບັນທຶກຄືນໃນ modeler", "en": "open and save it again in the modeler"},
                                exc.lineno, code="bpmn.not_well_formed_xml"))
        return None
    except ValueError as exc:  # e.g. an encoding declaration lxml refuses
        problems.append(Problem(file, {"lo": f"XML ບໍ່ຖືກຮູບແບບ: {exc}", "en": f"not well-formed XML: {exc}"},
                                {"lo": "ບັນທຶກໄຟລ໌ BPMN ເປັນ UTF-8", "en": "save the BPMN file as UTF-8"}, 1, code="bpmn.not_well_formed_xml"))
        return None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        problems.append(Problem(file, {"lo": "ບໍ່ອະນຸຍາດໃຫ້ມີ DOCTYPE ຫຼື ENTITY ໃນໄຟລ໌ BPMN (DOCTYPE or ENTITY declarations are not allowed)",
                                 "en": "DOCTYPE or ENTITY declarations are not allowed in BPMN files"},
                                {"lo": "export ໄຟລ໌ຄືນຈາກ modeler; BPMN ບໍ່ຕ້ອງການ DTD",
                                 "en": "export the file again from the modeler; BPMN needs no DTD"}, 1, code="bpmn.doctype_entity_declarations_not"))
        return None
    return tree


def form_reference(node) -> tuple[str, str, str] | None:
    """(attribute, value as written, form id) of the form a task names, or None when it names none.

    `camunda:formKey`/`camunda:formRef` ("embedded:app:forms/review.html", "camunda-forms:deployment:review.form"
    → review), Camunda 8 `zeebe:formDefinition` (formId, or formKey of an embedded form), SpiffArena's
    `formJsonSchemaFilename` ("review-schema.json" → review)."""
    for attr in ("formKey", "formRef"):
        value = node.get(f"{{{CAMUNDA_NS}}}{attr}")
        if value and value.strip():
            last = re.split(r"[:/]", value.strip())[-1]
            return f"camunda:{attr}", value.strip(), re.sub(r"\.(html|form|json|ya?ml)$", "", last)
    for form_def in node.iter(f"{{{ZEEBE_NS}}}formDefinition"):  # Camunda 8 files from Camunda Modeler 5
        for attr in ("formId", "formKey"):
            value = (form_def.get(attr) or "").strip()
            if value:
                return f"zeebe:formDefinition {attr}", value, re.sub(r"\.(form|json|ya?ml)$", "",
                                                                      re.split(r"[:/]", value)[-1])
    for prop in node.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name") == "formJsonSchemaFilename" and (prop.get("value") or "").strip():
            value = prop.get("value").strip()
            return "formJsonSchemaFilename", value, re.sub(r"(-schema)?\.json$", "", value)
    return None


SOURCE_ATTR = "{urn:odsc:designer}source"  # the modeler's text of a translated expression (engine.catalogue.names)
EXPRESSION_ATTR = "{urn:odsc:designer}expression"  # marks a timer whose text is an expression over case data
# FEEL (Camunda 8) timer literals: `= duration("P7D")`, `= date and time("2027-01-15T09:00:00")`, `= "PT1H"`
FEEL_TIMER_LITERAL = re.compile(r'^(?:(?:duration|date and time|date|time)\s*\(\s*"([^"\\]*)"\s*\)|"([^"\\]*)")$')


def _quote_timers(root, file: str, problems: list[Problem]) -> None:
    """Timer text is evaluated as a Python expression by SpiffWorkflow; modelers write bare ISO 8601.

    The zone-id form (`…+07:00[Asia/Vientiane]`) is resolved first (engine.timerexpr.normalize). A FEEL timer
    (`= duration("P7D")`, `= date and time("…")`, `= "PT1H"`) is read as its ISO literal, which the one timer
    parser then checks; other FEEL or JUEL timers are translated like conditions (an expression over case data);
    a timer outside the subset is a timer finding at its event."""
    for tag in TIMER_KINDS:
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            text = normalize(node.text or "")
            language = language_of(text) if text else PLATFORM
            if language == FEEL_LANG:
                literal = FEEL_TIMER_LITERAL.match(text[1:].strip())
                if literal:
                    node.set(SOURCE_ATTR, text)
                    text = normalize(literal.group(1) if literal.group(1) is not None else literal.group(2))
                    node.text = repr(text)
                    continue
            if language != PLATFORM:
                node.set(SOURCE_ATTR, text)
                try:
                    node.text = translate(text).python
                except UnsupportedExpression as exc:
                    owner = _owner(node)
                    owner = owner.getparent() if owner is not None and _local(owner.tag) == "timerEventDefinition" \
                        and owner.getparent() is not None else owner
                    problems.append(problem("timer.invalid", file, node.sourceline,
                                            owner.get("id") if owner is not None else None, expression=text,
                                            reason=_unsupported_reason(exc)))
                    node.text = repr("P1D")  # never runs: the error above blocks publishing
                continue
            if text and ISO_TIMER.match(text):
                node.text = repr(text)


def _unsupported_reason(exc: UnsupportedExpression) -> dict[str, str]:
    """Why a FEEL or JUEL timer cannot run, in each language (the Lao message carries no English words)."""
    language = LANGUAGE_NAMES.get(exc.language, exc.language)
    return {"lo": f"{language}: ແພລດຟອມບໍ່ຮອງຮັບ {exc.what[0]}", "en": f"{language}: {exc.what[1]} is not supported"}


# elements whose text is a condition or a count the script engine evaluates
EXPRESSION_TAGS = ("conditionExpression", "completionCondition", "loopCondition", "loopCardinality")
PYTHON_SCRIPTS = ("", "python", "python3", "py", "spiff", "spiffworkflow")


def _owner(node):
    """The nearest ancestor with an id (the sequence flow of a condition, the task of a loop)."""
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node


def _refuse_expression(problems: list[Problem], file: str, node, source: str, language: str, what: tuple[str, str]):
    owner = _owner(node)
    shown = source if len(source) <= 120 else source[:117] + "..."
    problems.append(modeler_problem("expr.unsupported", file, node.sourceline,
                                    owner.get("id") if owner is not None else None,
                                    language=LANGUAGE_NAMES.get(language, language), source=shown,
                                    what={"lo": what[0], "en": what[1]}))


def _translate_expressions(root, file: str, problems: list[Problem]) -> None:
    """JUEL `${…}` (Camunda 7) and FEEL `= …` (Camunda 8) are rewritten into the platform's expression form.

    The stored file keeps the modeler's text; every parse (upload, publish, restore) translates it the same way,
    so what runs is what was validated. A construct outside the subset is an ordinary error at its element.
    """
    for tag in EXPRESSION_TAGS:
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (node.text or "").strip()
            language = (node.get("language") or "").strip().lower()
            if not text:
                continue
            if language and language not in PYTHON_SCRIPTS + ("juel", "feel"):
                owner = _owner(node)
                problems.append(modeler_problem("expr.language", file, node.sourceline,
                                                owner.get("id") if owner is not None else None,
                                                source=text[:120], language=language))
                continue
            try:
                translated = translate(text)
                if translated.language != PLATFORM:
                    node.set(SOURCE_ATTR, text)
                node.text = translated.python
                if tag == "loopCardinality":
                    # a count: `${amount div 500}` is 3.0, a form answer may be "3"; the engine needs 3
                    node.text = f"int({translated.python})"
            except UnsupportedExpression as exc:
                _refuse_expression(problems, file, node, text, exc.language, exc.what)
                node.text = "False"  # never run; the error above blocks publishing
    for task in root.iter(f"{{{BPMN_NS}}}scriptTask"):
        _zeebe_script(task, file, problems)
        fmt = (task.get("scriptFormat") or "").strip().lower()
        if fmt not in PYTHON_SCRIPTS and task.find(f"{{{BPMN_NS}}}script") is not None:
            # the one finding about a script's language (the matrix leaves scriptFormat to this check)
            problems.append(modeler_problem("script.language", file, task.sourceline, task.get("id"),
                                            name=task.get("name") or task.get("id"), language=fmt))
            task.find(f"{{{BPMN_NS}}}script").text = "pass"


def _zeebe_script(task, file: str, problems: list[Problem]) -> None:
    """Camunda 8 writes a script task as `zeebe:script expression="= …" resultVariable="x"`: x = the translation."""
    script = next(task.iter(f"{{{ZEEBE_NS}}}script"), None)
    if script is None or task.find(f"{{{BPMN_NS}}}script") is not None:
        return
    expression, result = (script.get("expression") or "").strip(), (script.get("resultVariable") or "").strip()
    if not expression or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", result):
        problems.append(modeler_problem("script.zeebe_incomplete", file, task.sourceline, task.get("id"),
                                        name=task.get("name") or task.get("id")))
        return
    try:
        python = translate(expression).python
    except UnsupportedExpression as exc:
        _refuse_expression(problems, file, script, expression, exc.language, exc.what)
        python = "None"
    body = etree.SubElement(task, f"{{{BPMN_NS}}}script")
    body.text = f"{result} = {python}"
    task.set("scriptFormat", "python")


def _check_timer(node, doc: BpmnDocument, problems: list[Problem]) -> None:
    """A timer definition of an executable process: its expression, parsed as the runtime will."""
    owner = node.getparent()
    element = owner.get("id") if owner is not None else None
    kinds = [child for child in node if isinstance(child.tag, str) and _local(child.tag) in TIMER_KINDS]
    if not kinds or not (kinds[0].text or "").strip():
        problems.append(problem("timer.missing", doc.file, node.sourceline, element))
        return
    child = kinds[0]
    text = child.text.strip()
    literal = string_literal(text)  # only when the whole text is one quoted literal, not "P" + … + "D"
    if literal is None and not LOOKS_ISO.match(text):
        child.set(EXPRESSION_ATTR, "1")
        doc.expressions.append((element, "timer", text, child.sourceline))  # an expression over case data
        return
    try:
        timer = parse_timer(literal if literal is not None else text, _local(child.tag))
    except TimerError as exc:
        problems.append(problem("timer.invalid", doc.file, child.sourceline, element,
                                expression=literal or text, reason=exc.reasons))
        return
    gateway = _event_gateway_before(owner) if timer.kind == "timeCycle" else None
    if gateway is not None:  # SpiffWorkflow never starts a cycle whose definition the gateway holds
        problems.append(problem("timer.cycle_gateway", doc.file, child.sourceline, element, expression=timer.text,
                                gateway=gateway))
    elif timer.local and timer.kind == "timeCycle":
        problems.append(problem("timer.cycle_local", doc.file, child.sourceline, element, expression=timer.text))
    elif timer.local:
        problems.append(problem("timer.local_time", doc.file, child.sourceline, element, expression=timer.text,
                                zone=DEFAULT_ZONE))


def _event_gateway_before(event) -> str | None:
    """The id of an event-based gateway with a sequence flow into `event` (an lxml element), or None."""
    process = event.getparent() if event is not None else None
    if process is None or not event.get("id"):
        return None
    gateways = {g.get("id") for g in process if isinstance(g.tag, str) and _local(g.tag) == "eventBasedGateway"}
    for flow in process:
        if isinstance(flow.tag, str) and _local(flow.tag) == "sequenceFlow" and flow.get("targetRef") == event.get(
                "id") and flow.get("sourceRef") in gateways:
            return flow.get("sourceRef")
    return None


def _bare_name(text: str | None) -> str | None:
    """`signers`, `${signers}` or `= signers` -> `signers`; anything else (an expression) -> None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        python = translate(text).python
    except UnsupportedExpression:
        return None
    return python if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", python) else None


def _vendor_loops(root) -> None:
    """Camunda 7 `camunda:collection`/`camunda:elementVariable` and Camunda 8 `zeebe:loopCharacteristics`
    (inputCollection, inputElement, outputCollection, outputElement) over a plain variable are written as the
    standard loopDataInputRef / inputDataItem / loopDataOutputRef / outputDataItem the engine reads. Anything else
    (an expression as the collection) is left alone and refused by `mi.no_items`."""
    ids = {node.get("id") for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    for loop in root.iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics"):
        if loop.find(f"{{{BPMN_NS}}}loopCardinality") is not None or \
                loop.find(f"{{{BPMN_NS}}}loopDataInputRef") is not None:
            continue
        zeebe = next(loop.iter(f"{{{ZEEBE_NS}}}loopCharacteristics"), None)
        if zeebe is not None:
            collection, element = zeebe.get("inputCollection"), zeebe.get("inputElement")
            output, output_element = zeebe.get("outputCollection"), zeebe.get("outputElement")
        else:
            collection, element = loop.get(f"{{{CAMUNDA_NS}}}collection"), loop.get(f"{{{CAMUNDA_NS}}}elementVariable")
            output = output_element = None
        collection, element = _bare_name(collection), _bare_name(element)
        if collection is None or (element is not None and element in ids):
            continue
        etree.SubElement(loop, f"{{{BPMN_NS}}}loopDataInputRef").text = collection
        if element:
            etree.SubElement(loop, f"{{{BPMN_NS}}}inputDataItem", id=element, name=element)
        output, output_element = _bare_name(output), _bare_name(output_element)
        if output and output_element and output not in ids and output_element not in ids | {element}:
            etree.SubElement(loop, f"{{{BPMN_NS}}}loopDataOutputRef").text = output
            etree.SubElement(loop, f"{{{BPMN_NS}}}outputDataItem", id=output_element, name=output_element)
        # completionCondition must stay after the data elements for readers that care about order
        condition = loop.find(f"{{{BPMN_NS}}}completionCondition")
        if condition is not None:
            loop.remove(condition)
            loop.append(condition)


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
        marked_false = process.get("isExecutable") is not None  # "false" as written (a missing one is None here)
        process.set("isExecutable", "true")
        # the only process of its file with a flow: the one the service starts, or the one a call activity of
        # another file calls; the warning must not claim it is the one that starts
        said = ("ໝາຍວ່າບໍ່ executable (isExecutable=\"false\")" if marked_false else "ບໍ່ໄດ້ໝາຍວ່າ executable",
                'is marked not executable (isExecutable="false")' if marked_false else "is not marked executable")
        problems.append(Problem(file, {"lo": f"ຂະບວນການ {process.get('id')} {said[0]}; ມັນເປັນຂະບວນການດຽວໃນໄຟລ໌ນີ້ທີ່ມີເສັ້ນທາງ, "
                                             "ຈຶ່ງຖືວ່າເຮັດວຽກໄດ້ (ເປັນຂະບວນການທີ່ບໍລິການເລີ່ມ ຫຼື ທີ່ call activity ເອີ້ນ)",
                                 "en": f"process {process.get('id')!r} {said[1]}; it is the only process with a flow "
                                       "in this file, so it is run (as the process the service starts, or one a call "
                                       "activity calls)"},
                                {"lo": "ໝາຍ Executable ທີ່ pool ໃນ modeler", "en": "tick 'Executable' on the pool in the modeler"}, process.sourceline,
                                process.get("id"), "warning", code="bpmn.process_not_marked_executable"))


def read_document(data: bytes, file: str, problems: list[Problem]) -> BpmnDocument | None:
    tree = parse_xml(data, file, problems)
    if tree is None:
        return None
    root = tree.getroot()
    if _local(root.tag) != "definitions" or not root.tag.startswith(f"{{{BPMN_NS}}}"):
        problems.append(Problem(file, {"lo": "ອົງປະກອບຮາກບໍ່ແມ່ນ bpmn:definitions", "en": "the root element is not bpmn:definitions"},
                                {"lo": "ບັນທຶກໄຟລ໌ເປັນ BPMN 2.0 XML", "en": "save the file as BPMN 2.0 XML"}, 1, code="bpmn.root_element_not_bpmn"))
        return None
    _quote_timers(root, file, problems)
    _vendor_loops(root)
    _translate_expressions(root, file, problems)
    processes = root.findall(f"{{{BPMN_NS}}}process")
    _infer_executable(processes, file, problems)
    doc = BpmnDocument(file, tree, [p.get("id") for p in processes],
                       [p.get("id") for p in processes if p.get("isExecutable", "false").lower() == "true"],
                       {}, {}, {}, [], {p.get("id"): (p.get("name") or "").strip() for p in processes},
                       {p.get("id"): p.sourceline for p in processes})
    if not processes:
        problems.append(Problem(file, {"lo": "ບໍ່ມີຂະບວນການໃນໄຟລ໌ນີ້", "en": "no process in this file"},
                                {"lo": "ແຕ້ມ pool ທີ່ມີຂະບວນການ", "en": "draw a pool with a process"}, 1, code="bpmn.no_process_file"))
    called = {node.get("calledElement") for node in root.iter(f"{{{BPMN_NS}}}callActivity")}
    _check_calls(root, doc, problems)
    check_document(root, file, set(doc.executable) | called, problems)
    for process in processes:
        executable = process.get("id") in doc.executable
        _read_process(process, doc, problems, executable)
    _documentation(root, doc, called, problems)
    _drop_data_stores(root)  # after the elements are listed: the report still names them
    return doc


def _drop_data_stores(root) -> None:
    """Data stores are documentation (support matrix: a warning naming each); the engine's parser would refuse
    them ("has no implementation"), so they and the associations to them are taken out of the parsed tree."""
    stores = {node.get("id") for tag in ("dataStore", "dataStoreReference")
              for node in root.iter(f"{{{BPMN_NS}}}{tag}") if node.get("id")}
    if not stores:
        return
    for tag in ("dataInputAssociation", "dataOutputAssociation"):
        for assoc in list(root.iter(f"{{{BPMN_NS}}}{tag}")):
            refs = {(ref.text or "").strip() for ref in assoc if isinstance(ref.tag, str)
                    and _local(ref.tag) in ("sourceRef", "targetRef")}
            if refs & stores and assoc.getparent() is not None:
                assoc.getparent().remove(assoc)
    for tag in ("dataStore", "dataStoreReference"):
        for node in list(root.iter(f"{{{BPMN_NS}}}{tag}")):
            if node.getparent() is not None:
                node.getparent().remove(node)


def _kept(node, file: str, problems: list[Problem]) -> None:
    """One warning naming a documentation element (its name, its text, or its id)."""
    tag = _local(node.tag)
    text = next((t.text for t in node if isinstance(t.tag, str) and _local(t.tag) == "text" and t.text), "")
    name = (node.get("name") or text or node.get("id") or tag).strip()
    name = name if len(name) <= 60 else name[:57] + "..."
    problems.append(modeler_problem("doc.kept", file, node.sourceline, node.get("id"), name=name,
                                    what={"lo": DOCUMENTATION[tag][0], "en": DOCUMENTATION[tag][1]}))


def _check_calls(root, doc: BpmnDocument, problems: list[Problem]) -> None:
    """A call activity of an executable process that calls a process of this file not marked executable: the
    engine refuses it at parse time in its own words, without a line; said here at the call activity."""
    processes = {p.get("id"): p for p in root.findall(f"{{{BPMN_NS}}}process")}
    for process_id in doc.executable:
        for call in processes[process_id].iter(f"{{{BPMN_NS}}}callActivity"):
            target = call.get("calledElement")
            if target in processes and target not in doc.executable:
                problems.append(problem("bpmn.call_not_executable", doc.file, call.sourceline, call.get("id"),
                                        activity=(call.get("name") or "").strip() or call.get("id"), process=target))


def _documentation(root, doc: BpmnDocument, called: set[str], problems: list[Problem]) -> None:
    """Pools that do not run (partners, black boxes with a process) are documentation: a warning naming each.
    A process a call activity calls (`called`) is not one of them (`_check_calls` says what to change)."""
    if doc.executable:
        for process in root.findall(f"{{{BPMN_NS}}}process"):
            if process.get("id") not in doc.executable and process.get("id") not in called:
                _kept(process, doc.file, problems)


GATEWAY_TAGS = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway")


def _check_structure(process, doc: BpmnDocument, problems: list[Problem]) -> None:
    """Drawing mistakes the engine's parser would report in its own words, without a line: said here at the
    element, in Lao and English (a process or subprocess without a start event, a flow to nothing, a conditional
    flow straight out of an activity)."""
    ids = {node.get("id"): node for node in process.iter() if isinstance(node.tag, str) and node.get("id")}
    for container in [process, *process.iter(f"{{{BPMN_NS}}}subProcess")]:
        if container.get("triggeredByEvent") == "true":
            continue
        if container.find(f"{{{BPMN_NS}}}startEvent") is None and any(
                isinstance(c.tag, str) and _local(c.tag) not in ("laneSet", "documentation", "extensionElements",
                                                                "multiInstanceLoopCharacteristics",
                                                                "standardLoopCharacteristics", "incoming",
                                                                "outgoing", "ioSpecification", "property")
                for c in container):
            what = "process" if container is process else "subprocess"
            problems.append(problem("bpmn.no_start", doc.file, container.sourceline, container.get("id"),
                                    what=what, activity=container.get("id")))
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for ref in (flow.get("sourceRef"), flow.get("targetRef")):
            if ref not in ids:
                problems.append(problem("bpmn.dangling_flow", doc.file, flow.sourceline, flow.get("id"),
                                        flow=flow.get("id"), ref=ref or "-"))
        source = ids.get(flow.get("sourceRef"))
        condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
        if source is not None and condition is not None and (condition.text or "").strip() \
                and _local(source.tag) not in GATEWAY_TAGS:
            name = (source.get("name") or "").strip()
            label = f"«{name}» ({source.get('id')})" if name else source.get("id")
            problems.append(problem("bpmn.conditional_flow_from_activity", doc.file, source.sourceline,
                                    source.get("id"), flow=flow.get("id"), activity=label))


def _read_process(process, doc: BpmnDocument, problems: list[Problem], executable: bool) -> None:
    if executable:
        _check_structure(process, doc, problems)
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
        if tag == "multiInstanceLoopCharacteristics" and executable:
            # camunda:collection alone is not read by the engine: the loop would have nothing to run over
            has_count = node.find(f"{{{BPMN_NS}}}loopCardinality") is not None
            has_collection = node.find(f"{{{BPMN_NS}}}loopDataInputRef") is not None
            if not has_count and not has_collection:
                parent = _owner(node)
                collection = node.get(f"{{{CAMUNDA_NS}}}collection")
                problems.append(modeler_problem(
                    "mi.no_items", doc.file, node.sourceline, parent.get("id") if parent is not None else None,
                    name=(parent.get("name") or parent.get("id")) if parent is not None else "?",
                    collection_lo=f" (camunda:collection {collection} ຢ່າງດຽວບໍ່ຖືກອ່ານ)" if collection else "",
                    collection_en=f" (camunda:collection {collection} alone is not read)" if collection else ""))
        elif tag == "subProcess" and executable:
            starts = node.findall(f"{{{BPMN_NS}}}startEvent")
            if len(starts) > 1:
                problems.append(Problem(doc.file, {"lo": "ຂະບວນການຍ່ອຍທີ່ມີຫຼາຍເຫດການເລີ່ມຕົ້ນ", "en": "a subprocess with several start events"},
                                        {"lo": "ເກັບໄວ້ເຫດການເລີ່ມຕົ້ນດຽວ", "en": "keep one start event"},
                                        node.sourceline, node_id, code="bpmn.subprocess_several_start_events"))
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
                problems.append(Problem(doc.file, {"lo": f"camunda:assignee {assignee} ຖືກອ່ານເປັນບົດບາດຫ້ອງການຂອງໜ້າວຽກນີ້",
                                         "en": f"camunda:assignee {assignee!r} is read as the office role of this task"},
                                        {"lo": "ວາງໜ້າວຽກໄວ້ໃນເລນຂອງຫ້ອງການ", "en": "put the task in the lane of its office"},
                                        node.sourceline, node_id, "warning", code="bpmn.camunda_assignee_read_as"))
            ref = form_reference(node)
            doc.user_tasks[node_id] = UserTaskInfo(
                id=node_id, name=(node.get("name") or "").strip(), lane=node_lane.get(node_id),
                form=ref[2] if ref else None, candidate_groups=candidate_groups, assignee=assignee,
                line=node.sourceline, kind=tag, form_ref=ref[:2] if ref else None,
            )
        elif tag == "timerEventDefinition" and executable:
            _check_timer(node, doc, problems)
        elif tag in EXPRESSION_TAGS and executable and (node.text or "").strip():
            owner = _owner(node)  # the flow of a condition, the activity of a loop (not its characteristics)
            doc.expressions.append((owner.get("id") if owner is not None else None, "eval", node.text.strip(),
                                    node.sourceline))
        elif tag == "script" and executable and (node.text or "").strip():
            owner = node.getparent()
            doc.expressions.append((owner.get("id"), "exec", node.text, node.sourceline))


def _clean(exc: Exception) -> str:
    """An engine exception in a designer's words: no `<Element … at 0x…>` reprs, no doubled punctuation."""
    text = re.sub(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>", r"\1", str(exc))
    text = re.sub(r"<[^<>]* at 0x[0-9a-f]+>", "?", text)
    text = re.sub(r"\s*\.\s*\.(?!\.)", ".", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".")


def build_specs(docs: list[BpmnDocument], process_id: str, problems: list[Problem]):
    """Parse the documents with SpiffWorkflow; return (spec, subprocess_specs) or (None, None)."""
    parser = BpmnParser()
    try:
        for doc in docs:
            parser.add_bpmn_xml(doc.tree, filename=doc.file)
        if process_id not in parser.get_process_ids():
            problems.append(Problem(
                docs[0].file if docs else "service", {
                    "lo": f"ບໍ່ພົບຂະບວນການ {process_id} ໃນໄຟລ໌ BPMN",
                    "en": f"process {process_id} is not an executable process of the BPMN files"},
                {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(parser.get_process_ids())}" if parser.get_process_ids() else
                 "ໝາຍ Executable ທີ່ pool ຂອງຂະບວນການ",
                 "en": f"use one of: {', '.join(parser.get_process_ids())}" if parser.get_process_ids() else
                 "tick 'Executable' on the pool of the process"},
             code="bpmn.process_not_executable_process"))
            return None, None
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        return spec, subprocess_specs
    except ValidationException as exc:
        if exc.id and any(p.element == exc.id and p.severity == "error" for p in problems):
            return None, None  # the element already has its own finding, in the designer's words
        problems.append(problem("bpmn.engine_error", exc.file_name or (docs[0].file if docs else "service"),
                                exc.line_number or None, exc.id or None, detail=_clean(exc)))
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises many types on odd files
        problems.append(problem("bpmn.engine_error", docs[0].file if docs else "service", detail=_clean(exc)))
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
