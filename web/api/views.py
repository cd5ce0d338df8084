"""The operations of /api/v1: auth, catalogue, applications, documents, tasks and the public status."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from flask import current_app, g, request, url_for
from sqlalchemy import func, inspect, select

from engine import queries, tokens
from engine.catalogue.forms import json_schema
from engine.db import db
from engine.errors import DomainError, InvalidData, NotFound
from engine.login import LOCKED, OK, check_login
from engine.models import Application, Centre, CentreService, Service, Task, User
from engine.runtime import commands, readmodel
from engine.runtime.specs import compiled
from web.api import schemas as s
from web.api import serialize as ser
from web.api.core import ApiProblem, bp, if_match_version, json_response, operation, valid_id
from web.api.problems import locale
from web.security import LOGIN_LIMIT, STATUS_LIMIT

_TASK_ID_CHARS = set("0123456789abcdefABCDEF-")


def _status_limit() -> str:
    return current_app.config.get("API_STATUS_LIMIT", STATUS_LIMIT)


def _login_limit() -> str:
    return current_app.config.get("API_LOGIN_LIMIT", LOGIN_LIMIT)


# ---- auth --------------------------------------------------------------------------------------------

def _me(user: User) -> dict:
    return {"id": user.id, "username": user.username, "name": user.full_name or user.username, "kind": user.kind,
            "centre_id": user.centre_id, "roles": sorted(user.role_names), "locale": user.locale}


@operation("/auth/token", "POST", op_id="create_token", summary="Log in: exchange a password for a bearer token",
           tag="auth", body=s.TokenRequest, response=s.TokenResponse, status=201, auth=False,
           errors=(400, 401, 403, 413, 415, 422, 429), limit=_login_limit)
def create_token(body):
    """Staff log in with their username, citizens with their phone number. The token is shown once;
    send it as `Authorization: Bearer <token>`. Five wrong passwords in a row lock the account for 15 minutes."""
    result = check_login(body["username"], body["password"])
    if result.status == LOCKED:
        raise ApiProblem(403, "account_locked")
    if result.status != OK:
        raise ApiProblem(401, "invalid_credentials")
    user = result.user
    if user.must_change_password:  # a first-login or reset password is for the website's change form only
        raise ApiProblem(403, "password_change_required")
    ttl = timedelta(days=body["ttl_days"]) if body.get("ttl_days") else None
    plain, row = tokens.issue(user, ttl=ttl, name=body.get("name") or request.user_agent.string[:120])
    return {"access_token": plain, "token_type": "Bearer", "expires_at": row.expires, "user": _me(user)}


@operation("/auth/token", "DELETE", op_id="revoke_token", summary="Log out: revoke the token of this request",
           tag="auth", status=204, errors=(401,))
def revoke_token(actor):
    tokens.revoke(g.api_token)
    return None


@operation("/me", "GET", op_id="me", summary="The account behind the token", tag="auth", response=s.Me,
           errors=(401,))
def me(actor):
    return _me(g.api_user)


# ---- catalogue ---------------------------------------------------------------------------------------

def _centre_summary(c: Centre) -> dict:
    return {"id": c.id, "name": ser.text(c.name_lo, c.name_en), "level": c.level, "parent_id": c.parent_id,
            "active": c.active}


def _fee(defn: dict, override: int | None) -> dict:
    fee = defn.get("fee") or {"amount": 0, "currency": "LAK"}
    return {"amount": int(override if override is not None else fee.get("amount") or 0),
            "currency": fee.get("currency") or "LAK"}


def _published():
    return db.session.execute(select(Service).where(Service.current_version_id.is_not(None))
                              .order_by(Service.id)).scalars().all()


def _service_summary(service: Service) -> dict:
    svc = compiled(service.current_version_id)
    defn = svc.definition
    return {"id": service.id, "name": ser.text(service.name_lo, service.name_en),
            "sector": defn.get("sector") or "administration", "fee": _fee(defn, None),
            "time_limit_days": int(defn.get("time_limit_days") or 0), "version": svc.number}


@operation("/centres", "GET", op_id="list_centres", summary="Service centres", tag="catalogue",
           query=s.CentreQuery, response=s.CentreList, auth=False, errors=(422,))
def list_centres(query):
    stmt = select(Centre).order_by(Centre.level, Centre.id)
    if query.get("level"):
        stmt = stmt.where(Centre.level == query["level"])
    if query.get("parent"):
        stmt = stmt.where(Centre.parent_id == query["parent"])
    return {"items": [_centre_summary(c) for c in db.session.execute(stmt).scalars()]}


@operation("/centres/<centre_id>", "GET", op_id="get_centre",
           summary="One centre: address, hours, offices and the services it offers (with its fees)",
           tag="catalogue", response=s.CentreDetail, auth=False, errors=(404,))
def get_centre(centre_id):
    centre = db.session.get(Centre, centre_id) if valid_id(centre_id) else None
    if centre is None:
        raise NotFound(what="centre")
    out = _centre_summary(centre)
    out.update(address=ser.text(centre.address_lo, centre.address_en), phone=centre.phone or "",
               hours=ser.text(centre.hours_lo, centre.hours_en))
    out["offices"] = [{"id": o.id, "name": ser.text(o.name_lo, o.name_en), "roles": list(o.roles or [])}
                      for o in centre.offices]
    offers = db.session.execute(
        select(CentreService, Service).join(Service, Service.id == CentreService.service_id)
        .where(CentreService.centre_id == centre.id, CentreService.active.is_(True),
               Service.current_version_id.is_not(None)).order_by(Service.id)).all()
    out["services"] = []
    for offer, service in offers:
        defn = ser.definition(service.current_version_id)
        out["services"].append({"id": service.id, "name": ser.text(service.name_lo, service.name_en),
                                "fee": _fee(defn, offer.fee_override),
                                "time_limit_days": int(defn.get("time_limit_days") or 0)})
    return out


@operation("/services", "GET", op_id="list_services", summary="Published services", tag="catalogue",
           query=s.ServiceQuery, response=s.ServiceList, auth=False, errors=(422,))
def list_services(query):
    services = _published()
    if query.get("centre"):
        offered = set(db.session.execute(select(CentreService.service_id).where(
            CentreService.centre_id == query["centre"], CentreService.active.is_(True))).scalars())
        services = [x for x in services if x.id in offered]
    return {"items": [_service_summary(x) for x in services]}


@operation("/services/<service_id>", "GET", op_id="get_service",
           summary="One service: documents, fee, time limit, milestones, and its forms as JSON Schema",
           tag="catalogue", response=s.ServiceDetail, auth=False, errors=(404,))
def get_service(service_id):
    service = db.session.get(Service, service_id) if valid_id(service_id) else None
    if service is None or service.current_version_id is None:
        raise NotFound(what="service")
    out = _service_summary(service)
    defn = ser.definition(service.current_version_id)
    loc = locale()
    out.update(
        description=ser.local(defn.get("description") or ""),
        documents=[ser.local(d) for d in defn.get("documents") or []],
        milestones=[{"id": m["id"], "label": ser.local(m["label"])} for m in defn.get("milestones") or []],
        application_form=defn.get("application_form") or "",
        forms={fid: json_schema(form, loc) for fid, form in (defn.get("forms") or {}).items()},
    )
    offers = db.session.execute(
        select(CentreService, Centre).join(Centre, Centre.id == CentreService.centre_id)
        .where(CentreService.service_id == service.id, CentreService.active.is_(True), Centre.active.is_(True))
        .order_by(Centre.id)).all()
    out["centres"] = [{"id": c.id, "name": ser.text(c.name_lo, c.name_en), "fee": _fee(defn, o.fee_override)}
                      for o, c in offers]
    return out


# ---- applications ------------------------------------------------------------------------------------

@contextmanager
def answers_in_data():
    """Form answers travel in the body's `data`: name their errors `data.<field>` (the reason stays)."""
    try:
        yield
    except InvalidData as exc:
        exc.errors = {k if k in ("reason", "_schema") else f"data.{k}": v for k, v in exc.errors.items()}
        raise

