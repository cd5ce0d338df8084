"""A file the service names and the upload does not have is reported, never silently replaced by a default.

A task's form: SpiffArena's `formJsonSchemaFilename`, Camunda 7 `camunda:formKey`, a linked Camunda 8 form
(`zeebe:formDefinition formId`) or an embedded one (`formKey`) whose `zeebe:userTaskForm` is not in the file is an
error at the task, never a generated confirmation form. The certificate: `certificate:` naming a file is an error
(the certificate would print the name), and certificate.html.j2 in an upload is read, kept with the draft,
published and downloaded again (it was ignored: the default template was printed).

Driven through the designer's upload command, bare (the generated service.yaml) and with a service.yaml."""
from __future__ import annotations

import yaml

from tests.designer.designer_helpers import actor, scenario_files
from tests.designer.test_scaffold import CAMUNDA7_FORM_DATA

CAMUNDA8 = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_c8" targetNamespace="http://bpmn.io/schema/bpmn"
    exporter="Camunda Modeler" exporterVersion="5.25.0">
  <bpmn:process id="Boat_Licence" name="Boat licence" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:userTaskForm id="UserTaskForm_1">{"components": [{"type": "textfield", "key": "hull_number",
        "label": "Hull number", "validate": {"required": true}}]}</zeebe:userTaskForm>
    </bpmn:extensionElements>
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:userTask id="Task_Embedded" name="Record the hull">
      <bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:UserTaskForm_1" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="Task_Linked" name="Review">
      <bpmn:extensionElements><zeebe:formDefinition formId="boat-review" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="Task_Gone" name="Sign">
      <bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:UserTaskForm_9" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" />
    <bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Embedded" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Embedded" targetRef="Task_Linked" />
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Linked" targetRef="Task_Gone" />
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Gone" targetRef="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def _missing(report) -> dict:
    """{element: finding} of the missing-form findings."""
    return {p["element"]: p for p in report.errors if p["code"] == "service.names_unknown_form"}


def _spiff(with_service_yaml: bool) -> list[tuple[str, bytes]]:
    files = []
    for name, data in scenario_files("spiffarena"):
        if name.endswith(".bpmn"):
            data = data.replace(b'value="approval_decision-schema.json"', b'value="stall_review-schema.json"')
        if with_service_yaml or name.endswith(".bpmn"):
            files.append((name.rsplit("/", 1)[-1], data))
    return files


def test_a_spiffarena_schema_file_missing_from_a_bare_upload_is_an_error_at_its_task(app):
    from engine.designer.service import receive_upload

    with app.app_context():
        report, draft = receive_upload(_spiff(False), actor("designer"))
        finding = _missing(report)["Activity_approve"]
        assert finding["file"].endswith("/market_stall.bpmn") and finding["line"] == 49
        for locale in ("lo", "en"):
            assert "stall_review-schema.json" in finding["messages"][locale]
            assert "formJsonSchemaFilename" in finding["messages"][locale]
            assert "forms/stall_review.yaml" in finding["hints"][locale]
        assert finding["messages"]["lo"] != finding["messages"]["en"]
        # never replaced by a generated confirmation form
        generated = yaml.safe_load(draft.files["service.yaml"])
        assert "Activity_approve" not in (generated.get("task_forms") or {})
        assert not [p for p in report.problems if p["code"].startswith("scaffold.form") and
                    p["element"] == "Activity_approve"]
        assert "Activity_check_docs" not in _missing(report)  # document_check is a published form


def test_a_spiffarena_schema_file_missing_with_a_service_yaml_names_the_file(app):
    from engine.designer.service import receive_upload

    with app.app_context():
        report, draft = receive_upload(_spiff(True), actor("designer"))
        assert draft is None
        finding = _missing(report)["Activity_approve"]
        assert "stall_review-schema.json" in finding["messages"]["en"] and finding["line"] == 49


