"""Every service.yaml and form finding says what to change, in Lao and English (fresh review rev12b: a bad fee
amount was refused with an empty hint, and so were 17 other service and form findings)."""
from __future__ import annotations

import re
from pathlib import Path

from engine.catalogue.hints_files import HINTS
from engine.catalogue.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
LAO = re.compile(r"[\u0e80-\u0eff]")


def _findings_without_a_hint() -> set[str]:
    """Codes of Problem(...) calls in the service and form readers that pass no hint of their own."""
    codes = set()
    for name in ("services.py", "forms.py"):
        source = (ROOT / "engine" / "catalogue" / name).read_text(encoding="utf-8")
        for args, code in re.findall(r"Problem\((.*?)code=\"([a-z_.]+)\"\)", source, re.S):
            if not re.search(r'\},\s*\{"lo"', args) and "hint=" not in args and not re.search(r'",\s*"', args):
                codes.add(code)
    return codes


def test_every_finding_written_without_a_hint_has_one_by_its_code():
    missing = _findings_without_a_hint() - set(HINTS)
    assert not missing, sorted(missing)


def test_the_hints_are_in_lao_and_english_and_reach_the_report():
    for code, hint in HINTS.items():
        assert LAO.search(hint["lo"]) and hint["en"] and not LAO.search(hint["en"]), code
    item = Problem("service.yaml", {"lo": "ຄ່າທຳນຽມ", "en": "fee"}, line=3, code="service.fee_amount_whole_number")
    assert item.as_dict("lo")["hint"] == HINTS["service.fee_amount_whole_number"]["lo"]
    assert item.hints["en"].startswith("write the fee as whole kip")
