"""Validation findings in Lao and English: the message catalogue and the Problem interface."""
import string

import pytest

from engine.catalogue.messages import MESSAGES
from engine.catalogue.problems import Problem, problem


def _fields(text: str) -> set[str]:
    """Placeholder names; `x_lo` in Lao pairs with `x_en` in English (a text given in both languages)."""
    return {name.removesuffix("_lo").removesuffix("_en") for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_has_lao_and_english_with_the_same_placeholders(code):
    entry = MESSAGES[code]
    for part in ("message", "hint"):
        if part not in entry:
            continue
        lo, en = entry[part]["lo"], entry[part]["en"]
        assert lo.strip() and en.strip()
        if part == "message":
            assert any("\u0e80" <= ch <= "\u0eff" for ch in lo), f"{code}: Lao text without Lao letters"
        assert _fields(lo) == _fields(en), code
    assert entry.get("severity", "error") in ("error", "warning")


def test_a_coded_problem_speaks_both_languages():
    p = problem("bpmn.duplicate_id", "workflows/s/b.bpmn", line=7, element="Review", id="Review",
                first="workflows/s/a.bpmn", first_line=5, second="workflows/s/b.bpmn", second_line=7)
    assert p.code == "bpmn.duplicate_id" and p.severity == "error"
    assert "a.bpmn line 5" in p.text("en") and "b.bpmn line 7" in p.text("en")
    assert "ສອງເທື່ອ" in p.text("lo") and "ຄຳແນະນຳ" in p.text("lo")
    assert str(p) == p.text("en")
    lo = p.as_dict("lo")
    assert lo["message"] == p.messages["lo"] and lo["messages"]["en"] == p.messages["en"]
    assert lo["element"] == "Review" and lo["line"] == 7 and lo["code"] == "bpmn.duplicate_id"


def test_an_english_only_problem_still_works_everywhere():
    p = Problem("f.bpmn", "something odd", "fix it", 3, "X", "warning")
    assert str(p) == "f.bpmn:3 [X]: warning: something odd (hint: fix it)"
    assert p.as_dict()["message"] == "something odd" and p.as_dict("lo")["hint"] == "fix it"
    assert p.as_dict()["code"] == ""
