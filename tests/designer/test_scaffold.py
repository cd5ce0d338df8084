"""A bare BPMN upload (no service.yaml) opens a draft with a generated service.yaml the designer reviews and edits.

Driven through the real commands and pages: the generated description is validated like any other, the report
lists every guess, the page edits it, and a generated service publishes and runs to its end.
"""
from __future__ import annotations

import io
import re

import yaml

from tests.designer.designer_helpers import DATA, actor, complete_next, ready_tasks, start

CORPUS = DATA / "corpus"
LAO = re.compile("[\u0e80-\u0eff]")

CAMUNDA7_FORM_DATA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn"
    exporter="Camunda Modeler" exporterVersion="5.21.0">
  <bpmn:process id="Well_Permit" name="ໃບອະນຸຍາດເຈາະນ້ຳສ້າງ" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_1" name="Front desk"><bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Check</bpmn:flowNodeRef><bpmn:flowNodeRef>Gw</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_2" name="Water office"><bpmn:flowNodeRef>Task_Inspect</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>End_Done</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Rejected</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1" name="ຍື່ນ" />
    <bpmn:userTask id="Task_Check" name="Check">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="decision" label="Result" type="enum">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
            <camunda:value id="approve" name="Complete" /><camunda:value id="reject" name="Reject" />
          </camunda:formField>
          <camunda:formField id="depth" label="Depth (m)" type="long" />
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="Gw" default="Flow_Ok" />
    <bpmn:userTask id="Task_Inspect" name="Inspect the site" />
    <bpmn:endEvent id="End_Done" name="Issued" />
    <bpmn:endEvent id="End_Rejected" name="Rejected" />
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="Gw" />
    <bpmn:sequenceFlow id="Flow_Reject" sourceRef="Gw" targetRef="End_Rejected">
      <bpmn:conditionExpression>${decision == 'reject'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Ok" sourceRef="Gw" targetRef="Task_Inspect" />
    <bpmn:sequenceFlow id="F5" sourceRef="Task_Inspect" targetRef="End_Done" />
  </bpmn:process>
</bpmn:definitions>
"""


def _codes(report) -> dict:
    out: dict = {}
    for p in report.problems:
        out.setdefault(p["code"], []).append(p)
    return out


def test_a_bare_bizagi_file_gets_a_generated_service_that_publishes_and_runs(app):
    from engine.db import db
    from engine.designer.service import publish_draft, receive_upload
    from engine.models import Application
    from engine.runtime import specs, store

    with app.app_context():
        report, draft = receive_upload([("bizagi_user_tasks.bpmn", (CORPUS / "bizagi_user_tasks.bpmn").read_bytes())],
                                       actor("designer"))
        assert report.ok, report.errors
        codes = _codes(report)
        # the report says what was guessed, naming the elements
        assert {p["element"] for p in codes["scaffold.lane"]} == {"Id_lane_desk", "Id_lane_boss"}
        assert {p["element"] for p in codes["scaffold.form_confirm"]} == {"Id_check", "Id_approve"}
        assert codes["scaffold.milestones"] and codes["scaffold.fee"] and codes["scaffold.application"]
        assert all(p["severity"] == "warning" and p["messages"]["lo"] != p["messages"]["en"]
                   for c, items in codes.items() if c.startswith("scaffold.") for p in items)
        generated = yaml.safe_load(draft.files["service.yaml"])
        assert generated["process"] == "Id_a1b2c3"
        assert generated["lanes"] == {"Id_lane_desk": "front_desk", "Id_lane_boss": "approver"}
        assert [m["id"] for m in generated["milestones"]] == ["received", "in_review", "completed", "rejected"]
        publish_draft(draft.id, actor("designer"), ["xaysettha"])
        application_id = start(draft.service_id).id
        for task_id in ("Id_check", "Id_approve"):
            specs.clear()
            store.clear_cache()
            assert complete_next(application_id, "approve") == task_id
        application = db.session.get(Application, application_id)
        assert ready_tasks(application_id) == [] and application.milestone == "completed"


def test_camunda_form_data_becomes_a_form_and_an_unknown_lane_is_a_draft_to_edit(app, designer):
    response = designer.post("/designer/upload", data={"files": [(io.BytesIO(CAMUNDA7_FORM_DATA.encode()),
                                                                  "well.bpmn")]},
                             content_type="multipart/form-data")
    assert response.status_code == 302, response.data[:3000]  # a draft, though it has an error
    page = designer.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert "Water office" in text and "water_office" in text  # the guess, and the proposed role
    assert 'name="service_yaml"' in text  # the generated service.yaml, to edit on the page
    # a draft with errors is never announced as valid (fresh-designer review)
    assert "The draft has errors" in text and "The upload is valid" not in text
    draft_id = int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))
    from engine.db import db
    from engine.models.designer import DesignerDraft

    with app.app_context():
        draft = db.session.get(DesignerDraft, draft_id)
        service_yaml = draft.files["service.yaml"]
        form = yaml.safe_load(draft.forms["well_permit_task_check"])
    assert [(f["name"], f["type"], f["required"]) for f in form["fields"]] == [("decision", "choice", True),
                                                                                ("depth", "number", False)]
    assert [c["value"] for c in form["fields"][0]["choices"]] == ["approve", "reject"]
    assert "Dry run" not in text  # errors: no dry run or publishing before the edit
    # the designer corrects the proposed role on the page and checks again: now it can be published
    fixed = service_yaml.replace("Lane_2: water_office", "Lane_2: public_works_officer")
    assert fixed != service_yaml
    response = designer.post(f"/designer/drafts/{draft_id}/service-yaml", data={"service_yaml": fixed})
    assert response.status_code == 302
    page = designer.get(response.headers["Location"]).get_data(as_text=True)
    assert "No errors." in page and "Publish" in page, re.findall(r'<tr class="has-error">(.*?)</tr>', page, re.S)
    with app.app_context():
        assert db.session.get(DesignerDraft, draft_id).files["service.yaml"] == fixed
    from tests.designer.designer_helpers import audit_kinds

    assert audit_kinds(app, "designer.draft_edited")


def test_before_the_edit_the_generated_draft_cannot_be_published(app, designer):
    response = designer.post("/designer/upload", data={"files": [(io.BytesIO(CAMUNDA7_FORM_DATA.encode()),
                                                                  "well.bpmn")]},
                             content_type="multipart/form-data")
    draft_id = int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))
    response = designer.post(f"/designer/drafts/{draft_id}/publish", data={"centre": ["xaysettha"]})
    assert response.status_code == 422
    from engine.db import db
    from engine.models import Service

    with app.app_context():
        assert db.session.get(Service, "well_permit") is None


def test_scaffold_through_the_api(app, client):
    from tests.designer.test_api_designer import _token, _upload

    headers = _token(client, "designer")
    response = _upload(client, headers, [("well.bpmn", CAMUNDA7_FORM_DATA.encode())])
    assert response.status_code == 201, response.data
    body = response.get_json()
    assert any(p["element"] == "Lane_2" and p["severity"] == "error" for p in body["report"])
    from engine.db import db
    from engine.models.designer import DesignerDraft

    with app.app_context():
        text = db.session.get(DesignerDraft, body["draft_id"]).files["service.yaml"]
    put = client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                     json={"service_yaml": text.replace("Lane_2: water_office", "Lane_2: public_works_officer")})
    assert put.status_code == 200, put.data
    assert not [p for p in put.get_json()["report"] if p["severity"] == "error"]


def test_bare_corpus_files_need_no_hand_edits_beyond_the_generated_service_yaml(app):
    """Each corpus file uploaded alone, as a designer with only the modeler's export would: never an exception,
    every error at its element, and at least half of them valid with the generated service.yaml as it is."""
    from engine.designer.service import receive_upload
    from tests.designer.test_modeler_corpus import FILE_LEVEL, TABLE

    files = sorted({entry["file"] for entry in TABLE})
    valid = []
    with app.app_context():
        for name in files:
            report, draft = receive_upload([(name, (CORPUS / name).read_bytes())], actor("designer"))
            assert report.hostile == []
            for p in report.errors:
                assert p["element"] or p["file"].endswith(".yaml") or any(
                    m in p["messages"]["en"] for m in FILE_LEVEL), p
            if report.ok:
                valid.append(name)
    assert len(valid) * 2 >= len(files), (len(valid), len(files), sorted(set(files) - set(valid)))


INVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_invoice"
    targetNamespace="http://bpmn.io/schema/bpmn" exporter="bpmn-js (https://demo.bpmn.io)" exporterVersion="17.0.0">
  <bpmn:process id="Invoice_Check" name="Invoice check" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="Invoice received" />
    <bpmn:userTask id="Task_Review" name="Review the invoice" />
    <bpmn:exclusiveGateway id="Gw_Ok" name="Approved?" />
    <bpmn:endEvent id="End_Rejected" name="Invoice rejected" />
    <bpmn:userTask id="Task_Pay" name="Pay" />
    <bpmn:exclusiveGateway id="Gw_Paid" name="Paid?" />
    <bpmn:endEvent id="End_Denied" />
    <bpmn:endEvent id="End_Lao" name="ຍົກເລີກຄຳຮ້ອງ" />
    <bpmn:endEvent id="End_Stop" name="Application withdrawn"><bpmn:terminateEventDefinition /></bpmn:endEvent>
    <bpmn:endEvent id="End_Paid" name="Invoice paid" />
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Review" targetRef="Gw_Ok" />
    <bpmn:sequenceFlow id="F_No" name="No" sourceRef="Gw_Ok" targetRef="End_Rejected">
      <bpmn:conditionExpression>${approved == false}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F_Yes" name="Yes" sourceRef="Gw_Ok" targetRef="Task_Pay">
      <bpmn:conditionExpression>${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Pay" targetRef="Gw_Paid" />
    <bpmn:sequenceFlow id="F4" sourceRef="Gw_Paid" targetRef="End_Denied">
      <bpmn:conditionExpression>${paid &lt; 1}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F5" sourceRef="Gw_Paid" targetRef="End_Lao">
      <bpmn:conditionExpression>${paid &lt; 2}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F6" sourceRef="Gw_Paid" targetRef="End_Stop">
      <bpmn:conditionExpression>${paid &lt; 3}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F7" sourceRef="Gw_Paid" targetRef="End_Paid">
      <bpmn:conditionExpression>${paid &gt;= 3}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""


def test_end_events_named_or_identified_as_a_refusal_or_cancellation_are_the_rejected_milestone():
    """The main path's first flow leads to "Invoice rejected": it is still rejected, not completed; so is an end
    whose id alone says it (`End_Denied`), a Lao name (ຍົກເລີກ) and a terminate end named "withdrawn"."""
    from engine.designer.scaffold import scaffold

    generated = scaffold({"invoice.bpmn": INVOICE.encode()}, {}, {})
    milestones = {m["id"]: m["elements"] for m in yaml.safe_load(generated.service_yaml)["milestones"]}
    assert milestones == {"received": ["StartEvent_1"], "in_review": ["Task_Review"], "completed": ["End_Paid"],
                          "rejected": ["End_Rejected", "End_Denied", "End_Lao", "End_Stop"]}
    shown = next(p for p in generated.guesses if p.code == "scaffold.milestones")
    assert "completed (End_Paid)" in shown.messages["en"] and "completed (End_Paid)" in shown.messages["lo"]


def test_a_bare_upload_closes_a_case_that_ends_at_invoice_rejected_as_rejected(app):
    from engine.db import db
    from engine.designer.service import publish_draft, receive_upload
    from engine.models import Application
    from engine.runtime.commands import complete_task, start_application

    with app.app_context():
        report, draft = receive_upload([("invoice.bpmn", INVOICE.encode())], actor("designer"))
        assert report.ok, report.errors
        publish_draft(draft.id, actor("designer"), ["xaysettha"])
        application_id = start_application(
            service_id=draft.service_id, centre_id="xaysettha", actor=actor("desk.xs"), channel="desk",
            data={"applicant_name": "ສົມຊາຍ", "phone": "02055551234", "approved": False, "paid": 3}).id
        task = ready_tasks(application_id)[0]
        assert (task.bpmn_id, task.office_role) == ("Task_Review", "supervisor")  # no lanes: the supervisor's
        # nothing after Task_Review reads a decision: its generated form confirms the work (a note), no Reject
        complete_task(task.id, actor("supervisor.xs"), {"note": "checked"})
        application = db.session.get(Application, application_id)
        assert ready_tasks(application_id) == []
        assert (application.status, application.milestone) == ("rejected", "rejected")


def test_a_name_asked_about_with_feel_is_defined_becomes_an_optional_application_field(app):
    """`= is defined(amount) and amount > 10` in a bare Camunda 8 file: `amount` is proposed as an optional
    number (a citizen may leave it blank), and a case without it takes the other path."""
    from engine.designer.service import publish_draft, receive_upload
    from engine.runtime.commands import start_application
    from tests.conformance.harness import DATA as CONFORMANCE

    bpmn = (CONFORMANCE / "feel_is_defined" / "process.bpmn").read_text("utf-8")
    bpmn = bpmn.replace('<zeebe:formDefinition formId="conf_note" />', "")  # a bare file: forms generated
    with app.app_context():
        report, draft = receive_upload([("boat.bpmn", bpmn.encode())], actor("designer"))
        assert report.ok, report.errors
        application = yaml.safe_load(draft.forms["conf_feel_is_defined_application"])
        amount = next(f for f in application["fields"] if f["name"] == "amount")
        assert (amount["type"], amount["required"]) == ("number", False)
        publish_draft(draft.id, actor("designer"), ["xaysettha"])
        for answers, task in (({}, "Task_Small"), ({"amount": 50}, "Task_Big")):
            case = start_application(service_id=draft.service_id, centre_id="xaysettha", actor=actor("desk.xs"),
                                     channel="desk",
                                     data={"applicant_name": "ສົມຊາຍ", "phone": "02055551234", **answers})
            assert [t.bpmn_id for t in ready_tasks(case.id)] == [task]


def test_a_hand_written_service_yaml_closing_a_refusal_end_as_completed_gets_a_warning_at_the_end(app):
    """The same fault in a service.yaml the designer wrote: "Invoice rejected" under `completed`, or under no
    milestone (a completed workflow ends completed), is a warning at the end event; under `rejected`, none."""
    from engine.designer.service import edit_service_yaml, receive_upload

    with app.app_context():
        _report, draft = receive_upload([("invoice.bpmn", INVOICE.encode())], actor("designer"))
        service = yaml.safe_load(draft.files["service.yaml"])
        assert not [p for p in _report.problems if p["code"] == "service.refusal_end_completed"]
        for m in service["milestones"]:
            if m["id"] == "completed":
                m["elements"].append("End_Rejected")
            if m["id"] == "rejected":
                m["elements"] = ["End_Denied", "End_Stop"]
        report, _draft = edit_service_yaml(draft.id, yaml.safe_dump(service, allow_unicode=True), actor("designer"))
        warnings = {p["element"]: p for p in report.warnings if p["code"] == "service.refusal_end_completed"}
        assert set(warnings) == {"End_Rejected", "End_Lao"}
        assert warnings["End_Rejected"]["line"] == 8 and "Invoice rejected" in warnings["End_Rejected"]["message"]
        assert "milestone: completed" in warnings["End_Rejected"]["messages"]["en"]
        assert "milestone: none" in warnings["End_Lao"]["messages"]["en"]
        assert all(LAO.search(p["messages"]["lo"]) and LAO.search(p["hints"]["lo"]) for p in warnings.values())
        assert report.ok  # a warning: the designer may mean it
