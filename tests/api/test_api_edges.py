"""Edges of the API: paths no route matches, tokens refused before a required password change."""


def test_unmatchable_api_path_is_a_problem_not_an_html_page(client):
    response = client.get("/api/v1/designer/versions/%0AD%C2%89/download")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["code"] == "route_not_found"


def test_site_pages_keep_their_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.content_type.startswith("text/html")


def test_no_token_before_a_required_password_change(app, client):
    from engine.db import db
    from engine.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username="desk.xs").one()
        user.must_change_password = True
        db.session.commit()
    response = client.post("/api/v1/auth/token", json={"username": "desk.xs", "password": "demo-pass-2026"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert response.get_json()["code"] == "password_change_required"
    assert "Change your password" in response.get_json()["detail"]


def test_an_upload_names_parts_the_document_does_not_declare(app, citizen):
    """The document declares one part, `file` (closed): another part is a 422 naming it, and nothing is
    stored (it was silently dropped and the upload kept)."""
    import io

    from engine.db import db
    from engine.models import Document
    from tests.api.api_helpers import PNG

    with app.app_context():
        before = db.session.query(Document).count()
    r = citizen.client.post("/api/v1/documents", data={"file": (io.BytesIO(PNG), "a.png"), "note": "42"},
                            headers=citizen.headers(), content_type="multipart/form-data")
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert r.get_json()["errors"] == {"note": "This field is not part of the form"}
    with app.app_context():
        assert db.session.query(Document).count() == before
    assert citizen.client.post("/api/v1/documents", data={"file": (io.BytesIO(PNG), "a.png")},
                               headers=citizen.headers(), content_type="multipart/form-data").status_code == 201
    # no `file` part at all (what schemathesis' negative multipart bodies mean to send): refused, nothing kept
    none = citizen.client.post("/api/v1/documents", data={"note": "42"}, headers=citizen.headers(),
                               content_type="multipart/form-data")
    assert none.status_code in (400, 422) and none.mimetype == "application/problem+json"
    with app.app_context():
        assert db.session.query(Document).count() == before + 1


def test_designer_operations_refuse_other_roles_before_reading_the_body(desk):
    """Without the designer role the answer is 403 whatever the body holds (a control character in a key
    used to be a 422, telling a clerk how the body is checked)."""
    for path, body in (("/designer/drafts/1/dry-run", {"decisions": {"a\x01": "x"}}),
                       ("/designer/drafts/1/publish", {"centres": "not a list"})):
        r = desk.post(path, json=body)
        assert r.status_code == 403, (path, r.get_data(as_text=True))
    r = desk.client.put("/api/v1/designer/drafts/1/service-yaml", json={"service_yaml": 5}, headers=desk.headers())
    assert r.status_code == 403
