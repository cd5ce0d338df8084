"""What a clerk sees on the staff pages: a manual task with its generated confirmation form, and a gateway
failure that leaves the task in place with a message naming the gateway (never a 500)."""
from __future__ import annotations

from tests.conformance.harness import Case, publish, restart
from tests.designer.designer_helpers import login


def test_manual_task_page_shows_the_confirmation_form_and_completes(conf):
    case = Case(publish("human_tasks"))
    task_id = case.task("Manual_Stamp").id
    client = conf.test_client()
    login(client, "desk.xs")
    page = client.get(f"/staff/tasks/{task_id}?lang=en")
    assert page.status_code == 200 and "Confirm that this work is done" in page.get_data(as_text=True)
    assert case.app().service_version_id and "ຢືນຢັນ" in _confirm_title_lo(case)
    done = client.post(f"/staff/tasks/{task_id}", data={"note": "stamped"})
    assert done.status_code == 302
    restart()
    assert case.inbox() == [("Task_Phone", "approver")]


def test_gateway_failure_on_the_task_page_keeps_the_task(conf):
    case = Case(publish("gateway_gap"))
    task_id = case.task("Task_Score").id
    client = conf.test_client()
    login(client, "desk.xs")
    page = client.post(f"/staff/tasks/{task_id}?lang=en", data={"score": "4"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Gateway_Score" in text and "Score high enough?" in text and "no route" in text
    restart()
    assert case.inbox() == [("Task_Score", "front_desk")]
    assert case.app().incident is None


def _confirm_title_lo(case) -> str:
    from engine.runtime.specs import compiled

    return compiled(case.app().service_version_id).definition["forms"]["odsc_confirm"]["title"]["lo"]
