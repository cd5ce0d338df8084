"""Hostile uploads are refused with a 4xx, change nothing, and leave an audit event."""
from __future__ import annotations

import io
import random
import stat
import zipfile

import pytest

from engine.designer.upload import UploadRejected, collect, read_zip
from tests.designer.designer_helpers import DATA, audit_kinds, make_zip, scenario_files, upload


def _zip_with(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return buf.getvalue()


def _service_count(app) -> int:
    from engine.db import db
    from engine.models import ServiceVersion
    from engine.models.designer import DesignerDraft

    with app.app_context():
        return db.session.query(ServiceVersion).count() + db.session.query(DesignerDraft).count()


@pytest.mark.parametrize("member", ["../evil.bpmn", "a/../../evil.bpmn", "/etc/cron.d/evil", "C:\\Windows\\evil.bpmn",
                                    "..\\..\\evil.bpmn", "forms/../../x.yaml"])
def test_zip_member_names_that_escape_the_folder_are_refused(member):
    data = _zip_with([("service.yaml", b"id: x\n"), (member, b"<x/>")])
    with pytest.raises(UploadRejected) as err:
        read_zip(data, "upload.zip")
    assert err.value.reason == "zip_traversal" and err.value.status == 400
    assert member.replace("\\", "\\") in err.value.message("en")


def test_zip_with_a_symlink_is_refused():
    info = zipfile.ZipInfo("process.bpmn")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _zip_with([(info, b"/etc/passwd")])
    with pytest.raises(UploadRejected) as err:
        read_zip(data, "upload.zip")
    assert err.value.reason == "zip_link"


def test_zip_bomb_is_refused_before_extraction():
    bomb = _zip_with([("process.bpmn", b"\0" * (4 * 1024 * 1024))])  # 4 MB of zeros: ~4 KB compressed
    assert len(bomb) < 20_000
    with pytest.raises(UploadRejected) as err:
        read_zip(bomb, "bomb.zip")
    assert err.value.reason == "zip_bomb"


def test_zip_expanding_beyond_the_total_limit_is_refused():
    rng = random.Random(5)
    members = [(f"p{i}.bpmn", rng.randbytes(256 * 1024)) for i in range(10)]  # 10 × 256 KB, incompressible
    with pytest.raises(UploadRejected) as err:
        read_zip(_zip_with(members), "big.zip", max_bytes=512 * 1024)
    assert err.value.status == 413


def test_zip_with_too_many_members_is_refused():
    with pytest.raises(UploadRejected) as err:
        read_zip(_zip_with([(f"f{i}.yaml", b"x") for i in range(201)]), "many.zip")
    assert err.value.reason == "zip_members"


def test_nested_zip_and_garbage_zip_are_refused():
    with pytest.raises(UploadRejected) as err:
        read_zip(_zip_with([("inner.zip", b"PK")]), "outer.zip")
    assert err.value.reason == "nested_zip"
    with pytest.raises(UploadRejected) as err:
        collect([("service.zip", b"this is not a zip")])
    assert err.value.reason == "bad_zip"


def test_oversized_single_file_is_refused_with_413():
    with pytest.raises(UploadRejected) as err:
        collect([("process.bpmn", b"<a/>" + b" " * 2048)], max_bytes=1024)
    assert err.value.status == 413
    assert "1,024" in err.value.message("en")


def test_a_zip_of_the_service_folder_is_read_with_its_forms():
    up = collect([("fishing.zip", make_zip(scenario_files("camunda_modeler"), folder="fishing_permit"))])
    assert sorted(up.service) == ["fishing_permit.bpmn", "service.yaml"]
    assert sorted(up.forms) == ["fishing_application.yaml"]
    assert up.folder == "fishing_permit"


# ---- through the browser: 4xx, nothing changed, audited ---------------------------------------------

def _assert_refused(app, response, status_range=(400, 499)):
    assert status_range[0] <= response.status_code <= status_range[1], response.status_code
    events = audit_kinds(app, "designer.upload_rejected")
    assert events, "the refusal is audited"
    return events[-1]


def test_web_zip_traversal_is_400_and_audited(app, designer):
    before = _service_count(app)
    data = _zip_with([("service.yaml", b"id: x\n"), ("../../evil.bpmn", b"<x/>")])
    response = upload(designer, [("evil.zip", data)])
    assert response.status_code == 400
    assert b"unsafe member name" in response.data
    event = _assert_refused(app, response)
    assert event[2]["reason"] == "zip_traversal"
    assert _service_count(app) == before


def test_web_zip_bomb_is_400_and_audited(app, designer):
    bomb = _zip_with([("process.bpmn", b"\0" * (4 * 1024 * 1024))])
    response = upload(designer, [("bomb.zip", bomb)])
    assert response.status_code == 400
    assert _assert_refused(app, response)[2]["reason"] == "zip_bomb"


def test_web_oversized_file_is_413_and_audited(app, designer):
    app.config["MAX_BPMN_BYTES"] = 64 * 1024
    big = b'<?xml version="1.0"?>' + b"<!-- padding -->" * 5000
    response = upload(designer, [("service.yaml", b"id: fishing_permit\n"), ("process.bpmn", big)])
    assert response.status_code == 413
    assert _assert_refused(app, response)[2]["reason"] == "too_large"


def test_web_request_beyond_max_content_length_is_413_and_audited(app, designer):
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    response = upload(designer, [("process.bpmn", b" " * (200 * 1024))])
    assert response.status_code == 413
    _assert_refused(app, response)


@pytest.mark.parametrize("hostile", ["billion_laughs.bpmn", "external_entity.bpmn", "external_dtd.bpmn"])
def test_web_xml_bombs_and_external_entities_are_refused(app, designer, hostile):
    cam = DATA / "camunda_modeler"
    files = [("service.yaml", (cam / "service.yaml").read_bytes()),
             ("fishing_permit.bpmn", (DATA / "hostile" / hostile).read_bytes()),
             ("fishing_application.yaml", (cam / "forms" / "fishing_application.yaml").read_bytes())]
    before = _service_count(app)
    response = upload(designer, files)
    assert response.status_code == 400
    assert b"DOCTYPE or ENTITY declarations are not allowed" in response.data
    assert b"lollollol" not in response.data and b"root:" not in response.data
    event = _assert_refused(app, response)
    assert event[2]["hostile"] is True
    assert _service_count(app) == before


def test_web_utf16_file_hiding_a_doctype_is_refused(app, designer):
    text = (DATA / "hostile" / "external_entity.bpmn").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    cam = DATA / "camunda_modeler"
    response = upload(designer, [("service.yaml", (cam / "service.yaml").read_bytes()),
                                 ("fishing_permit.bpmn", text.encode("utf-16"))])
    assert response.status_code == 400
    assert b"not UTF-8" in response.data
    _assert_refused(app, response)


@pytest.mark.parametrize("scenario, element", [("hostile/sandbox_condition", b"Flow_Check_Reject"),
                                               ("hostile/sandbox_script", b"Activity_size")])
def test_web_sandbox_escaping_expressions_are_refused_at_their_element(app, designer, scenario, element, tmp_path):
    before = _service_count(app)
    response = upload(designer, scenario_files(scenario))
    assert response.status_code == 400
    assert b"fails the sandbox check" in response.data
    assert element in response.data
    event = _assert_refused(app, response)
    assert event[2]["hostile"] is True
    assert _service_count(app) == before


def test_only_designers_may_upload(app, client):
    from tests.designer.designer_helpers import login

    login(client, "supervisor.xs")
    response = upload(client, scenario_files("camunda_modeler"))
    assert response.status_code == 403
    assert client.get("/designer/").status_code == 403


def test_file_names_with_control_characters_are_refused():
    with pytest.raises(UploadRejected) as err:
        collect([("proc\x00ess.bpmn", b"<x/>")])
    assert err.value.reason == "bad_name"
    # a browser may send a full Windows path: only the base name counts
    up = collect([("C:\\Users\\me\\ລາວ process.bpmn", b"<x/>")])
    assert list(up.service) == ["ລາວ process.bpmn"]


def test_web_control_characters_in_a_file_name_are_400_and_audited(app, designer):
    response = upload(designer, [("evil\x01name.bpmn", b"<x/>")])
    assert response.status_code == 400
    event = _assert_refused(app, response)
    assert event[2]["reason"] == "bad_name" and "\x01" not in str(event[2]["files"])
