"""The OpenAPI 3 document, generated with apispec from the declared operations and marshmallow schemas,
and a server-rendered page that lists it (no scripts from a CDN: the centres' network may be closed)."""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import render_template

from web.api import schemas as s
from web.api.core import OPERATIONS, bp, json_response
from web.api.problems import MESSAGES, PROBLEM_JSON

ERROR_TEXT = {
    400: "Bad request (malformed JSON, a bad header)",
    401: "No valid bearer token (or wrong credentials)",
    403: "Authenticated, but not allowed",
    404: "Not found (or not visible to you)",
    409: "Conflict: the case changed, the task is taken or done, or the same Idempotency-Key is in progress",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Validation failed: `errors` maps each field to a message",
    429: "Rate limit exceeded (see Retry-After)",
}
TAGS = [
    {"name": "auth", "description": "Bearer tokens"},
    {"name": "catalogue", "description": "Centres and services (public)"},
    {"name": "applications", "description": "Applying, following and answering"},
    {"name": "tasks", "description": "Staff inbox and decisions"},
    {"name": "status", "description": "Public status by tracking code"},
    {"name": "designer", "description": "Process designers: upload, test and publish services"},
]
_PARAM_SCHEMA = {
    "int": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "string": {"type": "string", "minLength": 1, "maxLength": 64},
}
_cache: dict = {}


def _name(schema) -> str:
    return schema.__name__


def build() -> dict:
    spec = APISpec(
        title="ODSC platform API", version="1.0.0", openapi_version="3.0.3",
        info={"description": (
            "JSON API of the One-Door Service Centres of Lao PDR. Authenticate with POST /auth/token and send "
            "`Authorization: Bearer <token>`. Errors are `application/problem+json` (RFC 9457) with a `code` "
            "and a message in the language of `Accept-Language` (lo or en; Lao by default).")},
        servers=[{"url": "/api/v1"}],
        plugins=[MarshmallowPlugin()],
        tags=TAGS,
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for schema in (s.Problem,):
        spec.components.schema(_name(schema), schema=schema)
    for status, text in ERROR_TEXT.items():
        spec.components.response(f"E{status}", {
            "description": text,
            "content": {PROBLEM_JSON: {"schema": "Problem"}},
        })
    by_path: dict[str, dict] = {}
    for op in OPERATIONS:
        by_path.setdefault(op["path"], {})[op["method"]] = _operation(op)
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(op: dict) -> dict:
    params = []
    for name, conv in op["path_params"]:
        params.append({"in": "path", "name": name, "required": True, "schema": dict(_PARAM_SCHEMA[conv])})
    if op["query"] is not None:
        params.append({"in": "query", "schema": op["query"]})
    if op["idempotent"]:
        params.append({"in": "header", "name": "Idempotency-Key", "required": False,
                       "description": "a client-chosen unique key (printable ASCII, ≤ 255, kept a day): a "
                                      "retry with it runs nothing and answers with the first status and "
                                      "ETag and the resource as it is now (header Idempotent-Replayed)",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}})
    if op["if_match"]:
        params.append({"in": "header", "name": "If-Match", "required": False,
                       "description": 'the application version you saw, e.g. "3"',
                       "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'}})
    out: dict = {"operationId": op["op_id"], "summary": op["summary"], "tags": [op["tag"]],
                 "parameters": params, "responses": {}}
    if op["description"]:
        out["description"] = op["description"]
    if op["body"] is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": op["body"]}}}
    if op["multipart"]:
        out["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    if op.get("binary"):
        out["responses"][str(op["status"])] = {"description": "The file", "content": {
            ctype: {"schema": {"type": "string", "format": "binary"}} for ctype in op["binary"]}}
    elif op["response"] is None or op["status"] == 204:
        out["responses"][str(op["status"])] = {"description": "Done" if op["status"] == 204 else "OK"}
    else:
        success: dict = {"description": "OK" if op["status"] == 200 else "Created",
                         "content": {"application/json": {"schema": op["response"]}}}
        if op["response_headers"]:
            success["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                                  for name, text in op["response_headers"].items()}
        out["responses"][str(op["status"])] = success
    errors = set(op["errors"])
    if op["auth"]:
        errors.add(401)
        out["security"] = [{"bearerAuth": []}]
    else:
        out["security"] = []
    if op["limit"]:
        errors.add(429)
    if op["body"] is not None or op["multipart"]:
        errors.update({400, 413, 415, 422})
    if op["query"] is not None:
        errors.add(422)
    if op["idempotent"]:
        errors.update({400, 409, 422})
    if op["if_match"]:
        errors.update({400, 409})
    if op["path_params"]:
        errors.add(404)
    for status in sorted(errors):
        out["responses"][str(status)] = {"$ref": f"#/components/responses/E{status}"}
    return out


def document() -> dict:
    if "doc" not in _cache:
        _cache["doc"] = build()
    return _cache["doc"]


@bp.get("/openapi.json")
def openapi_json():
    return json_response(document())


@bp.get("/docs")
def docs():
    doc = document()
    operations = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            operations.append({"path": path, "method": method.upper(), **op})
    order = {t["name"]: i for i, t in enumerate(TAGS)}
    operations.sort(key=lambda o: (order.get(o["tags"][0], 99), o["path"], o["method"]))
    return render_template("api/docs.html", doc=doc, operations=operations, tags=TAGS,
                           schemas=doc["components"]["schemas"], problems=sorted(MESSAGES),
                           error_text=ERROR_TEXT)