def test_a_camunda7_form_key_to_a_missing_file_is_not_replaced_by_its_form_fields(app):
    from engine.designer.service import receive_upload

    text = CAMUNDA7_FORM_DATA.replace('<bpmn:userTask id="Task_Check" name="Check">',
                                      '<bpmn:userTask id="Task_Check" name="Check" '
                                      'camunda:formKey="embedded:app:forms/check.html">')
    with app.app_context():
        report, draft = receive_upload([("well.bpmn", text.encode())], actor("designer"))
        finding = _missing(report)["Task_Check"]
        assert "embedded:app:forms/check.html" in finding["messages"]["en"] and "camunda:formKey" in \
            finding["messages"]["en"] and "forms/check.yaml" in finding["hints"]["en"]
        assert "well_permit_task_check" not in draft.forms
        # the task without a form reference still gets its generated confirmation form
        assert "Task_Inspect" in yaml.safe_load(draft.files["service.yaml"])["task_forms"]


def test_camunda8_linked_and_missing_embedded_forms_are_errors_an_embedded_one_is_read(app):
    from engine.designer.service import receive_upload

    with app.app_context():
        report, draft = receive_upload([("boat.bpmn", CAMUNDA8.encode())], actor("designer"))
        missing = _missing(report)
        assert set(missing) == {"Task_Linked", "Task_Gone"}
        assert "boat-review" in missing["Task_Linked"]["messages"]["en"]
        assert "zeebe:formDefinition formId" in missing["Task_Linked"]["messages"]["en"]
        assert "camunda-forms:bpmn:UserTaskForm_9" in missing["Task_Gone"]["messages"]["lo"]
        task_forms = yaml.safe_load(draft.files["service.yaml"])["task_forms"]
        assert set(task_forms) == {"Task_Embedded"}
        form = yaml.safe_load(draft.forms[task_forms["Task_Embedded"]])
        assert [f["name"] for f in form["fields"]] == ["hull_number"]


TEMPLATE = "<h1>{{ service.name.en }}</h1><p>Permit {{ number }}</p>\n"


def _fishing(service_yaml_extra: str = "", template: str | None = None) -> list[tuple[str, bytes]]:
    from tests.designer.designer_helpers import make_zip

    files = [(n, d + service_yaml_extra.encode() if n == "service.yaml" else d)
             for n, d in scenario_files("camunda_modeler")]
    if template is not None:
        files.append(("certificate.html.j2", template.encode()))
    return [("fishing.zip", make_zip(files, "fishing_permit"))]


def test_certificate_naming_a_file_instead_of_the_template_is_an_error(app):
    from engine.designer.service import receive_upload

    with app.app_context():
        report, draft = receive_upload(_fishing("certificate: fishing_certificate.html.j2\n"), actor("designer"))
        assert draft is None
        finding = next(p for p in report.errors if p["code"] == "certificate.template_file_missing")
        assert finding["file"].endswith("/service.yaml") and finding["line"] and finding["line"] > 1
        for locale in ("lo", "en"):
            assert "fishing_certificate.html.j2" in finding["messages"][locale]
            assert "certificate.html.j2" in finding["hints"][locale]
        # the template text itself under certificate: is still read
        report, draft = receive_upload(_fishing("certificate: |\n  <p>{{ number }}</p>\n"), actor("designer"))
        assert report.ok, report.errors


def test_an_uploaded_certificate_template_is_published_and_downloaded_again(app):
    import io
    import zipfile

    from engine.designer.service import publish_draft, receive_upload, version_zip

    with app.app_context():
        report, draft = receive_upload(_fishing(template=TEMPLATE), actor("designer"))
        assert report.ok, report.errors
        assert not [p for p in report.problems if p["code"] == "upload.file_ignored"]
        assert draft.files["certificate.html.j2"] == TEMPLATE
        version, _created, _skipped = publish_draft(draft.id, actor("designer"), [])
        assert version.definition["certificate"] == TEMPLATE
        name, data = version_zip(version.id)
        members = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert "fishing_permit/certificate.html.j2" in members
        again, _draft = receive_upload([(name, data)], actor("designer"))
        assert again.ok and again.bundle.content_hash == version.content_hash


def test_a_broken_uploaded_certificate_template_is_reported_not_ignored(app):
    from engine.designer.service import receive_upload

    with app.app_context():
        report, draft = receive_upload(_fishing(template="<p>{{ number </p>"), actor("designer"))
        assert draft is None
        assert [p["file"] for p in report.errors if p["code"] == "certificate.template"] == [
            "workflows/fishing_permit/certificate.html.j2"]
