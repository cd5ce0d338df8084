"""Bad input gets a problem+json answer in the caller's language, with the right status; never a 500."""
import io

import pytest

from tests.api.api_helpers import CITIZEN, Api, start_residence, upload

PROBLEM = "application/problem+json"


def problem(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == PROBLEM
    body = r.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    if code:
        assert body["code"] == code, body
    return body


def test_no_token_is_401_with_bearer_challenge(api):
    body = problem(api.get("/applications"), 401, "unauthorized")
    assert body["detail"] == "Send a valid bearer token"
    r = api.get("/applications")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    problem(Api(api.client, "odsc_not-a-token").get("/applications"), 401, "unauthorized")
    problem(api.client.get("/api/v1/applications", headers={"Authorization": "Basic eDp5"}), 401)


def test_messages_follow_accept_language_lao_by_default(api):
    lao = api.client.get("/api/v1/applications")
    assert lao.get_json()["title"] == "ຕ້ອງເຂົ້າສູ່ລະບົບ" and lao.headers["Content-Language"] == "lo"
    english = api.client.get("/api/v1/applications", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english.get_json()["title"] == "Authentication required"
    weird = api.client.get("/api/v1/applications", headers={"Accept-Language": ";;q=x,,*"})
    assert weird.status_code == 401 and weird.get_json()["title"] == "ຕ້ອງເຂົ້າສູ່ລະບົບ"


def test_wrong_password_and_unknown_user(api):
    problem(api.post("/auth/token", json={"username": "desk.xs", "password": "wrong-password"}), 401,
            "invalid_credentials")
    problem(api.post("/auth/token", json={"username": "nobody", "password": "x"}), 401, "invalid_credentials")
    body = problem(api.post("/auth/token", json={"username": "desk.xs"}), 422, "invalid_data")
    assert body["errors"] == {"password": "Missing data for required field."}


def test_login_locks_after_five_failures(api):
    for _ in range(5):
        problem(api.post("/auth/token", json={"username": "desk.xs", "password": "wrong-password"}), 401)
    problem(api.post("/auth/token", json={"username": "desk.xs", "password": "demo-pass-2026"}), 403,
            "account_locked")


def test_malformed_and_mistyped_json(citizen):
    c = citizen.client
    h = citizen.headers()
    problem(c.post("/api/v1/applications", data="{not json", content_type="application/json", headers=h), 400,
            "malformed_json")
    problem(c.post("/api/v1/applications", data=b"\xff\xfe", content_type="application/json", headers=h), 400)
    problem(c.post("/api/v1/applications", data='{"a": NaN}', content_type="application/json", headers=h), 400)
    problem(c.post("/api/v1/applications", data="[" * 100000, content_type="application/json", headers=h), 400)
    body = problem(citizen.post("/applications", json=[1, 2]), 422, "invalid_data")
    assert "_schema" in body["errors"]
    body = problem(citizen.post("/applications", json={"service_id": 5, "centre_id": None, "data": "x",
                                                       "extra": 1}), 422)
    assert set(body["errors"]) == {"service_id", "centre_id", "data", "extra"}
    body = problem(citizen.post("/applications", json={"service_id": "a\x00b", "centre_id": "x", "data": {}}), 422)
    assert "service_id" in body["errors"]


def test_lao_field_messages(api):
    lao = Api(api.client, api.login(CITIZEN).token, lang="lo")
    body = problem(lao.post("/applications", json={"centre_id": "xaysettha", "data": {}}), 422)
    assert body["errors"]["service_id"] == "ກະລຸນາຕື່ມຊ່ອງນີ້"
    body = problem(lao.post("/applications", json={"service_id": "residence_certificate",
                                                   "centre_id": "xaysettha", "data": {"birth_date": "yesterday"}}),
                   422)
    assert body["errors"]["data.birth_date"].startswith("ກະລຸນາ")
    assert body["detail"] == "ຂໍ້ມູນບໍ່ຖືກຕ້ອງ: ກະລຸນາກວດເບິ່ງຊ່ອງທີ່ໝາຍໄວ້"


def test_wrong_content_type_and_huge_body(citizen):
    c, h = citizen.client, citizen.headers()
    problem(c.post("/api/v1/applications", data="service_id=x", headers=h,
                   content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type")
    problem(c.post("/api/v1/applications", data=b"{}" + b" " * (300 * 1024), content_type="application/json",
                   headers=h), 413, "too_large")
    problem(c.post("/api/v1/documents", json={"file": "x"}, headers=h), 415)
    problem(c.post("/api/v1/documents", data={"other": "x"}, headers=h, content_type="multipart/form-data"), 422)
    problem(upload(citizen, data=b"MZ\x90\x00 not a document"), 415, "upload_kind")
    problem(upload(citizen, data=b""), 422, "upload_empty")
    problem(upload(citizen, data=b"%PDF-" + b"0" * (6 * 1024 * 1024)), 413)


def test_unknown_ids_routes_and_methods(citizen, api):
    problem(citizen.get("/applications/999999"), 404, "not_found")
    problem(citizen.get("/applications/abc"), 404, "route_not_found")
    problem(api.get("/centres/nowhere"), 404, "not_found")
    problem(api.get("/centres/" + "x" * 500), 404)
    problem(api.get("/services/NOPE%00"), 404)
    problem(api.get("/status/not-a-code"), 404, "not_found")
    problem(api.get("/status/ABCD-EFGH-JK"), 404, "not_found")
    problem(api.get("/nothing/here"), 404, "route_not_found")
    r = api.delete("/centres")
    problem(r, 405, "method_not_allowed")
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}  # every method really accepted
    problem(citizen.post("/tasks/does-not-exist/claim"), 404)
    problem(citizen.post("/tasks/" + "a" * 36 + "/complete", json={}), 404)
    problem(citizen.get("/applications?limit=100000"), 422)
    problem(citizen.get("/applications?status=sleeping"), 422)


def test_citizen_has_no_inbox_and_cannot_act_on_staff_tasks(citizen, desk):
    assert start_residence(citizen).status_code == 201
    problem(citizen.get("/tasks"), 403, "staff_only")
    task = desk.get("/tasks").get_json()["items"][0]
    problem(citizen.post(f"/tasks/{task['id']}/claim"), 404)
    problem(citizen.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}}), 404)


