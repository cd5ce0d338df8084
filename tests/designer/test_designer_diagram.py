"""The bpmn-js viewer is served from our static files; diagrams mark done and current steps."""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import render_template_string

from engine.db import db
from engine.models import Service
from tests.designer.designer_helpers import complete_next, start

STATIC = Path(__file__).resolve().parents[2] / "web" / "static" / "vendor" / "bpmn-js"


def test_viewer_bundle_and_licence_are_served_locally(client):
    for name in ("bpmn-navigated-viewer.production.min.js", "assets/bpmn-js.css", "assets/diagram-js.css",
                 "assets/bpmn-font/css/bpmn.css", "LICENSE", "odsc-diagram.js"):
        assert (STATIC / name).is_file(), name
        response = client.get(f"/static/vendor/bpmn-js/{name}")
        assert response.status_code == 200, name
        response.close()
    licence = (STATIC / "LICENSE").read_text()
    assert "bpmn.io" in licence and "Camunda" in licence
    # the bpmn.io watermark (bjs-powered-by) is never hidden by our styles
    ours = (STATIC / "odsc-diagram.css").read_text() + (STATIC / "odsc-diagram.js").read_text()
    assert "powered-by" not in ours


def test_case_diagram_marks_done_and_current_steps(app):
    with app.app_context():
        application = start("residence_certificate")
        complete_next(application.id)  # Task_Check done, Task_VillageCertify waiting
        with app.test_request_context("/?lang=en"):
            html = render_template_string('{% set diagram = case_diagram(application) %}'
                                          '{% include "designer/_diagram.html" %}', application=application)
    payload = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert payload["done"] == ["Task_Check"]
    assert payload["current"] == ["Task_VillageCertify"]
    assert payload["xml"].startswith("<?xml") and 'id="residence_certificate"' in payload["xml"]
    assert re.search(r"bpmn-navigated-viewer\.production\.min\.[0-9a-f]{10}\.js", html)  # content-hashed


def test_diagram_xml_cannot_break_out_of_its_script_block(app):
    evil = '<?xml version="1.0"?><x><![CDATA[</script><script>alert(1)</script>]]></x>'
    with app.test_request_context("/"):
        html = render_template_string('{% include "designer/_diagram.html" %}',
                                      diagram={"xml": evil, "done": [], "current": []})
    assert "<script>alert(1)" not in html
    assert html.count("</script>") == 3  # the JSON block and the two script files


def test_version_diagram_page(app, client):
    from tests.designer.designer_helpers import login

    login(client, "designer")
    with app.app_context():
        version_id = db.session.get(Service, "residence_certificate").current_version_id
    page = client.get(f"/designer/versions/{version_id}/diagram")
    assert page.status_code == 200 and b"data-odsc-diagram" in page.data
    login(client, "desk.xs")
    assert client.get(f"/designer/versions/{version_id}/diagram").status_code == 403


def test_designer_pages_speak_lao_by_default(app, client):
    from tests.designer.designer_helpers import login, upload

    login(client, "designer")
    with client.session_transaction() as session:
        session["lang"] = "lo"
    page = client.get("/designer/")
    assert page.status_code == 200 and "ຜູ້ອອກແບບຂັ້ນຕອນ" in page.get_data(as_text=True)
    refused = upload(client, [("evil.zip", b"not a zip")])
    assert refused.status_code == 400 and "ບໍ່ແມ່ນ zip ທີ່ຖືກຕ້ອງ" in refused.get_data(as_text=True)
