"""The dashboards in a real Chromium at phone width (360 px): log in, read, drill down, export, go offline.

Screenshots go to test-artifacts/screenshots/monitor-*.png.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT, unavailable
from tests.monitor.conftest import expected

pytestmark = pytest.mark.browser
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def live(seeded):
    # as in production: CSRF on (the login form and the logout button carry the token)
    seeded.config.update(MONITOR_CACHE_SECONDS=0, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, seeded, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        unavailable("Chromium", f"{CHROMIUM} not found (apt-get install chromium fonts-lao)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _phone(browser):
    return browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1, is_mobile=True,
                               has_touch=True, locale="lo-LA")


def _no_page_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 360.5 && !e.closest('.scroll'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 360, f"the page is {width}px wide at a 360px viewport: {wide}"


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login?next=/monitor/")
    page.fill("#username", username)
    page.fill("#password", "demo-pass-2026")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_monitor_dashboard_on_a_phone(live, browser, seeded):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = _phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live, "monitor.vte")
    assert page.url.rstrip("/").endswith("/monitor"), page.url
    assert page.locator("h1").inner_text() == "ນະຄອນຫຼວງວຽງຈັນ"
    with seeded.app_context():
        want = expected({"vte", "xaysettha", "chanthabouly", "sisattanak"})
    cells = page.locator("tr.received td").all_inner_texts()
    assert [int(c.replace(".", "").replace(",", "")) for c in cells] == \
        [want[k]["received"] for k in ("today", "week", "month", "range")]
    assert page.locator("svg.chart").count() == 2 and page.locator("svg.chart").first.is_visible()
    _no_page_overflow(page)
    page.screenshot(path=str(SHOTS / "monitor-province-top.png"))
    page.screenshot(path=str(SHOTS / "monitor-province-full.png"), full_page=True)

    # ranking → drill down to a district
    page.click("table.ranking a[href='/monitor/centre/xaysettha']")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/monitor/centre/xaysettha")
    assert "ໄຊເສດຖາ" in page.locator("h1").inner_text()
    _no_page_overflow(page)
    page.screenshot(path=str(SHOTS / "monitor-centre-full.png"), full_page=True)

    # a centre outside the area is refused
    response = page.goto(f"{live}/monitor/centre/luangprabang")
    assert response.status == 403

    # CSV download
    page.goto(f"{live}/monitor/")
    with page.expect_download() as info:
        page.click("a[href^='/monitor/centre/vte/export.csv']")
    assert info.value.suggested_filename.startswith("monitor-vte-")

    # the service worker keeps the last-seen dashboard for when the network is gone
    page.goto(f"{live}/monitor/?lang=en")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_load_state("networkidle")
    context.set_offline(True)
    page.reload()
    assert "Province view" in page.content()
    page.screenshot(path=str(SHOTS / "monitor-offline.png"))
    context.set_offline(False)
    # logging out forgets the cached dashboards: offline, the next person sees no figures
    page.goto(f"{live}/monitor/")
    page.click("form[action='/logout'] button")
    page.wait_for_load_state("networkidle")
    context.set_offline(True)
    page.goto(f"{live}/monitor/?lang=en")
    assert "Province view" not in page.content() and "offline" in page.content()
    context.set_offline(False)
    assert not errors, errors
    context.close()


def test_transparency_page_on_a_phone(live, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = _phone(browser)
    page = context.new_page()
    response = page.goto(f"{live}/transparency/")
    assert response.status == 200 and "public" in response.headers["cache-control"]
    assert page.locator("svg.chart").is_visible()
    _no_page_overflow(page)
    page.screenshot(path=str(SHOTS / "monitor-transparency-full.png"), full_page=True)
    page.click("table.ranking a[href='/transparency/xaysettha']")
    page.wait_for_load_state("networkidle")
    assert "ໄຊເສດຖາ" in page.locator("h1").inner_text()
    _no_page_overflow(page)
    page.screenshot(path=str(SHOTS / "monitor-transparency-centre.png"), full_page=True)
    context.close()
