"""A finding of the catalogue validator: where it is, what is wrong, and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    hint: str = ""
    line: int | None = None
    element: str | None = None  # BPMN element id
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" [{self.element}]"
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "file": self.file, "line": self.line, "element": self.element, "severity": self.severity,
            "message": self.message, "hint": self.hint,
        }


def check_text(value, file: str, line: int | None, what: str, problems: list[Problem]) -> dict:
    """A bilingual text {lo, en}: both present, Lao in Lao script."""
    if not isinstance(value, dict):
        problems.append(Problem(file, f"{what} must be a mapping with 'lo' and 'en'", "write {lo: ..., en: ...}", line))
        return {"lo": str(value or ""), "en": str(value or "")}
    out = {}
    for lang in ("lo", "en"):
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            name = "Lao" if lang == "lo" else "English"
            problems.append(Problem(file, f"missing {name} text for {what}", f"add '{lang}:' under {what}", line))
            text = ""
        out[lang] = text.strip() if isinstance(text, str) else ""
    if out["lo"] and not any("\u0e80" <= ch <= "\u0eff" for ch in out["lo"]):
        problems.append(Problem(file, f"the Lao text of {what} has no Lao letters: {out['lo']!r}",
                                "write it in Lao script", line, severity="warning"))
    return out
