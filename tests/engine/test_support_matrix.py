"""docs/BPMN_SUPPORT.md and the table the validator enforces (engine/catalogue/support.py) say the same thing."""
from __future__ import annotations

import re
from pathlib import Path

import SpiffWorkflow
from lxml import etree

from engine.catalogue.support import BY_KEY, EVENT_TAGS, STATUSES, TABLE, counts_text, markdown_table

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "BPMN_SUPPORT.md"
SEMANTIC_XSD = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema" / "Semantic.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"
LAO = re.compile("[\u0e80-\u0eff]")


def _doc_matrix() -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- MATRIX:BEGIN[^>]*-->\n(.*?)\n<!-- MATRIX:END -->", text, re.S)
    assert match, "docs/BPMN_SUPPORT.md lost its MATRIX markers"
    return match.group(1)


def test_the_doc_holds_exactly_the_table():
    assert _doc_matrix() == markdown_table(), "regenerate: python -m engine.catalogue.support"
    assert counts_text() in DOC.read_text(encoding="utf-8")


def test_every_row_is_complete_and_bilingual():
    for row in TABLE:
        assert row.status in STATUSES, row.key
        assert row.what["en"] and LAO.search(row.what["lo"]), row.key
        if row.status == "refused":
            assert row.note["en"] and LAO.search(row.note["lo"]), f"{row.key}: a refusal needs a hint"
        if row.status == "limited":
            assert row.note["en"] and row.note["lo"], f"{row.key}: say which limits"


def test_every_element_of_the_bpmn_schema_has_a_row():
    schema = etree.parse(str(SEMANTIC_XSD)).getroot()
    names = {e.get("name") for e in schema.iter(f"{XS}element") if e.get("name")}
    missing = sorted(n for n in names if n not in BY_KEY and n not in EVENT_TAGS)
    assert not missing, missing
    triggers = {n[: -len("EventDefinition")] for n in names if n.endswith("EventDefinition") and n != "eventDefinition"}
    for tag in EVENT_TAGS:
        rows = {key.split(":")[1] for key in BY_KEY if key.startswith(f"{tag}:")}
        assert rows, tag
        assert rows <= triggers | {"none", "multiple"}, (tag, rows - triggers)


def test_the_conformance_scenarios_the_matrix_names_exist():
    data = ROOT / "tests" / "conformance" / "data"
    named = sorted({t for row in TABLE for t in row.tests})
    assert named
    if not data.is_dir():  # tests/conformance/ comes from the runtime half of issue 12 (branch c12rt)
        import pytest

        pytest.skip("tests/conformance/data is not on this branch yet")
    missing = [name for name in named if not (data / name).exists() and not list(data.glob(f"{name}.*"))]
    assert not missing, missing
