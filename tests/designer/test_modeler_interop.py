"""Files as common modelers export them: accepted as they are, or a precise report at the element."""
from __future__ import annotations

import pytest

from engine.designer.upload import collect
from engine.designer.validate import validate
from tests.designer.designer_helpers import make_zip, scenario_files, upload


def _report(app, scenario: str):
    with app.app_context():
        return validate(collect(scenario_files(scenario)))


def _by_element(report) -> dict:
    out: dict = {}
    for p in report.problems:
        out.setdefault(p["element"], []).append(p)
    return out


def test_camunda_modeler_5_forms_groups_assignee_and_juel_conditions(app):
    report = _report(app, "camunda_modeler")
    assert report.ok, report.errors
    tasks = report.bundle.definition["tasks"]
    # camunda:formKey with a deployment prefix, an embedded form path, and camunda:formRef
    assert tasks["Task_Check"]["form"] == "document_check"
    assert tasks["Task_ProvideDocuments"]["form"] == "provide_documents"
    assert tasks["Task_Approve"]["form"] == "approval_decision"
    # routing: candidateGroups (a list with an unknown group too) and camunda:assignee as a hint
    assert tasks["Task_Check"]["role"] == "front_desk"
    assert tasks["Task_Issue"]["role"] == "front_desk"
    assert tasks["Task_ProvideDocuments"]["role"] == "applicant"
    assert tasks["Task_Approve"]["role"] == "approver"
    notes = _by_element(report)
    assert any("assignee" in p["message"] for p in notes["Task_Approve"])
    assert "Flow_Check_Reject" not in notes  # ${decision == 'reject'} is translated, nothing to report
    assert all(p["severity"] == "warning" for p in report.problems)


def test_spiffarena_properties_lanes_and_script(app):
    report = _report(app, "spiffarena")
    assert report.ok, report.errors
    tasks = report.bundle.definition["tasks"]
    assert tasks["Activity_check_docs"] == {**tasks["Activity_check_docs"], "form": "document_check",
                                            "role": "front_desk"}
    assert tasks["Activity_pay"]["role"] == "cashier"
    assert report.problems == []


def test_signavio_collaboration_extra_pools_no_is_executable_and_iso_timers(app):
    report = _report(app, "signavio")
    assert report.ok, report.errors
    by = _by_element(report)
    # the one pool with a flow is run, with a warning on the process
    assert any("the only process with a flow in this file, so it is run" in p["message"] for p in by["sid-boat-process"])
    # data stores and annotations are harmless: warnings
    assert by["sid-store"][0]["severity"] == "warning" and by["sid-store"][0]["element_name"] == "ທະບຽນເຮືອ"
    assert by["sid-note"][0]["severity"] == "warning"
    assert {p["severity"] for p in report.problems} == {"warning"}


def test_iso_timers_written_without_quotes_become_timer_specs(app):
    from engine.catalogue.bpmn import specs_from_xml

    with app.app_context():
        report = validate(collect(scenario_files("signavio")))
        spec, _ = specs_from_xml(report.bundle.bpmn, "sid-boat-process")
    expressions = {name: ts.event_definition.expression for name, ts in spec.task_specs.items()
                   if getattr(getattr(ts, "event_definition", None), "expression", None)}
    assert expressions["sid-remind"] == "'R3/PT1H'"
    assert expressions["sid-deadline"] == "'2027-01-15T09:00:00+07:00'"
    with app.app_context():
        camunda = validate(collect(scenario_files("camunda_modeler")))
        spec, _ = specs_from_xml(camunda.bundle.bpmn, "fishing_permit")
    assert spec.task_specs["Timer_Remind"].event_definition.expression == "'P3D'"
    # the JUEL condition ${decision == 'reject'} runs in its translated form
    conditions = {target: cond.args[0] for cond, target in spec.task_specs["Gateway_Check"].cond_task_specs if cond}
    assert conditions == {"EndEvent_Rejected": "(decision == 'reject')", "Task_ProvideDocuments": "(decision == 'return')"}


