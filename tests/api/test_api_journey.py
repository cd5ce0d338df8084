"""The whole journey over HTTP only: a citizen applies, the front desk returns it for a missing document,
the citizen resubmits, then every office does its step (desk, line office, approver, cashier, hand-out)
until the certificate is issued; the citizen and the public status follow it."""
from tests.api.api_helpers import CITIZEN, Api, answers_for, residence_answers, start_residence, upload

STAFF = ("desk.xs", "officer.xs", "approver.xs", "cashier.xs")


def waiting_task(staff: dict[str, Api], application_id: int) -> tuple[str, dict]:
    for username, client in staff.items():
        for task in client.get("/tasks").get_json()["items"]:
            if task["application_id"] == application_id:
                return username, task
    raise AssertionError(f"no staff member has a task of application {application_id}")


def act(staff: Api, task: dict, action: str = "complete", **body) -> dict:
    detail = staff.get(f"/tasks/{task['id']}").get_json()
    assert action in detail["actions"]
    r = staff.post(f"/tasks/{task['id']}/claim")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["claimed_by"]["id"]
    data = answers_for(staff, detail["form"]) if action == "complete" else {}
    r = staff.post(f"/tasks/{task['id']}/{action}", json={"data": data, **body},
                   headers={"If-Match": f'"{task["application_version"]}"'})
    assert r.status_code == 200, (r.get_json(), detail["form"])
    return r.get_json()


def test_citizen_clerk_approver_cashier_journey(api):
    citizen = api.login(CITIZEN)
    staff = {name: api.login(name) for name in STAFF}

    # the citizen reads the catalogue
    services = citizen.get("/services?centre=xaysettha").get_json()["items"]
    assert "residence_certificate" in [s["id"] for s in services]
    svc = citizen.get("/services/residence_certificate").get_json()
    form = svc["forms"][svc["application_form"]]
    assert "family_book_scan" in form["required"]
    assert svc["fee"]["currency"] == "LAK" and svc["documents"] and svc["milestones"]

    # applies with an uploaded scan
    r = start_residence(citizen)
    assert r.status_code == 201, r.get_json()
    app = r.get_json()
    code, app_id = app["tracking_code"], app["id"]
    assert r.headers["Location"].endswith(f"/api/v1/applications/{app_id}")
    assert app["status"] in ("submitted", "in_progress") and app["milestone"] == "received"
    assert [a["id"] for a in citizen.get("/applications").get_json()["items"]] == [app_id]

    # the front desk returns it for a missing document; the citizen answers
    who, task = waiting_task(staff, app_id)
    assert who == "desk.xs"
    act(staff[who], task, "return", reason="The family book scan is unreadable")
    mine = citizen.get(f"/applications/{app_id}").get_json()
    assert mine["status"] == "returned"
    assert mine["action_required"]["reason"] == "The family book scan is unreadable"
    doc = upload(citizen, f"/applications/{app_id}/documents")
    assert doc.status_code == 201
    answers = answers_for(citizen, mine["action_required"]["form"])
    r = citizen.post(f"/applications/{app_id}/resubmit", json={"data": answers})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["action_required"] is None

    # then every office does its step until the certificate is handed out
    visited = []
    for _step in range(12):
        state = citizen.get(f"/applications/{app_id}").get_json()
        if state["status"] == "completed":
            break
        who, task = waiting_task(staff, app_id)
        visited.append(who)
        act(staff[who], task)
    assert state["status"] == "completed" and state["milestone"] == "completed"
    assert visited[0] == "desk.xs" and {"approver.xs", "cashier.xs"} <= set(visited)
    assert visited.index("approver.xs") < visited.index("cashier.xs")
    milestones = [s["milestone"] for s in state["steps"]]
    assert milestones[:2] == ["received", "returned"] and milestones[-1] == "completed"

    # the public status shows the same progress and no personal data
    public = api.get(f"/status/{code}").get_json()
    assert public["status"] == "completed" and public["milestone_label"]["en"]
    assert [s["milestone"] for s in public["steps"]] == milestones
    flat = str(public)
    assert "ສົມຊາຍ" not in flat and "LA1234567" not in flat and "5555" not in flat


