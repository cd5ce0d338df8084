"""A finding of the catalogue validator: where it is, what is wrong, and how to fix it, in Lao and English.

A message or hint is either a plain string (English only: older call sites; Lao falls back to it) or a bilingual
mapping ``{"lo": ..., "en": ...}``. New findings are written with :func:`problem` and a code from
``engine.catalogue.messages.MESSAGES``, which holds both languages and formats the parameters::

    problem("bpmn.unsupported_element", file, line=12, element="Catch_1", tag="intermediateCatchEvent", ...)

``Problem.text(locale)`` and ``Problem.as_dict(locale)`` give one language; ``str(problem)`` is the English line the
CLI prints.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LOCALES = ("lo", "en")


def _both(text) -> dict[str, str]:
    """{lo, en} of a message or hint given as a string (English, used for both) or a mapping."""
    if isinstance(text, Mapping):
        en = str(text.get("en") or text.get("lo") or "")
        return {"lo": str(text.get("lo") or en), "en": en}
    value = "" if text is None else str(text)
    return {"lo": value, "en": value}


@dataclass(frozen=True)
class Problem:
    file: str
    message: str | Mapping
    hint: str | Mapping = ""
    line: int | None = None
    element: str | None = None  # BPMN element id
    severity: str = "error"  # error | warning
    code: str = ""  # a stable code from engine.catalogue.messages, "" for older English-only findings
    params: Mapping = field(default_factory=dict, compare=False, hash=False)

    @property
    def messages(self) -> dict[str, str]:
        """The message in both languages: {"lo": ..., "en": ...}."""
        return _both(self.message)

    @property
    def hints(self) -> dict[str, str]:
        """The hint in both languages: {"lo": ..., "en": ...}; for a finding written without one, what its
        code says to change (engine.catalogue.hints_files); "" when there is none."""
        both = _both(self.hint)
        if not both["en"] and self.code:
            from engine.catalogue.hints_files import HINTS

            return dict(HINTS.get(self.code) or both)
        return both

    def text(self, locale: str = "en") -> str:
        """One line in `locale` ("lo" or "en"): where, severity, message and hint."""
        lo = locale == "lo"
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" [{self.element}]"
        severity = {"error": "ຂໍ້ຜິດພາດ", "warning": "ຄຳເຕືອນ"}.get(self.severity, self.severity) if lo \
            else self.severity
        message, hint = self.messages[locale if lo else "en"], self.hints[locale if lo else "en"]
        text = f"{where}: {severity}: {message}"
        if not hint:
            return text
        return f"{text} (ຄຳແນະນຳ: {hint})" if lo else f"{text} (hint: {hint})"

    def __str__(self) -> str:
        return self.text("en")

    def as_dict(self, locale: str = "en") -> dict:
        """A JSON-ready finding. `message` and `hint` are in `locale`; `messages` and `hints` hold both."""
        lang = locale if locale in LOCALES else "en"
        return {
            "file": self.file, "line": self.line, "element": self.element, "severity": self.severity,
            "code": self.code, "message": self.messages[lang], "hint": self.hints[lang],
            "messages": self.messages, "hints": self.hints,
        }


def problem(code: str, file: str, line: int | None = None, element: str | None = None,
            severity: str | None = None, **params) -> Problem:
    """A bilingual finding from the message catalogue.

    `code` names an entry of engine.catalogue.messages.MESSAGES; `params` fill its `{name}` placeholders in both
    languages (a parameter given as {"lo": ..., "en": ...} fills each language with its own text; `params`
    keeps the English). The entry's severity applies unless `severity` is given. Raises KeyError for an unknown code (a
    programming error, caught by the catalogue test).
    """
    from engine.catalogue.messages import MESSAGES

    entry = MESSAGES[code]

    def fill(template: str, lang: str) -> str:
        # a parameter may itself be bilingual ({"lo", "en"}): a reason the Lao text must give in Lao
        return template.format(**{k: v[lang] if _bilingual(v) else v for k, v in params.items()})

    message = {lang: fill(entry["message"][lang], lang) for lang in LOCALES}
    hint = {lang: fill(entry["hint"][lang], lang) for lang in LOCALES} if entry.get("hint") else ""
    return Problem(file, message, hint, line, element, severity or entry.get("severity", "error"), code,
                   {k: v["en"] if _bilingual(v) else v for k, v in params.items()})


def _bilingual(value) -> bool:
    return isinstance(value, Mapping) and set(value) == set(LOCALES)


def check_text(value, file: str, line: int | None, what: str, problems: list[Problem]) -> dict:
    """A bilingual text {lo, en}: both present, Lao in Lao script."""
    if not isinstance(value, dict):
        problems.append(Problem(file, {"lo": f"{what} ຕ້ອງເປັນ mapping ທີ່ມີ lo ແລະ en", "en": f"{what} must be a mapping with lo and en"},
                                {"lo": "ຂຽນ {lo: …, en: …}", "en": "write {lo: …, en: …}"}, line, code="service.mapping_lo_en"))
        return {"lo": str(value or ""), "en": str(value or "")}
    out = {}
    for lang in ("lo", "en"):
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            name = "Lao" if lang == "lo" else "English"
            problems.append(Problem(file, {"lo": f"ບໍ່ມີຂໍ້ຄວາມພາສາ{'ລາວ' if lang == 'lo' else 'ອັງກິດ'}ຂອງ {what}", "en": f"missing {name} text for {what}"},
                                    {"lo": f"ເພີ່ມ {lang}: ໃຕ້ {what}", "en": f"add {lang}: under {what}"}, line, code="service.missing_text"))
            text = ""
        out[lang] = text.strip() if isinstance(text, str) else ""
    if out["lo"] and not any("\u0e80" <= ch <= "\u0eff" for ch in out["lo"]):
        problems.append(Problem(file, {"lo": f"ຂໍ້ຄວາມພາສາລາວຂອງ {what} ບໍ່ມີຕົວອັກສອນລາວ: «{out['lo']}»",
                                 "en": f"the Lao text of {what} has no Lao letters: «{out['lo']}»"},
                                {"lo": "ຂຽນເປັນຕົວອັກສອນລາວ", "en": "write it in Lao script"}, line, severity="warning", code="service.lao_text_has_no"))
    return out
