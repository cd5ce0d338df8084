"""End events that close a case refused or cancelled: the words that say so, and the check that such an end is
the `rejected` milestone.

A case whose process completes is closed `rejected` only when its public milestone is `rejected`
(engine.runtime.readmodel); otherwise it is `completed`. An end event named "Invoice rejected" (or with the id
`End_Denied`, or the Lao ຍົກເລີກຄຳຮ້ອງ) that service.yaml leaves out of the `rejected` milestone would close a
refused case as completed and tell the citizen so: a warning at the end event. The generated service.yaml
(engine.designer.scaffold) maps such ends to `rejected` by the same words.
"""
from __future__ import annotations

import re

from engine.catalogue.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# the platform's one milestone for a case closed without the service is `rejected` (services.MILESTONES)
REFUSAL_WORDS = re.compile(r"reject|refus|den(y|ied|ial)|declin|cancel|withdrawn|ປະຕິເສດ|ຍົກເລີກ|ບໍ່ອະນຸມັດ|ບໍ່ຜ່ານ",
                           re.I)


def is_refusal_end(node) -> bool:
    """An end event whose name or id says the case ends refused or cancelled ("Invoice rejected", `End_Denied`,
    "ຍົກເລີກຄຳຮ້ອງ")."""
    return node is not None and node.tag == f"{{{BPMN_NS}}}endEvent" and bool(
        REFUSAL_WORDS.search(f"{node.get('name') or ''} {node.get('id') or ''}"))


def case_ends(process) -> list:
    """The end events that close a case: the process's own (not a subprocess's), error ends excepted (those
    end only a subprocess that catches them: support matrix)."""
    return [c for c in process if isinstance(c.tag, str) and c.tag == f"{{{BPMN_NS}}}endEvent"
            and c.find(f"{{{BPMN_NS}}}errorEventDefinition") is None]


def check_refusal_ends(service: dict, docs, file: str, problems: list[Problem]) -> None:
    """Warn at each end event of the service's process that reads as a refusal but closes the case completed."""
    milestone_of = {e: m["id"] for m in service.get("milestones") or [] for e in m.get("elements") or []}
    for doc in docs:
        for process in doc.tree.getroot().iter(f"{{{BPMN_NS}}}process"):
            if process.get("id") != service.get("process"):
                continue
            for end in case_ends(process):
                if not is_refusal_end(end) or milestone_of.get(end.get("id")) == "rejected":
                    continue
                name = (end.get("name") or "").strip() or end.get("id")
                now = milestone_of.get(end.get("id"))
                problems.append(Problem(
                    doc.file,
                    {"lo": f"ເຫດການສິ້ນສຸດ {name!r} ອ່ານໄດ້ວ່າເປັນການປະຕິເສດ ຫຼື ຍົກເລີກ, ແຕ່ຄຳຮ້ອງທີ່ສິ້ນສຸດຢູ່ນີ້ຈະຖືກປິດເປັນ "
                           f"ສຳເລັດ (ຂັ້ນຕອນ: {now or 'ບໍ່ມີ'})",
                     "en": f"the end event {name!r} reads as a refusal or cancellation, but a case that ends there "
                           f"is closed as completed (milestone: {now or 'none'})"},
                    {"lo": f"ເພີ່ມ {end.get('id')} ໃນ elements ຂອງຂັ້ນຕອນ rejected ໃນ service.yaml",
                     "en": f"list {end.get('id')} under the elements of the rejected milestone in service.yaml"},
                    end.sourceline, end.get("id"), "warning", code="service.refusal_end_completed",
                    params={"element": end.get("id"), "milestone": now or ""}))
