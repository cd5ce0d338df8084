"""`odsc centres export` / `odsc centres import`: the database's centres as the centres file, and back."""
from __future__ import annotations

import yaml

from engine.admin.centres_file import export_yaml, import_text, plan_import
from engine.catalogue.centres import parse_centres
from engine.db import db
from engine.models import AuditEvent, Centre, CentreService
from tests.conftest import ROOT


def _audit_count() -> int:
    return db.session.query(AuditEvent).count()


def test_export_is_in_the_centres_file_format_and_matches_the_seed(ctx):
    text = export_yaml()
    doc = yaml.safe_load(text)
    problems = []
    roles, centres = parse_centres(doc, "export.yaml", problems)
    assert [p for p in problems if p.severity == "error"] == []
    seed = yaml.safe_load((ROOT / "workflows" / "centres.yaml").read_text(encoding="utf-8"))
    assert set(roles) == set(seed["office_roles"])
    assert {c["id"] for c in centres} == {c["id"] for c in seed["centres"]}
    # the same layout as the hand-written file: names in flow style, roles as a flow list
    assert "  - id: xaysettha\n    name: {lo: ເມືອງໄຊເສດຖາ, en: Xaysettha District}\n" in text
    assert "        roles: [front_desk" in text
    # parents come before their children
    order = [c["id"] for c in centres]
    for c in centres:
        if c["parent"]:
            assert order.index(c["parent"]) < order.index(c["id"])


def test_importing_the_exported_file_changes_nothing(ctx):
    text = export_yaml()
    before = _audit_count()
    plan = import_text(text)
    assert plan.errors == [] and plan.changes == []
    assert _audit_count() == before
    assert export_yaml() == text


def test_importing_the_seed_file_changes_nothing(ctx):
    text = (ROOT / "workflows" / "centres.yaml").read_text(encoding="utf-8")
    plan = plan_import(text)
    assert plan.errors == [] and plan.changes == []


def test_dry_run_lists_the_changes_and_applies_nothing(ctx):
    text = export_yaml().replace("    name: {lo: ເມືອງໄຊເສດຖາ, en: Xaysettha District}",
                                 "    name: {lo: ເມືອງໄຊເສດຖາ, en: Xaysettha}")
    before = _audit_count()
    plan = import_text(text, dry_run=True)
    assert plan.changes == ["centre xaysettha: name {'lo': 'ເມືອງໄຊເສດຖາ', 'en': 'Xaysettha District'} -> "
                            "{'lo': 'ເມືອງໄຊເສດຖາ', 'en': 'Xaysettha'}"]
    assert db.session.get(Centre, "xaysettha").name_en == "Xaysettha District"
    assert _audit_count() == before
    import_text(text)
    db.session.expire_all()
    assert db.session.get(Centre, "xaysettha").name_en == "Xaysettha"
    event = db.session.query(AuditEvent).filter_by(kind="centre.updated").order_by(AuditEvent.id.desc()).first()
    assert event.data["before"]["name"]["en"] == "Xaysettha District" and event.data["after"]["name"]["en"] == "Xaysettha"


def test_import_refuses_a_file_with_errors_and_changes_nothing(ctx):
    text = export_yaml().replace("      - {id: residence_certificate}", "      - {id: no_such_service}", 1)
    plan = import_text(text)
    assert any("no_such_service" in p.messages["en"] for p in plan.errors)
    assert db.session.get(CentreService, ("xaysettha", "no_such_service")) is None
