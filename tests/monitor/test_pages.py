"""The monitoring pages: who sees which centres, what the pages and CSV files show, public pages, PWA files."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.monitor.conftest import expected, login_as

VTE_AREA = {"vte", "xaysettha", "chanthabouly", "sisattanak"}


def _csv(response) -> list[list[str]]:
    """The rows by their stable keys (section, item, measure, value): the first columns are for people."""
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return [[r[4], r[5], r[6], r[3]] if len(r) == 7 else r for r in rows]


def _ranking_ids(html: str) -> set[str]:
    return set(re.findall(r'href="/monitor/centre/([a-z0-9_]+)"', html))


def test_monitor_at_the_capital_sees_the_capital_and_its_districts(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "monitor.vte")
    page = client.get("/monitor/?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Province view" in html and "Vientiane Capital" in html
    assert _ranking_ids(html) - {"moha"} == VTE_AREA  # ranking links: its own area only
    for cid in VTE_AREA:
        assert client.get(f"/monitor/centre/{cid}").status_code == 200
    for cid in ("moha", "luangprabang", "pakse", "kaysone"):
        assert client.get(f"/monitor/centre/{cid}").status_code == 403
        assert client.get(f"/monitor/centre/{cid}/export.csv").status_code == 403
    assert client.get("/monitor/centre/nowhere").status_code == 404
    rows = _csv(client.get("/monitor/export.csv"))
    centres = {r[1].split()[0] for r in rows if r[0] == "centre"}
    assert centres == VTE_AREA


def test_monitor_at_the_ministry_sees_every_centre(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "monitor.moha")
    html = client.get("/monitor/?lang=en").get_data(as_text=True)
    assert "Ministry view" in html
    with seeded.app_context():
        from engine.db import db
        from engine.models import Centre

        every = {c.id for c in db.session.query(Centre).all()}
    assert _ranking_ids(html) == every
    assert client.get("/monitor/centre/pakse").status_code == 200
    # drill-down to a district shows that centre alone
    html = client.get("/monitor/centre/pakse?lang=en").get_data(as_text=True)
    assert "Centre view" in html and "/monitor/centre/champasak" in html  # link one level up


def test_supervisor_sees_only_their_centre(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "supervisor.xs")
    html = client.get("/monitor/?lang=en").get_data(as_text=True)
    assert "Centre view" in html and "Xaysettha" in html
    assert client.get("/monitor/centre/xaysettha").status_code == 200
    for cid in ("vte", "chanthabouly", "moha"):
        assert client.get(f"/monitor/centre/{cid}").status_code == 403


@pytest.mark.parametrize("username", ["desk.xs", "officer.xs", "02055551234"])
def test_clerks_and_citizens_get_no_dashboard(seeded, username):
    client = seeded.test_client()
    login_as(client, seeded, username)
    assert client.get("/monitor/").status_code == 403
    assert client.get("/monitor/centre/xaysettha").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(seeded):
    response = seeded.test_client().get("/monitor/")
    assert response.status_code == 302 and "login" in response.headers["Location"]


def test_dashboard_page_shows_the_computed_figures(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "supervisor.xs")
    html = client.get("/monitor/?lang=en").get_data(as_text=True)
    with seeded.app_context():
        want = expected({"xaysettha"})
    row = re.search(r'<tr class="received">(.*?)</tr>', html, re.S).group(1)
    cells = [int(c.replace(",", "")) for c in re.findall(r'<td class="num">([\d,]+)</td>', row)]
    assert cells == [want[k]["received"] for k in ("today", "week", "month", "range")]
    row = re.search(r'<tr class="overdue">(.*?)</tr>', html, re.S).group(1)
    cells = [int(c.replace(",", "")) for c in re.findall(r'<td class="num">([\d,]+)</td>', row)]
    assert cells == [want[k]["overdue"] for k in ("today", "week", "month", "range")]
    assert "<svg" in html and "Backlog per office role" in html
    assert "ທົດສອບ ລັບ" not in html  # applicants' data never reaches the dashboard


def test_csv_export_has_the_same_figures(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "monitor.vte")
    response = client.get("/monitor/centre/vte/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["section", "item", "metric"]
    people = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert people[0][:4] == ["ພາກ", "ລາຍການ", "ຕົວວັດ", "ຄ່າ"]  # headers in the page's language
    assert any(r[1] == "ໃບຢັ້ງຢືນທີ່ຢູ່" for r in people)  # services by name, not by id
    with seeded.app_context():
        want = expected(VTE_AREA)
    got = {(r[1].split()[0], r[2]): r[3] for r in rows if r[0] == "period"}
    for key in ("today", "week", "month", "range"):
        for metric in ("received", "completed", "in_progress", "returned", "rejected", "overdue"):
            assert int(got[(key, metric)]) == want[key][metric], (key, metric)
    services = {(r[1], r[2]): r[3] for r in rows if r[0] == "processing_time_days"}
    for sid, (n, p50, _p90) in want["services"].items():
        assert int(services[(sid, "completed")]) == n
        assert float(services[(sid, "median")]) == pytest.approx(p50, abs=1e-3)


def test_transparency_pages_are_public_cached_and_anonymous(seeded):
    client = seeded.test_client()
    for url in ("/transparency/", "/transparency/vte", "/transparency/xaysettha?lang=en"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" in response.headers["Cache-Control"] and "max-age" in response.headers["Cache-Control"]
        assert "Cookie" in response.headers["Vary"]  # Lao and English pages are cached apart
        html = response.get_data(as_text=True)
        assert "ທົດສອບ ລັບ" not in html and "T00000" not in html  # no applicant, no tracking code
        assert "ທ່ານ ຄຳມາ" not in html and "ບຸນມີ" not in html  # no staff names either
    assert client.get("/transparency/nowhere").status_code == 404
    rows = _csv(client.get("/transparency/all/export.csv"))
    assert {r[0] for r in rows[1:]} <= {"period", "now", "processing_time_days", "trend_week", "centre"}
    assert "ທົດສອບ ລັບ" not in repr(rows)


def test_transparency_figures_are_cached_for_a_while(seeded):
    from engine.db import db
    from engine.models import Application

    client = seeded.test_client()
    first = client.get("/transparency/xaysettha?lang=en").get_data(as_text=True)
    with seeded.app_context():
        template = db.session.query(Application).filter_by(centre_id="xaysettha").first()
        db.session.add(Application(tracking_code="ZZZZZZZZZZ", service_id=template.service_id,
                                   service_version_id=template.service_version_id, centre_id="xaysettha",
                                   status="submitted", data={}))
        db.session.commit()
    assert client.get("/transparency/xaysettha?lang=en").get_data(as_text=True) == first
    seeded.config["MONITOR_PUBLIC_CACHE_SECONDS"] = 0
    assert client.get("/transparency/xaysettha?lang=en").get_data(as_text=True) != first


def test_pages_are_in_lao_by_default(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "monitor.moha")
    html = client.get("/monitor/").get_data(as_text=True)
    assert "ໄດ້ຮັບ" in html and "ອັດຕາສຳເລັດຕາມກຳນົດ" in html
    public = client.get("/transparency/").get_data(as_text=True)
    assert "ໄດ້ຮັບ" in public


def test_bad_dates_get_a_clear_message(seeded):
    client = seeded.test_client()
    login_as(client, seeded, "monitor.vte")
    response = client.get("/monitor/?from=31/13/2026&lang=en")  # day/month/year: there is no 13th month
    assert response.status_code == 200
    assert "Dates must look like" in response.get_data(as_text=True)


def test_pwa_files(seeded):
    client = seeded.test_client()
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and "javascript" in sw.headers["Content-Type"]
    assert sw.headers["Service-Worker-Allowed"] == "/"
    assert "caches.open" in sw.get_data(as_text=True)
    manifest = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))
    assert manifest["start_url"] == "/monitor/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_cells_cannot_become_spreadsheet_formulas(seeded):
    from engine.db import db
    from engine.models import Task, User

    with seeded.app_context():
        clerk = db.session.query(User).filter_by(username="officer.xs").one()
        clerk.full_name = "=HYPERLINK(\"http://evil\")"
        task = db.session.query(Task).filter_by(centre_id="xaysettha", state="ready").first()
        task.claimed_by_id, task.office_role = clerk.id, "approver"
        db.session.commit()
    client = seeded.test_client()
    login_as(client, seeded, "supervisor.xs")
    rows = _csv(client.get("/monitor/export.csv"))
    names = [r[1] for r in rows if r[0] == "backlog_clerk"]
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert not any(cell.startswith("=") for row in rows for cell in row)