def test_other_centres_tasks_are_invisible(api, citizen, desk):
    app = start_residence(citizen).get_json()
    task = desk.get("/tasks").get_json()["items"][0]
    other = api.login("desk.ctb")
    assert task["id"] not in [t["id"] for t in other.get("/tasks").get_json()["items"]]
    problem(other.get(f"/tasks/{task['id']}"), 404)
    problem(other.post(f"/tasks/{task['id']}/claim"), 404)
    problem(other.post(f"/tasks/{task['id']}/complete", json={"data": {}}), 404)
    problem(other.get(f"/applications/{app['id']}"), 404)
    # the cashier of the same centre may look but not act on the desk's task
    cashier = api.login("cashier.xs")
    problem(cashier.post(f"/tasks/{task['id']}/claim"), 403, "forbidden")


def test_conflicts_are_409(api, citizen, desk):
    start_residence(citizen)
    task = desk.get("/tasks").get_json()["items"][0]
    supervisor = api.login("supervisor.xs")
    assert desk.post(f"/tasks/{task['id']}/claim").status_code == 200
    problem(supervisor.post(f"/tasks/{task['id']}/claim"), 409, "claimed_by_other")
    stale = task["application_version"] + 7
    problem(desk.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}},
                      headers={"If-Match": f'"{stale}"'}), 409, "conflict")
    problem(desk.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"},
                                                             "expected_version": stale}), 409, "conflict")
    problem(desk.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}},
                      headers={"If-Match": "yesterday"}), 400, "invalid_header")
    ok = desk.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}},
                   headers={"If-Match": f'W/"{task["application_version"]}"'})
    assert ok.status_code == 200, ok.get_json()
    problem(desk.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}}), 409,
            "task_not_ready")


def test_return_needs_a_reason_and_a_form_that_allows_it(citizen, desk):
    start_residence(citizen)
    task = desk.get("/tasks").get_json()["items"][0]
    body = problem(desk.post(f"/tasks/{task['id']}/return", json={"data": {}}), 422)
    assert "reason" in body["errors"]
    body = problem(desk.post(f"/tasks/{task['id']}/return", json={"reason": "   "}), 422)
    assert "reason" in body["errors"]


@pytest.mark.parametrize("path", ["/centres", "/services", "/status/ABCDEFGHJK"])
def test_rate_limits_answer_429_problem(app, client, path):
    from web.security import limiter

    app.config.update(API_STATUS_LIMIT="3 per minute", API_LOGIN_LIMIT="3 per minute")
    was = limiter.enabled
    limiter.enabled = True
    try:
        with app.app_context():
            limiter.reset()
        if path.startswith("/status"):
            codes = [client.get("/api/v1" + path).status_code for _ in range(5)]
            assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
            r = client.get("/api/v1" + path, headers={"Accept-Language": "en"})
            problem(r, 429, "rate_limited")
            assert int(r.headers["Retry-After"]) > 0
        else:
            assert all(client.get("/api/v1" + path).status_code == 200 for _ in range(6))
        logins = [client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).status_code
                  for _ in range(5)]
        assert logins[:3] == [401, 401, 401] and logins[3:] == [429, 429]
    finally:
        limiter.enabled = was


def test_uploads_to_other_peoples_applications_are_404(api, citizen):
    app = start_residence(citizen).get_json()
    other = api.login("desk.ctb")
    r = other.client.post(f"/api/v1/applications/{app['id']}/documents", headers=other.headers(),
                          data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")}, content_type="multipart/form-data")
    problem(r, 404)


def test_only_the_front_desk_registers_walk_ins(api):
    from tests.api.api_helpers import residence_answers

    cashier = api.login("cashier.xs")
    doc = upload(cashier).get_json()
    body = {"service_id": "residence_certificate", "centre_id": "xaysettha", "data": residence_answers(doc)}
    problem(cashier.post("/applications", json=body), 403, "forbidden")
    desk_ctb = api.login("desk.ctb")
    problem(desk_ctb.post("/applications", json=body), 403, "forbidden")  # not their centre
