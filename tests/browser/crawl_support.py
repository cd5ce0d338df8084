"""The crawler's parts: demo cases in every state, a logged-in HTTP session per role, link extraction,
the text checks (no 5xx, no raw ids or event names, no English on Lao pages) and the in-browser checks
(tap targets, overflow, heading order, contrast of the language pill)."""
from __future__ import annotations

import html as htmllib
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from web.demo import DEMO_PASSWORD

CITIZEN = "02055551234"
ROLES = ["anonymous", CITIZEN, "desk.xs", "officer.xs", "approver.xs", "cashier.xs", "supervisor.xs",
         "monitor.vte", "monitor.moha", "designer", "admin"]
DEPTH = 3
PER_SHAPE = 1          # pages of one shape (same route, other ids) visited per role and language
MAX_PAGES = 60         # per role and language

SKIP = re.compile(r"(\.pdf|\.csv|\.zip|\.bpmn|\.xml|\.json|\.png|\.svg)(\?|$)|^/(static|api|sw\.js|manifest|logout"
                  r"|certificates|favicon)|/documents/|/download|[?&]lang=|[?&]inline=")
# words that are the same in Lao text: formats, units, the platform's and modelers' names
ALLOWED_LATIN = {"PDF", "JPEG", "PNG", "MB", "KB", "ODSC", "CSV", "SMS", "API", "BPMN", "QR", "JSON", "ZIP", "XML",
                 "YAML", "OpenAPI", "Camunda", "SpiffArena", "SpiffWorkflow", "DMN", "bpmn", "io", "ISO", "UTC",
                 "LAK", "ID", "SVG", "HTTP", "HTTPS", "URL", "GB", "Modeler", "Arena", "Spiff", "JavaScript",
                 "Signavio", "zip", "yaml", "token", "bearer", "naxaythong"}
EVENT_NAME = re.compile(r"\b(application|task|certificate|decision|user|centre|service|designer|incident|timer|"
                        r"document|comment|service_task)\.[a-z_]+\b")
SNAKE_ID = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
ISO_DAY = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
PHONE_RAW = re.compile(r"\+856\d{6,}")


def seed_cases(app) -> dict:
    """Cases in every state a clerk or citizen meets: waiting for the desk, returned, rejected, completed."""
    from engine.db import db
    from engine.models import Task
    from engine.runtime.commands import reject, return_to_citizen
    from tests.documents.doc_helpers import actor, drive, start

    out = {}
    with app.app_context():
        out["submitted"] = start("residence_certificate").id
        returned = start("residence_certificate")
        task = db.session.query(Task).filter_by(application_id=returned.id, state="ready").one()
        return_to_citizen(task.id, actor("desk.xs"), "ກະລຸນາແນບສຳເນົາບັດປະຈຳຕົວ")
        out["returned"] = returned.id
        rejected = start("residence_certificate")
        task = db.session.query(Task).filter_by(application_id=rejected.id, state="ready").one()
        reject(task.id, actor("desk.xs"), "ເອກະສານບໍ່ຖືກຕ້ອງ")
        out["rejected"] = rejected.id
        done = start("residence_certificate")
        drive(done.id)
        out["completed"] = done.id
        at_cashier = start("residence_certificate")
        drive(at_cashier.id, stop_before="Task_Payment")
        out["at_cashier"] = at_cashier.id
        from engine.models import Application

        out["codes"] = [db.session.get(Application, i).tracking_code for i in
                        (out["submitted"], out["returned"], out["rejected"], out["completed"])]
    return out


def http_login(base: str, username: str, lang: str):
    """A requests session logged in as `username` (or anonymous), reading pages in `lang`."""
    import requests

    session = requests.Session()
    session.get(f"{base}/?lang={lang}", timeout=30)
    if username == "anonymous":
        return session, "/"
    page = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/login", data={"csrf_token": token, "username": username,
                                                   "password": DEMO_PASSWORD}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, (username, response.status_code)
    return session, urlsplit(response.headers["Location"]).path or "/"


