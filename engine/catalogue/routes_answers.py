"""Every answer a form can give must have a route at every gateway that reads it.

An exclusive or inclusive gateway without a default flow whose conditions read only enumerable answers (a
choice field: its values; a yes/no field: yes and no) of the application form or a task form is evaluated over
every combination of those answers, with the sandboxed evaluator the runtime uses. A number or money field is
tried at each number the conditions compare it with, one less and one more, and its declared bounds
(`amount > 1000` and `amount < 1000` leave 1000 without a route). A combination for which no
condition holds would leave the case stuck at run time: for kind = farm the clerk completing the task before
the gateway gets "no route", and the answer is the citizen's, so no clerk can choose another. It is refused at
upload, naming the gateway and the answers.

Not judged (the check must never refuse a process that can run): a gateway with an unconditional flow; a
condition that reads a name that is not enumerable (text, numbers no condition compares, runtime names), that a
gateway on the way already reads (which answers arrive depends on the path), that a script or another
element assigns, that forms declare with different values, or that asks FEEL `is defined(…)`; `decision`,
which engine.catalogue.routes judges per task (its values depend on the task just completed); more than
MAX_COMBINATIONS combinations.
"""
from __future__ import annotations

import itertools

from engine.catalogue.problems import Problem, problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
GATEWAYS = (f"{{{BPMN_NS}}}exclusiveGateway", f"{{{BPMN_NS}}}inclusiveGateway")
MAX_COMBINATIONS = 512
MAX_REPORTED = 3  # combinations named per gateway: enough to see the gap, not a wall of findings
PER_TASK = frozenset({"decision", "reason"})  # engine.catalogue.routes judges these after each task


def _per_name(forms: list[dict], describe) -> dict[str, tuple]:
    """{field name: describe(field)} over `forms`, leaving out None and any name that one form declares
    otherwise than another: which form answered it last is a matter of the path, so nothing about it is sure."""
    values: dict[str, tuple | None] = {}
    for form in forms:
        for field in (form or {}).get("fields", []):
            name = field.get("name")
            if not name:
                continue
            these = describe(field)
            if name in values and values[name] != these:
                these = None
            values[name] = these
    return {name: these for name, these in values.items() if these is not None and name not in PER_TASK}


def enumerable_answers(forms: list[dict]) -> dict[str, tuple]:
    """{field name: its possible answers} over `forms`, for choice and yes/no fields (see _per_name)."""
    def answers(field):
        if field.get("type") == "yes_no":
            return (True, False)
        if field.get("type") == "choice" and field.get("choices"):
            return tuple(c["value"] for c in field["choices"])
        return None

    return _per_name(forms, answers)


def numeric_fields(forms: list[dict]) -> dict[str, tuple]:
    """{field name: (min, max, decimals)} of the number and money fields over `forms` (None where not declared;
    decimals: a number may have them, kip are whole; see _per_name)."""
    return _per_name(forms, lambda field: (field.get("min"), field.get("max"), field.get("type") == "number")
                     if field.get("type") in ("number", "money") else None)


def _numbers_around(conditions: list[str], bounds: tuple) -> tuple:
    """The answers worth trying for a number a gateway compares: each number the conditions name, one less and
    one more (and half a step either side for a field that takes decimals), and the field's own bounds, kept
    within them. Empty when the conditions name no number."""
    import ast

    literals: set = set()
    for text in conditions:
        try:
            tree = ast.parse(text, mode="eval")
        except (SyntaxError, ValueError):
            return ()
        literals |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
                     and isinstance(n.value, int | float) and not isinstance(n.value, bool)}
    if not literals:
        return ()
    low, high, decimals = bounds
    steps = (-1, -0.5, 0, 0.5, 1) if decimals else (-1, 0, 1)  # 99.5 falls between `>= 100` and `<= 99`
    tried = {v + d for v in literals for d in steps} | {b for b in (low, high) if b is not None}
    return tuple(sorted(v for v in tried if (low is None or v >= low) and (high is None or v <= high)))


def _upstream_names(process, gateway_id: str, flows) -> set[str]:
    """Names the conditions of the gateways on the way to `gateway_id` read: an answer they already sorted
    may never reach it (kind = farm routed away before a gateway that only knows shop and home)."""
    from engine.catalogue.names import free_names

    into: dict[str, list[str]] = {}
    for flow in flows:
        into.setdefault(flow.get("targetRef"), []).append(flow.get("sourceRef"))
    seen, todo, names = set(), list(into.get(gateway_id, [])), set()
    while todo:
        node = todo.pop()
        if node in seen or node == gateway_id:
            continue
        seen.add(node)
        todo.extend(into.get(node, []))
    for flow in flows:
        if flow.get("sourceRef") in seen:
            condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            if condition is not None and (condition.text or "").strip():
                names |= free_names(condition.text.strip())
    return names


