"""The fresh designer review of issue 12: processes accepted and then stuck, and findings a designer cannot use.

Each scenario is a folder of tests/designer/data/review12/ uploaded as a designer uploads it. What cannot run is
refused at upload with one precise, bilingual finding at its element; what is accepted reaches an end, and
publishing runs the same dry run and refuses a process whose default path fails.
"""
from __future__ import annotations

import io
import re

from engine.designer.upload import collect
from engine.designer.validate import validate
from tests.designer.designer_helpers import DATA, login, scenario_files

PASSWORD = "demo-pass-2026"
LAO = re.compile("[\u0e80-\u0eff]")


def _report(app, name: str, edit=None):
    files = scenario_files(f"review12/{name}")
    if edit:
        files = [(n, edit(n, d.decode("utf-8")).encode("utf-8")) for n, d in files]
    with app.app_context():
        return validate(collect(files))


def _errors(report) -> list[dict]:
    return [p for p in report.problems if p["severity"] == "error"]


def _good(item: dict) -> None:
    assert item["code"] and item["element"] and item["line"] and item["file"].endswith(".bpmn"), item
    for lang in ("lo", "en"):
        assert item["messages"][lang].strip() and item["hints"][lang].strip(), item
    assert LAO.search(item["messages"]["lo"]) and LAO.search(item["hints"]["lo"]), item


# ---- 2: a condition naming what nothing provides ---------------------------------------------------------

def test_a_condition_naming_a_variable_nothing_provides_is_refused_naming_it(app):
    report = _report(app, "unknown_name")
    found = {p["element"]: p for p in _errors(report) if p["code"] == "expr.unknown_name"}
    assert set(found) == {"Flow_Big", "Flow_Feel"}, [(p["code"], p["message"]) for p in report.problems]
    big, feel = found["Flow_Big"], found["Flow_Feel"]
    assert "«${amount > 1000}»" in big["message"] and "uses amount," in big["message"]
    assert "applicant_name" in big["hint"] and "decision" in big["hint"]  # what the process does provide
    assert "uses urgent," in feel["message"] and "decision" not in feel["message"].split("uses")[1]
    assert big["line"] == 12
    for item in found.values():
        _good(item)
    assert not report.ok


def test_the_same_condition_is_accepted_once_a_form_or_a_script_provides_the_name(app):
    def with_fields(name, text):
        if name == "forms/rv_application.yaml":
            text += ("  - name: amount\n    type: number\n    label: {lo: ຈຳນວນ, en: Amount}\n    required: true\n"
                     "  - name: urgent\n    type: yes_no\n    label: {lo: ດ່ວນ, en: Urgent}\n    required: true\n")
        return text

    assert _report(app, "unknown_name", with_fields).ok

    def with_script(name, text):
        if name.endswith(".bpmn"):
            text = text.replace('<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="Gateway_Amount" />',
                                '<bpmn:scriptTask id="Script_Set" name="Set" scriptFormat="python"><bpmn:script>'
                                'amount = 5\nurgent = False</bpmn:script></bpmn:scriptTask>'
                                '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="Script_Set" />'
                                '<bpmn:sequenceFlow id="Flow_2b" sourceRef="Script_Set" targetRef="Gateway_Amount" />')
        return text

    report = _report(app, "unknown_name", with_script)
    assert report.ok, [p["message"] for p in _errors(report)]


def test_a_multi_instance_counter_outside_a_completion_condition_is_refused(app):
    report = _report(app, "loop_variable_outside")
    found = [p for p in _errors(report) if p["code"] == "expr.loop_variable"]
    assert [p["element"] for p in found] == ["Flow_Big"], [(p["code"], p["message"]) for p in report.problems]
    assert "nrOfCompletedInstances" in found[0]["message"] and "completion condition" in found[0]["message"]
    _good(found[0])


# ---- 4: camunda:collection: read as the standard collection, its variable checked --------------------------

def test_a_camunda_collection_nothing_provides_gets_one_finding_at_its_task(app):
    """`camunda:collection="${signers}"` runs as a loopDataInputRef (tests/conformance mi_camunda_collection);
    here nothing provides `signers`: one bilingual finding at the task, no engine text beside it."""
    report = _report(app, "camunda_collection")
    errors = _errors(report)
    assert [(p["code"], p["element"]) for p in errors] == [("expr.unknown_name", "Task_Sign")], \
        [(p["code"], p["message"]) for p in errors]
    assert "input collection «signers»" in errors[0]["message"]
    _good(errors[0])


