"""The API's plumbing: one decorator declares an operation for Flask *and* for the OpenAPI document,
parses and validates the request (token, query, JSON body), and renders the answer with its schema."""
from __future__ import annotations

import json
import re
from functools import wraps

from flask import Blueprint, Response, current_app, g, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from engine import tokens
from engine.audit import Actor
from engine.db import db
from engine.errors import DomainError
from engine.inputs import InputRefused, check_tree
from web.api.problems import ApiProblem, flatten_errors, from_domain, locale, problem, text

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# every declared operation, for the OpenAPI document: dicts with path, method and metadata
OPERATIONS: list[dict] = []

JSON_LIMIT = 256 * 1024  # bytes of a JSON body (uploads have their own limit)
_RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")


def openapi_path(rule: str) -> tuple[str, list[tuple[str, str]]]:
    params = [(name, conv or "string") for conv, name in _RULE_PARAM.findall(rule)]
    return _RULE_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule), params


def operation(rule: str, method: str, *, op_id: str, summary: str, tag: str, response: type[Schema] | None = None,
              status: int = 200, body: type[Schema] | None = None, query: type[Schema] | None = None,
              auth: bool = True, errors: tuple[int, ...] = (), description: str = "", multipart: bool | str = False,
              idempotent=False, if_match: bool = False, limit=None, staff_only: bool = False,
              response_headers: dict | None = None, binary: tuple[str, ...] = (), permit=None):
    """Declare an API operation. The view gets `actor`, and `body`/`query` when declared.

    `permit`: a function (actor) that raises (Forbidden, ApiProblem 403) when the actor may not use the
    operation at all; it runs before the query and body are read, so a visitor without the role gets 403
    whatever they send.

    `multipart`: True for a body of one `file` part, "bundle" for a designer's upload (`file` or `files`).
    `idempotent`: a function (actor, resource_id) -> the view's result for an earlier answer's resource;
    requests with an Idempotency-Key then run once (web.api.idempotency)."""
    def decorator(fn):
        @wraps(fn)
        def view(**kwargs):
            actor = authenticate() if auth else None
            if staff_only and actor.kind != "staff":
                raise ApiProblem(403, "staff_only")
            if permit is not None:
                permit(actor)
            if query is not None:
                kwargs["query"] = load(query, request.args.to_dict(flat=True), "query")
            raw = None
            if body is not None:
                raw, kwargs["body"] = load_json(body)
            if actor is not None:
                kwargs["actor"] = actor

            def call() -> Response:
                result = fn(**kwargs)
                return render(result, response, status)

            key = request.headers.get("Idempotency-Key") if idempotent else None
            if key is not None:
                from web.api.idempotency import run_once

                def replay(resource_id: int) -> Response:
                    return render(idempotent(actor, resource_id), response, status)

                return run_once(key, g.api_user.id, raw or b"", status, call, replay)
            return call()

        view.__name__ = op_id
        view.__qualname__ = op_id
        if limit is not None:
            from web.security import limiter

            view = limiter.limit(limit)(view)
        bp.add_url_rule(rule, endpoint=op_id, view_func=view, methods=[method])
        path, params = openapi_path(rule)
        OPERATIONS.append({
            "path": path, "method": method.lower(), "op_id": op_id, "summary": summary, "tag": tag,
            "response": response, "status": status, "body": body, "query": query, "auth": auth,
            "errors": errors, "description": description or (fn.__doc__ or "").strip(), "multipart": multipart,
            "idempotent": bool(idempotent), "if_match": if_match, "path_params": params, "limit": limit is not None,
            "response_headers": response_headers or {}, "binary": binary,
        })
        return fn
    return decorator


# ---- request parsing ---------------------------------------------------------------------------------

_instances: dict[type[Schema], Schema] = {}


def instance(schema: type[Schema]) -> Schema:
    """One instance per schema class: building a nested schema costs more than using it, and load/dump keep
    no state on the instance (no context, no partial), so threads can share it."""
    hit = _instances.get(schema)
    if hit is None:
        hit = _instances.setdefault(schema, schema())
    return hit


