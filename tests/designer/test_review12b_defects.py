"""Defects a second fresh designer review found (rev12b), each a kind.

Bare uploads whose completion conditions read the vendor multi-instance counters (`nrOfCompletedInstances /
nrOfInstances`, Zeebe `numberOfCompletedInstances`) got those counters as fields of the generated application
form, which then failed the platform's own field-name rule: refused, and not fixable in the draft (only its
service.yaml can be edited). Counters are the engine's and camelCase names are left to the unknown-name finding
at their element."""
from __future__ import annotations

from engine.designer.service import receive_upload
from tests.designer.designer_helpers import DATA, actor

FILES = DATA / "review12b"


def _bare(app, name: str):
    with app.app_context():
        report, draft = receive_upload([(name, (FILES / name).read_bytes())], actor("designer"))
        forms = dict(draft.forms or {}) if draft is not None else {}
        return report, draft, forms


def test_counters_of_a_bare_multi_instance_upload_are_not_application_fields(app):
    for name in ("c7_mi_counters.bpmn", "c8_mi_counters.bpmn"):
        report, draft, forms = _bare(app, name)
        assert draft is not None, name
        codes = [p["code"] for p in report.errors]
        assert not [c for c in codes if c.startswith("form.")], (name, report.errors)
        generated = "\n".join(forms.values())
        for counter in ("nrOfCompletedInstances", "nrOfInstances", "numberOfCompletedInstances"):
            assert counter not in generated, (name, counter)


def test_a_call_to_a_process_not_marked_executable_is_refused_at_the_call_activity(app):
    """Was: the engine's English without a line ("Process tax_calc is not executable"), plus a warning on the
    same process saying it is kept as documentation with nothing to change."""
    report, _draft, _forms = _bare(app, "call_not_executable.bpmn")
    [item] = [p for p in report.problems if p["code"] == "bpmn.call_not_executable"]
    assert item["element"] == "call_tax" and item["line"] == 29 and item["severity"] == "error"
    assert "tax_calc" in item["hints"]["en"] and "isExecutable" in item["hints"]["lo"]
    assert not [p for p in report.problems if p["code"] == "bpmn.engine_error"]
    assert not [p for p in report.problems if p["element"] == "tax_calc" and p["severity"] == "warning"]


def test_the_generated_service_runs_the_process_that_no_call_activity_calls(app):
    """Was: the called process was chosen as the service (service id tax_calc), with no word."""
    _report, draft, _forms = _bare(app, "two_executable_processes.bpmn")
    assert draft is not None and draft.service_id == "land_tax"
    assert "process: land_tax" in draft.files["service.yaml"]


def test_a_bare_bpmn_that_cannot_be_read_says_why_not_that_service_yaml_is_missing(app):
    """Was: an empty file, text that is not XML, a file cut off mid-way, one that is not UTF-8 and one with no
    process all answered "missing service.yaml: add the service description file", which a bare upload
    (a documented way to start) never needs."""
    good = (FILES / "c7_mi_counters.bpmn").read_bytes()
    cases = {"empty.bpmn": b"", "hello.bpmn": b"hello", "cut.bpmn": good[:900],
             "latin1.bpmn": good.decode("utf-8").replace("Vote", "V\u00f6te").encode("latin-1", "replace"),
             "no_process.bpmn": b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn='
                                b'"http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>'}
    with app.app_context():
        for name, data in cases.items():
            report, draft = receive_upload([(name, data)], actor("designer"))
            assert draft is None, name
            codes = [p["code"] for p in report.errors]
            assert "catalogue.missing_service_yaml" not in codes, (name, report.errors)
            assert report.errors and all(p["file"].endswith(name) for p in report.errors), (name, report.errors)
            assert all(p["hints"]["lo"] and p["hints"]["en"] for p in report.errors), (name, report.errors)
