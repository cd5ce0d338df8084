"""Issue 18 in a real Chromium at 360 px, in Lao: the legal clock on the status page (running and paused), the
applicant's rating from the status page, the ratings on the transparency page, and the bottleneck map on the
process diagram (bpmn-js overlays) with its table. Screenshots under test-artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from tests.browser.browser_support import PHONE, layout_problems, shot
from web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _cases(app, n_finished: int):
    from engine.db import db
    from engine.models import Feedback
    from engine.runtime.commands import complete_task, return_to_citizen
    from tests.engine.helpers import APPROVE_PATH, actor, ready_task, start_residence

    with app.app_context():
        running = start_residence()
        paused = start_residence()
        return_to_citizen(ready_task(paused.id).id, actor("desk.xs"), "ກະລຸນາແນບສຳເນົາບັດປະຈຳຕົວ")
        finished = []
        for _ in range(n_finished):
            case = start_residence()
            for username, _bpmn, answers in APPROVE_PATH:
                complete_task(ready_task(case.id).id, actor(username), answers)
            finished.append(case)
        for case in finished[1:]:
            db.session.add(Feedback(application_id=case.id, service_id=case.service_id, centre_id=case.centre_id,
                                    rating=4, channel="web"))
        db.session.commit()
        return running.tracking_code, paused.tracking_code, finished[0].tracking_code


def _login(page, base, username):
    page.goto(f"{base}/login?lang=lo")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()


def test_clock_rating_and_bottleneck_map_at_phone_width_in_lao(live_server, chromium):
    base = live_server.url
    running, paused, finished = _cases(live_server.app, 5)
    context = chromium.new_context(viewport=PHONE, locale="lo-LA")
    page = context.new_page()

    page.goto(f"{base}/status/{running}?lang=lo")
    clock = page.locator("[data-clock-state]")
    assert clock.get_attribute("data-clock-state") == "running"
    assert re.search(r"ເຫຼືອ \d+ ມື້ລັດຖະການ|ຄົບກຳນົດມື້ນີ້", clock.inner_text())
    assert layout_problems(page) == []
    shot(page, "i18-status-clock-running-lo")

    page.goto(f"{base}/status/{paused}?lang=lo")
    assert "ໂມງຢຸດຊົ່ວຄາວ: ລໍຖ້າເອກະສານຂອງທ່ານ" in page.locator("[data-clock-state=paused]").inner_text()
    assert layout_problems(page) == []
    shot(page, "i18-status-clock-paused-lo")

    # the applicant rates the finished case from the status page
    page.goto(f"{base}/status/{finished}?lang=lo")
    with page.expect_navigation():
        page.get_by_role("link", name="ໃຫ້ຄະແນນບໍລິການນີ້").click()
    page.fill("input[name=username]", "02055551234")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    assert "ທ່ານພໍໃຈກັບການບໍລິການຫຼາຍປານໃດ?" in page.content()
    assert layout_problems(page) == []
    shot(page, "i18-feedback-form-lo")
    page.get_by_label("5 — ດີຫຼາຍ").check()
    page.fill("#comment", "ບໍລິການໄວ ແລະ ສຸພາບ")
    with page.expect_navigation():
        page.get_by_role("button", name="ສົ່ງຄະແນນຂອງຂ້ອຍ").click()
    assert "ຂອບໃຈ: ບັນທຶກຄະແນນຂອງທ່ານແລ້ວ." in page.content()

    # five ratings now: the transparency page shows the average, never the comment
    page.goto(f"{base}/transparency/xaysettha?lang=lo")
    table = page.locator("table.ratings")
    assert "4.2 / 5" in table.inner_text()  # (4 * 4 + 5) / 5
    assert "ສຸພາບ" not in page.content()
    assert layout_problems(page) == []
    shot(page, "i18-transparency-ratings-lo")

    # the supervisor's bottleneck map: overlays on the diagram, a table for the phone
    context.clear_cookies()
    _login(page, base, "supervisor.xs")
    page.goto(f"{base}/monitor/services/residence_certificate/elements?lang=lo")
    page.wait_for_selector("[data-elements-drawn]", timeout=15000)
    badges = page.locator(".djs-overlays [data-overlay]")
    assert badges.count() >= 5
    assert "ລໍຖ້າ" in page.locator(".djs-overlays [data-overlay=Task_Check]").inner_text()
    row = page.locator("tr[data-element=Task_Check]")
    assert "ກວດສອບເອກະສານ" in row.inner_text()
    assert layout_problems(page) == []
    shot(page, "i18-bottleneck-map-lo")
    context.close()
