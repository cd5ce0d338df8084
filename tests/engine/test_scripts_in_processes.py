"""A hostile script in a published process fails that one application, not the server or the others."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.catalogue.loader import ServiceBundle, content_hash
from engine.catalogue.publish import publish_service
from engine.db import db
from engine.models import Application
from engine.runtime import commands
from tests.engine.helpers import actor, ready_task, start_residence

ROOT = Path(__file__).resolve().parents[2]


def publish_with_script(script: str):
    """Bypass the static check (as a compromised database would) to prove the runtime sandbox holds."""
    from engine.catalogue.loader import load_catalogue

    bundle = load_catalogue(ROOT).services["enterprise_registration"]
    name = next(iter(bundle.bpmn))
    text = bundle.bpmn[name]
    start = text.index("<bpmn:script>") + len("<bpmn:script>")
    end = text.index("</bpmn:script>")
    bpmn = {name: text[:start] + script.replace("<", "&lt;") + text[end:]}
    hostile = ServiceBundle(bundle.id, bundle.definition, bpmn, bundle.service_yaml,
                            content_hash(bundle.service_yaml, bpmn, bundle.definition["forms"]))
    publish_service(hostile)
    db.session.commit()


ENTERPRISE = {
    "applicant_name": "ນາງ ບົວພັນ", "id_number": "LA998877", "phone": "020 2222 3333",
    "business_name": "ຮ້ານຢາ ບົວພັນ", "business_type": "pharmacy", "capital": 50000000,
    "address": "ບ້ານ ໂພນສະອາດ", "employees": 3, "id_copy": {"id": "d1", "name": "id.pdf"},
}


def enterprise_data():
    from engine.catalogue.loader import load_catalogue

    form = load_catalogue(ROOT).forms["enterprise_application"]
    data = {}
    for f in form["fields"]:
        if f["name"] in ENTERPRISE:
            data[f["name"]] = ENTERPRISE[f["name"]]
        elif f["required"]:
            data[f["name"]] = {"text": "x", "long_text": "x", "number": 1, "money": 1000, "date": "2026-01-01",
                               "choice": f.get("choices", [{}])[0].get("value"), "yes_no": "yes",
                               "phone": "020 2222 3333", "national_id": "LA998877",
                               "file": {"id": "d1", "name": "a.pdf"}}[f["type"]]
    return data


def drive_to_script(app_id):
    """The officer's approval runs the script: the command fails whole, the officer's task stays ready."""
    from engine.runtime.failures import StepFailed

    commands.complete_task(ready_task(app_id).id, actor("desk.xs"), {"decision": "approve"})
    officer_task = ready_task(app_id)
    with pytest.raises(StepFailed) as failed:
        commands.complete_task(officer_task.id, actor("officer.xs"), {"decision": "approve"})
    assert ready_task(app_id).id == officer_task.id
    return failed.value


@pytest.mark.parametrize("script,code", [
    ("import os\ncontrolled = os.getcwd()", "forbidden"),
    ("controlled = ().__class__.__mro__", "forbidden"),
    ("controlled = open('/etc/passwd').read()", "forbidden"),
    ("while True:\n    pass", "timeout"),
    ("controlled = 'a' * 10**10", "memory"),
    ("def f(n):\n    return f(n + 1)\ncontrolled = f(0)", "recursion"),
])
def test_hostile_script_fails_the_command_whole_and_others_continue(ctx, script, code):
    citizen = actor("02055551234")
    publish_with_script(script)
    app = commands.start_application(service_id="enterprise_registration", centre_id="xaysettha",
                                     data=enterprise_data(), actor=citizen, applicant_id=citizen.user_id)
    t0 = time.monotonic()
    failed = drive_to_script(app.id)
    assert time.monotonic() - t0 < 10
    assert "failed" in failed.message("en") and failed.element != "?" and " at 0x" not in failed.message("en")
    app = db.session.get(Application, app.id)
    assert app.incident is None and app.status == "in_progress"
    # the server is fine: another application of another service runs to its next task
    other = start_residence()
    commands.complete_task(ready_task(other.id).id, actor("desk.xs"), {"decision": "approve"})
    assert ready_task(other.id).bpmn_id == "Task_VillageCertify"
