"""Authorization of every route of the citizen, staff, auth and public blueprints, for each kind of visitor.

ROUTES lists every (rule, method); test_every_route_is_covered fails when a route is added without a row.
Expectations: a status code, or 'login' (redirect to the login page).
"""
from __future__ import annotations

import pytest

from tests.web.web_helpers import CITIZEN, login

C, S = "xaysettha", "residence_certificate"
OWN = "{app}"
# (rule, method, url template, {visitor: expected}); visitors not listed: see DEFAULTS per kind of route
PUBLIC = {"anon": 200, "citizen": 200, "desk": 200}
ROUTES = [
    ("/", "GET", "/", PUBLIC),
    ("/healthz", "GET", "/healthz", PUBLIC),
    ("/status", "GET", "/status?code={code}", {"anon": 302, "citizen": 302}),
    ("/status/<code>", "GET", "/status/{code}", PUBLIC),
    ("/login", "GET", "/login", PUBLIC),
    ("/login", "POST", "/login", {"anon": 401}),
    ("/register", "GET", "/register", {"anon": 200}),
    ("/register", "POST", "/register", {"anon": 400}),
    ("/centres", "GET", "/centres", PUBLIC),
    ("/centres/<centre_id>", "GET", f"/centres/{C}", PUBLIC),
    ("/centres/<centre_id>/services/<service_id>", "GET", f"/centres/{C}/services/{S}", PUBLIC),
    ("/centres/<centre_id>/services/<service_id>/apply", "GET", f"/centres/{C}/services/{S}/apply",
     {"anon": "login", "citizen": 200, "other_citizen": 200, "desk": 403, "other_centre": 403}),
    ("/centres/<centre_id>/services/<service_id>/apply", "POST", f"/centres/{C}/services/{S}/apply",
     {"anon": "login", "citizen": 422, "desk": 403}),
    ("/applications/<int:app_id>/receipt", "GET", "/applications/{app}/receipt",
     {"anon": "login", "citizen": 200, "other_citizen": 404, "desk": 403, "other_centre": 403}),
    ("/my", "GET", "/my", {"anon": "login", "citizen": 200, "other_citizen": 200, "desk": 403}),
    ("/my/<int:app_id>", "GET", "/my/{app}",
     {"anon": "login", "citizen": 200, "other_citizen": 404, "desk": 403, "other_centre": 403}),
    ("/my/<int:app_id>", "POST", "/my/{app}", {"anon": "login", "other_citizen": 404, "desk": 403, "citizen": 422}),
    ("/staff/", "GET", "/staff/",
     {"anon": "login", "citizen": 403, "desk": 200, "officer": 200, "other_centre": 200, "supervisor": 200}),
    ("/staff/inbox", "GET", "/staff/inbox", {"anon": 301, "citizen": 301, "desk": 301}),
    ("/staff/tasks/<task_id>", "GET", "/staff/tasks/{task}",
     {"anon": "login", "citizen": 403, "desk": 200, "officer": 403, "other_centre": 404, "supervisor": 200}),
    ("/staff/tasks/<task_id>", "POST", "/staff/tasks/{task}",
     {"anon": "login", "citizen": 403, "officer": 403, "other_centre": 404, "desk": 422}),
    ("/staff/tasks/<task_id>/claim", "POST", "/staff/tasks/{task}/claim",
     {"anon": "login", "citizen": 403, "officer": 403, "other_centre": 404}),
    ("/staff/tasks/<task_id>/unclaim", "POST", "/staff/tasks/{task}/unclaim",
     {"anon": "login", "citizen": 403, "officer": 403, "other_centre": 404}),
    ("/staff/tasks/<task_id>/reassign", "POST", "/staff/tasks/{task}/reassign",
     {"anon": "login", "citizen": 403, "desk": 403, "officer": 403, "other_centre": 403, "supervisor": 302}),
    ("/staff/cases", "GET", "/staff/cases",
     {"anon": "login", "citizen": 403, "desk": 403, "officer": 403, "other_centre": 403, "supervisor": 200}),
    ("/staff/cases/<int:app_id>", "GET", "/staff/cases/{app}",
     {"anon": "login", "citizen": 403, "other_citizen": 403, "desk": 200, "officer": 200, "other_centre": 404,
      "supervisor": 200}),
    ("/staff/cases/<int:app_id>/comment", "POST", "/staff/cases/{app}/comment",
     {"anon": "login", "citizen": 403, "other_centre": 404, "desk": 302}),
    ("/staff/cases/<int:app_id>/documents/<doc_id>", "GET", "/staff/cases/{app}/documents/{doc}",
     {"anon": "login", "citizen": 403, "other_citizen": 403, "desk": 200, "other_centre": 404}),
    ("/staff/cases/<int:app_id>/receipt", "GET", "/staff/cases/{app}/receipt",
     {"anon": "login", "citizen": 403, "desk": 200, "other_centre": 404}),
    ("/staff/desk", "GET", "/staff/desk",
     {"anon": "login", "citizen": 403, "officer": 403, "desk": 200, "other_centre": 200, "supervisor": 200}),
    ("/staff/desk/<service_id>", "GET", f"/staff/desk/{S}",
     {"anon": "login", "citizen": 403, "officer": 403, "desk": 200, "supervisor": 200}),
    ("/staff/desk/<service_id>", "POST", f"/staff/desk/{S}",
     {"anon": "login", "citizen": 403, "officer": 403, "desk": 422}),
    ("/logout", "POST", "/logout", {"anon": 302, "citizen": 302, "desk": 302}),
]
USERS = {"citizen": CITIZEN, "desk": "desk.xs", "officer": "officer.xs", "other_centre": "desk.ctb",
         "supervisor": "supervisor.xs"}
