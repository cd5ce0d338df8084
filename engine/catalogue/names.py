"""Every name a condition or script reads must be something the process provides on every path to it, or the
step fails for ever.

A gateway condition, a completion or loop condition, a cardinality, a timer expression or a script task is
evaluated over the case data. A name that no form, script, data item, connector or built-in ever provides
(`${amount > 1000}` in a process without an `amount` field) raises a NameError at run time on every try: it is
refused at upload, naming the expression, the element and the missing name. A name that is provided, but not on
every path that reaches the expression (another branch sets it, a concurrent branch, the task a boundary timer
interrupted), or an optional form field (absent when left blank), is refused too (engine.catalogue.dataflow).
A script with its own `try` is trusted to handle a missing name.

What a process provides (anywhere in the service's files):

* the fields of the application form and of every task form (service.yaml, formKey, task_forms), and the
  `reason` a clerk's return or reject sets (with a form that has a `decision`);
* what the runtime puts in every case (`fee_amount`, `centre_id`, `service_id`);
* every name a script task assigns (Camunda 8 `zeebe:script` result variables included);
* multi-instance input and output items and output collections (an input collection is read, so it is
  checked like a condition), data objects, data inputs and outputs,
  properties, and the result of each service task's connector;
* in a multi-instance activity's completion condition, the built-in counters of Camunda 7
  (`nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances`, `loopCounter`) and of Camunda 8
  (`numberOfInstances`, `numberOfActiveInstances`, `numberOfCompletedInstances`; engine.sandbox);
* the sandbox's functions (`len`, `str`, `datetime`, ...).
"""
from __future__ import annotations

import ast
import functools

from engine.catalogue.messages_modeler import modeler_problem
from engine.catalogue.problems import Problem
from engine.expressions import guarded_names

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
EXPRESSION_ATTR = "{urn:odsc:designer}expression"  # a timer whose text is an expression (engine.catalogue.bpmn)
SOURCE_ATTR = "{urn:odsc:designer}source"  # the modeler's text of a translated expression (engine.catalogue.bpmn)
RUNTIME_NAMES = frozenset({"fee_amount", "centre_id", "service_id"})
MI_VARIABLES = ("nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances", "loopCounter",
                "numberOfInstances", "numberOfActiveInstances", "numberOfCompletedInstances")
WHAT = {
    "conditionExpression": ("ເງື່ອນໄຂຂອງເສັ້ນທາງ", "flow condition"),
    "completionCondition": ("ເງື່ອນໄຂສຳເລັດ", "completion condition"),
    "loopCondition": ("ເງື່ອນໄຂວົນຊ້ຳ", "loop condition"),
    "loopCardinality": ("ຈຳນວນຮອບ", "loop cardinality"),
    "timer": ("ເວລາຂອງໂມງຈັບເວລາ", "timer expression"),
    "loopDataInputRef": ("ຊຸດຂໍ້ມູນເຂົ້າ", "input collection"),
    "script": ("ສະຄຣິບ", "script"),
}


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


@functools.cache
def _sandbox_names() -> frozenset:
    from engine.sandbox import SandboxEnvironment

    env = SandboxEnvironment()
    return frozenset(env.globals) | frozenset(env._reserved.get("__builtins__") or {})


def free_names(source: str, mode: str = "eval") -> set[str]:
    """Names `source` (Python, as the sandbox runs it) reads without binding them itself; empty if unparsable."""
    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError):
        return set()
    loads, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return loads - bound


def _guards_names(source: str) -> bool:
    """Whether a script handles a missing name itself (a `try`): then what it reads is its own business."""
    try:
        return any(isinstance(node, ast.Try) for node in ast.walk(ast.parse(source, mode="exec")))
    except (SyntaxError, ValueError):
        return True


def assigned_names(source: str) -> set[str]:
    """Names a script binds at its top level or anywhere (assignment, for, with, def, import as)."""
    try:
        tree = ast.parse(source, mode="exec")
    except (SyntaxError, ValueError):
        return set()
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


