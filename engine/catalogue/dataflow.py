"""Which data names hold on *every* path to a point of a process: a forward must-analysis over the BPMN graph.

`engine.catalogue.names` refuses a name that nothing in the service provides. That is not enough: a gateway on
one branch may read a field that only a task on another branch sets. The upload passes, the default-path dry
run passes, and a real case that takes that branch fails at the gateway on every try. This module computes,
for each flow node, the names that are set whatever path a token took to reach it, so that such a condition is
refused at upload, naming the element that sets the name elsewhere.

The analysis is the classic one for "definitely assigned" variables (a greatest fixed point, meet by
intersection), with the BPMN rules that change it:

* a converging parallel gateway waits for every branch, so its meet is the union of its incoming branches;
  names set on a concurrent branch are *not* available before the join (SpiffWorkflow gives each branch its
  own copy of the data and merges at the join);
* a boundary timer starts from what held when its activity started (it fires before the task's form is
  submitted); an error or escalation boundary starts from what held where the matching error or escalation was
  thrown inside the activity (or inside the process it calls), or, when nothing inside throws it (a failed
  service task), from what held when the activity started;
* an embedded subprocess completes with what holds at all of its normal end events, and a call activity with
  what holds at all of the called process's normal end events; the called process starts from what holds at
  every call activity that calls it;
* a multi-instance activity sets what its instances set only when it certainly runs one (a whole-number
  cardinality of at least 1) and has no output item (SpiffWorkflow then merges the instances' data); a loop
  tested before its first round may run none; otherwise only the output collection is set;
* an event subprocess, and any node no path reaches, is not judged (everything is assumed available).

Where the analysis cannot be sure, it assumes a name *is* available: a refusal here must always be a real
fault.
"""
from __future__ import annotations

from collections.abc import Iterable

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
ACTIVITIES = frozenset({"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
                        "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"})
CONTAINERS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
                      "complexGateway"})
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS
RAISED_FROM_INSIDE = {"errorEventDefinition": "errorRef", "escalationEventDefinition": "escalationRef"}
THROWS = frozenset({"endEvent", "intermediateThrowEvent"})

TOP = None  # "every name": a node no path has reached yet, or one that is not judged


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _meet(values: Iterable, union: bool = False):
    values = list(values)
    if union:
        return TOP if any(v is TOP for v in values) else frozenset().union(*values)
    known = [v for v in values if v is not TOP]
    return frozenset.intersection(*known) if known else TOP


def _plus(value, extra):
    return TOP if value is TOP else value | extra


