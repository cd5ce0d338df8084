"""A designer working only over the API can read, review and edit a draft's service.yaml (fresh review D13, D14).

Before: the upload answered no service.yaml, there was no GET for a draft (404), a
published draft's edit answered "someone else changed this case", broken YAML came back as PyYAML's English in
the Lao text with no code, and the report's `message` was English for a Lao designer."""
from __future__ import annotations

from tests.designer.test_api_designer import _token, _upload
from tests.designer.test_scaffold import CAMUNDA7_FORM_DATA

LAO = range(0x0E80, 0x0F00)


def _lao(text: str) -> bool:
    return any(ord(ch) in LAO for ch in text)


def _bare_draft(client, headers) -> dict:
    response = _upload(client, headers, [("well.bpmn", CAMUNDA7_FORM_DATA.encode())])
    assert response.status_code == 201, response.data
    return response.get_json()


def test_the_generated_service_yaml_can_be_read_edited_and_read_back(app, client):
    headers = _token(client, "designer")
    body = _bare_draft(client, headers)
    generated = body["service_yaml"]
    assert "Lane_2: water_office" in generated  # the guess the report flags, returned with the upload
    draft = client.get(f"/api/v1/designer/drafts/{body['draft_id']}", headers=headers)
    assert draft.status_code == 200, draft.data
    detail = draft.get_json()
    assert detail["status"] == "draft" and detail["published_version_id"] is None
    assert detail["service_yaml"] == generated and "service.yaml" in detail["files"]
    assert any(p["element"] == "Lane_2" and p["severity"] == "error" for p in detail["report"])

    fixed = generated.replace("Lane_2: water_office", "Lane_2: public_works_officer")
    put = client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                     json={"service_yaml": fixed})
    assert put.status_code == 200, put.data
    assert put.get_json()["service_yaml"] == fixed
    again = client.get(f"/api/v1/designer/drafts/{body['draft_id']}", headers=headers).get_json()
    assert again["service_yaml"] == fixed
    assert not [p for p in again["report"] if p["severity"] == "error"], again["report"]


def test_a_published_draft_says_it_was_published_not_that_someone_else_changed_it(app, client):
    headers = {**_token(client, "designer"), "Accept-Language": "lo"}
    body = _bare_draft(client, headers)
    fixed = body["service_yaml"].replace("Lane_2: water_office", "Lane_2: public_works_officer")
    assert client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                      json={"service_yaml": fixed}).status_code == 200
    published = client.post(f"/api/v1/designer/drafts/{body['draft_id']}/publish", headers=headers, json={})
    assert published.status_code == 201, published.data
    number = published.get_json()["version"]["number"]
    late = client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                      json={"service_yaml": fixed + "\n# later\n"})
    assert late.status_code == 409
    problem = late.get_json()
    assert problem["code"] == "draft_published"
    assert "ເຜີຍແຜ່ແລ້ວ" in problem["detail"] and str(number) in problem["detail"]
    detail = client.get(f"/api/v1/designer/drafts/{body['draft_id']}", headers=headers).get_json()
    assert detail["status"] == "published" and detail["published_version_id"] == published.get_json()["version"]["id"]


def test_broken_or_empty_yaml_gets_a_coded_bilingual_finding_in_the_designers_language(app, client):
    headers = {**_token(client, "designer"), "Accept-Language": "lo"}
    body = _bare_draft(client, headers)
    broken = client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                        json={"service_yaml": "id: well_permit\nroles: [a, b\n"})
    assert broken.status_code == 200, broken.data
    [item] = [p for p in broken.get_json()["report"] if p["code"] == "yaml.invalid"]
    assert item["line"] and _lao(item["message"]) and _lao(item["hint"])  # the designer reads Lao
    assert item["messages"]["en"].startswith("not valid YAML at line") and item["hints"]["en"]
    empty = client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                       json={"service_yaml": ""})
    assert empty.status_code == 200, empty.data
    [item] = [p for p in empty.get_json()["report"] if p["code"] == "yaml.service_not_mapping"]
    assert _lao(item["message"]) and _lao(item["hint"]) and "empty" in item["messages"]["en"]
    assert "id:" in item["hints"]["en"]


def test_report_messages_follow_the_designers_language(app, client):
    lao = _bare_draft(client, {**_token(client, "designer"), "Accept-Language": "lo"})
    assert all(_lao(p["message"]) for p in lao["report"]), [p["message"] for p in lao["report"]]
    english = _bare_draft(client, _token(client, "designer"))
    assert not any(_lao(p["message"]) for p in english["report"])


def test_centres_a_publish_skips_are_said_in_the_designers_language(app, client):
    """Was: `reason: "unknown centre"` in English under Accept-Language lo, and on the web page "no office has
    the roles ?" for a centre that does not exist (fresh review rev12b)."""
    headers = {**_token(client, "designer"), "Accept-Language": "lo"}
    body = _bare_draft(client, headers)
    fixed = body["service_yaml"].replace("Lane_2: water_office", "Lane_2: public_works_officer")
    assert client.put(f"/api/v1/designer/drafts/{body['draft_id']}/service-yaml", headers=headers,
                      json={"service_yaml": fixed}).status_code == 200
    published = client.post(f"/api/v1/designer/drafts/{body['draft_id']}/publish", headers=headers,
                            json={"centres": ["atlantis"]})
    assert published.status_code == 201, published.data
    [item] = published.get_json()["skipped"]
    assert item["centre"] == "atlantis" and item["reason"] == "unknown_centre"
    assert _lao(item["message"]) and "atlantis" in item["message"]
