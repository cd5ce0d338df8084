"""Every visible string of the citizen/staff/auth/public pages has a Lao translation; the compiled .mo files
match the .po files; Lao pages carry no leftover English; kip, dates and numbers use Babel's lo locale."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.web.web_helpers import CITIZEN, login

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
SOURCES = [WEB / "blueprints" / f"{name}.py" for name in ("citizen", "staff", "auth", "public")] + [
    WEB / "forms_render.py", WEB / "display.py", WEB / "submissions.py"]
TEMPLATES = [WEB / "templates" / "base.html"] + [
    p for area in ("forms", "public", "citizen", "staff", "auth", "errors")
    for p in sorted((WEB / "templates" / area).glob("*.html"))]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _msgids() -> dict:
    found = {}
    for path in SOURCES:
        for _line, msgid, _comments, _ctx in extract_from_file("python", str(path), keywords=KEYWORDS):
            found[msgid] = path.name
    for path in TEMPLATES:
        for _line, msgid, _comments, _ctx in extract_from_file(
                "jinja2.ext:babel_extract", str(path), keywords=KEYWORDS,
                options={"extensions": "jinja2.ext.i18n"}):
            found[msgid] = f"templates/{path.relative_to(WEB / 'templates')}"
    return found


def _catalogues() -> dict:
    merged = {}
    for po in sorted((WEB / "translations").glob("*/lo/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            for message in read_po(f, locale="lo"):
                if message.id and not message.fuzzy:
                    merged.setdefault(message.id, message.string)
    return merged


def test_every_msgid_has_a_lao_translation():
    msgids = _msgids()
    assert len(msgids) > 100
    lao = _catalogues()
    missing = []
    for msgid, where in msgids.items():
        text = lao.get(msgid)
        forms = text if isinstance(text, tuple | list) else (text,)
        if not text or not all(forms) or not all(re.search("[\u0e80-\u0eff]", f) for f in forms):
            missing.append((where, msgid))
    assert not missing, f"untranslated into Lao: {missing}"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_mo_files_are_compiled_from_the_current_po_files():
    pos = sorted((WEB / "translations").glob("*/lo/LC_MESSAGES/messages.po"))
    assert pos
    for po in pos:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run pybabel compile"
        with po.open("rb") as f:
            want = {_key(m.id): _key(m.string) for m in read_po(f, locale="lo") if m.id and m.string and not m.fuzzy}
        with mo.open("rb") as f:
            have = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
        stale = sorted(str(k) for k in set(want) ^ set(have) | {k for k in want if have.get(k) != want[k]})
        assert not stale, f"{mo.relative_to(ROOT)} is out of date (run pybabel compile): {stale[:5]}"


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_lao_pages_have_no_english_left(app, client, submitted):
    app_id, code = submitted
    english = [m for m in _msgids() if isinstance(m, str) and len(m) > 3 and re.search("[a-z]{3}", m)
               and "%(" not in m]
    pages = ["/", "/centres", "/centres/xaysettha", "/centres/xaysettha/services/residence_certificate",
             f"/status/{code}", "/status/ZZZZ-ZZZZ-ZZ", "/login", "/register", "/nope"]
    login(client, CITIZEN)
    pages_citizen = ["/my", f"/my/{app_id}", f"/applications/{app_id}/receipt",
                     "/centres/xaysettha/services/residence_certificate/apply"]
    texts = [_visible_text(client.get(url).get_data(as_text=True)) for url in pages + pages_citizen]
    login(client, "supervisor.xs")
    task = re.search(r'/staff/tasks/([0-9a-f-]{36})"', client.get("/staff/").get_data(as_text=True)).group(1)
    for url in ["/staff/", f"/staff/tasks/{task}", f"/staff/cases/{app_id}", "/staff/cases", "/staff/desk",
                "/staff/desk/residence_certificate", f"/staff/cases/{app_id}/receipt"]:
        texts.append(_visible_text(client.get(url).get_data(as_text=True)))
    from web.demo import DEMO_STAFF

    names = [name for _user, name, _centre, _roles in DEMO_STAFF]  # data, not interface text
    texts = [re.sub("|".join(re.escape(n) for n in names), " ", text) for text in texts]
    leftovers = sorted({m for m in english for text in texts if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text)})
    assert not leftovers, f"English on Lao pages: {leftovers}"


def test_kip_and_dates_in_lao_locale(client, submitted):
    app_id, code = submitted
    html = client.get("/centres/xaysettha/services/construction_permit").get_data(as_text=True)
    assert re.search(r"\d{1,3}(\.\d{3})+ ກີບ", html)  # Babel lo groups with dots: 1.000.000 ກີບ
    status = client.get(f"/status/{code}").get_data(as_text=True)
    months = "ມັງກອນ|ກຸມພາ|ມີນາ|ເມສາ|ພຶດສະພາ|ມິຖຸນາ|ກໍລະກົດ|ສິງຫາ|ກັນຍາ|ຕຸລາ|ພະຈິກ|ທັນວາ"
    assert re.search(rf"\d{{1,2}} ({months}) \d{{4}}", status)
    english = client.get(f"/status/{code}?lang=en").get_data(as_text=True)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", english)


def test_language_switch_keeps_the_current_page(client):
    html = client.get("/centres/xaysettha?x=1").get_data(as_text=True)
    assert 'href="/centres/xaysettha?x=1&amp;lang=en"' in html or 'href="/centres/xaysettha?lang=en&amp;x=1"' in html


def test_lao_font_is_served_with_its_licence(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert '"Phetsarath OT", "Noto Sans Lao"' in css and "@font-face" in css and "break-all" not in css.replace(
        "never break Lao words with break-all", "")
    for name in re.findall(r'url\("\.\./fonts/([^"]+\.woff2)"\)', css):
        font = client.get(f"/static/fonts/{name}")
        assert font.status_code == 200 and font.data[:4] == b"wOF2"
    assert (WEB / "static" / "fonts" / "OFL.txt").read_text().count("SIL Open Font License") >= 1
