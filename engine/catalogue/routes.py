"""Every decision a staff form offers must have a route at the gateway after its task.

A user task whose form has a `decision` choice field, followed by an exclusive or inclusive gateway: for each
choice value the gateway's conditions are evaluated with the sandboxed evaluator the runtime uses, over sample
answers of the form with that decision. A value for which no condition holds, at a gateway without a default
flow, would consume the clerk's action and leave the case stuck: it is refused at upload. A condition that
needs data the form does not hold (fields of earlier forms), or asks FEEL `is defined(…)` about it, cannot be
decided here and counts as a route.

A task whose form offers `return` or `reject` where no condition before the next person's task reads
`decision` is refused (route.decision_unread): the clerk's Reject would be recorded and the case go on to a
certificate. Other unread decision values are a warning. Answers of the application form and task forms
(choice, yes/no) are judged at every gateway by engine.catalogue.routes_answers.
"""
from __future__ import annotations

from engine.catalogue.problems import Problem, problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
GATEWAYS = (f"{{{BPMN_NS}}}exclusiveGateway", f"{{{BPMN_NS}}}inclusiveGateway")
_UNDECIDED = object()


def _sample(field: dict):
    kind = field.get("type")
    if field.get("choices"):
        return field["choices"][0]["value"]
    if kind in ("number", "integer", "money", "amount"):
        return 1
    if kind in ("boolean", "checkbox", "yes_no"):
        return True
    return "x"


def _evaluate(environment, expression: str, data: dict):
    from engine.expressions.translate import guarded_names

    if guarded_names(expression) - set(data):
        return _UNDECIDED  # FEEL `is defined(x)` of data other forms may hold: true or false in a real case
    try:
        return bool(environment.evaluate(expression, dict(data)))
    except Exception:  # noqa: BLE001 - a NameError for data of other forms: the runtime may have it
        return _UNDECIDED


def check_routes(docs, tasks: dict, forms: dict, problems: list[Problem], skip: set[str] = frozenset(),
                 application_form: str | None = None, process: str | None = None) -> None:
    """Refuse decision values without a route, and answers without a route (engine.catalogue.routes_answers).
    `tasks` is {bpmn id: {"form": form id, ...}} from cross_check, `forms` is {form id: parsed form}; `skip`
    holds ids used twice (already refused: which task and form an id means is unknown, so no route is judged
    by it); `application_form` the service's application form id; `process` the service's process (tasks and
    gateways of an executable pool the service never runs are not judged; None: every process)."""
    from engine.catalogue.routes_answers import check_answer_routes
    from engine.sandbox import SandboxEnvironment

    environment = SandboxEnvironment()
    before = len(problems)
    running = running_processes(docs, process) if process else None
    everything = merged(docs)
    for doc in docs:
        root = doc.tree.getroot()
        by_id = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
        flows = list(root.iter(f"{{{BPMN_NS}}}sequenceFlow"))
        for task_id, task in tasks.items():
            form = forms.get(task.get("form") or "")
            field = next((f for f in (form or {}).get("fields", []) if f.get("name") == "decision"
                          and f.get("choices")), None)
            if field is None or task_id not in by_id or task_id in skip or \
                    (running is not None and process_of(by_id[task_id]) not in running):
                continue
            if not _decision_read(task_id, *everything):
                values = [c["value"] for c in field["choices"]]
                name = (by_id[task_id].get("name") or "").strip()
                # a Return or Reject the platform offers must do what it says: unread, it is refused
                ignored = [v for v in values if v in HONOURED]
                problems.append(problem("route.decision_unread", doc.file, by_id[task_id].sourceline, task_id,
                                        "error" if ignored else None,
                                        task=f"{task_id} ({name})" if name else task_id, values=", ".join(values),
                                        effect=_effect(ignored)))
            elif _decision_overwritten(by_id[task_id], field):
                problems.append(problem("route.decision_overwritten", doc.file, by_id[task_id].sourceline, task_id,
                                        task=task_id))
            for flow in flows:
                if flow.get("sourceRef") != task_id:
                    continue
                gateway = by_id.get(flow.get("targetRef"))
                if gateway is None or gateway.tag not in GATEWAYS or gateway.get("default") or \
                        gateway.get("id") in skip:
                    continue
                _check_gateway(doc, gateway, flows, task_id, by_id[task_id], form, field, environment, problems)
    done = {p.element for p in problems[before:] if p.code == "route.no_route"}
    answer_forms = [forms.get(application_form or "")] + [forms.get(t.get("form") or "") for t in tasks.values()]
    check_answer_routes(docs, [f for f in answer_forms if f], problems, skip, done, running)


def _decision_overwritten(task, field: dict) -> bool:
    """A multi-instance task offering return or reject whose instances' decisions are merged into one `decision`
    (no output item, and no completion condition reading it): a later instance's approve overwrites an earlier
    reject, and the gateway after it sees only the last one (fresh review rev12e)."""
    from engine.catalogue.names import free_names

    loop = task.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
    if loop is None or not any(c["value"] in HONOURED for c in field["choices"]):
        return False
    if loop.find(f"{{{BPMN_NS}}}outputDataItem") is not None:
        return False  # each instance's answers are kept apart, in the output collection
    condition = loop.find(f"{{{BPMN_NS}}}completionCondition")
    return condition is None or "decision" not in free_names((condition.text or "").strip())


