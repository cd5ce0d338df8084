"""Element ids across the BPMN files of one service: unique, not reserved by the engine, short enough to store.

* Two files of one service must not use the same id: tasks are routed by id, so one office would complete the
  other file's task.
* SpiffWorkflow names its own task specs `Start`, `End`, `Root`, `<process>.EndJoin`, `<id>.BoundaryEventSplit`,
  `<id>.BoundaryEventJoin` and `<id> [child]`; an element with such an id replaces the engine's spec.
* Ids are stored in columns of fixed width (see ID_LIMITS); a longer id would fail when a case reaches it.
"""
from __future__ import annotations

import re

from engine.catalogue.problems import Problem, problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
RESERVED_IDS = frozenset({"Start", "End", "Root"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")
# task.bpmn_id, due_timer.element, incident.element are String(128); due_timer.connector and incident.connector
# String(64): a service task's connector defaults to its id
ELEMENT_ID_MAX = 128
CONNECTOR_MAX = 64
# elements whose id the runtime never stores: only flow nodes reach task rows, due timers and incidents
_DOC_TAGS = {"definitions", "collaboration", "participant", "messageFlow", "textAnnotation", "association",
             "group", "category", "categoryValue", "documentation", "text", "extensionElements"}


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _process_elements(doc):
    """(id, tag, line) of every BPMN element with an id inside a process of `doc`, the processes included."""
    root = doc.tree.getroot()
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        for node in process.iter():
            if isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN_NS}}}") and node.get("id"):
                yield node.get("id"), _local(node.tag), node.sourceline


def _suggestion(element_id: str, tag: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_]+", "_", element_id.split(" [child]")[0]).strip("_") or "Element"
    return f"{tag[:1].upper()}{tag[1:]}_{base}"[:60]


def check_ids(docs, connectors: dict[str, str], problems: list[Problem]) -> set[str]:
    """Report duplicate, reserved and over-long ids of the service's documents; return the duplicated ids.

    `docs` are engine.catalogue.bpmn.BpmnDocument; `connectors` maps service task ids to their connector names
    (engine.connectors reads the same attributes at run time). Checks that look elements up by id skip the
    returned ids: the duplicate finding is the one thing to say about them.
    """
    seen: dict[str, tuple[str, int | None]] = {}
    duplicated: set[str] = set()
    for doc in docs:
        for element_id, tag, line in _process_elements(doc):
            if element_id in seen:
                duplicated.add(element_id)
                first_file, first_line = seen[element_id]
                problems.append(problem("bpmn.duplicate_id", doc.file, line, element_id, id=element_id,
                                        first=first_file, first_line=first_line or "?", second=doc.file,
                                        second_line=line or "?"))
            seen.setdefault(element_id, (doc.file, line))
            if element_id in RESERVED_IDS or element_id.endswith(RESERVED_SUFFIXES):
                problems.append(problem("bpmn.reserved_id", doc.file, line, element_id, id=element_id,
                                        suggestion=_suggestion(element_id, tag)))
            if len(element_id) > ELEMENT_ID_MAX and tag not in _DOC_TAGS:
                problems.append(problem("bpmn.id_too_long", doc.file, line, element_id,
                                        what=tag, length=len(element_id), limit=ELEMENT_ID_MAX))
            connector = connectors.get(element_id)
            if connector is not None and len(connector) > CONNECTOR_MAX:
                problems.append(problem("bpmn.id_too_long", doc.file, line, element_id,
                                        what=f"{tag} connector", length=len(connector), limit=CONNECTOR_MAX))
    return duplicated
