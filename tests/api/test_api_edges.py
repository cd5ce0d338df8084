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
