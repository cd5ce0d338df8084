"""Fixtures of the browser tests: a live server and Debian's Chromium."""
from __future__ import annotations

import pytest

from tests.browser.browser_support import CHROMIUM_ARGS, LiveServer, _unavailable, chromium_path
from tests.web.web_helpers import root_make_app


@pytest.fixture
def live_server(request, database_template, tmp_path):
    # the real thing: CSRF on, as in production; rate limits off (many pages from one address)
    app = root_make_app(request.config)(database_template, tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is in the test extras
        _unavailable(f"playwright is not installed: {exc}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
