"""Idempotency-Key: a retry gets the first answer, never a second application or a second completion."""
from engine.db import db
from engine.models import Application
from tests.api.api_helpers import residence_answers, start_residence, upload


def test_retried_start_returns_the_first_application(app, citizen):
    doc = upload(citizen).get_json()
    body = {"service_id": "residence_certificate", "centre_id": "xaysettha", "data": residence_answers(doc)}
    first = citizen.post("/applications", json=body, headers={"Idempotency-Key": "start-1"})
    retry = citizen.post("/applications", json=body, headers={"Idempotency-Key": "start-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["Location"] == first.headers["Location"]
    # the same key with another request is a client error, not a second application
    other = dict(body, data=dict(body["data"], village="ບ້ານສີສະຫວາດ"))
    reused = citizen.post("/applications", json=other, headers={"Idempotency-Key": "start-1"})
    assert reused.status_code == 422 and reused.get_json()["code"] == "idempotency_key_reused"
    with app.app_context():
        assert db.session.query(Application).count() == 1
    assert len(citizen.get("/applications").get_json()["items"]) == 1


def test_retried_completion_returns_the_first_result(citizen, desk):
    start_residence(citizen)
    task = desk.get("/tasks").get_json()["items"][0]
    body = {"data": {"decision": "approve"}}
    first = desk.post(f"/tasks/{task['id']}/complete", json=body, headers={"Idempotency-Key": "done-1"})
    retry = desk.post(f"/tasks/{task['id']}/complete", json=body, headers={"Idempotency-Key": "done-1"})
    assert first.status_code == retry.status_code == 200
    assert first.get_json() == retry.get_json()
    plain = desk.post(f"/tasks/{task['id']}/complete", json=body)
    assert plain.status_code == 409


def test_failed_request_does_not_burn_the_key(citizen):
    doc = upload(citizen).get_json()
    bad = {"service_id": "residence_certificate", "centre_id": "xaysettha", "data": {}}
    assert citizen.post("/applications", json=bad, headers={"Idempotency-Key": "k"}).status_code == 422
    assert citizen.post("/applications", json=bad, headers={"Idempotency-Key": "k"}).status_code == 422
    good = {"service_id": "residence_certificate", "centre_id": "xaysettha", "data": residence_answers(doc)}
    assert citizen.post("/applications", json=good, headers={"Idempotency-Key": "k2"}).status_code == 201
    assert citizen.post("/applications", json=good, headers={"Idempotency-Key": "bad key"}).status_code == 400


def test_keys_are_per_user(api, citizen, desk):
    def body(who):  # each names its own upload: a form may not name someone else's document
        return {"service_id": "residence_certificate", "centre_id": "xaysettha",
                "data": residence_answers(upload(who).get_json())}

    a = citizen.post("/applications", json=body(citizen), headers={"Idempotency-Key": "same"})
    b = desk.post("/applications", json=body(desk), headers={"Idempotency-Key": "same"})
    assert a.status_code == b.status_code == 201
    assert a.get_json()["id"] != b.get_json()["id"]