def test_a_camunda_collection_a_script_provides_is_accepted(app):
    def with_script(name, text):
        if name.endswith(".bpmn"):
            text = text.replace('<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Sign" />',
                                '<bpmn:scriptTask id="Script_Signers" name="Signers"><bpmn:script>signers = '
                                "['a', 'b']</bpmn:script></bpmn:scriptTask>"
                                '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Script_Signers" />'
                                '<bpmn:sequenceFlow id="Flow_1b" sourceRef="Script_Signers" targetRef="Task_Sign" />')
        return text

    report = _report(app, "camunda_collection", with_script)
    assert report.ok, [(p["code"], p["message"]) for p in _errors(report)]


# ---- 5: FEEL timers are timers ---------------------------------------------------------------------------

def test_feel_timer_literals_are_read_by_the_timer_parser(app):
    from engine.designer import dryrun

    report = _report(app, "feel_timer")
    assert report.ok, [(p["code"], p["message"]) for p in report.problems]
    with app.app_context():
        result = dryrun.run(report.bundle.definition, report.bundle.bpmn)
    assert (result.outcome, result.error) == ("completed", None)


def test_a_bad_feel_timer_is_a_timer_finding_not_a_condition(app):
    report = _report(app, "feel_timer_invalid")
    errors = _errors(report)
    assert [(p["code"], p["element"]) for p in errors] == [("timer.invalid", "Timer_Remind")], \
        [(p["code"], p["message"]) for p in errors]
    assert "P7X" in errors[0]["message"] and "condition" not in errors[0]["message"]
    _good(errors[0])


# ---- 6: a duplicate id says only that ----------------------------------------------------------------------

def test_a_duplicate_id_across_files_gives_only_the_duplicate_finding(app):
    report = _report(app, "duplicate_id")
    codes = [(p["code"], p["element"]) for p in _errors(report)]
    assert codes == [("bpmn.duplicate_id", "Task_Review")], [(p["code"], p["message"]) for p in report.problems]


# ---- 3: publishing runs the dry run ------------------------------------------------------------------------

def _token(client) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": "designer", "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}", "Accept-Language": "en"}


def _draft_over_api(client, headers, scenario: str | list) -> int:
    files = scenario_files(scenario) if isinstance(scenario, str) else scenario
    data = {"files": [(io.BytesIO(content), name.rsplit("/", 1)[-1]) for name, content in files]}
    response = client.post("/api/v1/designer/uploads", data=data, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.data
    return response.get_json()["draft_id"]


def _versions(app, service_id: str) -> int:
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import ServiceVersion

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(ServiceVersion)
                                  .where(ServiceVersion.service_id == service_id)).scalar()


def test_publishing_over_the_api_is_refused_when_the_dry_run_fails(app, client):
    """A process that validates, but whose first gateway divides by zero when it runs."""
    from tests.designer.designer_helpers import failing_at_run_time

    headers = _token(client)
    before = _versions(app, "fishing_permit")
    draft = _draft_over_api(client, headers, failing_at_run_time())
    response = client.post(f"/api/v1/designer/drafts/{draft}/publish", headers=headers, json={"centres": []})
    assert response.status_code == 422, response.data
    body = response.get_json()
    assert body["code"] == "dry_run_failed" if "code" in body else True
    text = response.get_data(as_text=True)
    assert "dry run" in text and "Gateway_Check" in text and "division" in text
    assert _versions(app, "fishing_permit") == before
    lao = client.post(f"/api/v1/designer/drafts/{draft}/publish", json={"centres": []},
                      headers={**headers, "Accept-Language": "lo"})
    assert lao.status_code == 422 and LAO.search(lao.get_data(as_text=True))


def test_publishing_on_the_designer_page_is_refused_when_the_dry_run_fails(app, client):
    from tests.designer.designer_helpers import failing_at_run_time, upload

    before = _versions(app, "fishing_permit")
    login(client, "designer")
    response = upload(client, failing_at_run_time())
    assert response.status_code == 302, response.data
    draft = int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))
    published = client.post(f"/designer/drafts/{draft}/publish", data={"centre": ["xaysettha"]})
    assert published.status_code == 422
    assert "Gateway_Check" in published.get_data(as_text=True)
    assert _versions(app, "fishing_permit") == before


def test_a_process_whose_dry_run_ends_is_published(app, client):
    headers = _token(client)
    draft = _draft_over_api(client, headers, "review12/feel_timer")
    response = client.post(f"/api/v1/designer/drafts/{draft}/publish", headers=headers, json={"centres": []})
    assert response.status_code == 201, response.data


# ---- bare uploads: the generated service.yaml (rev12 D15, D16) --------------------------------------------