def authenticate():
    """The actor behind the request's bearer token; 401 otherwise. The actor speaks the request's language."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = tokens.verify(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiProblem(401, "unauthorized", headers={"WWW-Authenticate": 'Bearer realm="odsc"'})
    g.api_user = user
    g.api_token = token.strip()
    from engine import logs

    logs.bind(user_id=user.id)  # the request's log lines name the API caller, as a web session's do
    if tokens.touch_due(user):
        _touch_after_response(user.token_id)
    return Actor(user.id, user.full_name or user.username, user.kind, user.centre_id, user.role_names, locale())


def _touch_after_response(token_id: int) -> None:
    """Record the token's use once the response has gone out: never a commit of its own in the request."""
    from flask import after_this_request

    app = current_app._get_current_object()

    def touch():
        with app.app_context():
            try:
                tokens.touch(token_id)
            except Exception:  # noqa: BLE001 - bookkeeping only: a failure must not surface anywhere
                db.session.rollback()
                app.logger.exception("could not record the use of API token %s", token_id)

    @after_this_request
    def _register(response):
        response.call_on_close(touch)
        return response


def load(schema: type[Schema], data, where: str):
    loc = locale()
    try:
        data = check_tree(data, locale=loc)
    except InputRefused as exc:
        raise ApiProblem(422, "invalid_data", DomainError("invalid_data").message(loc), errors=exc.errors) from exc
    try:
        return instance(schema).load(data)
    except ValidationError as exc:
        raise ApiProblem(422, "invalid_data", DomainError("invalid_data").message(loc),
                         errors=flatten_errors(exc.messages, loc)) from exc


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


def load_json(schema: type[Schema]):
    if request.mimetype != "application/json":
        raise ApiProblem(415, "unsupported_media_type", expected="application/json")
    length = request.content_length
    if length is not None and length > JSON_LIMIT:
        raise ApiProblem(413, "too_large")
    raw = request.stream.read(JSON_LIMIT + 1) if length is None else request.get_data(cache=True)
    if len(raw) > JSON_LIMIT:
        raise ApiProblem(413, "too_large")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        raise ApiProblem(400, "malformed_json") from exc
    loaded = load(schema, data, "body")  # refuses lone surrogates before anything encodes them
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()  # the idempotency fingerprint
    return canonical, loaded


def if_match_version() -> int | None:
    """The application version from an If-Match header ("3", W/"3" or 3); None when absent."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit() or len(value) > 9:
        raise ApiProblem(400, "invalid_header", header="If-Match")
    return int(value)


# ---- rendering ---------------------------------------------------------------------------------------

def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), status=status,
                        mimetype="application/json")
    response.headers["Content-Language"] = locale()
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def render(result, schema: type[Schema] | None, status: int) -> Response:
    if isinstance(result, Response):
        return result
    headers = {}
    if isinstance(result, tuple):
        result, headers = result
    if status == 204 or schema is None:
        response = Response(status=204)
        for key, value in headers.items():
            response.headers[key] = value
        return response
    return json_response(instance(schema).dump(result), status, headers)


# ---- errors --------------------------------------------------------------------------------------

@bp.errorhandler(ApiProblem)
def _api_problem(exc: ApiProblem):
    return problem(exc.status, exc.code, exc.detail, exc.errors, exc.headers)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    db.session.rollback()
    return from_domain(exc)


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "route_not_found",
               405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}


def _http_error(exc: HTTPException):
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "bad_request" if status < 500 else "internal_error")
    headers = {}
    if status == 429:
        retry = getattr(exc, "retry_after", None) or _retry_after(exc)
        if retry:
            headers["Retry-After"] = str(retry)
    if status == 405:
        from web.api.views import declared_methods  # the routes are declared there

        headers["Allow"] = ", ".join(declared_methods(request.path))
    return problem(status, code, text(code, method=request.method), headers=headers)


# the app-wide handlers use it for /api/ paths that matched no route at all (e.g. a newline in a path part)
http_problem = _http_error

# by class and by code: an application-wide handler for a code (e.g. an HTML 404 page) would otherwise win
bp.register_error_handler(HTTPException, _http_error)
for _code in (400, 401, 403, 404, 405, 406, 409, 410, 411, 412, 413, 414, 415, 416, 422, 428, 429, 431):
    bp.register_error_handler(_code, _http_error)


def _retry_after(exc) -> int | None:
    response = exc.get_response() if hasattr(exc, "get_response") else None
    value = response.headers.get("Retry-After") if response is not None else None
    return int(value) if value and value.isdigit() else 60


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("API error on %s %s", request.method, request.path)
    if current_app.config.get("API_PROPAGATE_ERRORS"):
        raise exc
    return problem(500, "internal_error")


def require(condition: bool, status: int, code: str, **params):
    if not condition:
        raise ApiProblem(status, code, **params)


def staff_actor(actor):
    require(actor.kind == "staff", 403, "staff_only")
    return actor


def valid_id(value: str) -> bool:
    return isinstance(value, str) and bool(ID_RE.match(value))
