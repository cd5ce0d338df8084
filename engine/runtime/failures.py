"""What went wrong in an engine step, said in words a clerk and a supervisor can act on.

SpiffWorkflow raises `WorkflowTaskException` (with `.task`) for scripts and most gateways, but plain
`WorkflowException` (with `.task_spec` only) when an exclusive gateway finds no route, and its `str()` appends
notes after ". ". A message built from that naively names the element `?` or shows a Python repr. This module
names every failed element by its BPMN id and name, and cleans the detail.
"""
from __future__ import annotations

import re

from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway

from engine.errors import MESSAGES, DomainError

MESSAGES.setdefault("gateway_no_route", (
    "ທາງແຍກ {element} ບໍ່ມີເສັ້ນທາງສຳລັບຄຳຕອບນີ້ ແລະ ບໍ່ມີເສັ້ນທາງຕັ້ງຕົ້ນ. ບໍ່ມີຫຍັງຖືກບັນທຶກ, ວຽກຍັງຢູ່ກັບທ່ານ; "
    "ກະລຸນາເລືອກຄຳຕອບອື່ນ ຫຼື ແຈ້ງຜູ້ອອກແບບຂະບວນການ",
    "Gateway {element} has no route for this answer and no default flow. Nothing was saved and the task is "
    "still yours; choose another answer or tell the process designer",
))
MESSAGES.setdefault("step_failed", (
    "ຂັ້ນຕອນ {element} ຜິດພາດ: {detail}. ບໍ່ມີຫຍັງຖືກບັນທຶກ, ວຽກຍັງຢູ່ກັບທ່ານ; ກະລຸນາແຈ້ງຜູ້ອອກແບບຂະບວນການ",
    "Step {element} failed: {detail}. Nothing was saved and the task is still yours; tell the process designer",
))

_REPR = re.compile(r"<[A-Za-z_][\w.]*(?: [^<>]*)? at 0x[0-9a-fA-F]+>")
UNKNOWN = ("ຂັ້ນຕອນທີ່ບໍ່ຮູ້ຈັກ", "an unnamed step")


class StepFailed(DomainError):
    """A person's command made the process fail (a gateway with no route, a failing script or condition).

    The command is rolled back whole; `.element` is the BPMN id, `.detail` the cleaned cause in English."""

    status = 422

    def __init__(self, code: str, element: str, label: str, detail: str):
        self.element = element
        self.detail = detail
        super().__init__(code, element=label, detail={"lo": lao_words(detail), "en": detail})


def element_id(exc) -> str | None:
    """The BPMN id of the element an engine exception is about, or None if it names none."""
    spec = _spec_of(exc)
    return (getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)) if spec is not None else None


def label(task_spec) -> str:
    """`«name» (id)`, or `id` when the element has no name; never empty."""
    if task_spec is None:
        return UNKNOWN[1]
    ident = getattr(task_spec, "bpmn_id", None) or getattr(task_spec, "name", None) or UNKNOWN[1]
    name = (getattr(task_spec, "bpmn_name", None) or "").strip()
    return f"«{name}» ({ident})" if name and name != ident else ident


# Python's wording of the usual failures of a condition or script, in a designer's and a clerk's words
_PYTHON_WORDS = (
    (re.compile(r"\bNameError: name '([^']+)' is not defined"), r"the case data has no value named \1"),
    (re.compile(r"\bKeyError: '([^']+)'"), r"the case data has no key \1"),
    (re.compile(r"\bZeroDivisionError: (?:integer |float )?division(?: or modulo)? by zero"), "a division by zero"),
    (re.compile(r"\bTypeError: '([<>]=?)' not supported between instances of '(\w+)' and '(\w+)'"),
     r"a \2 value cannot be compared with a \3 value (\1)"),
    (re.compile(r"\bTypeError: unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'"),
     r"\1 cannot be used on a \2 value and a \3 value"),
    (re.compile(r"\b[A-Z]\w*(?:Error|Exception): "), ""),
)


# the same, said in Lao, over the English plain words (a clerk reading Lao must not meet the engine's English)
_LAO_WORDS = (
    (re.compile(r"the case data has no value named (\S+)"), r"ຂໍ້ມູນຂອງຄຳຮ້ອງບໍ່ມີຄ່າຊື່ \1"),
    (re.compile(r"the case data has no key (\S+)"), r"ຂໍ້ມູນຂອງຄຳຮ້ອງບໍ່ມີກະແຈ \1"),
    (re.compile(r"a division by zero"), "ການຫານດ້ວຍສູນ"),
    (re.compile(r"a (\w+) value cannot be compared with a (\w+) value \(([^)]*)\)"),
     r"ຄ່າແບບ \1 ປຽບທຽບກັບຄ່າແບບ \2 ບໍ່ໄດ້ (\3)"),
    (re.compile(r"(\S+) cannot be used on a (\w+) value and a (\w+) value"), r"\1 ໃຊ້ກັບຄ່າແບບ \2 ແລະ \3 ບໍ່ໄດ້"),
    (re.compile(r"No conditions satisfied(?: for| on)? ?(\S*)"), r"ບໍ່ມີເງື່ອນໄຂໃດຂອງ \1 ເປັນຈິງ"),
    (re.compile(r"\bline (\d+)"), r"ແຖວ \1"),
)


def lao_words(text: str) -> str:
    """`text` (plain English words, as `clean` gives them) with the usual failures said in Lao; the rest (names,
    values) as it is."""
    for pattern, words in _LAO_WORDS:
        text = pattern.sub(words, text)
    return text


def plain_words(text: str) -> str:
    """`text` without Python exception names: NameError, KeyError and the like said in plain words."""
    for pattern, words in _PYTHON_WORDS:
        text = pattern.sub(words, text)
    return text


def clean(text: str) -> str:
    """A message without Python reprs, exception names, doubled punctuation or a trailing '. ' from
    SpiffWorkflow's notes."""
    text = plain_words(_REPR.sub("", str(text or "")))
    text = re.sub(r"\s*\.\s*(\.\s*)+", ". ", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text.rstrip(". ").strip() or "error"


def _spec_of(exc):
    task = getattr(exc, "task", None)
    if task is not None:
        return task.task_spec
    return getattr(exc, "task_spec", None)


def detail_of(exc) -> str:
    cause = getattr(exc, "exception", None) or exc.__cause__ or exc
    base = getattr(cause, "detail", None) or (cause.args[0] if getattr(cause, "args", None) else str(cause))
    return clean(base)


def describe(exc) -> StepFailed:
    """The StepFailed for an engine exception raised while running the steps after a person's action."""
    spec = _spec_of(exc)
    ident = element_id(exc) or UNKNOWN[1]
    if isinstance(spec, (ExclusiveGateway, InclusiveGateway)) and "condition" in str(exc).lower():
        return StepFailed("gateway_no_route", ident, label(spec), detail_of(exc))
    return StepFailed("step_failed", ident, label(spec), detail_of(exc))


def explain(exc: BaseException) -> str:
    """One line for logs, incidents and reports: `«name» (id): detail` for an engine failure, else the cleaned
    message (or the exception's class name when it has none)."""
    from SpiffWorkflow.exceptions import SpiffWorkflowException

    if isinstance(exc, SpiffWorkflowException):
        return f"{label(_spec_of(exc))}: {detail_of(exc)}" if _spec_of(exc) is not None else detail_of(exc)
    if isinstance(exc, DomainError):
        return exc.message("en")
    text = clean(str(exc)) if str(exc) else ""
    return text if text and text != "error" else "an unexpected error in the process engine"