def _application(actor, application_id: int) -> Application:
    return queries.application_for(actor, application_id)


def _detail_response(app: Application, actor, status_headers: dict | None = None):
    # after a command's commit the rows are expired: reload the application with its service and centre
    # in one statement (the serializer then finds them in the session) instead of three
    # (held in `loaded` so that the session's weak identity map keeps them while the serializer runs)
    state = inspect(app)
    app_id = state.identity[0]
    # a command that kept its objects past the commit (engine.runtime.commands.transaction(keep=True)) hands
    # over the application as committed and its ready task rows: nothing to read again
    ready = readmodel.take_ready_rows(app_id)
    loaded = None
    if state.expired or state.expired_attributes or ready is None:
        loaded = db.session.execute(
            select(Application, Service, Centre).join(Service, Service.id == Application.service_id)
            .join(Centre, Centre.id == Application.centre_id).where(Application.id == app_id)
            .execution_options(populate_existing=True)).first()
        ready = None
    headers = {"ETag": f'"{app.version}"', **(status_headers or {})}
    detail = ser.application_detail(app, actor, ready)
    del loaded
    return detail, headers


def _replay_detail(actor, application_id: int):
    """An earlier idempotent answer's application, as it is now."""
    return _detail_response(_application(actor, application_id), actor)


