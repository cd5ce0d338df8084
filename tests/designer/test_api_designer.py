"""The designer over JSON at /api/v1/designer: the same checks as the pages."""
from __future__ import annotations

import io

from engine.db import db
from tests.designer.designer_helpers import DATA, complete_next, make_zip, scenario_files, start

PASSWORD = "demo-pass-2026"


def _token(client, username: str) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.data
    return {"Authorization": f"Bearer {response.get_json()['access_token']}", "Accept-Language": "en"}


def _upload(client, headers, files):
    data = {"files": [(io.BytesIO(content), name.rsplit("/", 1)[-1]) for name, content in files]}
    return client.post("/api/v1/designer/uploads", data=data, headers=headers, content_type="multipart/form-data")


def test_upload_dry_run_publish_and_list(app, client):
    headers = _token(client, "designer")
    response = _upload(client, headers, [("fishing.zip", make_zip(scenario_files("camunda_modeler")))])
    assert response.status_code == 201, response.data
    draft = response.get_json()
    assert draft["service_id"] == "fishing_permit"
    # the camunda:assignee hint is reported; JUEL conditions are translated without a word
    assert {p["element"] for p in draft["report"]} == {"Task_Approve"}
    dry = client.post(f"/api/v1/designer/drafts/{draft['draft_id']}/dry-run", headers=headers,
                      json={"decisions": {"Task_Check": "reject"}})
    assert dry.status_code == 200, dry.data
    assert dry.get_json()["outcome"] == "rejected"
    assert [m["id"] for m in dry.get_json()["milestones"]] == ["received", "rejected"]
    published = client.post(f"/api/v1/designer/drafts/{draft['draft_id']}/publish", headers=headers,
                            json={"centres": ["xaysettha"]})
    assert published.status_code == 201, published.data
    body = published.get_json()
    assert body["created"] and body["version"]["number"] == 1 and body["skipped"] == []
    services = client.get("/api/v1/designer/services", headers=headers).get_json()["items"]
    fishing = next(s for s in services if s["id"] == "fishing_permit")
    assert fishing["versions"][0]["published_by"].startswith("ທ້າວ ພູວົງ")
    download = client.get(f"/api/v1/designer/versions/{body['version']['id']}/download", headers=headers)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    # the public catalogue of the API shows it at the centre at once
    offered = client.get("/api/v1/centres/xaysettha").get_json()
    assert "fishing_permit" in str(offered)


def test_invalid_and_hostile_uploads(app, client):
    headers = _token(client, "designer")
    invalid = _upload(client, headers, scenario_files("invalid"))
    assert invalid.status_code == 422 and invalid.mimetype == "application/problem+json"
    assert any(p["element"] == "Gateway_Complex" for p in invalid.get_json()["report"])
    cam = DATA / "camunda_modeler"
    bomb = _upload(client, headers, [("service.yaml", (cam / "service.yaml").read_bytes()),
                                     ("fishing_permit.bpmn", (DATA / "hostile" / "billion_laughs.bpmn").read_bytes())])
    assert bomb.status_code == 400
    escape = _upload(client, headers, scenario_files("hostile/sandbox_script"))
    assert escape.status_code == 400 and "sandbox" in str(escape.get_json()["report"])
    traversal = _upload(client, headers, [("evil.zip", make_zip([("../../x.bpmn", b"<x/>")]))])
    assert traversal.status_code == 400 and traversal.get_json()["code"] == "upload_rejected"
    desk = _token(client, "desk.xs")
    assert _upload(client, desk, scenario_files("camunda_modeler")).status_code == 403


def test_supervisor_migrates_over_the_api(app, client):
    headers = _token(client, "designer")
    for scenario in ("camunda_modeler", "camunda_modeler_v2"):
        draft = _upload(client, headers, [("s.zip", make_zip(scenario_files(scenario)))]).get_json()
        if scenario == "camunda_modeler":
            client.post(f"/api/v1/designer/drafts/{draft['draft_id']}/publish", headers=headers,
                        json={"centres": ["xaysettha"]})
            with app.app_context():
                application = start("fishing_permit")
                complete_next(application.id)
                app_id, v1 = application.id, application.service_version_id
        else:
            client.post(f"/api/v1/designer/drafts/{draft['draft_id']}/publish", headers=headers, json={})
    supervisor = _token(client, "supervisor.xs")
    result = client.post("/api/v1/designer/migrations", headers=supervisor,
                         json={"service_id": "fishing_permit", "from_version_id": v1})
    assert result.status_code == 201, result.data
    assert result.get_json()["migrated"] == [app_id]
    again = client.post("/api/v1/designer/migrations", headers=headers,
                        json={"service_id": "fishing_permit", "from_version_id": v1})
    assert again.status_code == 403
    with app.app_context():
        from engine.models import Application

        assert db.session.get(Application, app_id).service_version_id != v1