def _connector_results(connector_names) -> set[str]:
    out = set(connector_names)
    try:
        from engine.connectors import declarations

        decls = declarations()
    except Exception:  # noqa: BLE001 - no application context (catalogue check from a shell): names only
        return out
    for name in connector_names:
        result = (decls.get(name) or {}).get("result")
        if isinstance(result, str):
            out.add(result)
    return out


def provided_names(docs, service: dict, tasks: dict, forms: dict, connectors: dict[str, str]) -> set[str]:
    """Every data name the service's process can hold (see the module docstring)."""
    from engine.catalogue.confirm import CONFIRM_FORM_ID, confirmation_form

    names = set(RUNTIME_NAMES)
    form_ids = {service.get("application_form")} | {t.get("form") for t in tasks.values()}
    for form_id in form_ids:
        form = forms.get(form_id or "") or (confirmation_form() if form_id == CONFIRM_FORM_ID else None)
        fields = [f["name"] for f in (form or {}).get("fields", []) if f.get("name")]
        names.update(fields)
        if "decision" in fields:
            names.add("reason")  # a return or a reject writes the clerk's reason
    for doc in docs:
        root = doc.tree.getroot()
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            tag = _local(node.tag)
            if node.tag == f"{{{BPMN_NS}}}script" and node.text:
                names.update(assigned_names(node.text))
            elif tag in ("inputDataItem", "outputDataItem", "dataObject", "dataObjectReference", "dataInput",
                         "dataOutput", "property", "dataStoreReference"):
                names.update(v for v in (node.get("id"), node.get("name")) if v)
            elif tag == "loopDataOutputRef" and (node.text or "").strip():
                names.add(node.text.strip())
            elif node.tag == f"{{{ZEEBE_NS}}}script" and node.get("resultVariable"):
                names.add(node.get("resultVariable").strip())
            # zeebe:ioMapping and camunda:inputOutput are not read at run time (support matrix): they provide nothing
    names |= _connector_results(set(connectors.values()))
    return names


def _given(form: dict | None, blank_too: bool) -> list[str]:
    """The fields of `form` that are in the case data once it is submitted: the required ones, and with
    `blank_too` the optional ones as well (a blank optional answer is dropped, engine.catalogue.forms)."""
    return [f["name"] for f in (form or {}).get("fields", []) if f.get("name") and (blank_too or f.get("required"))]


def _gen_function(tasks: dict, forms: dict, connectors: dict[str, str], blank_too: bool = False):
    """gen_of(node): the names one flow node sets when it completes (engine.catalogue.dataflow); optional form
    fields count only with `blank_too`."""
    from engine.catalogue.confirm import CONFIRM_FORM_ID, confirmation_form

    cache: dict[str, frozenset] = {}

    def gen_of(node) -> frozenset:
        node_id = node.get("id")
        if node_id in cache:
            return cache[node_id]
        out: set[str] = set()
        form_id = (tasks.get(node_id) or {}).get("form")
        form = forms.get(form_id or "") or (confirmation_form() if form_id == CONFIRM_FORM_ID else None)
        out.update(_given(form, blank_too))
        if "decision" in _given(form, True):
            out.add("reason")
        script = node.find(f"{{{BPMN_NS}}}script")
        if script is not None and script.text:
            out |= assigned_names(script.text)
        for zeebe in node.iterfind(f"{{{BPMN_NS}}}extensionElements/{{{ZEEBE_NS}}}script"):
            if zeebe.get("resultVariable"):
                out.add(zeebe.get("resultVariable").strip())
        if node_id in connectors:
            out |= _connector_results({connectors[node_id]})
        cache[node_id] = frozenset(out)
        return cache[node_id]

    return gen_of


