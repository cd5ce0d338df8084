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


def test_the_status_build_tag_comes_from_content_not_file_times(tmp_path):
    """Two hosts of one release agree on the ETag whenever their files were copied (review of issue 16);
    a redeploy with another template or translation changes it. The translations' .mo files count."""
    import os
    import shutil
    from pathlib import Path

    from web import conditional

    here = Path(conditional.__file__).resolve().parent
    host = tmp_path / "web"
    for folder in ("templates", "translations"):
        shutil.copytree(here / folder, host / folder, copy_function=shutil.copyfile)  # new modification times
    for path in host.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert conditional._build(host) == conditional._build(here) == conditional.BUILD
    mo = host / "translations" / "web" / "lo" / "LC_MESSAGES" / "messages.mo"
    mo.write_bytes(mo.read_bytes() + b"\0")
    changed = conditional._build(host)
    assert changed != conditional.BUILD
    status = host / "templates" / "public" / "status.html"
    status.write_text(status.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert conditional._build(host) not in (changed, conditional.BUILD)
