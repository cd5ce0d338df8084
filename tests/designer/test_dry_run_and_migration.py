"""Dry runs (in memory, paths chosen by decisions) and moving waiting applications to a new version."""
from __future__ import annotations

import re

import pytest

from engine.db import db
from engine.designer import dryrun
from engine.designer.upload import collect
from engine.designer.validate import validate
from engine.models import Application, AuditEvent, Service, ServiceVersion, Task
from engine.models.designer import VersionMigration
from tests.designer.designer_helpers import (
    complete_next,
    login,
    make_zip,
    ready_tasks,
    scenario_files,
    start,
    upload,
)


def _draft(client, scenario: str) -> int:
    response = upload(client, [(f"{scenario}.zip", make_zip(scenario_files(scenario)))])
    assert response.status_code == 302
    return int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))


def _publish(client, scenario: str) -> None:
    draft_id = _draft(client, scenario)
    assert client.post(f"/designer/drafts/{draft_id}/publish", data={"centre": ["xaysettha"]}).status_code == 302


def _counts(app) -> tuple:
    with app.app_context():
        return tuple(db.session.query(m).count() for m in (Application, Task, AuditEvent, ServiceVersion))


def test_dry_run_page_follows_the_chosen_decisions_and_writes_nothing(app, designer):
    draft_id = _draft(designer, "camunda_modeler")
    assert designer.get(f"/designer/drafts/{draft_id}/dry-run").status_code == 200
    before = _counts(app)
    page = designer.post(f"/designer/drafts/{draft_id}/dry-run",
                         data={"decision.Task_Check": "approve", "decision.Task_Approve": "reject"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The process ended with a rejection." in text
    assert "Under review" in text and "Rejected" in text  # the citizen's milestones
    assert "EndEvent_Rejected" in text and "Task_Payment" not in text.split("<h3>")[-1].split("</table>")[0]
    assert _counts(app) == before


def test_dry_run_return_loop_timers_and_scripts(app):
    with app.app_context():
        camunda = validate(collect(scenario_files("camunda_modeler"))).bundle
        result = dryrun.run(camunda.definition, camunda.bpmn, {"Task_Check": "return"})
        steps = [s["element"] for s in result.steps if s["kind"] == "UserTask"]
        assert steps == ["Task_Check", "Task_ProvideDocuments", "Task_Check", "Task_Approve", "Task_Payment",
                         "Task_Issue"]
        assert [m["id"] for m in result.milestones] == ["received", "returned", "received", "in_review", "payment",
                                                        "ready", "completed"]
        assert result.outcome == "completed"
        spiff = validate(collect(scenario_files("spiffarena"))).bundle
        result = dryrun.run(spiff.definition, spiff.bpmn, {}, {"full_name": "A", "stall_size": 12})
        timer = next(s for s in result.steps if s["element"] == "Event_cooling")
        assert timer["timer"] == "PT1H"  # the intermediate timer fired at once in the dry run
        assert result.outcome == "completed"


def test_a_gateway_reading_a_decision_no_path_has_made_yet_is_refused_at_upload(app):
    """Version 3 dropped the document check but kept its gateway: `decision` is read right after the start,
    before any task could set it. It was accepted and only the dry run failed; now the upload says so."""
    with app.app_context():
        report = validate(collect(scenario_files("camunda_modeler_v3")))
    assert report.bundle is None
    found = [p for p in report.problems if p["code"] == "expr.name_not_on_every_path"]
    assert {p["element"] for p in found} == {"Flow_Check_Return", "Flow_Check_Reject"}
    assert all("decision" in p["messages"]["en"] and "Task_Approve" in p["messages"]["en"] for p in found), found


def test_dry_run_reports_a_failing_expression(app):
    from tests.designer.designer_helpers import failing_at_run_time

    files = failing_at_run_time()
    with app.app_context():
        report = validate(collect(files))
        assert report.bundle is not None, [str(p) for p in report.problems]
        result = dryrun.run(report.bundle.definition, report.bundle.bpmn, {})
    assert result.outcome == "error" and "Gateway_Check" in result.error and "division" in result.error


def test_dry_run_of_a_published_version(app, designer):
    with app.app_context():
        version_id = db.session.get(Service, "residence_certificate").current_version_id
    page = designer.post(f"/designer/versions/{version_id}/dry-run", data={"decision.Task_Check": "reject"})
    assert page.status_code == 200 and b"ended with a rejection" in page.data
    bad = designer.post(f"/designer/versions/{version_id}/dry-run", data={"application": "[1, 2"})
    assert bad.status_code == 200 and b"must be a JSON object" in bad.data


# ---- migration ------------------------------------------------------------------------------------

def _waiting_on_v1(app, designer) -> tuple[int, int]:
    _publish(designer, "camunda_modeler")
    with app.app_context():
        application = start("fishing_permit")
        complete_next(application.id)  # now waits in Task_Approve
        return application.id, application.service_version_id


def test_supervisor_moves_a_waiting_application_when_the_diff_is_safe(app, designer, client):
    app_id, v1 = _waiting_on_v1(app, designer)
    _publish(designer, "camunda_modeler_v2")
    sup = app.test_client()
    login(sup, "supervisor.xs")
    page = sup.get("/designer/migrate")
    assert page.status_code == 200 and b"version 1 to version 2" in page.data
    result = sup.post("/designer/migrate", data={"service_id": "fishing_permit", "version_id": str(v1)})
    assert result.status_code == 200
    assert b"1 moved, 0 kept" in result.data
    with app.app_context():
        application = db.session.get(Application, app_id)
        assert application.service_version_id != v1
        assert [t.bpmn_id for t in ready_tasks(app_id)] == ["Task_Approve"]
        # it now follows version 2, with the inspection step
        assert [complete_next(app_id) for _ in range(4)] == ["Task_Approve", "Task_Inspect", "Task_Payment",
                                                               "Task_Issue"]
        assert db.session.get(Application, app_id).status == "completed"
        events = db.session.query(AuditEvent).filter_by(kind="application.migrated", application_id=app_id).all()
        assert events and events[0].data["from_version"] == 1 and events[0].data["to_version"] == 2
        run = db.session.query(VersionMigration).one()
        assert run.migrated == [app_id] and run.refused == {}


def test_migration_is_refused_with_a_reason_when_a_done_step_was_removed(app, designer):
    app_id, v1 = _waiting_on_v1(app, designer)
    _publish(designer, "camunda_modeler_v3_runs")  # v3 without Task_Check, with conditions its dry run passes
    sup = app.test_client()
    login(sup, "supervisor.xs")
    result = sup.post("/designer/migrate", data={"service_id": "fishing_permit", "version_id": str(v1)})
    assert result.status_code == 200
    assert b"0 moved, 1 kept" in result.data
    assert b"steps no longer in version 2: Task_Check" in result.data
    with app.app_context():
        application = db.session.get(Application, app_id)
        assert application.service_version_id == v1
        assert [t.bpmn_id for t in ready_tasks(app_id)] == ["Task_Approve"]
        run = db.session.query(VersionMigration).one()
        assert "Task_Check" in run.refused[str(app_id)]
        assert db.session.query(AuditEvent).filter_by(kind="designer.migration").count() == 1
        # and it still finishes on version 1
        assert [complete_next(app_id) for _ in range(3)] == ["Task_Approve", "Task_Payment", "Task_Issue"]


@pytest.mark.parametrize("username, status", [("designer", 403), ("desk.xs", 403), ("desk.ctb", 403)])
def test_only_supervisors_migrate(app, designer, username, status):
    _app_id, v1 = _waiting_on_v1(app, designer)
    other = app.test_client()
    login(other, username)
    response = other.post("/designer/migrate", data={"service_id": "fishing_permit", "version_id": str(v1)})
    assert response.status_code == status


def test_supervisor_of_another_centre_moves_nothing_here(app, designer):
    from engine.designer.migrate import migrate
    from engine.errors import Forbidden
    from tests.designer.designer_helpers import actor

    _app_id, v1 = _waiting_on_v1(app, designer)
    with app.app_context():
        with pytest.raises(Forbidden):
            migrate("xaysettha", "fishing_permit", v1, actor("desk.ctb"))


def test_dry_run_of_an_endless_script_stops_at_the_sandbox_time_limit(app, designer):
    draft_id = _draft(designer, "hostile/sandbox_loop")
    page = designer.post(f"/designer/drafts/{draft_id}/dry-run", data={})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The process failed." in text and "Activity_size" in text and "longer than" in text


# answers a real citizen could never submit: a choice outside the list, a phone that is not one, a missing
# required field, a field the form does not have
IMPOSSIBLE = {"full_name": "ສົມຊາຍ", "phone": "not a phone", "water_body": "ocean", "bogus": 1}


def test_dry_run_checks_the_application_answers_with_the_real_application_validator(app):
    from engine.catalogue.forms import validate_answers

    with app.app_context():
        bundle = validate(collect(scenario_files("camunda_modeler"))).bundle
        form = bundle.definition["forms"]["fishing_application"]
        result = dryrun.run(bundle.definition, bundle.bpmn, {}, dict(IMPOSSIBLE, full_name=None))
        assert result.outcome == "invalid_answers" and result.steps == [] and result.milestones == []
        assert set(result.answer_errors) == {"full_name", "phone", "water_body", "bogus"}
        for locale in ("lo", "en"):  # word for word what a real application is told
            _clean, real = validate_answers(form, dict(IMPOSSIBLE, full_name=None), locale)
            assert {k: v[locale] for k, v in result.answer_errors.items()} == real
        assert result.answer_errors["water_body"]["lo"] != result.answer_errors["water_body"]["en"]
        # the same answers, corrected, run; what runs is the clean data (the phone as the validator keeps it)
        good = dryrun.run(bundle.definition, bundle.bpmn, {"Task_Check": "reject"},
                          {"full_name": "ສົມຊາຍ", "phone": "020 5555 1234", "water_body": "river"})
        assert good.outcome == "rejected" and good.answer_errors == {}
        # the sample answers, as the publish check uses them, pass the same validator
        assert dryrun.run(bundle.definition, bundle.bpmn).outcome == "completed"


def test_dry_run_page_shows_the_field_errors_of_impossible_answers(app, designer):
    import json

    draft_id = _draft(designer, "camunda_modeler")
    page = designer.post(f"/designer/drafts/{draft_id}/dry-run",
                         data={"decision.Task_Check": "approve", "application": json.dumps(IMPOSSIBLE)})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "These answers would be refused on a real application" in text
    errors = text.split('class="card errors answer-errors"')[1].split("</ul>")[0]
    assert "<code>water_body</code>" in errors and "<code>phone</code>" in errors and "<code>bogus</code>" in errors
    assert "The process completed." not in text
    with designer.session_transaction() as session:
        session["lang"] = "lo"
    text = designer.post(f"/designer/drafts/{draft_id}/dry-run",
                         data={"application": json.dumps(IMPOSSIBLE)}).get_data(as_text=True)
    assert "ຄຳຕອບເຫຼົ່ານີ້ຈະຖືກປະຕິເສດໃນຄຳຮ້ອງແທ້" in text


def test_dry_run_api_reports_the_field_errors_in_lao_and_english(app, client):
    from tests.designer.test_api_designer import _token, _upload

    headers = _token(client, "designer")
    draft = _upload(client, headers, [("fishing.zip", make_zip(scenario_files("camunda_modeler")))]).get_json()
    dry = client.post(f"/api/v1/designer/drafts/{draft['draft_id']}/dry-run", headers=headers,
                      json={"application": IMPOSSIBLE})
    assert dry.status_code == 200, dry.data
    body = dry.get_json()
    assert body["outcome"] == "invalid_answers" and body["steps"] == []
    assert set(body["answer_errors"]) == {"phone", "water_body", "bogus"}
    assert all(set(text) == {"lo", "en"} and text["lo"] != text["en"] for text in body["answer_errors"].values())
    fine = client.post(f"/api/v1/designer/drafts/{draft['draft_id']}/dry-run", headers=headers, json={})
    assert fine.get_json()["outcome"] == "completed" and fine.get_json()["answer_errors"] == {}
