"""A live server over a migrated SQLite database and Debian's Chromium driven by Playwright (never a browser
Playwright downloads). Without Chromium the browser tests skip, or fail when ODSC_REQUIRE_SERVICES=1."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live_server import LiveServer  # noqa: F401 - the browser tests' server

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}


def _unavailable(why: str):
    if os.environ.get("ODSC_REQUIRE_SERVICES") == "1":
        pytest.fail(f"Chromium is required (ODSC_REQUIRE_SERVICES=1): {why}")
    pytest.skip(why)


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        _unavailable("chromium is not installed (apt-get install chromium fonts-lao)")
    return path


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def layout_problems(page) -> list[str]:
    """Horizontal overflow at phone width, and Lao text not drawn with a Lao font."""
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"] + 1:
        problems.append(f"page is {width}px wide at {page.viewport_size['width']}px")
    clipped = page.evaluate("""() => [...document.querySelectorAll('h1,h2,h3,label,legend,button,a,p,dt,dd,li')]
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 2 && getComputedStyle(e).overflow !== 'visible')
        .map(e => e.tagName + ':' + e.textContent.trim().slice(0, 30))""")
    problems += [f"clipped {c}" for c in clipped]
    return problems


def lao_fonts(page, selector: str = "h1") -> set[str]:
    """The fonts Chromium actually used to draw the element's text (DevTools CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")
    node = cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    cdp.detach()
    return {f["familyName"] for f in fonts}