def _assigned(docs) -> set[str]:
    """Names a script, a result variable, a loop output or an output mapping sets: their values are not only
    the forms' answers."""
    from engine.catalogue.names import assigned_names

    out: set[str] = set()
    for doc in docs:
        for node in doc.tree.getroot().iter():
            if not isinstance(node.tag, str):
                continue
            if node.tag == f"{{{BPMN_NS}}}script" and node.text:
                out |= assigned_names(node.text)
            out |= {v for v in (node.get("resultVariable"),) if v}
            local = node.tag.rsplit("}", 1)[-1]
            if local in ("out", "output", "outputParameter"):  # camunda:out, zeebe:output, camunda:outputParameter
                out |= {v for v in (node.get("target"), node.get("name")) if v}
            if node.tag.endswith("}loopDataOutputRef") and node.text:
                out.add(node.text.strip())
    return out


def _shown(value) -> dict[str, str]:
    if value is True:
        return {"lo": "ແມ່ນ", "en": "yes"}
    if value is False:
        return {"lo": "ບໍ່", "en": "no"}
    return {"lo": str(value), "en": str(value)}


def _answers_text(names: list[str], combination: tuple) -> dict[str, str]:
    parts = [(name, _shown(value)) for name, value in zip(names, combination, strict=True)]
    return {lang: ", ".join(f"{name} = {shown[lang]}" for name, shown in parts) for lang in ("lo", "en")}


def check_answer_routes(docs, forms: list[dict], problems: list[Problem], skip: set[str] = frozenset(),
                        done: set[str] = frozenset(), running: set[str] | None = None) -> None:
    """Refuse answer combinations without a route. `forms`: the application form and every task form;
    `skip`: element ids used twice (already refused); `done`: gateways route.no_route already named;
    `running`: the processes a case runs (engine.catalogue.routes.running_processes; None: every executable
    or called one)."""
    from engine.catalogue.names import _sandbox_names
    from engine.sandbox import SandboxEnvironment

    answers = enumerable_answers(forms)
    numbers = numeric_fields(forms)
    if not answers and not numbers:
        return
    assigned = _assigned(docs)
    builtins = _sandbox_names()
    environment = SandboxEnvironment()
    called = {node.get("calledElement") for doc in docs for node in doc.tree.getroot().iter(
        f"{{{BPMN_NS}}}callActivity")}
    for doc in docs:
        for process in doc.tree.getroot().iter(f"{{{BPMN_NS}}}process"):
            runs = process.get("id") in running if running is not None else \
                process.get("id") in set(doc.executable) | called
            if runs:  # a pool that never runs is documentation
                _check_process(doc, process, answers, numbers, assigned, builtins, environment, problems, skip,
                               done)


def _check_process(doc, process, answers, numbers, assigned, builtins, environment, problems, skip,
                   done) -> None:
    from engine.catalogue.names import free_names
    from engine.catalogue.routes import _evaluate

    flows = list(process.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    for gateway in process.iter(*GATEWAYS):
        gid = gateway.get("id")
        if not gid or gateway.get("default") or gid in skip or gid in done:
            continue
        conditions = []
        for flow in flows:
            if flow.get("sourceRef") != gid:
                continue
            node = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            text = (node.text or "").strip() if node is not None else ""
            if not text:
                conditions = []  # an unconditional flow: always a route
                break
            conditions.append(text)
        if not conditions:
            continue
        names = sorted(set().union(*(free_names(c) for c in conditions)) - builtins)
        tried = {n: answers.get(n) or (_numbers_around(conditions, numbers[n]) if n in numbers else ()) for n in names}
        if not names or any(not tried[n] or n in assigned for n in names):
            continue
        if set(names) & _upstream_names(process, gid, flows):
            continue  # an earlier gateway sorted these answers: which of them arrive here depends on the path
        product = 1
        for name in names:
            product *= len(tried[name])
        if product > MAX_COMBINATIONS:
            continue
        reported = 0
        for combination in itertools.product(*(tried[n] for n in names)):
            data = dict(zip(names, combination, strict=True))
            if any(_evaluate(environment, c, data) is not False for c in conditions):
                continue  # a condition holds, or it cannot be decided here (then it may hold)
            if reported == MAX_REPORTED:
                break
            reported += 1
            problems.append(problem("route.no_route_answer", doc.file, gateway.sourceline, gid, gateway=gid,
                                    answers=_answers_text(names, combination)))