def _at_least_one(service: dict, tasks: dict, forms: dict) -> frozenset:
    """Names of required number and money fields whose minimum is at least 1 on every form that declares them
    (a multi-instance count read from one always runs a round)."""
    seen: dict[str, bool] = {}
    for form_id in {service.get("application_form")} | {t.get("form") for t in tasks.values()}:
        for field in (forms.get(form_id or "") or {}).get("fields", []):
            name = field.get("name")
            if not name:
                continue
            ok = field.get("type") in ("number", "money") and bool(field.get("required")) and \
                isinstance(field.get("min"), int | float) and field["min"] >= 1
            seen[name] = seen.get(name, True) and ok
    return frozenset(name for name, ok in seen.items() if ok)


def _global_names(docs, service: dict, forms: dict, blank_too: bool = False) -> frozenset:
    """What every case holds from its start: the runtime's names, the application form's (required) fields, and
    the data declared for the whole process (data objects, properties, data inputs and outputs)."""
    names = set(RUNTIME_NAMES)
    names.update(_given(forms.get(service.get("application_form") or ""), blank_too))
    for doc in docs:
        for node in doc.tree.getroot().iter():
            # a process's data inputs and outputs are what a call passes in and out (engine.catalogue.dataflow)
            if isinstance(node.tag, str) and _local(node.tag) in ("dataObject", "dataObjectReference", "property",
                                                                   "dataStoreReference"):
                names.update(v for v in (node.get("id"), node.get("name")) if v)
    return frozenset(names)


def _owner(node):
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node


def _expressions(doc):
    """(kind, node, owner element, python text, modeler's text) of every evaluated expression of `doc`'s
    executable processes."""
    root = doc.tree.getroot()
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        if process.get("id") not in doc.executable:
            continue
        for node in process.iter():
            if not isinstance(node.tag, str):
                continue
            tag = _local(node.tag)
            text = (node.text or "").strip()
            if node.tag == f"{{{BPMN_NS}}}script" and text and _local(node.getparent().tag) == "scriptTask" \
                    and not _guards_names(text):
                yield "script", node, node.getparent(), text, text
            elif node.tag.startswith(f"{{{BPMN_NS}}}") and tag == "loopDataInputRef" and text:
                yield tag, node, _owner(node), text, text  # a name the collection must already have
            elif node.tag.startswith(f"{{{BPMN_NS}}}") and tag in WHAT and text:
                yield tag, node, _owner(node), text, node.get(SOURCE_ATTR) or text
            elif tag in ("timeDuration", "timeDate", "timeCycle") and node.get(EXPRESSION_ATTR):
                event = node.getparent().getparent() if node.getparent() is not None else None
                yield "timer", node, event if event is not None else _owner(node), text, \
                    node.get(SOURCE_ATTR) or text


def check_names(docs, service: dict, tasks: dict, forms: dict, connectors: dict[str, str],
                problems: list[Problem], duplicated: set[str] | frozenset = frozenset()) -> None:
    """Refuse every expression that reads a name nothing provides, or a name that is set only on some of the
    paths that reach it (engine.catalogue.dataflow) (`docs`: engine.catalogue.bpmn.BpmnDocument,
    `tasks`: cross_check's {task id: {"form": ...}}, `forms`: {form id: parsed form}, `connectors`:
    {service task id: connector name}, `duplicated`: ids check_ids found twice, which make paths ambiguous, so
    paths are then not judged). Appends one error per expression, naming every missing name."""
    from engine.catalogue.confirm import CONFIRM_FORM_ID
    from engine.catalogue.dataflow import Dataflow

    if any(not t.get("form") or (t["form"] not in forms and t["form"] != CONFIRM_FORM_ID) for t in tasks.values()) \
            or service.get("application_form") not in forms:
        return  # a form is missing (already an error): what it would provide is unknown, so nothing is judged
    provided = provided_names(docs, service, tasks, forms, connectors) | _sandbox_names()
    flow = None
    for doc in docs:
        for kind, node, owner, python, source in _expressions(doc):
            names = free_names(python, "exec") if kind == "script" else free_names(python) - guarded_names(python)
            if not names:
                continue
            available = provided | available_anyway(kind, node)
            missing = sorted(names - available)
            element = owner.get("id") if owner is not None else None
            shown = source if len(source) <= 120 else source[:117] + "..."
            line = node.sourceline or next((a.sourceline for a in node.iterancestors() if a.sourceline), None)
            if not missing:
                if duplicated:
                    continue
                if flow is None:
                    flow = tuple(Dataflow(docs, _gen_function(tasks, forms, connectors, blank_too),
                                          _global_names(docs, service, forms, blank_too) | _sandbox_names(),
                                          always=_sandbox_names(), positive=_at_least_one(service, tasks, forms))
                                 for blank_too in (False, True))
                _check_paths(flow, kind, owner, names - available_anyway(kind, node), doc.file, line, element,
                             shown, problems)
                continue
            loop_only = [n for n in missing if n in MI_VARIABLES]
            if loop_only and len(loop_only) == len(missing):
                problems.append(modeler_problem("expr.loop_variable", doc.file, node.sourceline or owner.sourceline,
                                                element,
                                                what={"lo": WHAT[kind][0], "en": WHAT[kind][1]}, source=shown,
                                                names=", ".join(loop_only)))
                continue
            known = sorted(n for n in provided - _sandbox_names() if not n.startswith("_"))
            listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
            problems.append(modeler_problem("expr.unknown_name", doc.file, line, element,
                                            what={"lo": WHAT[kind][0], "en": WHAT[kind][1]}, source=shown,
                                            names=", ".join(missing), known=listed or "-"))


