"""The OpenAPI 3 document, generated with apispec from the declared operations and marshmallow schemas,
and a server-rendered page that lists it (no scripts from a CDN: the centres' network may be closed)."""
from __future__ import annotations

import json

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import render_template

from web.api import schemas as s
from web.api.core import OPERATIONS, bp, json_response
from web.api.problems import MESSAGES, PROBLEM_JSON
from web.api.schemas import BAD_JSON, BAD_LINE, JSON_TEXT, LINE_TEXT

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
            "and a message in the language of `Accept-Language` (lo or en; Lao by default). Text is Unicode "
            "(I-JSON, RFC 7493: no lone surrogates); NUL, the other control characters and DEL are refused, but "
            "for tab and newline in a JSON body (each text's `pattern` says which).")},
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
        if op["multipart"] == "bundle":  # a designer's upload: a zip, or the service's files
            parts = {"file": {"type": "string", "format": "binary", "minLength": 1},
                     "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}
            encoding = {}
        else:
            parts = {"file": {"type": "string", "format": "binary", "minLength": 1, "description":
                              "a PDF, JPEG or PNG file, recognised by its first bytes (415 otherwise)"}}
            encoding = {"encoding": {"file": {"contentType": "application/pdf, image/jpeg, image/png"}}}
        out["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"], "additionalProperties": False, "properties": parts},
            **encoding}}}
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


# ---- the input boundary (engine.inputs) and the services' forms, stated in the document ------------------
def _bound_strings(schema, pattern: str, components: dict, seen: set[str]) -> None:
    """Give every free text of a request schema (strings without enum, format or pattern) the boundary's
    pattern, following $refs into components once."""
    if isinstance(schema, list):
        for item in schema:
            _bound_strings(item, pattern, components, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _bound_strings(components.get(name), pattern, components, seen)
        return
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = pattern
    for key in ("properties",):
        for sub in (schema.get(key) or {}).values():
            _bound_strings(sub, pattern, components, seen)
    for key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"):
        if key in schema:
            _bound_strings(schema[key], pattern, components, seen)


def _oas_form(form: dict, locale: str = "en") -> dict:
    """A form's answers as an OpenAPI 3.0 schema that states exactly what validate_answers accepts from JSON
    (engine.catalogue.forms.json_schema, made OpenAPI 3.0: one type per schema, the boundary's patterns)."""
    from engine.catalogue.forms import json_schema

    out = json_schema(form, locale)
    out.pop("$schema", None)
    specs = {f["name"]: f for f in form["fields"]}
    for name, prop in out["properties"].items():
        spec = specs[name]
        ftype = spec["type"]
        if ftype in ("text", "long_text"):
            bad = BAD_JSON if ftype == "long_text" else BAD_LINE
            prop["pattern"] = rf"^[^{bad}]*[^\s{bad}][^{bad}]*$" if spec["required"] else rf"^[^{bad}]*$"
        elif ftype == "phone":
            prop["pattern"] = r"^(?:\+856|0)?(?:20[0-9]{8}|30[0-9]{7}|[2-8][0-9]{6,8})$"
        elif ftype == "national_id":
            prop["pattern"] = r"^[A-Z0-9]{6,20}$"
        elif ftype == "number":
            prop.setdefault("minimum", -(10**15))
            prop.setdefault("maximum", 10**15)
        elif ftype == "file":
            ref = {"type": "object", "required": ["id"], "additionalProperties": False,
                   "description": "a document you uploaded (POST /documents) and have not used in another "
                                  "application: its `id`",
                   "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": LINE_TEXT}}}
            prop.pop("properties", None)
            prop.pop("required", None)
            prop.update(ref)
    return out


def _catalogue_key() -> tuple:
    """What the per-service schemas depend on: published versions and active offers (two small queries)."""
    from sqlalchemy import select

    from engine.db import db
    from engine.models import Centre, CentreService, Service

    versions = tuple(db.session.execute(select(Service.id, Service.current_version_id)
                                        .where(Service.current_version_id.is_not(None))
                                        .order_by(Service.id)).all())
    offers = tuple(db.session.execute(
        select(CentreService.service_id, CentreService.centre_id)
        .join(Centre, Centre.id == CentreService.centre_id)
        .where(CentreService.active.is_(True), Centre.active.is_(True))
        .order_by(CentreService.service_id, CentreService.centre_id)).all())
    return versions, offers


def _with_services(doc: dict, key: tuple) -> dict:
    """The document with the application data of every published service: POST /applications takes
    `oneOf` one body per service (discriminated by `service_id`, with the centres that offer it and the
    answers of its application form); task completions and resubmissions take any of the task forms."""
    import copy

    from engine.runtime.specs import compiled

    versions, offers = key
    doc = copy.deepcopy(doc)
    schemas = doc["components"]["schemas"]
    centres: dict[str, list[str]] = {}
    for service_id, centre_id in offers:
        centres.setdefault(service_id, []).append(centre_id)
    branches, mapping, task_forms = [], {}, {}
    for service_id, version_id in versions:
        defn = compiled(version_id).definition
        forms = defn.get("forms") or {}
        app_form = forms.get(defn.get("application_form") or "")
        for form_id, form in forms.items():
            if form_id != defn.get("application_form"):
                task_forms.setdefault(json.dumps(form["fields"], sort_keys=True), form)
        if app_form is None or not centres.get(service_id):
            continue
        name = f"Apply_{service_id}"
        schemas[name] = {
            "type": "object", "additionalProperties": False, "required": ["service_id", "centre_id", "data"],
            "description": f"apply for {service_id}",
            "properties": {
                "service_id": {"type": "string", "enum": [service_id]},
                "centre_id": {"type": "string", "enum": centres[service_id],
                              "description": "a centre that offers the service"},
                "data": _oas_form(app_form),
            }}
        branches.append({"$ref": f"#/components/schemas/{name}"})
        mapping[service_id] = f"#/components/schemas/{name}"
    if branches:
        body = doc["paths"]["/applications"]["post"]["requestBody"]["content"]["application/json"]
        body["schema"] = {"oneOf": branches, "discriminator": {"propertyName": "service_id", "mapping": mapping}}
    if task_forms:
        answers = {"description": "the answers of the task's form (GET /tasks/{task_id} → form): one of the "
                                  "services' task forms",
                   "anyOf": [_oas_form(form) for _key, form in sorted(task_forms.items())]}
        for name in ("CompleteTask", "DecideTask", "Resubmit"):
            if name in schemas and "data" in schemas[name].get("properties", {}):
                schemas[name]["properties"]["data"] = copy.deepcopy(answers)
    return doc


def _bound_requests(doc: dict) -> dict:
    """Every free text of every request states the input boundary: JSON bodies as JSON_TEXT, query strings
    and path parts as LINE_TEXT."""
    components = doc.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for item in doc["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []):
                if param.get("in") in ("query", "path"):
                    _bound_strings(param.get("schema"), LINE_TEXT, components, set())
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                _bound_strings(content["application/json"].get("schema"), JSON_TEXT, components, seen)
    return doc


def document() -> dict:
    """The OpenAPI document: the declared operations (built once), with the published services' application
    data (rebuilt when a version is published or an offer changes)."""
    if "doc" not in _cache:
        _cache["doc"] = build()
    key = _catalogue_key()
    if _cache.get("key") != key:
        _cache["full"] = _bound_requests(_with_services(_cache["doc"], key))
        _cache["key"] = key
    return _cache["full"]


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
