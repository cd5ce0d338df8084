"""Paths under /api/ that no route can match (the fuzzer found one with a newline) still answer problem+json."""


def test_unmatchable_api_path_is_a_problem_not_an_html_page(client):
    response = client.get("/api/v1/designer/versions/%0AD%C2%89/download")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["code"] == "route_not_found"


def test_site_pages_keep_their_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.content_type.startswith("text/html")
