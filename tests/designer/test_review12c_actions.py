"""rev12c: an action the platform offers a clerk must do what it says (the run-time side).

Was: on a task whose form offers Reject but where no condition reads `decision`, POST /tasks/{id}/reject
answered 200 and recorded application.rejected, and the case went on to its certificate; and on a task whose
form has a decision but no `reason` field, /reject answered 422 "reason: This field is not part of the form".
Upload now refuses the first (test_review12c_routes); versions published before remain, so the runtime asks
the stored BPMN too: the API's actions, the staff page and the commands offer and accept only what is honoured.
"""
from __future__ import annotations

import pytest

from engine.catalogue.loader import ServiceBundle, content_hash
from engine.catalogue.publish import publish_service
from engine.db import db
from engine.designer.upload import collect
from engine.designer.validate import validate
from engine.errors import NotAllowed
from engine.models import Application, AuditEvent, CentreService
from tests.designer.designer_helpers import actor, login, ready_tasks, scenario_files, start

SCENARIO = "review12c/rv36_decision_unread"
GATEWAY = ('<bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_Approve" targetRef="Activity_Hand" />',
           '<bpmn:exclusiveGateway id="Gateway_D" default="Flow_Ok" />'
           '<bpmn:endEvent id="Event_Rejected" name="Rejected" />'
           '<bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_Approve" targetRef="Gateway_D" />'
           '<bpmn:sequenceFlow id="Flow_Ok" sourceRef="Gateway_D" targetRef="Activity_Hand" />'
           '<bpmn:sequenceFlow id="Flow_No" sourceRef="Gateway_D" targetRef="Event_Rejected">'
           '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == \'reject\''
           '</bpmn:conditionExpression></bpmn:sequenceFlow>')
REJECTED = "- id: completed\n", ("- id: rejected\n  elements:\n  - Event_Rejected\n  label:\n    lo: ຖືກປະຕິເສດ\n"
                                 "    en: Rejected\n- id: completed\n")
NO_REASON = ("- name: reason\n  type: long_text\n  required: false\n  label:\n    lo: reason ລາວ\n    en: reason\n"
             "  max_length: 500\n", "")


def _files(*, routed: bool, reason_field: bool = True):
    out = []
    for name, data in scenario_files(SCENARIO):
        text = data.decode("utf-8")
        if routed and name.endswith(".bpmn"):
            text = text.replace(*GATEWAY)
        if routed and name == "service.yaml":
            text = text.replace(*REJECTED)
        if not reason_field and name == "forms/rv36_dec.yaml":
            assert NO_REASON[0] in text
            text = text.replace(*NO_REASON)
        out.append((name, text.encode("utf-8")))
    return out


def _publish(bundle: ServiceBundle) -> None:
    publish_service(bundle, actor("designer"))
    if db.session.get(CentreService, ("xaysettha", bundle.id)) is None:
        db.session.add(CentreService(centre_id="xaysettha", service_id=bundle.id, active=True))
    db.session.commit()


def _legacy_unread_version() -> None:
    """A version published before upload refused an unread Reject: the routed definition, the unread BPMN."""
    routed = validate(collect(_files(routed=True))).bundle
    unread = dict(scenario_files(SCENARIO))
    bpmn = {name: unread[name].decode("utf-8") for name in routed.bpmn}
    _publish(ServiceBundle(routed.id, routed.definition, bpmn, routed.service_yaml,
                           content_hash(routed.service_yaml, bpmn, routed.definition["forms"])))


def _approve_task(application_id: int):
    from engine.runtime.commands import complete_task
    from engine.runtime.specs import compiled

    task = ready_tasks(application_id)[0]
    assert task.bpmn_id == "Activity_Approve", task.bpmn_id
    return task, compiled(db.session.get(Application, application_id).service_version_id), complete_task


def test_a_reject_nothing_routes_by_is_neither_offered_nor_accepted(app, client):
    from engine.runtime.commands import reject
    from web.api.serialize import task_actions

    with app.app_context():
        _legacy_unread_version()
        application = start("rv36_decision_unread")
        task, service, complete_task = _approve_task(application.id)
        assert task_actions(service.definition, task, application) == ["complete"]
        with pytest.raises(NotAllowed) as refused:
            reject(task.id, actor("approver.xs"), "not eligible")
        assert "ປະຕິເສດ" in refused.value.message("lo") and "rejected" not in refused.value.message("lo")
        assert refused.value.message("en") == "This task cannot be rejected"
        with pytest.raises(NotAllowed):
            complete_task(task.id, actor("approver.xs"), {"decision": "reject", "reason": "no"})
        assert not db.session.query(AuditEvent).filter_by(kind="application.rejected").count()
        task_id = task.id
    login(client, "approver.xs")
    page = client.get(f"/staff/tasks/{task_id}").get_data(as_text=True)
    assert 'value="approve"' in page and 'value="reject"' not in page
    assert client.post(f"/staff/tasks/{task_id}", data={"decision": "reject", "reason": "x"}).status_code == 422


def test_return_and_reject_work_on_a_form_without_a_reason_field(app, client):
    from engine.runtime.commands import reject
    from web.api.serialize import task_actions

    with app.app_context():
        bundle = validate(collect(_files(routed=True, reason_field=False))).bundle
        assert bundle is not None
        _publish(bundle)
        first = start("rv36_decision_unread")
        task, service, _complete = _approve_task(first.id)
        assert task_actions(service.definition, task, first) == ["complete", "reject"]
        reject(task.id, actor("approver.xs"), "the papers are forged")
        first = db.session.get(Application, first.id)
        assert first.status == "rejected", first.status
        event = db.session.query(AuditEvent).filter_by(kind="application.rejected").one()
        assert event.data["answers"]["reason"] == "the papers are forged"
        second = start("rv36_decision_unread")
        task_id, second_id = ready_tasks(second.id)[0].id, second.id
    login(client, "approver.xs")
    page = client.get(f"/staff/tasks/{task_id}").get_data(as_text=True)
    assert 'name="reason"' in page and 'value="reject"' in page  # a reason box the form itself lacks
    answer = client.post(f"/staff/tasks/{task_id}", data={"decision": "reject", "reason": "no land title"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    with app.app_context():
        assert db.session.get(Application, second_id).status == "rejected"