def _replay_started(actor, application_id: int):
    return _detail_response(_application(actor, application_id), actor,
                            {"Location": url_for("api.get_application", application_id=application_id)})


@operation("/applications", "POST", op_id="start_application", summary="Apply for a service", tag="applications",
           body=s.StartApplication, response=s.ApplicationDetail, status=201, idempotent=_replay_started,
           errors=(400, 401, 403, 404, 409, 413, 415, 422),
           response_headers={"Location": "the new application", "ETag": "its version"})
def start_application(actor, body):
    """A citizen applies online; a front-desk clerk registers a walk-in application at their own centre.
    `data` answers the service's application form (GET /services/{id} → forms). Send an
    `Idempotency-Key` header to make retries safe: a retry gets the first answer, never a second application."""
    channel = "api" if actor.kind == "citizen" else "desk"
    if channel == "desk" and not ({"front_desk", "supervisor"} & set(actor.roles)):
        raise ApiProblem(403, "forbidden", DomainError("forbidden").message(actor.locale))
    with answers_in_data():
        app = commands.start_application(
            service_id=body["service_id"], centre_id=body["centre_id"], data=body["data"], actor=actor,
            channel=channel, locale=actor.locale, applicant_id=actor.user_id if actor.kind == "citizen" else None,
        )
    location = url_for("api.get_application", application_id=app.id)
    return _detail_response(app, actor, {"Location": location})


@operation("/applications", "GET", op_id="list_applications",
           summary="My applications (citizens) or my centre's applications (staff), newest first",
           tag="applications", query=s.ApplicationQuery, response=s.ApplicationList, errors=(401, 422))
def list_applications(actor, query):
    if actor.kind == "citizen":
        items = queries.my_applications(actor)
        if query.get("status"):
            items = [a for a in items if a.status == query["status"]]
        total = len(items)
        items = items[query["offset"]:query["offset"] + query["limit"]]
    elif actor.centre_id:
        where = [Application.centre_id == actor.centre_id]
        if query.get("status"):
            where.append(Application.status == query["status"])
        total = db.session.execute(select(func.count(Application.id)).where(*where)).scalar() or 0
        items = db.session.execute(select(Application).where(*where)
                                   .order_by(Application.submitted_at.desc(), Application.id.desc())
                                   .offset(query["offset"]).limit(query["limit"])).scalars().all()
    else:
        items, total = [], 0
    return {"items": [ser.application_summary(a) for a in items], "total": total}


@operation("/applications/<int:application_id>", "GET", op_id="get_application",
           summary="One application: status, answers, milestones so far, and what it waits for",
           tag="applications", response=s.ApplicationDetail, errors=(401, 404),
           response_headers={"ETag": "the application's version"})
