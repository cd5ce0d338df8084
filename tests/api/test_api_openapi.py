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