OWN_BLUEPRINTS = ("public", "auth", "citizen", "staff")


def test_every_route_is_covered(app):
    covered = {(rule, method) for rule, method, _url, _exp in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in OWN_BLUEPRINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.rule, method) not in covered:
                missing.append((rule.rule, method))
    assert not missing, f"routes without an authorization test: {missing}"


@pytest.fixture
def world(app, client, submitted):
    """A submitted application with its document and its first (front desk) task; a second citizen."""
    import re

    from engine.db import db
    from engine.models import Task

    app_id, code = submitted
    client.post("/register", data={"phone": "020 9999 0000", "full_name": "ນາງ ອື່ນ", "password": "other-pass-1",
                                   "password2": "other-pass-1"})
    client.post("/logout")
    login(client, "desk.xs")
    case = client.get(f"/staff/cases/{app_id}").get_data(as_text=True)
    doc = re.search(rf"/staff/cases/{app_id}/documents/([A-Za-z0-9_-]+)", case).group(1)
    client.post("/logout")
    with app.app_context():
        task = db.session.query(Task).filter_by(application_id=app_id, state="ready").one().id
    return {"app": app_id, "code": code, "task": task, "doc": doc}


@pytest.mark.parametrize("visitor", ["anon", "citizen", "other_citizen", "desk", "officer", "other_centre",
                                     "supervisor"])
def test_route_authorization(app, world, visitor):
    client = app.test_client()
    if visitor == "other_citizen":
        login(client, "02099990000", "other-pass-1")
    elif visitor != "anon":
        login(client, USERS[visitor])
    checked = 0
    for _rule, method, template, expected in ROUTES:
        if visitor not in expected:
            continue
        url = template.format(**world)
        response = client.open(url, method=method, data={})
        want = expected[visitor]
        if want == "login":
            assert response.status_code == 302 and "/login" in response.location, (visitor, method, url)
        else:
            assert response.status_code == want, (visitor, method, url, response.status_code)
        checked += 1
        if method == "POST" and url == "/logout" and visitor != "anon":
            break  # logged out: the rest would be anonymous
    assert checked


def test_other_centre_cannot_reach_a_case_by_any_url(app, world):
    client = app.test_client()
    login(client, "desk.ctb")
    for url in (f"/staff/cases/{world['app']}", f"/staff/tasks/{world['task']}",
                f"/staff/cases/{world['app']}/documents/{world['doc']}", f"/staff/cases/{world['app']}/receipt"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert world["code"] not in response.get_data(as_text=True)
    for url in (f"/staff/tasks/{world['task']}/claim", f"/staff/cases/{world['app']}/comment"):
        assert client.post(url, data={"text": "x"}).status_code == 404
