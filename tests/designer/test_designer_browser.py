"""In a real Chromium (CSRF on): a designer uploads a new service, reads the report, sees the diagram drawn by
bpmn-js with its watermark, dry-runs it, publishes it, and the centre's catalogue offers it at once."""
from __future__ import annotations

import pytest

from tests.browser.browser_support import CHROMIUM_ARGS, LiveServer, _unavailable, chromium_path, shot
from tests.designer.designer_helpers import make_zip, scenario_files
from tests.web.web_helpers import root_make_app
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(request, database_template, tmp_path):
    app = root_make_app(request.config)(database_template, tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def chromium():
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover
        _unavailable(f"playwright is not installed: {exc}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _diagram_drawn(page) -> None:
    page.wait_for_selector(".odsc-diagram-canvas .djs-container svg", timeout=15000)
    page.wait_for_selector(".odsc-diagram-canvas .bjs-powered-by", state="visible")  # bpmn.io watermark


def test_designer_publishes_through_the_browser(live_server, chromium, tmp_path):
    zipped = tmp_path / "fishing_permit.zip"
    zipped.write_bytes(make_zip(scenario_files("camunda_modeler"), folder="fishing_permit"))
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login?lang=en")
    page.fill("#username", "designer")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.goto(f"{live_server.url}/designer/upload")
    page.set_input_files("#files", str(zipped))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_selector("text=No errors.")
    assert page.locator("table.report").inner_text().count("warning") >= 1
    _diagram_drawn(page)
    shot(page, "designer-report")
    # dry run: reject at the approval; the path is marked on the diagram
    page.get_by_role("link", name="Dry run").click()
    page.select_option("#d-Task_Approve", "reject")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("text=The process ended with a rejection.")
    _diagram_drawn(page)
    assert page.locator(".djs-element.odsc-done").count() >= 4
    shot(page, "designer-dry-run")
    page.go_back()
    page.go_back()
    page.wait_for_selector("text=No errors.")
    page.check("input[name=centre][value=xaysettha]")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_selector("text=Published as version 1")
    _diagram_drawn(page)
    shot(page, "designer-versions")
    # the centre's catalogue offers it now, without a restart
    page.goto(f"{live_server.url}/centres/xaysettha?lang=en")
    assert page.get_by_text("Fishing permit").count() >= 1
    page.close()


@pytest.mark.parametrize("lang", ["lo", "en"])
def test_the_report_fits_a_360_px_phone(live_server, chromium, tmp_path, lang):
    from tests.designer.test_modeler_corpus import CORPUS, TABLE, _service_yaml

    entry = next(e for e in TABLE if e["file"] == "c7_method_call.bpmn")  # a refusal with a long expression
    (tmp_path / "service.yaml").write_bytes(_service_yaml(entry))
    long_id = "Flow_" + "Reject" * 30  # modelers allow ids of any length: they must wrap
    bpmn = (CORPUS / entry["file"]).read_text(encoding="utf-8").replace("Flow_Reject", long_id)
    (tmp_path / entry["file"]).write_text(bpmn, encoding="utf-8")
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/login?lang={lang}")
    page.fill("#username", "designer")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.goto(f"{live_server.url}/designer/upload?lang={lang}")
    page.set_input_files("#files", [str(tmp_path / "service.yaml"), str(tmp_path / entry["file"])])
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("table.report")
    assert long_id in page.locator("table.report").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"designer-report-360-{lang}")
    assert width <= 360, width
    page.close()
