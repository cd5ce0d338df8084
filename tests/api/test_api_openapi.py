"""The OpenAPI document validates, covers every operation, and the docs page renders it."""
from openapi_spec_validator import validate

EXPECTED = {
    ("post", "/auth/token"), ("delete", "/auth/token"), ("get", "/me"), ("get", "/centres"),
    ("get", "/centres/{centre_id}"), ("get", "/services"), ("get", "/services/{service_id}"),
    ("post", "/applications"), ("get", "/applications"), ("get", "/applications/{application_id}"),
    ("post", "/applications/{application_id}/documents"), ("post", "/applications/{application_id}/resubmit"),
    ("post", "/documents"), ("get", "/tasks"), ("get", "/tasks/{task_id}"), ("post", "/tasks/{task_id}/claim"),
    ("post", "/tasks/{task_id}/unclaim"), ("post", "/tasks/{task_id}/complete"),
    ("post", "/tasks/{task_id}/return"), ("post", "/tasks/{task_id}/reject"), ("get", "/status/{code}"),
    # the process designer (web/api/designer.py)
    ("get", "/designer/services"), ("get", "/designer/versions/{version_id}/download"), ("post", "/designer/uploads"),
    ("post", "/designer/drafts/{draft_id}/dry-run"), ("post", "/designer/drafts/{draft_id}/publish"),
    ("post", "/designer/migrations"),
}


def test_openapi_document_validates(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    doc = r.get_json()
    validate(doc)
    found = {(m, p) for p, item in doc["paths"].items() for m in item}
    assert EXPECTED <= found
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op["operationId"] and op["summary"], (method, path)
            errors = [c for c in op["responses"] if c.startswith("4")]
            assert errors, (method, path)
            for code in errors:
                ref = op["responses"][code]["$ref"].split("/")[-1]
                content = doc["components"]["responses"][ref]["content"]
                assert list(content) == ["application/problem+json"]
    assert doc["paths"]["/status/{code}"]["get"]["security"] == []
    assert doc["paths"]["/tasks"]["get"]["security"] == [{"bearerAuth": []}]


def test_docs_page_lists_operations_without_external_scripts(client):
    r = client.get("/api/v1/docs?lang=en")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "/api/v1/tasks/{task_id}/complete" in html and "ApplicationDetail" in html
    assert "problem-idempotency_key_reused" in html
    assert "cdn" not in html.lower() and "<script src=\"http" not in html


def test_docs_page_speaks_lao_by_default(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "ເອກະສານອ້າງອີງ API" in html and "ລະຫັດຂໍ້ຜິດພາດ" in html


def _request_strings(doc):
    """Every string schema a request can carry: (place, schema, whether it is in a JSON body)."""
    components = doc["components"]["schemas"]

    def walk(schema, where, seen):
        if isinstance(schema, list):
            for item in schema:
                yield from walk(item, where, seen)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                yield from walk(components[name], f"{where}>{name}", seen | {name})
            return
        if schema.get("type") == "string":
            yield where, schema
        for key, sub in (schema.get("properties") or {}).items():
            yield from walk(sub, f"{where}.{key}", seen)
        for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf"):
            if key in schema:
                yield from walk(schema[key], where, seen)

    for path, item in doc["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                if param["in"] in ("query", "path"):
                    for where, schema in walk(param["schema"], f"{method} {path} {param['name']}", frozenset()):
                        yield where, schema, False
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if body:
                for where, schema in walk(body["schema"], f"{method} {path}", frozenset()):
                    yield where, schema, True


def test_the_document_states_the_input_boundary_and_each_services_data(client):
    """Every free text of a request carries a pattern that refuses exactly what engine.inputs refuses (C0
    controls and DEL; tab and newline only in JSON bodies), and POST /applications takes one body per
    published service that some centre offers (oneOf by service_id, the form's fields, closed)."""
    import re

    from engine.inputs import problem_in

    doc = client.get("/api/v1/openapi.json").get_json()
    strings = list(_request_strings(doc))
    assert len(strings) > 40
    for where, schema, json_body in strings:
        if "enum" in schema or "format" in schema:
            continue
        assert "pattern" in schema, where
        pattern = re.compile(schema["pattern"])
        if re.fullmatch(r"\^\[\^.*\]\*\$", schema["pattern"]):  # a boundary pattern: compare with the engine
            for code in [*range(0x20), 0x7F]:
                text = f"a{chr(code)}b"
                # form answers follow their field (only long text may hold tab and newline); other JSON text may
                answer = ".data." in where
                long = json_body and (schema.get("x-odsc-type") == "long_text" if answer else True)
                refused = problem_in(text, long=long) is not None
                assert (pattern.search(text) is None) == refused, (where, hex(code))
    body = doc["paths"]["/applications"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    branches = {ref["$ref"].rsplit("/", 1)[-1]: doc["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]
                for ref in body["oneOf"]}
    assert body["discriminator"]["propertyName"] == "service_id"
    residence = branches["Apply_residence_certificate"]
    assert residence["properties"]["service_id"]["enum"] == ["residence_certificate"]
    assert "xaysettha" in residence["properties"]["centre_id"]["enum"]
    data = residence["properties"]["data"]
    assert data["additionalProperties"] is False and "family_book_scan" in data["required"]
    assert data["properties"]["purpose"]["enum"] and data["properties"]["family_book_scan"]["required"] == ["id"]
    services = {item["id"] for item in client.get("/api/v1/services").get_json()["items"]}
    assert {b["properties"]["service_id"]["enum"][0] for b in branches.values()} == services
