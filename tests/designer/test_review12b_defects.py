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
