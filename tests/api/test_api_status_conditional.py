"""The public status page and API answer a repeat with 304 Not Modified until the case changes (issue 17)."""
from __future__ import annotations

from tests.api.api_helpers import start_residence


def test_status_page_and_api_answer_304_until_the_case_changes(api, citizen, desk):
    started = start_residence(citizen).get_json()
    code = started["tracking_code"]
    # the page takes its language from ?lang= (or the session), the API from Accept-Language
    paths = (f"/status/{code}?lang=en", f"/api/v1/status/{code}")
    in_lao = {paths[0]: (f"/status/{code}?lang=lo", {}), paths[1]: (paths[1], {"Accept-Language": "lo"})}
    etags = {}
    for path in paths:
        first = api.client.get(path, headers={"Accept-Language": "en"})
        assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
        assert first.headers["Last-Modified"] and "no-cache" in first.headers["Cache-Control"]
        etags[path] = etag = first.headers["ETag"]
        again = api.client.get(path, headers={"Accept-Language": "en", "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
        since = api.client.get(path, headers={"Accept-Language": "en",
                                              "If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304
        # another language is another representation: a full answer
        other, headers = in_lao[path]
        lao = api.client.get(other, headers={**headers, "If-None-Match": etag})
        assert lao.status_code == 200 and lao.headers["ETag"] != etag

    task = started["waiting_for"][0]["id"]
    assert desk.post(f"/tasks/{task}/complete", json={"data": {"decision": "approve"}}).status_code == 200
    for path in paths:
        changed = api.client.get(path, headers={"Accept-Language": "en", "If-None-Match": etags[path]})
        assert changed.status_code == 200 and changed.headers["ETag"] != etags[path]
    assert changed.get_json()["milestone"] == "in_review"
