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


# ---- the whole site and the API, at every scope level ---------------------------------------------------
# Visitors by scope: none (anon), self (citizen, other_citizen), centre (desk, other_centre = another
# district of the same province, supervisor), province (monitor_vte, admin_vte), nation (monitor_moha,
# admin, designer). Cells: OK (the gate lets the visitor through: any answer but 401/403/login, never 5xx),
# NO (refused or hidden: 403 or 404), LOGIN (web: redirect to the login page), 401 (API: no token).
# docs/SECURITY.md states the same model in words.
OK, NO, LOGIN = "ok", "no", "login"
SCOPES = {"anon": "none", "citizen": "self", "other_citizen": "self", "desk": "centre", "other_centre": "centre",
          "supervisor": "centre", "monitor_vte": "province", "admin_vte": "province", "monitor_moha": "nation",
          "admin": "nation", "designer": "nation"}
LOGINS = {"citizen": (CITIZEN, "demo-pass-2026"), "other_citizen": ("02099990000", "other-pass-1"),
          "desk": ("desk.xs", None), "other_centre": ("desk.ctb", None), "supervisor": ("supervisor.xs", None),
          "monitor_vte": ("monitor.vte", None), "admin_vte": ("admin.vte", "province-pass-1"),
          "monitor_moha": ("monitor.moha", None), "admin": ("admin", None), "designer": ("designer", None)}
STAFF = ("desk", "other_centre", "supervisor", "monitor_vte", "admin_vte", "monitor_moha", "admin", "designer")
EVERYONE = ("anon", "citizen", "other_citizen", *STAFF)


def cells(default, **over):
    """Expectations for every visitor: `default` (a value, or {visitor: value}) overridden by `over`."""
    base = {v: default for v in EVERYONE} if not isinstance(default, dict) else dict(default)
    base.update(over)
    return base


WEB_ADMIN = cells(NO, anon=LOGIN, admin=OK, admin_vte=OK)
WEB_DESIGNER = cells(NO, anon=LOGIN, designer=OK)
WEB_LOGGED_IN = cells(OK, anon=LOGIN)
WEB_PUBLIC = cells(OK)
WEB_DASHBOARD = cells(NO, anon=LOGIN, supervisor=OK, monitor_vte=OK, admin_vte=OK, monitor_moha=OK, admin=OK)
CASE_READ = dict(citizen=OK, other_citizen=NO, desk=OK, other_centre=NO, supervisor=OK, monitor_vte=OK,
                 admin_vte=NO, monitor_moha=OK, admin=NO, designer=NO)
