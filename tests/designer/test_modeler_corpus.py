"""The modeler corpus: files written in the export dialect of each common modeler, each with its expected outcome.

tests/designer/data/corpus/expected.yaml is the table. A file that runs is uploaded, published and driven to its
end through the real commands, with the parsed specs and the workflow cache dropped before every step, so each
step restores the workflow from the database. A refused file gets the listed error at the listed element, never
a hostile audit. Every report is checked for the qualities a designer relies on.
"""
from __future__ import annotations

import re

import pytest
import yaml

from tests.designer.designer_helpers import DATA, actor, complete_next, ready_tasks

CORPUS = DATA / "corpus"
TABLE = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
# findings about a whole file, not one of its elements
FILE_LEVEL = ("not well-formed XML", "no process in this file", "DOCTYPE", "not UTF-8", "root element", "bytes, more")
TOOLS = {"Camunda Modeler 5 (Camunda 7)", "Camunda Modeler 5 (Camunda 8)", "bpmn.io", "Signavio Process Editor",
         "Bizagi Modeler", "Visual Paradigm", "ADONIS", "SpiffArena"}


def _sid(entry: dict) -> str:
    return "corpus_" + re.sub(r"[^a-z0-9_]", "_", entry["file"].removesuffix(".bpmn").lower())[:50]


def _service_yaml(entry: dict) -> bytes:
    """A service description for the file: milestones on its start and end events, as a designer would write."""
    from engine.catalogue.bpmn import read_document

    doc = read_document((CORPUS / entry["file"]).read_bytes(), entry["file"], [])
    process = entry.get("process") or (doc.executable[0] if doc.executable else doc.process_ids[0])
    events = {eid: el for eid, el in doc.elements.items() if el["process"] == process}
    starts = [eid for eid, el in events.items() if el["tag"] == "startEvent"]
    ends = {eid: el for eid, el in events.items() if el["tag"] == "endEvent"}
    rejected = [eid for eid, el in ends.items() if el["name"] == "ປະຕິເສດ"]
    completed = [eid for eid in ends if eid not in rejected]
    service = {
        "id": _sid(entry), "name": {"lo": "ບໍລິການທົດສອບ", "en": f"Corpus {entry['file']}"},
        "description": {"lo": "ບໍລິການທົດສອບ", "en": "A test service"},
        "application_form": "residence_application", "fee": {"amount": 0}, "time_limit_days": 3,
        "lanes": entry.get("lanes") or {},
        "milestones": [m for m in (
            {"id": "received", "elements": starts, "label": {"lo": "ໄດ້ຮັບ", "en": "Received"}},
            {"id": "completed", "elements": completed, "label": {"lo": "ສຳເລັດ", "en": "Completed"}},
            {"id": "rejected", "elements": rejected, "label": {"lo": "ປະຕິເສດ", "en": "Rejected"}},
        ) if m["elements"]],
    }
    if entry.get("process"):
        service["process"] = entry["process"]
    return yaml.safe_dump(service, allow_unicode=True, sort_keys=False).encode("utf-8")


def _files(entry: dict) -> list[tuple[str, bytes]]:
    return [("service.yaml", _service_yaml(entry)), (entry["file"], (CORPUS / entry["file"]).read_bytes())]


def _assert_report_quality(report) -> None:
    for item in report.problems:
        where = f"{item['file']}:{item['line']} {item['message']}"
        if item["file"].endswith(".bpmn") and not any(m in item["messages"]["en"] for m in FILE_LEVEL):
            assert item["element"], f"no element id: {where}"
        for lang in ("lo", "en"):
            message, hint = item["messages"][lang], item["hints"][lang]
            assert message.strip(), where
            text = re.sub(r"«[^»]*»", "«»", message + " " + hint)  # quoted designer text is theirs
            assert not re.search(r"<\w+ .* at 0x|0x[0-9a-f]{6,}", text), where
            assert "''" not in text and '""' not in text and "«»«" not in text, where
            assert not re.search(r"[.,;:]\s*[.,;:]", text.replace("...", "…").replace("..", "")), where
        # every finding speaks Lao too (the designer's language first on the page)
        assert re.search("[\u0e80-\u0eff]", item["messages"]["lo"]), f"no Lao text: {where}"
        assert not item["hints"]["en"] or re.search("[\u0e80-\u0eff]", item["hints"]["lo"]), f"no Lao hint: {where}"


def test_the_corpus_covers_every_modeler_with_at_least_twenty_files():
    files = {entry["file"] for entry in TABLE}
    assert len(files) >= 20
    assert {entry["tool"].split(" (with")[0] for entry in TABLE} >= TOOLS
    assert files == {p.name for p in CORPUS.glob("*.bpmn")}, "every file has an expected outcome"


@pytest.mark.parametrize("entry", TABLE, ids=[f"{e['file']}-{i}" for i, e in enumerate(TABLE)])
def test_corpus_file_outcome(app, entry):
    from engine.db import db
    from engine.designer.service import publish_draft, receive_upload
    from engine.models import Application
    from engine.runtime import specs, store
    from tests.designer.designer_helpers import start

    with app.app_context():
        report, draft = receive_upload(_files(entry), actor("designer"))
        _assert_report_quality(report)
        assert report.hostile == [], report.hostile
        if "refused" in entry:
            expected = entry["refused"]
            assert draft is None
            matching = [p for p in report.errors if (p["code"] == expected["code"])
                        and p["element"] == expected["element"]]
            assert matching, report.errors
            for word in expected.get("says", []):
                assert any(word in p["messages"]["en"] for p in matching), (word, matching)
            return
        assert draft is not None, report.errors
        warned = {p["element"] for p in report.warnings}
        assert set(entry.get("warnings", [])) <= warned, (warned, report.warnings)
        publish_draft(draft.id, actor("designer"), ["xaysettha"])
        application_id = start(_sid(entry)).id
        for task_id, decision in entry["runs"]:
            specs.clear()  # every step restores the workflow from the database with a freshly parsed spec
            store.clear_cache()
            assert [t.bpmn_id for t in ready_tasks(application_id)] == [task_id]
            assert complete_next(application_id, decision) == task_id
        db.session.expire_all()
        application = db.session.get(Application, application_id)
        assert ready_tasks(application_id) == []
        assert application.milestone == entry["end"]
        assert application.status in ("completed", "rejected")


def test_no_corpus_file_is_audited_as_hostile(app, designer):
    from tests.designer.designer_helpers import audit_kinds, upload

    for entry in TABLE:
        upload(designer, _files(entry))
    for _kind, _summary, data in audit_kinds(app, "designer.upload_rejected"):
        assert data["hostile"] is False, data
