"""The catalogue loader: the seed is valid; each kind of defect is reported with file, line or element and a hint."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from engine.catalogue.loader import load_catalogue
from engine.db import db
from engine.models import CentreService, ServiceVersion

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogue_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_seed_catalogue_is_valid_and_complete():
    cat = load_catalogue(ROOT)
    assert cat.errors == []
    assert len(cat.services) >= 6 and len(cat.centres) >= 8
    assert {"enterprise_registration", "construction_permit", "residence_certificate", "family_book_change",
            "birth_certificate"} <= set(cat.services)
    levels = {c["level"] for c in cat.centres}
    assert levels == {"ministry", "province", "district"}
    offers = [tuple(sorted(s["id"] for s in c["services"])) for c in cat.centres]
    assert len(set(offers)) == len(offers), "each centre offers a different subset"
    assert any(s["fee"] is not None for c in cat.centres for s in c["services"]), "a fee override exists"
    for bundle in cat.services.values():
        defn = bundle.definition
        roles = {t["role"] for t in defn["tasks"].values()}
        assert "applicant" in roles, f"{bundle.id}: a return-for-documents loop"
        assert "approver" in roles, f"{bundle.id}: an approval step"
        assert any(m["id"] == "rejected" for m in defn["milestones"]), f"{bundle.id}: a reject path"
        if defn["fee"]["amount"] > 0:
            assert "cashier" in roles, f"{bundle.id}: a fee step"
        for text in [defn["name"], *defn["documents"], *[m["label"] for m in defn["milestones"]]]:
            assert re.search("[\u0e80-\u0eff]", text["lo"]) and text["en"]


DEFECTS = [
    # (file, old, new, expected message, expected location)
    ("workflows/residence_certificate/service.yaml", "Lane_Village: village_office", "Lane_Village: village_elder",
     "unknown office role 'village_elder'", "service.yaml:"),
    ("workflows/residence_certificate/process.bpmn",
     '<spiffworkflow:property name="formJsonSchemaFilename" value="officer_review-schema.json" />', "",
     "has no form", "[Task_VillageCertify]"),
    ("forms/officer_review.yaml", "type: long_text", "type: essay", "unknown type 'essay'", "forms/officer_review.yaml:"),
    ("workflows/birth_certificate/service.yaml", "name: {lo: ", "name: {xx: ", "missing Lao text for name",
     "birth_certificate/service.yaml:"),
    ("workflows/family_book_change/service.yaml", "process: family_book_change", "process: family_book_v9",
     "process: family_book_v9 is not a process of the BPMN files", "family_book_change/service.yaml"),
    ("workflows/birth_certificate/process.bpmn", '<bpmn:endEvent id="EndEvent_Rejected"',
     '<bpmn:complexGateway id="Gateway_Complex" /><bpmn:endEvent id="EndEvent_Rejected"',
     "unsupported element complexGateway", "[Gateway_Complex]"),
    ("workflows/marriage_certificate/process.bpmn", "decision == 'reject'", "__import__('os').system('id')",
     "sandbox", "marriage_certificate/process.bpmn:"),
    ("workflows/centres.yaml", "- {id: residence_certificate", "- {id: passport_office", "unknown service 'passport_office'",
     "workflows/centres.yaml:"),
]


@pytest.mark.parametrize("file,old,new,message,where", DEFECTS, ids=[d[3][:30] for d in DEFECTS])
def test_each_defect_is_reported_precisely(catalogue_copy, file, old, new, message, where):
    edit(catalogue_copy / file, old, new)
    cat = load_catalogue(catalogue_copy)
    matching = [str(p) for p in cat.errors if message in str(p)]
    assert matching, [str(p) for p in cat.errors]
    assert any(where in m for m in matching), matching
    assert all(p.hint or "not found" in p.message or "sandbox" in p.message for p in cat.errors if message in str(p))


def test_not_well_formed_bpmn_gives_the_line(catalogue_copy):
    path = catalogue_copy / "workflows/birth_certificate/process.bpmn"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40] + "<broken"
    path.write_text("\n".join(lines), encoding="utf-8")
    errors = [str(p) for p in load_catalogue(catalogue_copy).errors]
    assert any("not well-formed XML" in e and re.search(r"process\.bpmn:4[12]", e) for e in errors), errors


def test_cli_check_exit_codes(runner, catalogue_copy):
    good = runner.invoke(args=["catalogue", "check", str(ROOT)])
    assert good.exit_code == 0, good.output
    assert "0 errors" in good.output
    edit(catalogue_copy / "forms/officer_review.yaml", "type: long_text", "type: essay")
    bad = runner.invoke(args=["catalogue", "check", str(catalogue_copy)])
    assert bad.exit_code == 1
    assert "forms/officer_review.yaml" in bad.output and "unknown type 'essay'" in bad.output


def test_load_is_idempotent_and_versions_change_with_content(app, runner, catalogue_copy):
    with app.app_context():
        versions = db.session.query(ServiceVersion).count()
    again = runner.invoke(args=["catalogue", "load", str(ROOT)])
    assert again.exit_code == 0, again.output
    assert "residence_certificate: v1 unchanged" in again.output
    edit(catalogue_copy / "workflows/residence_certificate/service.yaml", "time_limit_days: 1", "time_limit_days: 2")
    changed = runner.invoke(args=["catalogue", "load", str(catalogue_copy)])
    assert "residence_certificate: v2 published" in changed.output
    assert "birth_certificate: v1 unchanged" in changed.output
    with app.app_context():
        assert db.session.query(ServiceVersion).count() == versions + 1
        override = db.session.query(CentreService).filter(CentreService.fee_override.is_not(None)).first()
        assert override is not None


def test_load_keeps_centres_changed_by_administrators(app, runner):
    with app.app_context():
        offer = db.session.get(CentreService, ("xaysettha", "birth_certificate"))
        offer.fee_override = 12345
        db.session.commit()
    assert runner.invoke(args=["catalogue", "load", str(ROOT)]).exit_code == 0
    with app.app_context():
        assert db.session.get(CentreService, ("xaysettha", "birth_certificate")).fee_override == 12345
    synced = runner.invoke(args=["catalogue", "load", "--sync-centres", str(ROOT)])
    assert synced.exit_code == 0, synced.output
    with app.app_context():
        assert db.session.get(CentreService, ("xaysettha", "birth_certificate")).fee_override != 12345


def test_centre_time_zone_is_optional_and_checked_with_file_and_line(runner, catalogue_copy):
    path = catalogue_copy / "workflows/centres.yaml"
    edit(path, "  - id: xaysettha\n", "  - id: xaysettha\n    timezone: Asia/Bangkok\n")
    cat = load_catalogue(catalogue_copy)
    assert cat.errors == []
    zones = {c["id"]: c["timezone"] for c in cat.centres}
    assert zones["xaysettha"] == "Asia/Bangkok" and zones["chanthabouly"] == "Asia/Vientiane"
    edit(path, "timezone: Asia/Bangkok", "timezone: Asia/Vientaine")
    line = path.read_text(encoding="utf-8").splitlines().index("    timezone: Asia/Vientaine") + 1
    errors = [p for p in load_catalogue(catalogue_copy).errors if "time zone" in p.text("en")]
    assert len(errors) == 1
    assert f"centres.yaml:{line}" in errors[0].text("en") and "Asia/Vientaine" in errors[0].text("en")
    assert "ເຂດເວລາ" in errors[0].text("lo") and errors[0].hint
    bad = runner.invoke(args=["catalogue", "check", str(catalogue_copy)])
    assert bad.exit_code == 1 and "Asia/Vientaine" in bad.output
