"""Every finding the validator gives on the repository's BPMN fixtures is one a designer can act on.

The modeler corpus (with its service.yaml and uploaded bare), the conformance scenarios and the designer's test
scenarios are validated; each finding must carry a stable code, an element id when it is about an element,
Lao and English text and hint, and no Python repr, empty quotes, `?` element or exception name.
"""
from __future__ import annotations

import re

import pytest
import yaml

from engine.designer.upload import collect
from engine.designer.validate import validate
from tests.designer.designer_helpers import DATA, scenario_files

CONFORMANCE = DATA.parents[1] / "conformance" / "data"
CORPUS = DATA / "corpus"
LAO = re.compile("[\u0e80-\u0eff]")
# findings about a whole file or the service description, not one BPMN element
FILE_CODES = ("bpmn.not_xml", "bpmn.no_process", "process.several", "process.unknown", "scaffold.application",
              "scaffold.fee", "scaffold.application_field", "upload.", "service.", "form.", "catalogue.")
DESIGNER_SCENARIOS = sorted(p.name for p in DATA.iterdir() if p.is_dir() and p.name not in ("corpus", "hostile",
                                                                                           "review12"))
REVIEW12 = sorted(p.name for p in (DATA / "review12").iterdir() if p.is_dir() and p.name != "bare")


def _conformance_files(name: str) -> list[tuple[str, bytes]]:
    folder = CONFORMANCE / name
    files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]
    files += [(f"forms/{p.name}", p.read_bytes()) for p in sorted((CONFORMANCE / "_forms").glob("*.yaml"))]
    return files


def _corpus_cases() -> list[tuple[str, list]]:
    from tests.designer.test_modeler_corpus import TABLE, _files

    cases, seen = [], set()
    for entry in TABLE:
        if entry["file"] in seen:
            continue
        seen.add(entry["file"])
        cases.append((f"corpus:{entry['file']}", _files(entry)))
        cases.append((f"bare:{entry['file']}", [(entry["file"], (CORPUS / entry["file"]).read_bytes())]))
    return cases


CASES = ([(f"conformance:{n}", None) for n in sorted(p.name for p in CONFORMANCE.iterdir()
                                                     if p.is_dir() and not p.name.startswith("_"))]
         + [(f"designer:{n}", None) for n in DESIGNER_SCENARIOS]
         + [(f"review12:{n}", None) for n in REVIEW12])


def _files_of(case: str):
    kind, name = case.split(":", 1)
    if kind == "conformance":
        return _conformance_files(name)
    if kind == "designer":
        return scenario_files(name)
    return scenario_files(f"review12/{name}")


def _report(app, files):
    from engine.designer.service import propose_service

    upload = collect(files)
    with app.app_context():
        propose_service(upload)
        return validate(upload)


def _check(report, case: str) -> None:
    assert report.problems is not None
    for item in report.problems:
        where = f"{case}: {item['file']}:{item['line']} [{item['element']}] {item['messages']['en']}"
        assert item["code"], f"no code: {where}"
        if item["file"].endswith(".bpmn") and not item["code"].startswith(FILE_CODES):
            assert item["element"] and item["element"] != "?", f"no element: {where}"
        for lang in ("lo", "en"):
            message, hint = item["messages"][lang], item["hints"][lang]
            assert message.strip() and hint.strip(), f"no {lang} text or hint: {where}"
            text = re.sub(r"«[^»]*»", "«»", message + " " + hint)  # quoted designer text is theirs
            assert not re.search(r"<\w[^>]* at 0x|0x[0-9a-f]{6,}", text), where
            assert "''" not in text and '""' not in text, where
            assert not re.search(r"\b[A-Z]\w*(Error|Exception)\b", text), where
        assert LAO.search(item["messages"]["lo"]) and LAO.search(item["hints"]["lo"]), f"no Lao: {where}"
        assert not re.search(r"\b(\w+) \1\b", item["messages"]["en"].lower()), f"doubled word: {where}"


@pytest.mark.parametrize("case", [c for c, _ in CASES])
def test_every_finding_of_the_fixtures_is_actionable(app, case):
    _check(_report(app, _files_of(case)), case)


@pytest.mark.parametrize("case", [c for c, _ in _corpus_cases()])
def test_every_finding_of_the_modeler_corpus_is_actionable(app, case):
    files = dict(_corpus_cases())[case]
    _check(_report(app, files), case)


def test_the_quality_check_sees_findings():
    """The corpus does produce errors and warnings, so the checks above are not vacuous."""
    assert len(_corpus_cases()) >= 40
    assert yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
