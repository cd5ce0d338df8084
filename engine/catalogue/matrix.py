"""Enforcing the support matrix (engine.catalogue.support) on one BPMN document.

Every element of the BPMN namespace, every modeler extension the table names and every attribute the table
names is looked up; a refused construct, or a BPMN element the table does not know, is an error (a warning
inside a non-executable pool, which never runs); an ignored one is a warning naming the element.
"""
from __future__ import annotations

from engine.catalogue.problems import Problem, problem
from engine.catalogue.support import (
    BY_KEY,
    DOCUMENTATION,
    EVENT_TAGS,
    EXTENSION_PREFIXES,
    IGNORED,
    REFUSED,
    Support,
)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# attributes another check reports in more precise words (one finding per problem): the script language of a
# script task is engine.catalogue.bpmn's `script.language`, which names the task and the language
IGNORED_HINT = {"lo": "ບໍ່ຕ້ອງແກ້ຫຍັງ; ລຶບມັນອອກໄດ້ຖ້າບໍ່ຕ້ອງການ", "en": "nothing to change; remove it if it is not needed"}
CHECKED_ELSEWHERE = {("scriptTask", "scriptFormat")}


def _split(tag) -> tuple[str, str]:
    if not isinstance(tag, str) or "}" not in tag:
        return "", str(tag)
    ns, local = tag[1:].split("}", 1)
    return ns, local


def event_key(node) -> str:
    """`tag:trigger` of an event element: trigger none, multiple, or the definition's name (message, timer ...)."""
    _, tag = _split(node.tag)
    triggers = []
    for child in node:
        ns, local = _split(child.tag)
        if ns == BPMN_NS and local.endswith("EventDefinition"):
            triggers.append(local[: -len("EventDefinition")])
        elif ns == BPMN_NS and local == "eventDefinitionRef":
            triggers.append("multiple")
    trigger = "none" if not triggers else triggers[0] if len(triggers) == 1 else "multiple"
    return f"{tag}:{trigger}"


def key_of(node) -> str | None:
    """The support-table key of an element, or None for elements outside BPMN and the known extensions."""
    ns, local = _split(node.tag)
    if ns == BPMN_NS:
        return event_key(node) if local in EVENT_TAGS else local
    prefix = EXTENSION_PREFIXES.get(ns)
    return f"{prefix}:{local}" if prefix else None


def _attribute_row(tag: str, name: str, value: str) -> Support | None:
    for key in (f"{tag}@{name}={value}", f"*@{name}={value}", f"{tag}@{name}={value.lower()}",
                f"*@{name}={value.lower()}", f"{tag}@{name}", f"*@{name}"):
        if key in BY_KEY:
            return BY_KEY[key]
    return None


def _owner_id(node) -> str | None:
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def _refuse(row: Support, tag: str, file: str, node, severity: str) -> Problem:
    return problem("bpmn.unsupported", file, node.sourceline, _owner_id(node), severity, tag=tag,
                   what_lo=row.what["lo"], what_en=row.what["en"], hint_lo=row.note["lo"], hint_en=row.note["en"])


def _unknown(tag: str, file: str, node, severity: str) -> Problem:
    return problem("bpmn.unknown_element", file, node.sourceline, _owner_id(node), severity, tag=tag)


def check_document(root, file: str, executable: set[str], problems: list[Problem]) -> set[int]:
    """Check every element under `root` (a bpmn:definitions element) against the matrix.

    `executable` holds the ids of the processes that may run (refusals there are errors, elsewhere warnings).
    Returns the ids (Python id()) of refused elements, whose contents are not looked at again.
    """
    refused: set[int] = set()

    def severity_of(node) -> str:
        while node is not None:
            if _split(node.tag) == (BPMN_NS, "process"):
                return "error" if node.get("id") in executable else "warning"
            node = node.getparent()
        return "error"  # definitions-level elements (collaborations, choreographies) belong to the file

    def walk(node) -> None:
        key = key_of(node)
        if key is None:
            return  # diagram interchange, unknown vendor extensions: no behaviour the engine would read
        row = BY_KEY.get(key)
        ns, tag = _split(node.tag)
        if row is None and ns == BPMN_NS:
            problems.append(_unknown(tag, file, node, severity_of(node)))
            refused.add(id(node))
            return
        if row is not None and row.status == REFUSED:
            problems.append(_refuse(row, key if ":" in key and ns != BPMN_NS else tag, file, node,
                                    severity_of(node)))
            refused.add(id(node))
            return
        if row is not None and row.status == IGNORED and (node.get("id") or ns != BPMN_NS):
            note = row.note if row.note.get("en") and row.note != DOCUMENTATION else IGNORED_HINT
            problems.append(problem("bpmn.ignored", file, node.sourceline, _owner_id(node), "warning", tag=key,
                                    what_lo=row.what["lo"], what_en=row.what["en"], hint_lo=note["lo"],
                                    hint_en=note["en"]))
        for name, value in node.attrib.items():
            attr_ns, attr = _split(name)
            if (tag, attr) in CHECKED_ELSEWHERE and not attr_ns:
                continue
            if attr_ns and attr_ns in EXTENSION_PREFIXES:
                arow = BY_KEY.get(f"{EXTENSION_PREFIXES[attr_ns]}:{attr}")
            elif not attr_ns:
                arow = _attribute_row(tag, attr, value)
            else:
                arow = None
            if arow is not None and arow.status == REFUSED:
                shown = f"{EXTENSION_PREFIXES[attr_ns]}:{attr}" if attr_ns else f"{attr}={value}"
                problems.append(problem("bpmn.unsupported_attribute", file, node.sourceline, _owner_id(node),
                                        severity_of(node), tag=tag, attribute=shown, what_lo=arow.what["lo"],
                                        what_en=arow.what["en"], hint_lo=arow.note["lo"], hint_en=arow.note["en"]))
        for child in node:
            if isinstance(child.tag, str):
                walk(child)

    walk(root)
    return refused
