"""Every designer page answers without a server error, in both languages, and refuses the wrong people."""
from __future__ import annotations

import pytest

from engine.db import db
from engine.models import Service
from tests.designer.designer_helpers import login


@pytest.mark.parametrize("lang", ["lo", "en"])
def test_designer_pages(app, client, lang):
    login(client, "designer")
    with app.app_context():
        version_id = db.session.get(Service, "residence_certificate").current_version_id
    for url, status in [("/designer/", 200), ("/designer/upload", 200),
                        ("/designer/services/residence_certificate", 200), ("/designer/services/nope", 404),
                        ("/designer/drafts/999", 404), (f"/designer/versions/{version_id}/diagram", 200),
                        (f"/designer/versions/{version_id}/dry-run", 200), ("/designer/versions/999/download", 404),
                        ("/designer/versions/999/dry-run", 404)]:
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == status, url
    assert client.post("/designer/drafts/999/publish").status_code == 404
    assert client.post("/designer/upload", data={}).status_code == 400  # no file


def test_supervisor_migrate_page_and_bad_requests(app, client):
    login(client, "supervisor.xs")
    page = client.get("/designer/migrate")
    assert page.status_code == 200 and b"No application of your centre waits on an older version." in page.data
    assert client.post("/designer/migrate", data={"version_id": "x"}).status_code == 400
    with app.app_context():
        current = db.session.get(Service, "residence_certificate").current_version_id
    refused = client.post("/designer/migrate", data={"service_id": "residence_certificate",
                                                      "version_id": str(current)})
    assert refused.status_code == 409 and b"already the current version" in refused.data
    assert client.post("/designer/migrate", data={"service_id": "nope", "version_id": "1"}).status_code == 404
    assert client.get("/designer/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/designer/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