def get_application(actor, application_id):
    """`action_required` is set when the applicant must answer (e.g. documents are missing): resubmit with
    POST /applications/{id}/resubmit and the `form` it describes."""
    return _detail_response(_application(actor, application_id), actor)


@operation("/applications/<int:application_id>/resubmit", "POST", op_id="resubmit_application",
           summary="Answer a request for missing documents", tag="applications", body=s.Resubmit,
           response=s.ApplicationDetail, idempotent=_replay_detail, errors=(400, 401, 403, 404, 409, 413, 415, 422))
def resubmit_application(actor, application_id, body):
    app = _application(actor, application_id)
    with answers_in_data():
        app = commands.resubmit(app.id, actor, body["data"])
    return _detail_response(app, actor)


def _store(file_storage, actor, app: Application | None = None):
    from web.uploads import MAX_BYTES, UploadRejected, store_upload

    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "unsupported_media_type", expected="multipart/form-data")
    from engine.catalogue.forms import message

    extra = sorted((set(request.form) | set(request.files)) - {"file"})
    if extra:  # the document declares one part, `file`: anything else is named, not silently dropped
        raise ApiProblem(422, "invalid_data", errors={name: message("unknown", locale()) for name in extra})
    file = request.files.get("file")
    if file is None:
        raise ApiProblem(422, "invalid_data", errors={"file": message("file", locale())})
    try:
        return store_upload(file, actor, app.id if app is not None else None)
    except UploadRejected as exc:
        if exc.code == "too_large":
            raise ApiProblem(413, "upload_too_large", max=MAX_BYTES // (1024 * 1024)) from exc
        if exc.code == "kind":
            raise ApiProblem(415, "upload_kind") from exc
        raise ApiProblem(422, "upload_empty", errors={"file": ApiProblem(422, "upload_empty").detail}) from exc


@operation("/documents", "POST", op_id="upload_document", summary="Upload a document (PDF, JPEG or PNG, ≤ 5 MB)",
           tag="applications", multipart=True, response=s.Document, status=201,
           errors=(400, 401, 413, 415, 422))
def upload_document(actor):
    """Upload before applying: put the answer `{"id": …}` (or the whole object) in a file field of the form."""
    return _store(request.files.get("file"), actor)


@operation("/applications/<int:application_id>/documents", "POST", op_id="upload_application_document",
           summary="Upload a document for an application (e.g. a missing one)", tag="applications",
           multipart=True, response=s.Document, status=201, errors=(400, 401, 404, 413, 415, 422))
def upload_application_document(actor, application_id):
    from engine.documents import may_add

    app = _application(actor, application_id)
    if not may_add(actor, app):
        raise ApiProblem(403, "read_only")
    meta = _store(request.files.get("file"), actor, app)
    from engine.audit import record

    record("document.uploaded", actor, meta["name"], application_id=app.id, centre_id=app.centre_id,
           data={"document": meta["id"], "name": meta["name"], "size": meta["size"]})
    db.session.commit()
    return meta


def _document_ids(app: Application) -> set[str]:
    """Every document the case refers to: in the answers, in later task answers, or uploaded to it."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for key in ("id", "document"):
                if isinstance(value.get(key), str):
                    found.add(value[key])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(app.data or {})
    for event in queries.history(app.id):
        walk(event.data or {})
    return found


@operation("/applications/<int:application_id>/documents/<doc_id>", "GET", op_id="get_application_document",
           summary="Download a document of an application", tag="applications", errors=(401, 404),
           binary=("application/pdf", "image/jpeg", "image/png"))
def get_application_document(actor, application_id, doc_id):
    from web.uploads import document_response

    app = _application(actor, application_id)
    response = document_response(doc_id, app) if doc_id in _document_ids(app) else None
    if response is None:
        raise NotFound(what="document")
    return response


@operation("/applications/<int:application_id>/history", "GET", op_id="application_history",
           summary="Staff: the case's audit trail (every step, decision and comment)", tag="applications",
           response=s.History, errors=(401, 403, 404), staff_only=True)
def application_history(actor, application_id):
    app = _application(actor, application_id)
    return {"items": [{"id": e.id, "at": e.at, "kind": e.kind, "actor": e.actor_name or "", "summary": e.summary or ""}
                      for e in queries.history(app.id)]}


@operation("/applications/<int:application_id>/comments", "POST", op_id="comment_application",
           summary="Staff: add a comment to the case (internal, not shown to the applicant)", tag="applications",
           body=s.Comment, status=204, errors=(401, 403, 404, 422), staff_only=True)
def comment_application(actor, application_id, body):
    app = _application(actor, application_id)
    commands.add_comment(app.id, actor, body["text"])
    return None


# ---- tasks -------------------------------------------------------------------------------------------

def _task_row(actor, task_id: str) -> tuple[Task, Application]:
    row = None
    if isinstance(task_id, str) and 0 < len(task_id) <= 36 and set(task_id) <= _TASK_ID_CHARS:
        row = db.session.get(Task, task_id)
    if row is None:
        raise NotFound(what="task")
    try:
        app = queries.application_for(actor, row.application_id)
    except NotFound:
        raise NotFound(what="task") from None
    if actor.kind != "staff" and not commands.can_act(actor, row, app):
        raise NotFound(what="task")
    return row, app


@operation("/tasks", "GET", op_id="list_tasks", summary="My inbox: waiting tasks of my centre and offices",
           tag="tasks", query=s.TaskQuery, response=s.TaskList, errors=(401, 403, 422), staff_only=True)
def list_tasks(actor, query):
    rows = queries.inbox(actor, service_id=query.get("service"), status=query.get("status"),
                         mine=query["mine"], overdue_only=query["overdue"])
    return {"items": [ser.task_summary(t, a) for t, a in rows]}


@operation("/tasks/<task_id>", "GET", op_id="get_task",
           summary="One task with its form (JSON Schema), allowed actions and the application",
           tag="tasks", response=s.TaskDetail, errors=(401, 404))
def get_task(actor, task_id):
    row, app = _task_row(actor, task_id)
    return ser.task_detail(row, app, actor)


@operation("/tasks/<task_id>/claim", "POST", op_id="claim_task", summary="Take a task (others see it as yours)",
           tag="tasks", response=s.TaskSummary, errors=(401, 403, 404, 409))
def claim_task(actor, task_id):
    row, app = _task_row(actor, task_id)
    row = commands.claim(row.id, actor)
    return ser.task_summary(row, app)


@operation("/tasks/<task_id>/unclaim", "POST", op_id="unclaim_task", summary="Give a task back to the office",
           tag="tasks", response=s.TaskSummary, errors=(401, 403, 404, 409))
def unclaim_task(actor, task_id):
    row, app = _task_row(actor, task_id)
    row = commands.unclaim(row.id, actor)
    return ser.task_summary(row, app)


@operation("/tasks/<task_id>/reassign", "POST", op_id="reassign_task",
           summary="Supervisor: give a task to a colleague", tag="tasks", body=s.Reassign, response=s.TaskSummary,
           errors=(401, 403, 404, 409, 422), staff_only=True)
def reassign_task(actor, task_id, body):
    row, app = _task_row(actor, task_id)
    row = commands.reassign(row.id, actor, body["user_id"])
    return ser.task_summary(row, app)


def _decide(actor, task_id: str, body: dict, action: str):
    if actor.kind == "staff":
        # the command finds the task and checks the clerk's centre and role itself (404 for another
        # centre's task, as _task_row would answer): one lookup instead of two
        if not (isinstance(task_id, str) and 0 < len(task_id) <= 36 and set(task_id) <= _TASK_ID_CHARS):
            raise NotFound(what="task")
        row_id = task_id
    else:
        row_id = _task_row(actor, task_id)[0].id
    expected = body.get("expected_version")
    header = if_match_version()
    if expected is None:
        expected = header
    with answers_in_data():
        app = commands.complete_task(row_id, actor, body.get("data") or {}, action=action,
                                     reason=body.get("reason"), expected_version=expected)
    return _detail_response(app, actor)


_DECIDE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


@operation("/tasks/<task_id>/complete", "POST", op_id="complete_task", summary="Complete a task with its answers",
           tag="tasks", body=s.CompleteTask, response=s.ApplicationDetail, errors=_DECIDE_ERRORS,
           idempotent=_replay_detail, if_match=True, response_headers={"ETag": "the application's new version"})
def complete_task(actor, task_id, body):
    """Send `If-Match: "<application_version>"` (or `expected_version`) to get 409 instead of overwriting a
    change you have not seen; send `Idempotency-Key` to make a retry return the first answer."""
    return _decide(actor, task_id, body, "complete")


@operation("/tasks/<task_id>/return", "POST", op_id="return_task",
           summary="Return the application to the applicant for missing documents", tag="tasks", body=s.DecideTask,
           response=s.ApplicationDetail, errors=_DECIDE_ERRORS, idempotent=_replay_detail, if_match=True)
def return_task(actor, task_id, body):
    return _decide(actor, task_id, body, "return")


@operation("/tasks/<task_id>/reject", "POST", op_id="reject_task", summary="Reject the application",
           tag="tasks", body=s.DecideTask, response=s.ApplicationDetail, errors=_DECIDE_ERRORS,
           idempotent=_replay_detail, if_match=True)
def reject_task(actor, task_id, body):
    return _decide(actor, task_id, body, "reject")


# ---- public status -----------------------------------------------------------------------------------

@operation("/status/<code>", "GET", op_id="get_status", summary="Public status of an application by tracking code",
           tag="status", response=s.PublicStatus, auth=False, errors=(404, 429), limit=_status_limit)
def get_status(code):
    """The same fields as the status page; no personal data. The code may be typed with spaces or dashes."""
    from web import conditional

    found = queries.public_status(code)
    if found is None:
        raise NotFound(what="tracking code")
    etag, modified = conditional.validators(found, locale())
    cached = conditional.not_modified(etag, modified)
    if cached is not None:
        return cached
    return conditional.finish(json_response(status_payload(found)), etag, modified)


def _iso(value):
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()
    return value.isoformat() if isinstance(value, date) else value


def status_payload(found: dict) -> dict:
    """PublicStatus().dump(found), written out by hand: this is the hottest public endpoint."""
    out = {key: value for key, value in found.items() if not key.startswith("_")}  # no validators
    for key in ("submitted_at", "due_date", "completed_at"):
        out[key] = _iso(found[key])
    out["steps"] = [{"milestone": st["milestone"], "label": st["label"], "at": _iso(st["at"])}
                    for st in found["steps"]]
    out["clock"] = {**found["clock"], "due_date": _iso(found["clock"]["due_date"])}
    return out


# ---- everything else under /api/v1 -------------------------------------------------------------------

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def declared_methods(path: str) -> list[str]:
    """The methods the API declares for `path` (the catch-all route not counted), HEAD with GET, and OPTIONS;
    empty when the path names no operation."""
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in _METHODS:
        try:
            endpoint, _args = adapter.match(path, method=method)
        except Exception:  # noqa: BLE001 - no match, or a redirect: not allowed
            continue
        if endpoint != "api.not_found":
            allowed.append(method)
    if "GET" in allowed:
        allowed.append("HEAD")
    return [*allowed, "OPTIONS"] if allowed else []


@bp.before_request
def _options():
    """OPTIONS answers with the methods really declared for the path (Flask's automatic answer would add
    every method of the catch-all route)."""
    if request.method != "OPTIONS":
        return None
    allowed = declared_methods(request.path)
    if not allowed:
        raise ApiProblem(404, "route_not_found")
    response = current_app.response_class(status=204)
    response.headers["Allow"] = ", ".join(allowed)
    return response


@bp.route("/", methods=[*_METHODS, "HEAD", "OPTIONS"], endpoint="not_found")
@bp.route("/<path:anything>", methods=[*_METHODS, "HEAD", "OPTIONS"], endpoint="not_found")
def not_found(anything: str = ""):
    allowed = declared_methods(request.path)
    if allowed:
        raise ApiProblem(405, "method_not_allowed", headers={"Allow": ", ".join(allowed)}, method=request.method)
    raise ApiProblem(404, "route_not_found")
