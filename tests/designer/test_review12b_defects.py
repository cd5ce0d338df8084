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