def shape(path: str) -> str:
    """A route's shape: ids, codes and numbers replaced, so one page per shape is enough for layout checks."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27,}", "<uuid>", path)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", path)
    path = re.sub(r"/status/[^/?]+", "/status/<code>", path)
    path = re.sub(r"/(centres|transparency|monitor/centres?)/[a-z_]+", r"/\1/<id>", path)
    path = re.sub(r"/services/[a-z_]+", "/services/<id>", path)
    path = re.sub(r"/designer/(drafts|services|versions)/[^/]+", r"/designer/\1/<id>", path)
    path = re.sub(r"/admin/(centres|staff)/[^/]+", r"/admin/\1/<id>", path)
    return path.split("?")[0]


def links(base: str, url: str, page: str) -> list[str]:
    out = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', page):
        if re.search(r'\bdownload\b', href):
            continue
        target = urljoin(url, htmllib.unescape(href))
        parts = urlsplit(target)
        if parts.netloc != urlsplit(base).netloc:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(path):
            out.append(path)
    return out


def visible_text(page: str) -> str:
    page = re.sub(r"<(head|script|style|svg|textarea|code|pre)\b.*?</\1>", " ", page, flags=re.S | re.I)
    # an audit entry's recorded data (an administrator's record of exactly what was stored) is data, not text
    page = re.sub(r'<details class="raw-data">.*?</details>', " ", page, flags=re.S)
    page = re.sub(r'<[^>]+\blang="en"[^>]*>[^<]*</[a-z]+>', " ", page)  # the "English" switch itself
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", htmllib.unescape(page))


def text_problems(text: str, lang: str, data_words: set[str]) -> list[str]:
    """Raw internal values, and (on Lao pages) English words outside the allow-list and the page's data."""
    problems = []
    cleaned = re.sub(r"[\w.+-]+@[\w.-]+|https?://\S+|\b[\w-]+\.(pdf|png|jpe?g|zip|bpmn|yaml|csv)\b|[\w.*-]+/[\w.*/-]+"
                     r"|\bdesk\.naxaythong\b", " ", text)
    cleaned = re.sub(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}\b|\b[A-Z]+-\d{4}-\d{6}\b", " ", cleaned)  # codes
    cleaned = re.sub(r"\b[a-z]+\.[a-z]+\b(?=\s|$|,)", lambda m: " " if m.group(0) in data_words else m.group(0),
                     cleaned)  # usernames shown as data
    for pattern, what in ((EVENT_NAME, "event name"), (SNAKE_ID, "internal id"), (ISO_DAY, "ISO date"),
                          (PHONE_RAW, "raw phone")):
        for hit in sorted(set(m.group(0) for m in pattern.finditer(cleaned))):
            if hit not in data_words:
                problems.append(f"{what}: {hit}")
    if lang == "lo":
        for word in sorted(set(re.findall(r"\b[A-Za-z]{3,}\b", cleaned))):
            if word not in ALLOWED_LATIN and word not in data_words:
                problems.append(f"English: {word}")
    return problems


def crawl(base: str, username: str, lang: str, data_words: set[str]) -> tuple[dict[str, str], dict[str, list]]:
    """Every page reachable within DEPTH clicks of the role's landing page: {url: shape}, {url: problems}."""
    session, start = http_login(base, username, lang)
    seen, per_shape, problems = {}, {}, {}
    queue = deque([(start, 0)])
    while queue and len(seen) < MAX_PAGES:
        path, depth = queue.popleft()
        if path in seen:
            continue
        key = shape(path)
        if per_shape.get(key, 0) >= PER_SHAPE:
            continue
        per_shape[key] = per_shape.get(key, 0) + 1
        seen[path] = key
        response = session.get(base + path, timeout=60, allow_redirects=True)
        found = []
        if response.status_code >= 500:
            found.append(f"HTTP {response.status_code}")
        if "text/html" in response.headers.get("Content-Type", ""):
            found += text_problems(visible_text(response.text), lang, data_words)
            if depth < DEPTH:
                queue.extend((link, depth + 1) for link in links(base, response.url, response.text))
        if found:
            problems[path] = found
    return seen, problems


# ---- in the browser ------------------------------------------------------------------------------------

BROWSER_CHECKS = r"""() => {
  const out = [];
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!visible(e) || e.closest('.skip-link') || e.classList.contains('skip-link')) continue;
    let target = e;
    if ((e.type === 'radio' || e.type === 'checkbox') && e.closest('label')) target = e.closest('label');
    const r = target.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5) {
      out.push(`tap target ${Math.round(r.width)}x${Math.round(r.height)}: ${e.tagName.toLowerCase()} `
               + `"${(e.innerText || e.value || e.name || e.getAttribute('aria-label') || '').trim().slice(0, 30)}"`);
    }
  }
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) out.push(`page is ${width}px wide at ${window.innerWidth}px`);
  let last = 0;
  for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')) {
    const level = +h.tagName[1];
    if (last && level > last + 1) out.push(`heading h${level} after h${last}: ${h.innerText.trim().slice(0, 30)}`);
    last = level;
  }
  if ((document.querySelector('main h1') || null) === null) out.push('no h1');
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3); } return [255, 255, 255]; };
  for (const a of document.querySelectorAll('.lang-switch a')) {
    const fg = rgb(getComputedStyle(a).color).slice(0, 3), bg = background(a);
    const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) out.push(`language switch contrast ${ratio.toFixed(2)}: ${a.innerText}`);
  }
  return out;
}"""
