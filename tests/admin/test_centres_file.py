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


def test_a_centres_time_zone_round_trips_through_export_and_import(ctx):
    text = export_yaml()
    assert "  - id: xaysettha\n" in text and "    timezone: Asia/Vientiane\n" in text  # every centre names its zone
    changed = text.replace("  - id: xaysettha\n", "  - id: xaysettha\n    timezone: Asia/Bangkok\n", 1)
    # the explicit key of the entry wins over the exported default that follows it: remove that one
    head, tail = changed.split("  - id: xaysettha\n", 1)
    tail = tail.replace("    timezone: Asia/Vientiane\n", "", 1)
    changed = head + "  - id: xaysettha\n" + tail
    plan = import_text(changed)
    assert plan.errors == []
    assert plan.changes == ["centre xaysettha: timezone 'Asia/Vientiane' -> 'Asia/Bangkok'"]
    db.session.expire_all()
    assert db.session.get(Centre, "xaysettha").timezone == "Asia/Bangkok"
    again = export_yaml()
    assert import_text(again).changes == []
    assert "timezone: Asia/Bangkok" in again


def test_import_refuses_an_unknown_time_zone_with_its_line_in_both_languages(ctx):
    text = export_yaml()
    head, tail = text.split("  - id: xaysettha\n", 1)
    tail = tail.replace("    timezone: Asia/Vientiane\n", "    timezone: Asia/Vientaine\n", 1)
    bad = head + "  - id: xaysettha\n" + tail
    line = bad.splitlines().index("    timezone: Asia/Vientaine") + 1
    plan = import_text(bad)
    errors = [p for p in plan.errors if "time zone" in p.text("en")]
    assert len(errors) == 1 and errors[0].line == line
    assert "Asia/Vientaine" in errors[0].text("en") and "ເຂດເວລາ" in errors[0].text("lo")
    db.session.expire_all()
    assert db.session.get(Centre, "xaysettha").timezone == "Asia/Vientiane"
