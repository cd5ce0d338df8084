"""A parallel join waits for a token on every incoming flow: a model that can leave one of them without a token
leaves the case waiting for ever, with no task, timer or incident for anyone to act on.

Two shapes are refused at the join, with the element where the token goes astray:

* inside a parallel block (downstream of a parallel split whose branches meet at the join), a choice whose
  other way ends at an end event without reaching the join: an exclusive or event-based gateway, an inclusive
  gateway, or an interrupting boundary event (a refusal end on one branch, a timer that gives up);
* a choice (exclusive, event-based or inclusive gateway, or an interrupting boundary event) whose ways reach
  different incoming flows of the join: one token arrives where the join waits for two.

A way that reaches a terminate end event closes the case, so it is fine; nodes downstream of the join (a loop
back to the block) are not judged. The analysis assumes the model is fine wherever it is unsure, so a refusal is
always a case that would wait for ever.
"""
from __future__ import annotations

from engine.catalogue.messages_modeler import modeler_problem
from engine.catalogue.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")
CHOICES = ("exclusiveGateway", "eventBasedGateway", "inclusiveGateway")


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


class _Container:
    """The flow nodes directly inside one process or subprocess, with their ways out."""

    def __init__(self, container):
        self.nodes = {c.get("id"): c for c in container
                      if isinstance(c.tag, str) and c.get("id") and _local(c.tag) not in ("sequenceFlow", "laneSet")}
        self.flows = [c for c in container if isinstance(c.tag, str) and _local(c.tag) == "sequenceFlow"]
        self.out: dict[str, list[tuple[str, str]]] = {}  # node -> [(flow id, target)]
        for flow in self.flows:
            self.out.setdefault(flow.get("sourceRef"), []).append((flow.get("id"), flow.get("targetRef")))
        self.boundaries: dict[str, list[str]] = {}  # activity -> interrupting boundary events
        for node_id, node in self.nodes.items():
            if _local(node.tag) == "boundaryEvent" and node.get("cancelActivity", "true") != "false":
                self.boundaries.setdefault(node.get("attachedToRef"), []).append(node_id)

    def successors(self, node_id: str) -> list[str]:
        targets = [t for _f, t in self.out.get(node_id, [])]
        return targets + [b for b in self.boundaries.get(node_id, [])]

    def reach(self, start: str, stop: str) -> set[str]:
        """Nodes reachable from `start` (itself included) without passing `stop`."""
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node in seen or node == stop or node not in self.nodes:
                continue
            seen.add(node)
            todo.extend(self.successors(node))
        return seen

    def alternatives(self, node_id: str) -> list[tuple[str, str]]:
        """(label, first node) of each way a token may take out of `node_id` instead of the others."""
        node = self.nodes[node_id]
        if _local(node.tag) in CHOICES and len(self.out.get(node_id, [])) > 1:
            return [(flow_id, target) for flow_id, target in self.out[node_id]]
        if self.boundaries.get(node_id):
            normal = [(flow_id, target) for flow_id, target in self.out.get(node_id, [])]
            return normal + [(b, b) for b in self.boundaries[node_id]]
        return []

    def is_terminate(self, node_id: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and node.find(f"{{{BPMN_NS}}}terminateEventDefinition") is not None


def _incoming_reached(graph: _Container, start: str, join: str, incoming: dict[str, str]) -> set[str]:
    """The incoming flows of `join` a token starting at `start` can arrive on."""
    reached = graph.reach(start, join)
    return {flow_id for flow_id, source in incoming.items() if source in reached}


def _ends_without(graph: _Container, start: str, join: str) -> str | None:
    """The end event a way from `start` ends at without reaching `join`, or None when it may reach the join,
    may close the case (a terminate end) or never ends."""
    reached = graph.reach(start, join)
    if any(join in [t for _f, t in graph.out.get(n, [])] for n in reached):
        return None
    ends = [n for n in reached if _local(graph.nodes[n].tag) == "endEvent"]
    if not ends or any(graph.is_terminate(n) for n in ends):
        return None
    return sorted(ends)[0]


def _label(graph: _Container, node_id: str) -> str:
    name = graph.nodes[node_id].get("name") if node_id in graph.nodes else None
    return f"«{name}» ({node_id})" if name else node_id


def check_joins(docs, problems: list[Problem]) -> None:
    """Refuse parallel joins that can wait for ever (see the module docstring); one error per join."""
    for doc in docs:
        root = doc.tree.getroot()
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") not in doc.executable:
                continue
            for container in [process, *(c for c in process.iter() if _local(c.tag) in CONTAINERS[1:])]:
                _check_container(doc.file, _Container(container), problems)


def _check_container(file: str, graph: _Container, problems: list[Problem]) -> None:
    for join_id, join in graph.nodes.items():
        incoming = {flow.get("id"): flow.get("sourceRef") for flow in graph.flows if flow.get("targetRef") == join_id}
        if _local(join.tag) != "parallelGateway" or len(incoming) < 2:
            continue
        after = graph.reach(join_id, "") - {join_id}  # downstream of the join: a loop back is not judged
        splits = [n for n, node in graph.nodes.items() if _local(node.tag) == "parallelGateway" and n not in after
                  and len(_incoming_reached(graph, n, join_id, incoming)) >= 2 and len(graph.out.get(n, [])) >= 2]
        inside = set().union(*(graph.reach(s, join_id) for s in splits)) if splits else set()
        found = _astray(graph, join_id, incoming, inside, after)
        if found:
            at, way, end = found
            line = join.sourceline
            if end:
                problems.append(modeler_problem("bpmn.join_waits_for_ever", file, line, join_id,
                                                join=_label(graph, join_id), at=_label(graph, at), way=way,
                                                end=_label(graph, end)))
            else:
                problems.append(modeler_problem("bpmn.join_after_choice", file, line, join_id,
                                                join=_label(graph, join_id), at=_label(graph, at)))


def _astray(graph: _Container, join_id: str, incoming: dict[str, str], inside: set[str], after: set[str]):
    """(choice node, way, end event or None) of the first way a token can miss the join, or None."""
    for node_id in sorted(graph.nodes):
        if node_id in after or node_id == join_id:
            continue
        ways = graph.alternatives(node_id)
        if len(ways) < 2:
            continue
        # a way straight into the join arrives on that flow
        reached = [(way, {way} if first == join_id else _incoming_reached(graph, first, join_id, incoming))
                   for way, first in ways]
        if not any(r for _w, r in reached):
            continue  # a choice before the block, or one whose ways all leave it: not this join's business
        if node_id in inside:
            for way, first in ways:
                end = _ends_without(graph, first, join_id)
                if end:
                    return node_id, way, end
        nonempty = {frozenset(r) for _w, r in reached if r}
        if len(nonempty) > 1:
            return node_id, "", None
    return None