def _scaffold(name: str):
    from engine.designer.scaffold import scaffold

    data = (DATA / "review12" / "bare" / name).read_bytes()
    return scaffold({name: data}, {}, {})


def test_names_conditions_read_become_fields_of_the_generated_application_form(app):
    import yaml

    generated = _scaffold("conditions_on_start.bpmn")
    service = yaml.safe_load(generated.service_yaml)
    form = yaml.safe_load(generated.forms[service["application_form"]])
    types = {f["name"]: f["type"] for f in form["fields"]}
    assert types["amount"] == "number" and types["urgent"] == "yes_no"
    guessed = [g for g in generated.guesses if g.code == "scaffold.application_field"]
    assert sorted(g.params["value"] for g in guessed) == ["amount", "urgent"]
    assert all(LAO.search(g.messages["lo"]) for g in guessed)
    report = _report_of(app, "conditions_on_start.bpmn")
    assert report.ok, [(p["code"], p["message"]) for p in _errors(report)]
    with app.app_context():
        from engine.designer import dryrun

        result = dryrun.run(report.bundle.definition, report.bundle.bpmn)
    assert (result.outcome, result.error) == ("completed", None)


def test_generated_milestones_use_only_the_process_own_non_error_end_events():
    import yaml

    service = yaml.safe_load(_scaffold("subprocess_error_end.bpmn").service_yaml)
    ends = {m["id"]: m["elements"] for m in service["milestones"] if m["id"] in ("completed", "rejected")}
    assert ends == {"completed": ["E1"], "rejected": ["E2"]}


def _report_of(app, name: str):
    from engine.designer.service import propose_service

    upload = collect([(name, (DATA / "review12" / "bare" / name).read_bytes())])
    with app.app_context():
        propose_service(upload)
        return validate(upload)


def test_camunda_in_and_out_mappings_of_a_call_activity_are_refused_at_it(app):
    """rev12 D2: `camunda:in`/`camunda:out` were silently dropped, so a gateway after the call read a name that
    never came back. They are refused at the call activity, saying what to do instead."""
    report = _report(app, "call_in_out")
    found = [p for p in _errors(report) if p["code"] == "bpmn.unsupported"]
    assert {p["element"] for p in found} == {"Call_Approval"}, [(p["code"], p["message"]) for p in report.problems]
    assert {"camunda:in", "camunda:out"} <= {w for p in found for w in re.findall(r"camunda:\w+", p["message"])}
    assert all("same names" in p["hint"] for p in found)
    for item in found:
        _good(item)


def test_candidate_group_supervisor_routes_to_the_supervisor_without_contradiction(app):
    """rev12 D8: `candidateGroups="supervisor"` was an error ("no known office role") next to a warning that the
    task goes to the supervisor. The supervisor is the documented default: naming it routes the task there."""
    report = _report(app, "supervisor_group")
    assert report.ok, [(p["code"], p["message"]) for p in _errors(report)]
    about = [p for p in report.problems if p["element"] == "Task_Review"]
    assert about == [], about
    assert report.bundle.definition["tasks"]["Task_Review"]["role"] == "supervisor"


def test_drawing_mistakes_are_said_at_their_element_not_in_the_engine_words(app):
    """rev12 D11, D12: a conditional flow out of a task and a flow to nothing were the engine's English text
    without a line ("BPMN error: Multiple outgoing flows are not supported for tasks of type")."""
    report = _report(app, "drawing_mistakes")
    codes = sorted((p["code"], p["element"]) for p in _errors(report))
    assert codes == [("bpmn.conditional_flow_from_activity", "Task_Review"), ("bpmn.dangling_flow", "Flow_Lost")], \
        [(p["code"], p["message"]) for p in report.problems]
    for item in _errors(report):
        _good(item)
        assert "BPMN error" not in item["message"]
    conditional = next(p for p in _errors(report) if p["code"] == "bpmn.conditional_flow_from_activity")
    assert "Flow_Skip" in conditional["message"] and "exclusive gateway" in conditional["hint"]


def test_a_decision_no_condition_reads_is_refused_at_its_task(app):
    """rev12 D19: a clerk's Return on a task whose path never reads `decision` was silently ignored. It was a
    warning; rev12c: an offered Return or Reject that changes nothing is refused (an error)."""
    report = _report(app, "decision_unread")
    assert not report.ok
    found = [p for p in _errors(report) if p["code"] == "route.decision_unread"]
    assert [p["element"] for p in found] == ["Task_Review"], [(p["code"], p["element"]) for p in report.problems]
    assert "approve, return" in found[0]["message"]
    _good(found[0])
