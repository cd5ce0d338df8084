"""Staff pages: inbox (overdue first, filters, claim), task forms and decisions, conflicts, case view,
comments, documents, supervisor reassignment, front-desk walk-in registration."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.web.web_helpers import (
    CITIZEN,
    PDF,
    RESIDENCE,
    apply_residence,
    first_task,
    login,
    pdf,
    task_links,
)


def _set_due(app, app_id: int, due: date) -> None:
    from engine.db import db
    from engine.models import Application, Task

    with app.app_context():
        for task in db.session.query(Task).filter_by(application_id=app_id):
            task.due_date = due
        db.session.get(Application, app_id).due_date = due
        db.session.commit()


def test_inbox_overdue_first_and_filters(app, client, submitted):
    first_id, first_code = submitted
    login(client, CITIZEN)
    second = apply_residence(client)
    second_id = int(re.search(r"/applications/(\d+)/", second.location).group(1))
    _set_due(app, second_id, date.today() - timedelta(days=3))
    login(client, "desk.xs")
    html = client.get("/staff/").get_data(as_text=True)
    links = task_links(html)
    assert len(set(links)) == 2
    assert "ກາຍກຳນົດ" in html
    assert html.index("item overdue") < html.index(f"{first_code[:4]}-{first_code[4:8]}")
    overdue_only = client.get("/staff/?due=overdue").get_data(as_text=True)
    assert len(set(task_links(overdue_only))) == 1 and first_code[:4] not in overdue_only
    assert len(set(task_links(client.get("/staff/?service=construction_permit").get_data(as_text=True)))) == 0
    # claim one: the filters for taken / not taken / mine follow
    task = task_links(html)[0]
    assert client.post(f"/staff/tasks/{task}/claim").status_code == 302
    assert set(task_links(client.get("/staff/?status=claimed").get_data(as_text=True))) == {task}
    assert task not in task_links(client.get("/staff/?status=unclaimed").get_data(as_text=True))
    assert set(task_links(client.get("/staff/?mine=1").get_data(as_text=True))) == {task}
    client.post(f"/staff/tasks/{task}/unclaim")
    assert task_links(client.get("/staff/?mine=1").get_data(as_text=True)) == []


def test_officer_does_not_see_front_desk_tasks(client, submitted):
    login(client, "officer.xs")
    assert task_links(client.get("/staff/").get_data(as_text=True)) == []
    assert "ບໍ່ມີວຽກລໍຖ້າທ່ານ" in client.get("/staff/").get_data(as_text=True)


def test_task_page_shows_decision_buttons_and_application(client, submitted):
    task = first_task(client, "desk.xs")
    html = client.get(f"/staff/tasks/{task}").get_data(as_text=True)
    assert 'name="decision" value="approve"' in html
    assert 'name="decision" value="return"' in html and 'name="decision" value="reject"' in html
    assert "ເອກະສານຄົບຖ້ວນ" in html  # the decision's Lao label on the button
    assert RESIDENCE["applicant_name"] in html and "book.pdf" in html


def test_return_and_reject_need_a_reason(client, submitted):
    task = first_task(client, "desk.xs")
    response = client.post(f"/staff/tasks/{task}", data={"decision": "return", "reason": "  "})
    assert response.status_code == 422
    assert "ກະລຸນາໃສ່ເຫດຜົນ" in response.get_data(as_text=True)
    response = client.post(f"/staff/tasks/{task}", data={"decision": "reject", "reason": ""})
    assert response.status_code == 422
    assert client.post(f"/staff/tasks/{task}", data={"decision": "nonsense"}).status_code == 422
    response = client.post(f"/staff/tasks/{task}", data={"decision": "reject", "reason": "ບໍ່ແມ່ນຜູ້ອາໄສໃນເມືອງນີ້"})
    assert response.status_code == 302
    app_id, code = submitted
    assert "ຄຳຮ້ອງຖືກປະຕິເສດ" in client.get(f"/status/{code}").get_data(as_text=True)
    # the citizen sees why; the public page does not
    assert "ບໍ່ແມ່ນຜູ້ອາໄສໃນເມືອງນີ້" not in client.get(f"/status/{code}").get_data(as_text=True)
    login(client, CITIZEN)
    page = client.get(f"/my/{app_id}").get_data(as_text=True)
    assert "ບໍ່ແມ່ນຜູ້ອາໄສໃນເມືອງນີ້" in page and "ຄຳຮ້ອງຖືກປະຕິເສດ" in page


def test_task_completed_by_someone_else_while_open(app, client, submitted):
    task = first_task(client, "desk.xs")
    assert client.get(f"/staff/tasks/{task}").status_code == 200  # desk.xs has it open
    other = app.test_client()
    login(other, "supervisor.xs")
    assert other.post(f"/staff/tasks/{task}", data={"decision": "approve"}).status_code == 302
    response = client.post(f"/staff/tasks/{task}", data={"decision": "approve"})
    assert response.status_code == 409
    assert "ວຽກນີ້ບໍ່ໄດ້ລໍຖ້າຢູ່ແລ້ວ" in response.get_data(as_text=True)
    # and opening it again explains it too, without a form
    html = client.get(f"/staff/tasks/{task}").get_data(as_text=True)
    assert "ວຽກນີ້ບໍ່ໄດ້ລໍຖ້າຢູ່ແລ້ວ" in html and 'name="decision"' not in html


def test_task_claimed_by_a_colleague_gives_a_clear_message(app, client, submitted):
    task = first_task(client, "desk.xs")
    client.post(f"/staff/tasks/{task}/claim")
    other = app.test_client()
    login(other, "supervisor.xs")  # supervisors may still act; a second plain clerk may not
    from engine.accounts import create_user
    from engine.db import db

    with app.app_context():
        create_user("desk2.xs", "demo-pass-2026", full_name="ນາງ ສອງ", centre_id="xaysettha", roles=["front_desk"])
        db.session.commit()
    login(other, "desk2.xs")
    response = other.post(f"/staff/tasks/{task}/claim", follow_redirects=True)
    assert "ຖືກຮັບໄປໂດຍ" in response.get_data(as_text=True)
    response = other.post(f"/staff/tasks/{task}", data={"decision": "approve"})
    assert response.status_code == 409 and "ຖືກຮັບໄປໂດຍ" in response.get_data(as_text=True)


def test_case_view_comment_history_and_documents(app, client, submitted):
    app_id, _code = submitted
    login(client, "desk.xs")
    html = client.get(f"/staff/cases/{app_id}").get_data(as_text=True)
    assert RESIDENCE["applicant_name"] in html and "ຍື່ນຄຳຮ້ອງແລ້ວ" in html  # data and history
    assert "ໄດ້ຮັບຄຳຮ້ອງແລ້ວ" in html  # milestone reached
    doc = re.search(rf"/staff/cases/{app_id}/documents/([A-Za-z0-9_-]+)", html).group(1)
    download = client.get(f"/staff/cases/{app_id}/documents/{doc}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert client.get(f"/staff/cases/{app_id}/documents/{'0' * 32}").status_code == 404
    assert client.get(f"/staff/cases/{app_id}/documents/..%2F..%2Fsecret_key").status_code == 404
    response = client.post(f"/staff/cases/{app_id}/comment", data={"text": "ໂທຫາຜູ້ຍື່ນແລ້ວ"})
    assert response.status_code == 302
    assert "ໂທຫາຜູ້ຍື່ນແລ້ວ" in client.get(f"/staff/cases/{app_id}").get_data(as_text=True)
    # comments are internal: not on the citizen's pages
    login(client, CITIZEN)
    assert "ໂທຫາຜູ້ຍື່ນແລ້ວ" not in client.get(f"/my/{app_id}").get_data(as_text=True)


def test_resubmitted_document_is_listed_on_the_case(client, submitted):
    app_id, _code = submitted
    task = first_task(client, "desk.xs")
    client.post(f"/staff/tasks/{task}", data={"decision": "return", "reason": "ບັດປະຈຳຕົວ"})
    login(client, CITIZEN)
    client.post(f"/my/{app_id}", data={"response": "ແນບແລ້ວ", "documents": pdf("idcard.pdf")},
                content_type="multipart/form-data")
    login(client, "desk.xs")
    html = client.get(f"/staff/cases/{app_id}").get_data(as_text=True)
    assert "idcard.pdf" in html and "ສົ່ງຄືນຜູ້ຍື່ນຄຳຮ້ອງແລ້ວ" in html and "ບັດປະຈຳຕົວ" in html


def test_supervisor_sees_all_cases_and_reassigns(app, client, submitted):
    app_id, code = submitted
    login(client, "supervisor.xs")
    html = client.get("/staff/cases").get_data(as_text=True)
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in html
    assert code[:4] in client.get("/staff/cases?status=submitted").get_data(as_text=True)
    assert code[:4] not in client.get("/staff/cases?status=completed").get_data(as_text=True)
    case = client.get(f"/staff/cases/{app_id}").get_data(as_text=True)
    task = re.search(r'/staff/tasks/([0-9a-f-]{36})/reassign', case).group(1)
    from engine.db import db
    from engine.models import Task, User

    with app.app_context():
        desk = db.session.query(User).filter_by(username="desk.xs").one().id
        officer = db.session.query(User).filter_by(username="officer.xs").one().id
    # the officer lacks the front-desk role: refused with a message, nothing changes
    client.post(f"/staff/tasks/{task}/reassign", data={"user_id": officer})
    assert client.post(f"/staff/tasks/{task}/reassign", data={"user_id": desk}).status_code == 302
    with app.app_context():
        assert db.session.get(Task, task).claimed_by_id == desk
    login(client, "desk.xs")
    assert set(task_links(client.get("/staff/?mine=1").get_data(as_text=True))) == {task}


def test_front_desk_registers_a_walk_in_and_prints_the_receipt(app, client):
    login(client, "desk.xs")
    assert "ໃບຢັ້ງຢືນທີ່ຢູ່" in client.get("/staff/desk").get_data(as_text=True)
    html = client.get("/staff/desk/residence_certificate").get_data(as_text=True)
    assert 'name="applicant_name"' in html and 'name="phone"' in html
    bad = client.post("/staff/desk/residence_certificate", data={"applicant_name": "ນາງ ແກ້ວ"},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "ນາງ ແກ້ວ" in bad.get_data(as_text=True)
    data = {**RESIDENCE, "applicant_name": "ນາງ ແກ້ວ", "family_book_scan": pdf()}
    response = client.post("/staff/desk/residence_certificate", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and "/receipt" in response.location
    receipt = client.get(response.location).get_data(as_text=True)
    assert "<svg" in receipt and "window.print()" in receipt and "ລົງທະບຽນຄຳຮ້ອງແລ້ວ" in receipt
    from engine.db import db
    from engine.models import Application

    with app.app_context():
        registered = db.session.query(Application).order_by(Application.id.desc()).first()
        assert registered.channel == "desk" and registered.data["applicant_name"] == "ນາງ ແກ້ວ"


def test_whole_path_through_the_ui_with_fee(app, client, submitted):
    app_id, code = submitted
    for user, data in [("desk.xs", {"decision": "approve"}), ("officer.xs", {"decision": "approve"}),
                       ("approver.xs", {"decision": "approve"})]:
        task = first_task(client, user)
        assert client.post(f"/staff/tasks/{task}", data=data).status_code == 302
    task = first_task(client, "cashier.xs")
    html = client.get(f"/staff/tasks/{task}").get_data(as_text=True)
    assert 'name="amount_paid"' in html and 'value="25.000"' in html  # the fee is proposed, as Lao writes it
    bad = client.post(f"/staff/tasks/{task}", data={"receipt_number": "", "amount_paid": "abc"})
    assert bad.status_code == 422
    assert client.post(f"/staff/tasks/{task}", data={"receipt_number": "R-77", "amount_paid": "25.000"}).status_code == 302
    task = first_task(client, "desk.xs")
    response = client.post(f"/staff/tasks/{task}", data={"handed_over": "yes"})
    assert response.status_code == 302
    html = client.get(f"/status/{code}").get_data(as_text=True)
    assert "ສຳເລັດ, ມອບເອກະສານແລ້ວ" in html
