"""A running application keeps its service version; a new version only affects new applications."""
from __future__ import annotations

import shutil
from pathlib import Path

from engine.catalogue.loader import load_catalogue
from engine.catalogue.publish import publish_catalogue
from engine.db import db
from engine.models import Application, Service, ServiceVersion
from engine.runtime import commands, store
from tests.engine.helpers import APPROVE_PATH, actor, ready_task, start_residence

ROOT = Path(__file__).resolve().parents[2]


def test_application_in_flight_finishes_on_its_version(ctx, tmp_path):
    old = start_residence()
    commands.complete_task(ready_task(old.id).id, actor("desk.xs"), {"decision": "approve"})
    v1 = old.service_version_id

    # version 2 drops the village step: the approver decides right after the document check
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    bpmn = tmp_path / "workflows/residence_certificate/process.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    text = text.replace('sourceRef="Gateway_Check" targetRef="Task_VillageCertify"',
                        'sourceRef="Gateway_Check" targetRef="Task_Approve"')
    text = text.replace('default="Flow_Gw_Check_VillageCertify"', 'default="Flow_Gw_Check_VillageCertify"')
    bpmn.write_text(text, encoding="utf-8")
    publish_catalogue(load_catalogue(tmp_path))
    service = db.session.get(Service, "residence_certificate")
    assert service.current_version_id != v1
    assert db.session.get(ServiceVersion, service.current_version_id).number == 2

    new = start_residence()
    assert new.service_version_id == service.current_version_id
    commands.complete_task(ready_task(new.id).id, actor("desk.xs"), {"decision": "approve"})
    assert ready_task(new.id).bpmn_id == "Task_Approve"

    store.clear_cache()
    assert ready_task(old.id).bpmn_id == "Task_VillageCertify"
    for username, _bpmn, answers in APPROVE_PATH[1:]:
        store.clear_cache()
        commands.complete_task(ready_task(old.id).id, actor(username), answers)
    old = db.session.get(Application, old.id)
    assert old.status == "completed" and old.service_version_id == v1
