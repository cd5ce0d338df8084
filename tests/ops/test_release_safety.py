"""Fault 1 of issue 16: a release (`odsc catalogue load`) must never undo a designer's published version."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from engine.db import db
from engine.models import AuditEvent, Service, ServiceVersion

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass-2026"
SID = "residence_certificate"


def _token(client, username: str) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.data
    return {"Authorization": f"Bearer {response.get_json()['access_token']}", "Accept-Language": "en"}


def _designer_publishes(client, time_limit: int) -> dict:
    """What a designer does: download the current version, change it, upload it, publish it."""
    headers = _token(client, "designer")
    services = client.get("/api/v1/designer/services", headers=headers).get_json()["items"]
    current = next(v for s in services if s["id"] == SID for v in s["versions"] if v["current"])
    archive = client.get(f"/api/v1/designer/versions/{current['id']}/download", headers=headers).data
    files = []
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith("service.yaml"):
                data = re.sub(rb"time_limit_days: \d+", f"time_limit_days: {time_limit}".encode(), data)
            files.append((name, data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files:
            z.writestr(name, data)
    up = client.post("/api/v1/designer/uploads", headers=headers, content_type="multipart/form-data",
                     data={"files": [(io.BytesIO(buf.getvalue()), "residence.zip")]})
    assert up.status_code == 201, up.data
    published = client.post(f"/api/v1/designer/drafts/{up.get_json()['draft_id']}/publish", headers=headers,
                            json={"centres": []})
    assert published.status_code == 201, published.data
    return published.get_json()["version"]


def _current(app) -> ServiceVersion:
    with app.app_context():
        service = db.session.get(Service, SID)
        row = db.session.get(ServiceVersion, service.current_version_id)
        db.session.expunge(row)
        return row


def test_designer_version_stays_current_after_a_release(app, client, runner):
    version = _designer_publishes(client, 3)
    assert version["number"] == 2
    assert _current(app).origin == "designer"

    release = runner.invoke(args=["catalogue", "load", str(ROOT)])
    assert release.exit_code == 0, release.output
    assert f"{SID}: v2 kept" in release.output and "designer" in release.output
    assert "warning: 1 services differ" in release.output
    current = _current(app)
    assert current.number == 2 and current.definition["time_limit_days"] == 3
    with app.app_context():
        kept = db.session.query(AuditEvent).filter_by(kind="catalogue.release_kept").all()
        assert [e.data["current"] for e in kept] == [2]

    # a second designer version, then a release: still the designer's (the newest)
    assert _designer_publishes(client, 4)["number"] == 3
    assert runner.invoke(args=["catalogue", "load", str(ROOT)]).exit_code == 0
    assert _current(app).number == 3


def test_force_makes_the_files_version_current_and_is_audited(app, client, runner):
    _designer_publishes(client, 3)
    forced = runner.invoke(args=["catalogue", "load", "--force", str(ROOT)])
    assert forced.exit_code == 0, forced.output
    assert f"{SID}: v1 made current over v2 (--force" in forced.output
    assert _current(app).number == 1
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(kind="catalogue.release_forced").one()
        assert event.data["current"] == 2 and event.data["made_current"] == 1


def test_file_changed_after_a_designer_version_is_a_conflict(app, client, runner, tmp_path):
    import shutil

    _designer_publishes(client, 3)
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    path = tmp_path / "workflows" / SID / "service.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("time_limit_days: 1", "time_limit_days: 5"),
                    encoding="utf-8")
    result = runner.invoke(args=["catalogue", "load", str(tmp_path)])
    assert "v2 kept" in result.output and "the file has new content" in result.output
    assert _current(app).number == 2
    with app.app_context():
        assert db.session.query(ServiceVersion).filter_by(service_id=SID).count() == 2


def test_a_file_change_over_a_release_version_is_published(app, runner, tmp_path):
    import shutil

    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    path = tmp_path / "workflows" / SID / "service.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("time_limit_days: 1", "time_limit_days: 5"),
                    encoding="utf-8")
    result = runner.invoke(args=["catalogue", "load", str(tmp_path)])
    assert f"{SID}: v2 published" in result.output, result.output
    current = _current(app)
    assert current.number == 2 and current.origin == "catalogue"