# the clerk's actions that only a condition reading `decision` can honour (the runtime sets decision to them)
HONOURED = ("return", "reject")


def _effect(ignored: list[str]) -> dict[str, str]:
    """What an unread decision does, in each language: an offered return/reject recorded and then ignored."""
    if not ignored:
        return {"lo": "ການເລືອກໃດກໍ່ບໍ່ປ່ຽນເສັ້ນທາງ", "en": "whichever is chosen, the case goes the same way"}
    words = {"return": ("ສົ່ງຄືນ", "Return"), "reject": ("ປະຕິເສດ", "Reject")}
    lo = " ແລະ ".join(words[v][0] for v in ignored)
    en = " and ".join(words[v][1] for v in ignored)
    return {"lo": f"ປຸ່ມ {lo} ຈະຖືກບັນທຶກ ແຕ່ຄຳຮ້ອງຈະດຳເນີນຕໍ່ຄືເກົ່າ (ຕົວຢ່າງ: ອອກໃບຢັ້ງຢືນ)",
            "en": f"a {en} would be recorded but the case would go on as if approved (e.g. to its certificate)"}


HUMAN = {f"{{{BPMN_NS}}}{t}" for t in ("userTask", "manualTask", "task")}
SCRIPT_TASK = f"{{{BPMN_NS}}}scriptTask"
PROCESS = f"{{{BPMN_NS}}}process"
SUB_PROCESS = f"{{{BPMN_NS}}}subProcess"
CALL_ACTIVITY = f"{{{BPMN_NS}}}callActivity"
END_EVENT = f"{{{BPMN_NS}}}endEvent"


def running_processes(docs, process_id: str | None) -> set[str]:
    """The service's process and every process a call activity calls: the only ones a case runs (another
    executable pool of the same file is never started by this service)."""
    called = {node.get("calledElement") for doc in docs
              for node in doc.tree.getroot().iter(f"{{{BPMN_NS}}}callActivity")}
    return ({process_id} | called) - {None, ""}


def process_of(node) -> str | None:
    while node is not None and node.tag != PROCESS:
        node = node.getparent()
    return node.get("id") if node is not None else None


def _decision_read(task_id: str, by_id: dict, flows) -> bool:
    """Whether a condition on the way from the task to the next person's task reads `decision` (a clerk's
    return or reject would otherwise change nothing)."""
    from engine.catalogue.names import free_names

    task = by_id.get(task_id)
    if task is not None:  # the task's own standard loop or multi-instance condition may be what decides
        for tag in ("standardLoopCharacteristics/{ns}loopCondition", "multiInstanceLoopCharacteristics/{ns}completionCondition"):
            condition = task.find(f"{{{BPMN_NS}}}" + tag.format(ns=f"{{{BPMN_NS}}}"))
            if condition is not None and "decision" in free_names((condition.text or "").strip()):
                return True
    seen, todo = set(), [task_id]
    while todo:
        source = todo.pop()
        for flow in flows:
            if flow.get("sourceRef") != source:
                continue
            condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            if condition is not None and "decision" in free_names((condition.text or "").strip()):
                return True
            target = flow.get("targetRef")
            node = by_id.get(target)
            if target in seen or node is None or node.tag in HUMAN:
                continue
            script = node.find(f"{{{BPMN_NS}}}script") if node.tag == SCRIPT_TASK else None
            if script is not None and "decision" in free_names(script.text or "", "exec"):
                return True  # a script turns the decision into another value: what it routes is its business
            seen.add(target)
            todo.append(target)
            if node.tag == END_EVENT:  # the way goes on after the subprocess or call activity that holds it
                todo.extend(c for c in _callers(node, by_id) if c not in seen)
    return False


def _callers(end, by_id: dict) -> list[str]:
    """Where a path that reaches `end` goes on: its embedded subprocess, or the call activities that call its
    process (a gateway after them may read the decision of a task inside)."""
    parent = end.getparent()
    if parent is None:
        return []
    if parent.tag == SUB_PROCESS and parent.get("id"):
        return [parent.get("id")]
    if parent.tag == PROCESS:
        return [i for i, n in by_id.items() if n.tag == CALL_ACTIVITY and n.get("calledElement") == parent.get("id")]
    return []


def merged(docs) -> tuple[dict, list]:
    """Every element by id and every sequence flow over all files of a service (a call activity in one file
    may call a process of another)."""
    by_id, flows = {}, []
    for doc in docs:
        root = doc.tree.getroot()
        for node in root.iter():
            if isinstance(node.tag, str) and node.get("id"):
                by_id.setdefault(node.get("id"), node)
        flows.extend(root.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    return by_id, flows


def _check_gateway(doc, gateway, flows, task_id, task_node, form, field, environment, problems) -> None:
    outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
    base = {f["name"]: _sample(f) for f in form.get("fields", []) if f.get("name")}
    for choice in field["choices"]:
        value = choice["value"]
        data = dict(base, decision=value)
        routed = False
        for flow in outgoing:
            condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            text = (condition.text or "").strip() if condition is not None else ""
            if not text or _evaluate(environment, text, data) is not False:
                routed = True  # an unconditional flow, a true condition, or one that needs other data
                break
        if not routed:
            name = (task_node.get("name") or "").strip()
            problems.append(problem("route.no_route", doc.file, gateway.sourceline, gateway.get("id"),
                                    gateway=gateway.get("id"), field="decision", value=value,
                                    task=f"{task_id} ({name})" if name else task_id))
