"""The crawler: as every demo role and as a citizen (logged in or not), every page reachable within three clicks
of the role's landing page, in Lao and in English: no 5xx, no raw ids or event names, no English words on Lao
pages (an allow-list holds formats and proper nouns; the page's own data, such as usernames, is allowed).
Then, in Chromium at 360 px in Lao, one page of every shape: every tap target at least 44 × 44 px, no
horizontal overflow, headings in order, the language pill readable (contrast ≥ 4.5:1). Screenshots of every
role's pages land in test-artifacts/screenshots/crawl-*.png."""
from __future__ import annotations

import pytest

from tests.browser.browser_support import PHONE, SHOTS
from tests.browser.crawl_support import BROWSER_CHECKS, CITIZEN, ROLES, crawl, seed_cases
from web.demo import DEMO_PASSWORD, DEMO_STAFF

pytestmark = pytest.mark.browser


def _data_words(app) -> set[str]:
    """Words that are the data of the pages, not interface text: usernames, file names of the demo uploads."""
    with app.app_context():
        from engine.db import db
        from engine.models import User

        usernames = {u for (u,) in db.session.query(User.username).all()}
    return usernames | {name for _u, name, _c, _r in DEMO_STAFF}


def test_every_page_of_every_role_within_three_clicks(live_server, chromium):
    seed_cases(live_server.app)
    words = _data_words(live_server.app)
    shapes: dict[str, tuple[str, str]] = {}   # shape -> (role, first url)
    report, pages = {}, 0
    for role in ROLES:
        for lang in ("lo", "en"):
            seen, problems = crawl(live_server.url, role, lang, words)
            pages += len(seen)
            for url, key in seen.items():
                shapes.setdefault(key, (role, url))
            for url, found in problems.items():
                report[f"{role} {lang} {url}"] = found
    assert pages > 150, pages
    assert not report, "\n".join(f"{k}: {v}" for k, v in sorted(report.items()))

    # one page of every shape in Chromium at phone width, in Lao, as the role that found it first
    by_role: dict[str, list[tuple[str, str]]] = {}
    for key, (role, url) in sorted(shapes.items()):
        by_role.setdefault(role, []).append((key, url))
    layout = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, items in by_role.items():
        context = chromium.new_context(viewport=PHONE, service_workers="block")
        page = context.new_page()
        page.goto(f"{live_server.url}/?lang=lo")
        if role != "anonymous":
            page.goto(f"{live_server.url}/login")
            page.fill("#username", role)
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("form.card button[type=submit]").click()
        for key, url in items:
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            found = page.evaluate(BROWSER_CHECKS)
            if found:
                layout[f"{role} {url}"] = found
            name = f"crawl-{role.replace('.', '_')}-{key.strip('/').replace('/', '_').replace('<', '').replace('>', '') or 'home'}"
            page.screenshot(path=str(SHOTS / f"{name[:120]}.png"), full_page=True)
        context.close()
    assert len(shapes) > 25, sorted(shapes)
    assert not layout, "\n".join(f"{k}: {v}" for k, v in sorted(layout.items()))


def test_citizen_is_in_the_crawl():
    assert CITIZEN in ROLES and "anonymous" in ROLES
    assert {u for u, *_ in DEMO_STAFF} <= set(ROLES) | {"desk.ctb"}