def test_desk_registers_walk_in_and_rejects(api):
    desk = api.login("desk.xs")
    doc = upload(desk).get_json()
    r = desk.post("/applications", json={"service_id": "residence_certificate", "centre_id": "xaysettha",
                                         "data": residence_answers(doc)})
    assert r.status_code == 201, r.get_json()
    app = r.get_json()
    assert app["channel"] == "desk"
    assert app["id"] in [a["id"] for a in desk.get("/applications").get_json()["items"]]
    task = next(t for t in desk.get("/tasks").get_json()["items"] if t["application_id"] == app["id"])
    done = act(desk, task, "reject", reason="Not resident in this district")
    assert done["status"] == "rejected"
    assert api.get(f"/status/{app['tracking_code']}").get_json()["status"] == "rejected"
    # another centre's clerk sees neither the application nor its tasks
    other = api.login("desk.ctb")
    assert other.get(f"/applications/{app['id']}").status_code == 404
    assert other.get(f"/tasks/{task['id']}").status_code == 404


def test_status_fast_path_matches_its_schema(app, citizen):
    from engine.queries import public_status
    from web.api.schemas import PublicStatus
    from web.api.views import status_payload

    code = start_residence(citizen).get_json()["tracking_code"]
    with app.app_context():
        found = public_status(code.lower()[:4] + "-" + code[4:])
        assert status_payload(found) == PublicStatus().dump(found)


def test_case_documents_comments_history_and_reassignment(api):
    from tests.api.api_helpers import PNG

    citizen, desk = api.login(CITIZEN), api.login("desk.xs")
    supervisor, other = api.login("supervisor.xs"), api.login("desk.ctb")
    app = start_residence(citizen).get_json()
    doc_id = app["data"]["family_book_scan"]["id"]
    # the applicant and the centre's staff can download the scan; nobody else, and no unrelated file
    for who in (citizen, desk):
        r = who.get(f"/applications/{app['id']}/documents/{doc_id}")
        assert r.status_code == 200 and r.mimetype == "image/png" and r.data == PNG
    assert other.get(f"/applications/{app['id']}/documents/{doc_id}").status_code == 404
    stray = upload(citizen).get_json()["id"]
    assert citizen.get(f"/applications/{app['id']}/documents/{stray}").status_code == 404

    # an internal comment shows in the staff history, which the applicant cannot read
    r = desk.post(f"/applications/{app['id']}/comments", json={"text": "Applicant phoned, will bring the ID"})
    assert r.status_code == 204
    history = desk.get(f"/applications/{app['id']}/history").get_json()["items"]
    assert [e["kind"] for e in history][0] == "application.started"
    assert history[-1]["kind"] == "comment" and "phoned" in history[-1]["summary"]
    assert citizen.get(f"/applications/{app['id']}/history").status_code == 403
    assert desk.post(f"/applications/{app['id']}/comments", json={"text": ""}).status_code == 422

    # the supervisor gives the desk's task to a colleague; the desk clerk cannot reassign
    task = next(t for t in desk.get("/tasks").get_json()["items"] if t["application_id"] == app["id"])
    desk_id = desk.get("/me").get_json()["id"]
    assert desk.post(f"/tasks/{task['id']}/reassign", json={"user_id": desk_id}).status_code == 403
    r = supervisor.post(f"/tasks/{task['id']}/reassign", json={"user_id": desk_id})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["claimed_by"]["id"] == desk_id
    cashier_id = api.login("cashier.xs").get("/me").get_json()["id"]
    r = supervisor.post(f"/tasks/{task['id']}/reassign", json={"user_id": cashier_id})
    assert r.status_code == 422  # the cashier lacks the front-desk role
