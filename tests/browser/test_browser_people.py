"""What only a browser shows (issue 15), in Debian's Chromium at 360 px: the Lao-first date field, a case's
status page working offline and saying when it was last updated, and what a first and a repeat visit of the
main pages cost (requests and bytes reaching the server; written to test-artifacts/transfer.json)."""
from __future__ import annotations

import json
import re

import pytest

from tests.browser.browser_support import PHONE, ROOT
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
CITIZEN = "02055551234"


class Meter:
    """Counts the requests and body bytes (as sent: compressed when compressed) that reach the server."""

    def __init__(self, app):
        self.inner = app.wsgi_app
        self.log: list[dict] = []
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        # logged on arrival, and bytes counted before they are sent: by the time the browser has a response,
        # its entry is complete (logging after the body raced the browser's load event)
        entry = {"path": environ.get("PATH_INFO", ""), "bytes": 0, "status": 0}
        self.log.append(entry)

        def counted(status, headers, exc_info=None):
            entry["status"] = int(status[:3])
            return start_response(status, headers, exc_info)

        result = self.inner(environ, counted)
        try:
            for chunk in result:
                entry["bytes"] += len(chunk)
                yield chunk
        finally:
            if hasattr(result, "close"):
                result.close()

    def mark(self) -> int:
        return len(self.log)

    def since(self, mark: int) -> list[dict]:
        return self.log[mark:]


def _login(page, base: str, username: str):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()


def _until(page, expression: str, seconds: float = 30.0):
    """Poll a condition in the page (the CSP forbids wait_for_function's eval) until it holds or time is up."""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(100)


def _sw_controls(page):
    _until(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")


def test_date_field_is_lao_first_day_month_year(live_server, chromium):
    context = chromium.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    page.goto(f"{live_server.url}/?lang=lo")
    _login(page, live_server.url, CITIZEN)
    page.goto(f"{live_server.url}/centres/xaysettha/services/residence_certificate/apply")
    field = page.locator("#f-birth_date")
    assert field.get_attribute("type") == "text"  # not the native picker, whose language is the browser's
    assert field.get_attribute("placeholder") == "ວວ/ດດ/ປປປປ"
    field.fill("17051990")
    field.blur()
    assert field.input_value() == "17/05/1990"
    _until(page, "document.getElementById('f-birth_date-words').textContent.includes('1990')")
    assert page.inner_text("#f-birth_date-words") == "17 ພຶດສະພາ 1990"
    field.fill("31/02/2026")
    _until(page, "document.getElementById('f-birth_date-words').textContent === '✗'")
    page.goto(f"{live_server.url}/centres/xaysettha/services/residence_certificate/apply?lang=en")
    page.fill("#f-birth_date", "05/11/2026")
    _until(page, "document.getElementById('f-birth_date-words').textContent.includes('2026')")
    assert page.inner_text("#f-birth_date-words") == "5 November 2026"  # day first, whatever the language
    context.close()


def test_status_page_seen_once_works_offline_and_says_when(live_server, chromium):
    from tests.documents.doc_helpers import start

    with live_server.app.app_context():
        code = start("residence_certificate").tracking_code
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/status/{code}")
    _sw_controls(page)
    page.reload()  # now through the service worker, which keeps a copy
    page.wait_for_load_state("load")
    stamp = page.inner_text("#as-of time")
    context.set_offline(True)
    page.reload()
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert code[:4] in page.inner_text(".code") and "ອັບເດດຫຼ້າສຸດ" in main
    assert page.inner_text("#as-of time") == stamp  # the saved copy, with the time it was made
    assert page.locator("#offline-note").is_visible()  # and the page says it is offline
    page.goto(f"{live_server.url}/centres")  # a public page never seen: an honest offline answer, not an error page
    assert "offline" in page.content().lower()
    context.close()


def test_first_and_repeat_visits_cost(live_server, chromium):
    from tests.documents.doc_helpers import start

    with live_server.app.app_context():
        code = start("residence_certificate").tracking_code
    meter = Meter(live_server.app)
    pages = {
        "home": (None, "/"),
        "apply": (CITIZEN, "/centres/xaysettha/services/residence_certificate/apply"),
        "status": (None, f"/status/{code}"),
        "dashboard": ("monitor.moha", "/monitor/"),
    }
    figures = {}
    for name, (user, path) in pages.items():
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        mark = meter.mark()  # a first visit from a fresh browser: the login on the way counts
        if user:
            _login(page, live_server.url, user)
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        _sw_controls(page)
        page.evaluate("document.fonts.ready.then(() => true)")
        first = meter.since(mark)
        mark = meter.mark()
        page.goto(live_server.url + path)  # the repeat visit
        page.wait_for_load_state("load")
        page.evaluate("document.fonts.ready.then(() => true)")
        repeat = [e for e in meter.since(mark)]
        figures[name] = {"first": {"requests": len(first), "bytes": sum(e["bytes"] for e in first)},
                         "repeat": {"requests": len(repeat), "bytes": sum(e["bytes"] for e in repeat),
                                    "paths": [e["path"] for e in repeat]}}
        context.close()
    out = ROOT / "test-artifacts" / "transfer.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    for name, fig in figures.items():
        assert fig["repeat"]["requests"] == 1, (name, fig)  # the page itself; CSS, fonts, scripts are cached
        assert re.fullmatch(r"/[^.]*", fig["repeat"]["paths"][0]), fig
        assert fig["first"]["requests"] >= 3  # the page, its stylesheet and a font at least
        assert fig["repeat"]["bytes"] < fig["first"]["bytes"] / 3