class Dataflow:
    """The names available at each flow node of the executable processes of `docs`.

    `gen_of(node)` -> set of names the node itself sets when it completes (a task's form fields, a script's
    assignments, a connector's result); `global_names`: names present in every case from its start (the
    application form, runtime names, data objects). Call `available(point)` after construction.
    """

    def __init__(self, docs, gen_of, global_names: frozenset, always: frozenset = frozenset(),
                 positive: frozenset = frozenset()):
        self.gen_of = gen_of
        self.positive = frozenset(positive)  # required number fields with a minimum of at least 1
        self.global_names = frozenset(global_names)
        self.always = frozenset(always)  # names every evaluation has, whatever the data (the sandbox's functions)
        self.nodes: dict[str, object] = {}
        self.incoming: dict[str, list[str]] = {}
        self.attached: dict[str, str] = {}  # boundary event -> activity
        self.callers: dict[str, list[str]] = {}  # process id -> call activities
        self.processes: dict[str, object] = {}
        for doc in docs:
            root = doc.tree.getroot()
            for process in root.iter(f"{{{BPMN_NS}}}process"):
                if process.get("id") in doc.executable:
                    self.processes[process.get("id")] = process
                    self._index(process)
        for node_id, node in self.nodes.items():
            if _local(node.tag) == "callActivity" and node.get("calledElement"):
                self.callers.setdefault(node.get("calledElement"), []).append(node_id)
        self._gen_all: dict[str, frozenset] = {}
        self.IN: dict[str, frozenset | None] = dict.fromkeys(self.nodes, TOP)
        self.OUT: dict[str, frozenset | None] = dict.fromkeys(self.nodes, TOP)
        self._solve()

    # ---- the graph -------------------------------------------------------------------------------------------

    def _index(self, process) -> None:
        for node in process.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN_NS}}}"):
                continue
            tag = _local(node.tag)
            if tag in FLOW_NODES and node.get("id"):
                self.nodes[node.get("id")] = node
                self.incoming.setdefault(node.get("id"), [])
                if tag == "boundaryEvent" and node.get("attachedToRef"):
                    self.attached[node.get("id")] = node.get("attachedToRef")
        for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            if source and target:
                self.incoming.setdefault(target, []).append(source)

    def _container(self, node):
        parent = node.getparent()
        while parent is not None and _local(parent.tag) not in CONTAINERS | {"process"}:
            parent = parent.getparent()
        return parent

    def _mi(self, node, tag: str) -> frozenset:
        """The names of a (multi-instance) loop's input item (inside) or output item and collection (after)."""
        loop = node.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
        if loop is None:
            return frozenset()
        out = set()
        for child in loop:
            if _local(child.tag) == tag:
                out.update(v for v in (child.get("id"), child.get("name")) if v)
            elif tag == "outputDataItem" and _local(child.tag) == "loopDataOutputRef" and (child.text or "").strip():
                out.add(child.text.strip())
        return frozenset(out)

    def gen_all(self, element_id: str, seen: frozenset = frozenset()) -> frozenset:
        """Every name `element_id` or anything inside it (a called process included) can set."""
        if element_id in self._gen_all:
            return self._gen_all[element_id]
        node = self.nodes.get(element_id)
        if node is None:
            node = self.processes.get(element_id)
        if node is None or element_id in seen:
            return frozenset()
        out = set(self.gen_of(node)) | self._mi(node, "outputDataItem")
        if _local(node.tag) == "callActivity":
            out |= self.gen_all(node.get("calledElement") or "", seen | {element_id})
        for inner in node.iter():
            inner_id = inner.get("id") if isinstance(inner.tag, str) else None
            if inner is not node and inner_id in self.nodes:
                out |= set(self.gen_of(inner)) | self._mi(inner, "outputDataItem")
                if _local(inner.tag) == "callActivity":
                    out |= self.gen_all(inner.get("calledElement") or "", seen | {element_id})
        self._gen_all[element_id] = frozenset(out)
        return self._gen_all[element_id]

    # ---- the fixed point -------------------------------------------------------------------------------------

    def _in(self, node_id: str):
        node = self.nodes[node_id]
        tag = _local(node.tag)
        if node_id in self.attached:
            activity = self.attached[node_id]
            throws = self._throws(node, activity)
            if throws:  # raised from inside: what held where it was thrown
                return _meet(self.IN[t] for t in throws)
            return self.IN.get(activity, TOP)  # a timer, or a task that failed: what held when it started
        sources = [s for s in self.incoming.get(node_id, []) if s in self.nodes]
        if sources:
            return _meet((self.OUT[s] for s in sources), union=tag == "parallelGateway" and len(sources) > 1)
        if tag != "startEvent":
            return TOP  # no path reaches it: not judged
        container = self._container(node)
        if container is None:
            return TOP
        if _local(container.tag) == "process":
            calls = self.callers.get(container.get("id"), [])
            if not calls:
                return self.global_names
            inputs, _outputs = self._io(container)
            if inputs:  # SpiffWorkflow copies only the declared data inputs into the called process
                return frozenset(inputs) | self.always
            return _meet(self.IN[c] for c in calls)
        if container.get("triggeredByEvent") == "true":
            return TOP
        return _plus(self.IN.get(container.get("id"), TOP), self._mi(container, "inputDataItem"))

    def _throws(self, boundary, activity_id: str) -> list[str]:
        """The throw events inside `activity_id` (or the process it calls) that `boundary` catches: error or
        escalation end and intermediate throw events with a matching reference (any, when the boundary names
        none)."""
        definitions = [(d, boundary.find(f"{{{BPMN_NS}}}{d}")) for d in RAISED_FROM_INSIDE]
        definitions = [(d, found.get(RAISED_FROM_INSIDE[d])) for d, found in definitions if found is not None]
        activity = self.nodes.get(activity_id)
        if not definitions or activity is None:
            return []
        scope = self.processes.get(activity.get("calledElement") or "") if _local(activity.tag) == "callActivity" \
            else activity
        if scope is None:
            return []
        out = []
        for inner in scope.iter():
            if not isinstance(inner.tag, str) or _local(inner.tag) not in THROWS or inner.get("id") not in self.nodes:
                continue
            for kind, ref in definitions:
                thrown = inner.find(f"{{{BPMN_NS}}}{kind}")
                if thrown is not None and (not ref or not thrown.get(RAISED_FROM_INSIDE[kind])
                                           or thrown.get(RAISED_FROM_INSIDE[kind]) == ref):
                    out.append(inner.get("id"))
        return out

    def may_run_zero_times(self, node) -> bool:
        """A loop tested before its first round, or a multi-instance activity without a whole-number cardinality
        of at least 1 (a collection may be empty, a computed count may be 0): what it sets is not certain."""
        loop = node.find(f"{{{BPMN_NS}}}standardLoopCharacteristics")
        if loop is not None:
            return loop.get("testBefore") == "true"
        multi = node.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
        if multi is None:
            return False
        cardinality = (multi.findtext(f"{{{BPMN_NS}}}loopCardinality") or "").strip()
        if cardinality.startswith("int(") and cardinality.endswith(")"):  # engine.catalogue.bpmn makes it whole
            cardinality = cardinality[4:-1].strip()
        if cardinality in self.positive:  # a count the form never lets be below 1
            return False
        return not (cardinality.isdigit() and int(cardinality) >= 1)

    def _ends(self, scope) -> list[str]:
        return [child.get("id") for child in scope if _local(child.tag) == "endEvent" and child.get("id")
                and child.find(f"{{{BPMN_NS}}}errorEventDefinition") is None]

    def _out(self, node_id: str):
        node = self.nodes[node_id]
        tag = _local(node.tag)
        base = self.IN[node_id]
        if base is TOP:
            return TOP
        after = self._mi(node, "outputDataItem")
        if after or self.may_run_zero_times(node):
            # SpiffWorkflow merges the instances' data only without an output item; and none may have run
            return base | after
        if tag in CONTAINERS and node.get("triggeredByEvent") != "true":
            ends = self._ends(node)
            inner = _meet(self.OUT[e] for e in ends) if ends else _plus(base, self.gen_all(node_id))
            return _plus(inner, base) if inner is not TOP else TOP
        if tag == "callActivity":
            called = self.processes.get(node.get("calledElement") or "")
            ends = self._ends(called) if called is not None else []
            if not ends:
                return base | self.gen_all(node.get("calledElement") or "")
            inner = _meet(self.OUT[e] for e in ends)
            if inner is TOP:
                return TOP
            inputs, outputs = self._io(called)
            if outputs:  # only the declared outputs come back, into the caller's own data
                return base | (inner & frozenset(outputs))
            if inputs:  # the caller's data is replaced by the called process's, which began with the inputs only
                return inner
            return inner | base
        return base | frozenset(self.gen_of(node))

    @staticmethod
    def _io(process) -> tuple[list[str], list[str]]:
        """(data input ids, data output ids) of a process's own ioSpecification (SpiffWorkflow matches by id)."""
        spec = process.find(f"{{{BPMN_NS}}}ioSpecification")
        if spec is None:
            return [], []
        return ([d.get("id") for d in spec.findall(f"{{{BPMN_NS}}}dataInput") if d.get("id")],
                [d.get("id") for d in spec.findall(f"{{{BPMN_NS}}}dataOutput") if d.get("id")])

    def _solve(self) -> None:
        for _ in range(4 * len(self.nodes) + 8):  # values only shrink, so this ends long before the bound
            changed = False
            for node_id in self.nodes:
                value = self._in(node_id)
                if value != self.IN[node_id]:
                    self.IN[node_id], changed = value, True
                value = self._out(node_id)
                if value != self.OUT[node_id]:
                    self.OUT[node_id], changed = value, True
            if not changed:
                return

    # ---- questions -------------------------------------------------------------------------------------------

    def available(self, kind: str, owner) -> frozenset | None:
        """The names that hold where the expression of `kind` (engine.catalogue.names.WHAT) on `owner` (its
        element: a sequence flow, an activity, a timer event) is evaluated; TOP (None) when not judged."""
        if owner is None:
            return TOP
        tag = _local(owner.tag)
        owner_id = owner.get("id")
        if tag == "sequenceFlow":
            source = owner.get("sourceRef")
            if source not in self.nodes:
                return TOP
            return self.IN[source] if _local(self.nodes[source].tag) in GATEWAYS else self.OUT[source]
        if owner_id not in self.nodes:
            return TOP
        if kind == "timer":
            return self.IN.get(self.attached.get(owner_id, owner_id), TOP)
        if kind in ("loopCardinality", "loopDataInputRef", "script"):
            return self.IN[owner_id]
        if kind == "loopCondition":
            loop = owner.find(f"{{{BPMN_NS}}}standardLoopCharacteristics")
            before = loop is not None and loop.get("testBefore") == "true"
            return self.IN[owner_id] if before else self.OUT[owner_id]
        if kind == "completionCondition":  # after an instance: what that instance set holds, whatever the count
            return _plus(self.IN[owner_id], self._mi(owner, "inputDataItem") | self.gen_all(owner_id))
        return TOP

    def setters(self, name: str) -> list[str]:
        """The ids of the flow nodes that set `name` (for the message)."""
        return [node_id for node_id, node in self.nodes.items() if name in self.gen_of(node)]
