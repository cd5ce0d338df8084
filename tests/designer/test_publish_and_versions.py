"""Publishing through the browser: a new service is available at once; versions are immutable."""
from __future__ import annotations

import io
import re
import zipfile

from flask import url_for

from engine.db import db
from engine.models import Application, AuditEvent, CentreService, Service, ServiceVersion
from tests.designer.designer_helpers import (
    complete_next,
    make_zip,
    ready_tasks,
    scenario_files,
    start,
    upload,
)


def _upload_draft(client, scenario: str) -> int:
    response = upload(client, [(f"{scenario}.zip", make_zip(scenario_files(scenario), folder="fishing_permit"))])
    assert response.status_code == 302, response.data[:2000]
    return int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))


def _publish(client, draft_id: int, centres=("xaysettha",)):
    response = client.post(f"/designer/drafts/{draft_id}/publish", data={"centre": list(centres)})
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def test_new_service_is_available_at_its_centres_immediately(app, designer):
    draft_id = _upload_draft(designer, "camunda_modeler")
    page = _publish(designer, draft_id)
    assert page.status_code == 200
    assert b"Published as version 1" in page.data
    with app.app_context():
        service = db.session.get(Service, "fishing_permit")
        version = db.session.get(ServiceVersion, service.current_version_id)
        assert version.number == 1 and version.published_by.startswith("ທ້າວ ພູວົງ")
        assert db.session.get(CentreService, ("xaysettha", "fishing_permit")).active
        assert db.session.get(CentreService, ("chanthabouly", "fishing_permit")) is None
        kinds = {e.kind for e in db.session.query(AuditEvent)}
        assert {"designer.draft_uploaded", "designer.draft_published", "service.published",
                "centre.service_offered"} <= kinds
        with app.test_request_context():
            service_page = url_for("citizen.service", centre_id="xaysettha", service_id="fishing_permit")
            centre_page = url_for("citizen.centre", centre_id="xaysettha")
    # the citizen's catalogue shows it, in this very process: no restart
    assert "ໃບອະນຸຍາດຫາປາ" in designer.get(centre_page + "?lang=lo").get_data(as_text=True)
    assert designer.get(service_page).status_code == 200
    # and an application runs through the uploaded process to the end
    with app.app_context():
        application = start("fishing_permit")
        steps = [complete_next(application.id) for _ in range(4)]
        application = db.session.get(Application, application.id)
        assert steps == ["Task_Check", "Task_Approve", "Task_Payment", "Task_Issue"]
        assert application.status == "completed" and application.milestone == "completed"


def test_running_application_finishes_on_version_1_after_version_2(app, designer):
    _publish(designer, _upload_draft(designer, "camunda_modeler"))
    with app.app_context():
        application = start("fishing_permit")
        old, v1 = application.id, application.service_version_id
        assert complete_next(old) == "Task_Check"
    page = _publish(designer, _upload_draft(designer, "camunda_modeler_v2"))
    assert b"Published as version 2" in page.data
    with app.app_context():
        service = db.session.get(Service, "fishing_permit")
        assert service.current_version_id != v1
        new = start("fishing_permit")
        assert new.service_version_id == service.current_version_id
        # the old application keeps version 1: no inspection step
        assert [complete_next(old) for _ in range(3)] == ["Task_Approve", "Task_Payment", "Task_Issue"]
        finished = db.session.get(Application, old)
        assert finished.status == "completed" and finished.service_version_id == v1
        # the new one follows version 2
        assert [complete_next(new.id) for _ in range(5)] == ["Task_Check", "Task_Approve", "Task_Inspect",
                                                               "Task_Payment", "Task_Issue"]


def test_versions_page_download_and_republish_unchanged(app, designer):
    _publish(designer, _upload_draft(designer, "camunda_modeler"))
    page = designer.get("/designer/services/fishing_permit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "ທ້າວ ພູວົງ" in text and "Download (zip)" in text
    with app.app_context():
        version = db.session.query(ServiceVersion).filter_by(service_id="fishing_permit").one()
        assert version.content_hash[:12] in text
        version_id = version.id
    download = designer.get(f"/designer/versions/{version_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "fishing_permit/service.yaml" in names and "fishing_permit/fishing_permit.bpmn" in names
    assert "fishing_permit/forms/fishing_application.yaml" in names
    # uploading the downloaded zip again gives the same content: no new version
    response = upload(designer, [("fishing_permit-v1.zip", download.data)])
    assert response.status_code == 302
    draft_id = int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))
    page = _publish(designer, draft_id)
    assert b"Nothing changed" in page.data
    with app.app_context():
        assert db.session.query(ServiceVersion).filter_by(service_id="fishing_permit").count() == 1


def test_publish_skips_centres_without_the_offices(app, designer):
    draft_id = _upload_draft(designer, "camunda_modeler_v2")  # needs a public works officer
    page = _publish(designer, draft_id, centres=("xaysettha", "moha"))
    assert b"Not offered at moha" in page.data
    with app.app_context():
        assert db.session.get(CentreService, ("moha", "fishing_permit")) is None
        assert db.session.get(CentreService, ("xaysettha", "fishing_permit")).active


def test_an_existing_seed_service_gets_a_new_version(app, designer):
    with app.app_context():
        service = db.session.get(Service, "residence_certificate")
        before = service.current_version_id
        running = start("residence_certificate").id
    zipped = designer.get(f"/designer/versions/{before}/download").data
    archive = zipfile.ZipFile(io.BytesIO(zipped))
    files = [(n, archive.read(n)) for n in archive.namelist()]
    files = [(n, d.replace(b"time_limit_days: 1", b"time_limit_days: 2") if n.endswith("service.yaml") else d)
             for n, d in files]
    response = upload(designer, [("residence.zip", make_zip(files))])
    assert response.status_code == 302
    draft_id = int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))
    assert b"Published as version 2" in _publish(designer, draft_id, centres=()).data
    with app.app_context():
        assert db.session.get(Service, "residence_certificate").current_version_id != before
        assert db.session.get(Application, running).service_version_id == before
        assert ready_tasks(running)[0].bpmn_id == "Task_Check"