def available_anyway(kind: str, node) -> set[str]:
    """Names an expression has wherever it runs: a multi-instance completion condition's counters."""
    if kind == "completionCondition" and _local(node.getparent().tag) == "multiInstanceLoopCharacteristics":
        return set(MI_VARIABLES)
    return set()


def _check_paths(flows, kind: str, owner, names: set[str], file: str, line: int | None, element: str | None,
                 shown: str, problems: list[Problem]) -> None:
    """One error when some of `names` (each provided somewhere) may not be set where the expression runs:
    because a path reaches it without passing where the name is set, or because the name is an optional form
    field a person may leave blank. `flows`: the Dataflow without and with blank optional fields counted."""
    strict, lenient = flows
    available = strict.available(kind, owner)
    if available is None:
        return  # a point no path reaches, or one the analysis does not judge
    missing = names - available
    if not missing:
        return
    what = {"lo": WHAT[kind][0], "en": WHAT[kind][1]}
    given = lenient.available(kind, owner)
    optional = sorted(missing & given) if given is not None else []
    if optional:
        problems.append(modeler_problem("expr.optional_field", file, line, element, what=what, source=shown,
                                        names=", ".join(optional)))
    off_path = sorted(missing - set(optional))
    if not off_path:
        return
    setters: dict[str, str] = {}
    for name in off_path:
        for node_id in lenient.setters(name):
            node = lenient.nodes[node_id]
            label = f"«{node.get('name')}» ({node_id})" if node.get("name") else node_id
            # a loop or multi-instance that sets it may run no round at all: "move the condition after it" is
            # not the fix there
            setters[label] = " (ອາດບໍ່ໄດ້ເຮັດຈັກຮອບ)" if lenient.may_run_zero_times(node) else ""
    named = {lang: ", ".join(label + (note if lang == "lo" else (" (a loop or multi-instance that may run no round)"
                                                                 if note else "")) for label, note in setters.items())
             for lang in ("lo", "en")}
    # nothing in the flow sets it: it comes with the application, and a called process that declares data
    # inputs receives only those
    by = named if setters else {
        "lo": "ແບບຟອມຄຳຮ້ອງ, ແຕ່ຂະບວນການທີ່ຖືກເອີ້ນທີ່ມີ data inputs ຮັບພຽງ data inputs ຂອງມັນ",
        "en": "the application form, but a called process that declares data inputs receives only those"}
    problems.append(modeler_problem("expr.name_not_on_every_path", file, line, element, what=what, source=shown,
                                    names=", ".join(off_path), setters=by))