API_PUBLIC = cells(OK)
API_LOGGED_IN = cells(OK, anon=401)
API_CASE_READ = {"anon": 401, **CASE_READ}
API_CASE_STAFF_WRITE = cells(NO, anon=401, desk=OK, supervisor=OK)
API_DESIGNER = cells(NO, anon=401, designer=OK)
LPB = "luangprabang"
MATRIX = [
    # operations: liveness and readiness for load balancers, metrics for the loopback address or a token
    ("/favicon.ico", "GET", "/favicon.ico", WEB_PUBLIC),
    ("/readyz", "GET", "/readyz", cells(OK)),
    ("/metrics", "GET", "/metrics", cells(OK)),  # the test client is the loopback address
    ("/ops/timers", "GET", "/ops/timers", cells(NO, anon=LOGIN, supervisor=OK, admin=OK, admin_vte=OK)),
    ("/ops/timers/<int:timer_id>/fire", "POST", "/ops/timers/999/fire",
     cells(NO, anon=LOGIN, supervisor=OK, admin=OK, admin_vte=OK)),
    ("/ops/console", "GET", "/ops/console", cells(NO, anon=LOGIN, admin=OK, admin_vte=OK)),
    ("/ops/console/retry", "POST", "/ops/console/retry", cells(NO, anon=LOGIN, admin=OK, admin_vte=OK)),
    # failed rq jobs carry no centre: the national administrator only
    ("/ops/console/jobs/requeue", "POST", "/ops/console/jobs/requeue", cells(NO, anon=LOGIN, admin=OK)),
    # the designer's generated service.yaml of a bare BPMN upload
    ("/designer/drafts/<int:draft_id>/service-yaml", "POST", "/designer/drafts/999/service-yaml", WEB_DESIGNER),
    ("/api/v1/designer/drafts/<int:draft_id>/service-yaml", "PUT", "/api/v1/designer/drafts/999/service-yaml",
     {**API_DESIGNER, "_data": {"service_yaml": "id: x"}}),
    ("/api/v1/designer/drafts/<int:draft_id>", "GET", "/api/v1/designer/drafts/999", API_DESIGNER),
    # feedback: only the applicant of a finished case rates it; the one-time link needs its token
    ("/status/<code>/feedback", "GET", "/status/{code}/feedback", cells(NO, anon=LOGIN, citizen=OK)),
    ("/status/<code>/feedback", "POST", "/status/{code}/feedback", cells(NO, anon=LOGIN, citizen=OK)),
    ("/feedback/<int:application_id>/<token>", "GET", "/feedback/{app}/forged", cells(NO)),
    ("/feedback/<int:application_id>/<token>", "POST", "/feedback/{app}/forged", cells(NO)),
    ("/api/v1/applications/<int:application_id>/feedback", "POST", "/api/v1/applications/{app}/feedback",
     {**cells(NO, anon=401, citizen=OK), "_data": {"rating": 4}}),
    ("/monitor/feedback", "GET", "/monitor/feedback", WEB_DASHBOARD),
    # the bottleneck map of a service at a centre: that centre's supervisor, its province, the nation
    ("/monitor/services/<service_id>/elements", "GET", f"/monitor/services/{S}/elements?scope={C}", WEB_DASHBOARD),
    ("/api/v1/monitor/services/<service_id>/elements", "GET", f"/api/v1/monitor/services/{S}/elements?scope={C}",
     cells(NO, anon=401, supervisor=OK, monitor_vte=OK, admin_vte=OK, monitor_moha=OK, admin=OK)),
    # open data and status by SMS (without SMS_INBOUND_SECRET the endpoint refuses every request)
    ("/transparency/data.csv", "GET", "/transparency/data.csv", WEB_PUBLIC),
    ("/transparency/data.json", "GET", "/transparency/data.json", WEB_PUBLIC),
    ("/sms/inbound", "POST", "/sms/inbound", cells(401)),
    # administration: national and province administrators, each within its own scope; grants included
    ("/admin/", "GET", "/admin/", WEB_ADMIN),
    ("/admin/audit", "GET", "/admin/audit?page=2", WEB_ADMIN),
    ("/admin/staff", "GET", "/admin/staff", WEB_ADMIN),
    ("/admin/staff/new", "GET", "/admin/staff/new", WEB_ADMIN),
    ("/admin/staff/new", "POST", "/admin/staff/new", WEB_ADMIN),
    ("/admin/staff/new", "POST", "/admin/staff/new?grant=clerk-in-province",
     cells(WEB_ADMIN, _data={"username": "clerk.new", "full_name": "x", "centre": C, "roles": ["front_desk"]})),
    ("/admin/staff/new", "POST", "/admin/staff/new?grant=clerk-elsewhere",
     cells(WEB_ADMIN, admin_vte=NO, _data={"username": "clerk.lpb", "full_name": "x", "centre": LPB,
                                           "roles": ["front_desk"]})),
    ("/admin/staff/new", "POST", "/admin/staff/new?grant=designer",  # 422: the roles field names why
     cells(WEB_ADMIN, admin_vte=422, _data={"username": "designer.new", "full_name": "x", "centre": C,
                                           "roles": ["designer"]})),
    ("/admin/staff/<int:user_id>", "GET", "/admin/staff/{officer}", WEB_ADMIN),
    ("/admin/staff/<int:user_id>", "GET", "/admin/staff/{lpb_clerk}", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/staff/<int:user_id>", "GET", "/admin/staff/{designer_id}", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/staff/<int:user_id>", "POST", "/admin/staff/{lpb_clerk}", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/staff/<int:user_id>/reset", "POST", "/admin/staff/{lpb_clerk}/reset", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/staff/<int:user_id>/reset", "POST", "/admin/staff/{designer_id}/reset",
     cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/staff/<int:user_id>/deactivate", "POST", "/admin/staff/{lpb_clerk}/deactivate",
     cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/staff/<int:user_id>/reactivate", "POST", "/admin/staff/{lpb_clerk}/reactivate",
     cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/centres/new", "GET", "/admin/centres/new", WEB_ADMIN),
    ("/admin/centres/new", "POST", "/admin/centres/new", WEB_ADMIN),
    ("/admin/centres/<centre_id>", "GET", f"/admin/centres/{C}", WEB_ADMIN),
    ("/admin/centres/<centre_id>", "GET", f"/admin/centres/{LPB}", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/centres/<centre_id>", "POST", f"/admin/centres/{LPB}", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/centres/<centre_id>/close", "POST", f"/admin/centres/{LPB}/close", cells(WEB_ADMIN, admin_vte=NO)),
    ("/admin/centres/<centre_id>/reopen", "POST", f"/admin/centres/{LPB}/reopen", cells(WEB_ADMIN, admin_vte=NO)),
    ("/account/setup", "GET", "/account/setup", WEB_PUBLIC),
    ("/account/setup", "POST", "/account/setup", WEB_PUBLIC),
    ("/account/password", "GET", "/account/password", WEB_LOGGED_IN),
    ("/account/password", "POST", "/account/password", WEB_LOGGED_IN),
    # monitoring: the centre (supervisor), the province, the nation; read-only
    ("/monitor/", "GET", "/monitor/", WEB_DASHBOARD),
    ("/monitor/export.csv", "GET", "/monitor/export.csv", WEB_DASHBOARD),
    ("/monitor/centre/<centre_id>", "GET", f"/monitor/centre/{C}", WEB_DASHBOARD),
    ("/monitor/centre/<centre_id>", "GET", f"/monitor/centre/{LPB}",
     cells(WEB_DASHBOARD, supervisor=NO, monitor_vte=NO, admin_vte=NO)),
    ("/monitor/centre/<centre_id>/export.csv", "GET", f"/monitor/centre/{LPB}/export.csv",
     cells(WEB_DASHBOARD, supervisor=NO, monitor_vte=NO, admin_vte=NO)),
    ("/transparency/", "GET", "/transparency/", WEB_PUBLIC),
    ("/transparency/<centre_id>", "GET", f"/transparency/{C}", WEB_PUBLIC),
    ("/transparency/<centre_id>/export.csv", "GET", f"/transparency/{C}/export.csv", WEB_PUBLIC),
    ("/manifest.webmanifest", "GET", "/manifest.webmanifest", WEB_PUBLIC),
    ("/sw.js", "GET", "/sw.js", WEB_PUBLIC),
    # designer: national only (migrating running cases is the supervisor's, at its centre)
    ("/designer/", "GET", "/designer/", WEB_DESIGNER),
    ("/designer/services/<service_id>", "GET", f"/designer/services/{S}", WEB_DESIGNER),
    ("/designer/upload", "GET", "/designer/upload", WEB_DESIGNER),
    ("/designer/upload", "POST", "/designer/upload", WEB_DESIGNER),
    ("/designer/drafts/<int:draft_id>", "GET", "/designer/drafts/999", WEB_DESIGNER),
    ("/designer/drafts/<int:draft_id>/dry-run", "GET", "/designer/drafts/999/dry-run", WEB_DESIGNER),
    ("/designer/drafts/<int:draft_id>/dry-run", "POST", "/designer/drafts/999/dry-run", WEB_DESIGNER),
    ("/designer/drafts/<int:draft_id>/publish", "POST", "/designer/drafts/999/publish", WEB_DESIGNER),
    ("/designer/versions/<int:version_id>/download", "GET", "/designer/versions/{version}/download", WEB_DESIGNER),
    ("/designer/versions/<int:version_id>/diagram", "GET", "/designer/versions/{version}/diagram",
     cells(WEB_DESIGNER, supervisor=OK)),
    ("/designer/versions/<int:version_id>/dry-run", "GET", "/designer/versions/{version}/dry-run", WEB_DESIGNER),
    ("/designer/versions/<int:version_id>/dry-run", "POST", "/designer/versions/{version}/dry-run", WEB_DESIGNER),
    ("/designer/migrate", "GET", "/designer/migrate", cells(NO, anon=LOGIN, supervisor=OK)),
    ("/designer/migrate", "POST", "/designer/migrate", cells(NO, anon=LOGIN, supervisor=OK)),
    # documents: the people of the case; monitors read through the API, never upload
    ("/applications/<int:application_id>/receipt.pdf", "GET", "/applications/{app}/receipt.pdf",
     cells(NO, anon=LOGIN, citizen=OK, desk=OK, supervisor=OK)),
    ("/certificates/<number>.pdf", "GET", "/certificates/XS-2026-000001.pdf", cells(NO, anon=LOGIN)),
    ("/documents", "POST", "/documents", WEB_LOGGED_IN),
    ("/documents/<doc_id>", "GET", "/documents/{doc}", cells(NO, anon=LOGIN, citizen=OK, desk=OK, supervisor=OK)),
    ("/verify", "GET", "/verify", WEB_PUBLIC),
    ("/verify/<number>", "GET", "/verify/XS-2026-000001", cells(NO)),
    # operations: the outbox within the reader's scope; incidents for supervisors
    ("/dev/outbox", "GET", "/dev/outbox", WEB_LOGGED_IN),
    ("/ops/incidents", "GET", "/ops/incidents", cells(NO, anon=LOGIN, supervisor=OK)),
    ("/ops/incidents/<int:incident_id>/retry", "POST", "/ops/incidents/999/retry",
     cells(NO, anon=LOGIN, supervisor=OK)),
    ("/ops/incidents/<int:incident_id>/cancel", "POST", "/ops/incidents/999/cancel",
     cells(NO, anon=LOGIN, supervisor=OK)),
    # staff pages at the other scope levels (the centre level is in ROUTES above)
    ("/staff/cases/<int:app_id>", "GET", "/staff/cases/{app}",
     cells(NO, anon=LOGIN, desk=OK, supervisor=OK, monitor_vte=OK, monitor_moha=OK)),
    ("/staff/cases/<int:app_id>/comment", "POST", "/staff/cases/{app}/comment",
     cells(NO, anon=LOGIN, desk=OK, supervisor=OK, _data={"text": "ok"})),
    ("/staff/tasks/<task_id>", "POST", "/staff/tasks/{task}", cells(NO, anon=LOGIN, desk=OK, supervisor=OK)),
    ("/staff/tasks/<task_id>/claim", "POST", "/staff/tasks/{task}/claim",
     cells(NO, anon=LOGIN, desk=OK, supervisor=OK)),
    # the API: the same model with bearer tokens
    ("/api/v1/openapi.json", "GET", "/api/v1/openapi.json", API_PUBLIC),
    ("/api/v1/docs", "GET", "/api/v1/docs", API_PUBLIC),
    ("/api/v1/", "GET", "/api/v1/", cells(NO)),
    ("/api/v1/<path:anything>", "GET", "/api/v1/no-such-thing", cells(NO)),
    ("/api/v1/auth/token", "POST", "/api/v1/auth/token", API_PUBLIC),
    ("/api/v1/me", "GET", "/api/v1/me", API_LOGGED_IN),
    ("/api/v1/centres", "GET", "/api/v1/centres", API_PUBLIC),
    ("/api/v1/centres/<centre_id>", "GET", f"/api/v1/centres/{C}", API_PUBLIC),
    ("/api/v1/services", "GET", "/api/v1/services", API_PUBLIC),
    ("/api/v1/services/<service_id>", "GET", f"/api/v1/services/{S}", API_PUBLIC),
    ("/api/v1/status/<code>", "GET", "/api/v1/status/{code}", API_PUBLIC),
    ("/api/v1/applications", "GET", "/api/v1/applications", API_LOGGED_IN),
    ("/api/v1/applications", "POST", "/api/v1/applications", API_LOGGED_IN),
    ("/api/v1/applications/<int:application_id>", "GET", "/api/v1/applications/{app}", API_CASE_READ),
    ("/api/v1/applications/<int:application_id>/history", "GET", "/api/v1/applications/{app}/history",
     cells(API_CASE_READ, citizen=NO)),  # the audit trail is for staff
    ("/api/v1/applications/<int:application_id>/documents/<doc_id>", "GET",
     "/api/v1/applications/{app}/documents/{doc}", API_CASE_READ),
    ("/api/v1/applications/<int:application_id>/documents", "POST", "/api/v1/applications/{app}/documents",
     cells(NO, anon=401, citizen=OK, desk=OK, supervisor=OK)),
    ("/api/v1/applications/<int:application_id>/comments", "POST", "/api/v1/applications/{app}/comments",
     cells(API_CASE_STAFF_WRITE, _data={"text": "ok"})),
    ("/api/v1/applications/<int:application_id>/resubmit", "POST", "/api/v1/applications/{app}/resubmit",
     {"anon": 401, "other_citizen": NO, "other_centre": NO, "admin": NO, "designer": NO, "_data": {"data": {}}}),
    ("/api/v1/documents", "POST", "/api/v1/documents", API_LOGGED_IN),
    ("/api/v1/tasks", "GET", "/api/v1/tasks", cells(OK, anon=401, citizen=NO, other_citizen=NO)),
    ("/api/v1/tasks/<task_id>", "GET", "/api/v1/tasks/{task}",
     cells(NO, anon=401, desk=OK, supervisor=OK, monitor_vte=OK, monitor_moha=OK)),
    ("/api/v1/tasks/<task_id>/claim", "POST", "/api/v1/tasks/{task}/claim", API_CASE_STAFF_WRITE),
    ("/api/v1/tasks/<task_id>/unclaim", "POST", "/api/v1/tasks/{task}/unclaim", API_CASE_STAFF_WRITE),
    ("/api/v1/tasks/<task_id>/reassign", "POST", "/api/v1/tasks/{task}/reassign",
     cells(API_CASE_STAFF_WRITE, desk=NO, _data={"user_id": 1})),
    ("/api/v1/tasks/<task_id>/complete", "POST", "/api/v1/tasks/{task}/complete", API_CASE_STAFF_WRITE),
    ("/api/v1/tasks/<task_id>/return", "POST", "/api/v1/tasks/{task}/return",
     cells(API_CASE_STAFF_WRITE, _data={"reason": "missing page"})),
    ("/api/v1/tasks/<task_id>/reject", "POST", "/api/v1/tasks/{task}/reject",
     cells(API_CASE_STAFF_WRITE, _data={"reason": "not eligible"})),
    ("/api/v1/designer/services", "GET", "/api/v1/designer/services", API_DESIGNER),
    ("/api/v1/designer/uploads", "POST", "/api/v1/designer/uploads", API_DESIGNER),
    ("/api/v1/designer/drafts/<int:draft_id>/dry-run", "POST", "/api/v1/designer/drafts/999/dry-run", API_DESIGNER),
    ("/api/v1/designer/drafts/<int:draft_id>/publish", "POST", "/api/v1/designer/drafts/999/publish", API_DESIGNER),
    ("/api/v1/designer/versions/<int:version_id>/download", "GET", "/api/v1/designer/versions/{version}/download",
     API_DESIGNER),
    ("/api/v1/designer/migrations", "POST", "/api/v1/designer/migrations",
     cells(NO, anon=401, supervisor=OK, _data={"service_id": S, "from_version_id": 1})),
    ("/api/v1/auth/token", "DELETE", "/api/v1/auth/token", API_LOGGED_IN),  # last: it ends the token
]


def test_every_route_of_the_site_and_the_api_has_a_row(app):
    covered = {(rule, method) for rule, method, _url, _exp in ROUTES + MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint == "api.not_found":
            methods = {"GET"}  # one catch-all: every method answers alike
        for method in sorted(methods):
            if (rule.rule, method) not in covered:
                missing.append((rule.rule, method))
    assert not missing, f"routes without an authorization row: {missing}"


@pytest.fixture
def scoped_world(app, world):
    """The world plus a province administrator, an account at another province and the ids routes need."""
    from engine.accounts import create_user
    from engine.db import db
    from engine.models import Service, User

    with app.app_context():
        create_user("admin.vte", "province-pass-1", full_name="Province admin", centre_id="vte", roles=["admin"])
        lpb = create_user("clerk.lpb.old", "lpb-pass-0001", full_name="LPB clerk", centre_id=LPB,
                          roles=["front_desk"])
        designer = db.session.query(User).filter_by(username="designer").one()
        officer = db.session.query(User).filter_by(username="officer.xs").one()
        db.session.commit()
        version = db.session.get(Service, S).current_version_id
        return {**world, "lpb_clerk": lpb.id, "designer_id": designer.id, "officer": officer.id,
                "version": version}


def _matches(want, response) -> bool:
    status = response.status_code
    if status >= 500:
        return False
    if want == LOGIN:
        return status == 302 and "/login" in (response.location or "")
    if want == NO:
        return status in (403, 404)
    if want == OK:
        return status not in (401, 403) and not (status == 302 and "/login" in (response.location or ""))
    return status == want


@pytest.mark.parametrize("visitor", EVERYONE)
def test_scope_matrix(app, scoped_world, visitor):
    """Every row's expectation for one visitor, web pages with the session and API calls with a token."""
    web, api = app.test_client(), app.test_client()
    headers = {}
    if visitor != "anon":
        username, password = LOGINS[visitor]
        login(web, username, password or "demo-pass-2026")
        r = api.post("/api/v1/auth/token", json={"username": username, "password": password or "demo-pass-2026"})
        assert r.status_code == 201, (visitor, r.get_data(as_text=True))
        headers = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    checked, wrong = 0, []
    for _rule, method, template, expected in MATRIX:
        if visitor not in expected or visitor.startswith("_"):
            continue
        url = template.format(**scoped_world)
        data = expected.get("_data", {})
        if url.startswith("/api/"):
            kwargs = {"json": data} if method in ("POST", "PUT") and "documents" not in url and "uploads" not in url else {}
            response = api.open(url, method=method, headers=headers, **kwargs)
        else:
            response = web.open(url, method=method, data=data)
        if not _matches(expected[visitor], response):
            wrong.append((method, url, expected[visitor], response.status_code))
        checked += 1
    assert not wrong, f"{visitor} ({SCOPES[visitor]}): {wrong}"
    assert checked