def test_plain_bpmn_io_gets_a_precise_element_level_report(app):
    report = _report(app, "bpmn_io")
    assert not report.ok
    errors = {(p["element"], p["element_name"]): p for p in report.errors}
    assert set(errors) == {("Activity_Check", "Check documents"), ("Activity_Approve", "Approve")}
    for p in errors.values():
        assert p["message"].endswith("has no form")
        assert "camunda:formKey" in p["hint"]
        assert p["line"] and p["file"].endswith("diagram.bpmn")
    # lanes named by office role are understood; isExecutable="false" of the single pool is only a warning
    assert not any("lane" in p["message"] for p in report.problems)


def test_every_mistake_is_reported_at_its_element(app):
    report = _report(app, "invalid")
    found = {(p["element"], p["severity"]): p["message"] for p in report.problems}
    assert "has no office role" in found[("Lane_Mystery", "error")]
    assert "unknown form 'no_such_form'" in found[("Task_Check", "error")]
    assert "has no form" in found[("Task_Review", "error")]
    assert "unsupported element complexGateway" in found[("Gateway_Complex", "error")]
    assert "no loop cardinality" in found[("Task_Sign", "error")]
    assert "several start events" in found[("Sub_Inspect", "error")]
    assert "unknown BPMN element" in found[("EndEvent_Missing", "error")]
    # the non-executable partner pool is documentation: a warning naming it; what it holds is never an error
    assert ("Gateway_Partner", "warning") in found and ("Process_partner", "warning") in found
    assert "kept as documentation" in found[("Process_partner", "warning")]
    assert not any(p["element"] == "DataStore_Registry" and p["severity"] == "error" for p in report.problems)


def test_not_well_formed_xml_is_reported_with_its_line(app):
    files = dict(scenario_files("camunda_modeler"))
    files["fishing_permit.bpmn"] = files["fishing_permit.bpmn"].replace(b"</bpmn:process>", b"</bpmn:proces>")
    with app.app_context():
        report = validate(collect(list(files.items())))
    error = report.errors[0]
    assert "not well-formed XML" in error["message"] and error["line"] > 1


@pytest.mark.parametrize("scenario, status", [("camunda_modeler", 302), ("spiffarena", 302), ("signavio", 302),
                                              ("bpmn_io", 422), ("invalid", 422)])
def test_upload_through_the_browser(app, designer, scenario, status):
    response = upload(designer, [(f"{scenario}.zip", make_zip(scenario_files(scenario), folder=None))])
    assert response.status_code == status
    if status == 422:
        assert b"cannot be published" in response.data
        assert b"Activity_Check" in response.data or b"Lane_Mystery" in response.data
    else:
        page = designer.get(response.headers["Location"])
        assert page.status_code == 200
        assert b"No errors." in page.data and b"Publish" in page.data


def test_camunda_8_zeebe_form_and_assignment_are_read():
    from engine.catalogue.bpmn import read_document

    xml = b'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn"
    exporter="Camunda Modeler" exporterVersion="5.21.0">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:userTask id="t" name="Review">
      <bpmn:extensionElements>
        <zeebe:formDefinition formId="officer_review" />
        <zeebe:assignmentDefinition candidateGroups="commerce_officer" />
      </bpmn:extensionElements>
    </bpmn:userTask>
  </bpmn:process>
</bpmn:definitions>'''
    problems: list = []
    doc = read_document(xml, "p.bpmn", problems)
    assert doc.user_tasks["t"].form == "officer_review"
    assert doc.user_tasks["t"].candidate_groups == ["commerce_officer"]
    assert problems == []


def test_an_uploaded_form_that_changes_a_published_one_is_a_warning(app):
    from pathlib import Path

    seed = (Path(__file__).resolve().parents[2] / "forms" / "approval_decision.yaml").read_text(encoding="utf-8")
    changed = seed.replace("en: Approve}", "en: Approve the permit}")
    with app.app_context():
        report = validate(collect(scenario_files("camunda_modeler") + [("approval_decision.yaml",
                                                                         changed.encode("utf-8"))]))
    assert report.ok
    warning = next(p for p in report.problems if p["file"] == "forms/approval_decision.yaml")
    assert warning["severity"] == "warning" and "differs from the published form" in warning["message"]
    form = report.bundle.definition["forms"]["approval_decision"]
    assert form["fields"][0]["choices"][0]["label"]["en"] == "Approve the permit"
