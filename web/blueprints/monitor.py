"""Monitoring dashboards (ministry, province, centre by the viewer's scope), CSV export, the public
transparency pages and the PWA service worker. Figures come from engine.stats (read models only)."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import click
from babel.numbers import format_decimal
from flask import Blueprint, Response, abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from engine.db import db
from engine.models import Centre
from engine.stats import TTLCache, centre_tree, descendants, figures, home_centre, local_today, public_summary
from engine.stats import visible_centres as visible_for
from web.auth import current_actor, roles_required
from web.i18n import format_date, lang, pick

bp = Blueprint("monitor", __name__, cli_group="monitor")

VIEW_ROLES = ("monitor", "supervisor", "admin")
PUBLIC_MAX_AGE = 300


def _cache() -> TTLCache:
    """One small cache per app (tests build many apps in one process)."""
    return current_app.extensions.setdefault("odsc_monitor_cache", TTLCache(ttl=60, maxsize=512))


def _ttl(public: bool) -> float:
    key = "MONITOR_PUBLIC_CACHE_SECONDS" if public else "MONITOR_CACHE_SECONDS"
    return float(current_app.config.get(key, 60 if public else 30))


def clear_cache() -> None:
    _cache().clear()


# ---- scope ------------------------------------------------------------------------------------------

def _scope_ids(root: str, visible: set[str] | None) -> list[str] | None:
    """The centres a view rooted at `root` covers (None: every centre, so no filter at all)."""
    tree = centre_tree()
    ids = descendants(root, tree)
    if visible is not None:
        ids = [c for c in ids if c in visible]
    total = sum(len(v) for v in tree.values())
    return None if len(ids) == total else ids


def _parse_range() -> tuple[date | None, date | None, str | None]:
    start, end, error = None, None, None
    from engine.dayformat import parse_day

    try:
        if request.args.get("from"):
            start = parse_day(request.args["from"])
        if request.args.get("to"):
            end = parse_day(request.args["to"])
    except ValueError:
        error = _("Dates must look like 31/01/2026 (day/month/year).")
        start = end = None
    return start, end, error


def _dashboard(root: str, ids: list[str] | None, start: date | None, end: date | None, today: date) -> dict:
    key = ("dash", root, tuple(ids) if ids is not None else None, start, end, today)
    return _cache().get_or_compute(key, lambda: _stamped(figures(ids, today=today, range_start=start, range_end=end)),
                                 ttl=_ttl(public=False))


def _stamped(data: dict) -> dict:
    """Figures with the moment they were computed (UTC), shown as 'as of' so a cached or offline copy says its age."""
    return {**data, "computed_at": datetime.now(UTC)}


def _centre_or_404(centre_id: str) -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    return centre


# ---- formatting and charts ---------------------------------------------------------------------------

def num(value) -> str:
    return "–" if value is None else format_decimal(value, locale=lang())


def pct(value) -> str:
    return "–" if value is None else f"{format_decimal(round(value * 100), locale=lang())} %"


def days(value) -> str:
    return "–" if value is None else format_decimal(round(value, 1), format="#,##0.0", locale=lang())


def bar_chart(points: list[dict], label_key: str, title: str, label_fmt=None) -> Markup:
    """A server-rendered SVG bar chart: received (light bars) and completed (dark bars) side by side."""
    width, height, left, bottom, top = 340, 170, 30, 22, 10
    n = max(len(points), 1)
    peak = max([max(p["received"], p["completed"]) for p in points] + [1])
    # the axis top is even, so the three gridlines (0, half, top) fall on whole numbers and are labelled exactly
    top_value = peak + (peak % 2)
    slot = (width - left - 4) / n
    bar = max(slot / 2 - 0.6, 0.8)
    plot_h = height - bottom - top
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 3}" y="{y + 3:.1f}" class="axis" text-anchor="end">'
                     f'{escape(num(top_value * frac))}</text>')
    for i, p in enumerate(points):
        x = left + 2 + i * slot
        for j, key in enumerate(("received", "completed")):
            h = plot_h * p[key] / top_value
            parts.append(f'<rect class="{key}" x="{x + j * (bar + 0.6):.1f}" y="{top + plot_h - h:.1f}" '
                         f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(_fmt(p[label_key], label_fmt))}: '
                         f'{escape(num(p[key]))}</title></rect>')
    fmt = label_fmt or _short_day
    for i in (0, n // 2, n - 1):
        if 0 <= i < len(points):
            x = left + 2 + i * slot + slot / 2
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            parts.append(f'<text x="{min(x, width - 1):.1f}" y="{height - 6}" class="axis" text-anchor="{anchor}">'
                         f'{escape(fmt(points[i][label_key]))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short_day(value) -> str:
    """'1 ພ.ຈ.' / 'Nov 1': the same date style as the rest of the page, in its language."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMd", value, locale=lang())


def _fmt(value, fmt) -> str:
    return fmt(value) if fmt else format_date(value)


@bp.app_template_global()
def monitor_link() -> str | None:
    actor = current_actor()
    if actor and actor.kind == "staff" and set(VIEW_ROLES) & set(actor.roles):
        return url_for("monitor.index")
    return None


def _render_dashboard(root: Centre, ids: list[str] | None, visible: set[str]):
    start, end, error = _parse_range()
    today = local_today()
    data = _dashboard(root.id, ids, start, end, today)
    parent = root.parent_id if root.parent_id in visible else None
    charts = {
        "days": bar_chart(data["trend_days"], "day", _("Received and completed per day")),
        "weeks": bar_chart(data["trend_weeks"], "week", _("Received and completed per week")),
    }
    level = root.level if len(data["centres"]) > 1 else "centre"
    resp = make_response(render_template(
        "monitor/dashboard.html", root=root, data=data, charts=charts, parent=parent, error=error,
        level=level, num=num, pct=pct, days=days, range=data["periods"][-1],
        csv_url=url_for("monitor.export_centre", centre_id=root.id, **_range_args()),
        multi=len(data["centres"]) > 1,
    ))
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


def _range_args() -> dict:
    return {k: request.args[k] for k in ("from", "to") if request.args.get(k)}


# ---- dashboards -------------------------------------------------------------------------------------

@bp.get("/monitor/")
@roles_required(*VIEW_ROLES)
def index():
    actor = current_actor()
    root_id = home_centre(actor)
    visible = visible_for(actor)
    if root_id is None or root_id not in visible:
        abort(403)
    root = _centre_or_404(root_id)
    return _render_dashboard(root, _scope_ids(root.id, visible), visible)


@bp.get("/monitor/centre/<centre_id>")
@roles_required(*VIEW_ROLES)
def centre(centre_id: str):
    visible = visible_for(current_actor())
    if centre_id not in visible:
        abort(404 if db.session.get(Centre, centre_id) is None else 403)
    root = _centre_or_404(centre_id)
    return _render_dashboard(root, _scope_ids(root.id, visible), visible)


@bp.get("/monitor/export.csv")
@roles_required(*VIEW_ROLES)
def export():
    actor = current_actor()
    root_id = home_centre(actor)
    if root_id is None or root_id not in visible_for(actor):
        abort(403)
    return export_centre(root_id)


@bp.get("/monitor/centre/<centre_id>/export.csv")
@roles_required(*VIEW_ROLES)
def export_centre(centre_id: str):
    visible = visible_for(current_actor())
    if centre_id not in visible:
        abort(404 if db.session.get(Centre, centre_id) is None else 403)
    start, end, _error = _parse_range()
    today = local_today()
    data = _dashboard(centre_id, _scope_ids(centre_id, visible), start, end, today)
    return _csv_response(data, f"monitor-{centre_id}-{today.isoformat()}.csv")


def csv_rows(data: dict, public: bool = False) -> list[list]:
    """The figures of one view for people and for programs: (section, item, measure, value) in the page's
    language (service, centre and role names, translated measures), then the same row's stable keys
    (section id, item id, measure id) for spreadsheets that compute on them."""
    return [_labelled(row) for row in _csv_keys(data, public)]


def _csv_labels() -> dict[str, str]:
    return {
        "section": _("Section"), "item": _("Item"), "metric": _("Measure"), "value": _("Value"),
        "period": _("Period"), "now": _("Now"), "processing_time_days": _("Processing time (days)"),
        "backlog_role": _("Backlog by role"), "backlog_clerk": _("Backlog by clerk"), "trend_day": _("Per day"),
        "trend_week": _("Per week"), "centre": _("Centre"), "received": _("Received"), "completed": _("Completed"),
        "in_progress": _("In progress"), "returned": _("Returned"), "rejected": _("Rejected"),
        "overdue": _("Overdue"), "on_time": _("On time"), "on_time_rate": _("On-time rate"), "median": _("Median"),
        "p90": _("90th percentile"), "open": _("Open"), "rank": _("Rank"), "backlog": _("Backlog"),
        "today": _("Today"), "week": _("This week"), "month": _("This month"), "range": _("Range"),
    }


def _labelled(row: list) -> list:
    section, item, metric, value, item_label = row
    labels = _csv_labels()
    if section == "section":
        return [labels["section"], labels["item"], labels["metric"], labels["value"], "section", "item", "metric"]
    return [labels.get(section, section), item_label, labels.get(metric, metric), value, section, item, metric]


def _csv_keys(data: dict, public: bool) -> list[list]:
    """(section, item key, metric, value, item as people read it) rows."""
    loc = lang()
    rows: list[list] = [["section", "item", "metric", "value", ""]]
    for p in data["periods"]:
        label = f"{p['key']} {p['start'].isoformat()}..{p['end'].isoformat()}"
        shown = f"{_csv_labels().get(p['key'], p['key'])} {format_date(p['start'])} – {format_date(p['end'])}"
        keys = ("received", "completed", "rejected", "on_time") if public else \
            ("received", "completed", "in_progress", "returned", "rejected", "overdue", "on_time")
        for k in keys:
            rows.append(["period", label, k, p[k], shown])
        rows.append(["period", label, "on_time_rate",
                     "" if p["on_time_rate"] is None else round(p["on_time_rate"], 4), shown])
    for k, v in data["now"].items():
        rows.append(["now", "", k, v, ""])
    for s in data["services"]:
        name = pick(s.get("name"), loc) or s["service_id"]
        rows.append(["processing_time_days", s["service_id"], "completed", s["completed"], name])
        rows.append(["processing_time_days", s["service_id"], "median", _r(s["median_days"]), name])
        rows.append(["processing_time_days", s["service_id"], "p90", _r(s["p90_days"]), name])
    if not public:
        for r in data["backlog_roles"]:
            name = pick(r.get("name"), loc) or r["role"]
            rows.append(["backlog_role", r["role"], "open", r["open"], name])
            rows.append(["backlog_role", r["role"], "overdue", r["overdue"], name])
        for c in data["backlog_clerks"]:
            who = c["name"] if c["user_id"] is not None else "(unclaimed)"
            shown_who = c["name"] if c["user_id"] is not None else _("Not taken")
            rows.append(["backlog_clerk", who, "open", c["open"], shown_who])
        for d in data["trend_days"]:
            rows.append(["trend_day", d["day"].isoformat(), "received", d["received"], format_date(d["day"])])
            rows.append(["trend_day", d["day"].isoformat(), "completed", d["completed"], format_date(d["day"])])
    for w in data["trend_weeks"]:
        rows.append(["trend_week", w["week"].isoformat(), "received", w["received"], format_date(w["week"])])
        rows.append(["trend_week", w["week"].isoformat(), "completed", w["completed"], format_date(w["week"])])
    for c in data["centres"]:
        item = f"{c['centre_id']} {pick(c['name'], loc)}"
        shown = pick(c["name"], loc)
        rows.append(["centre", item, "received", c["received"], shown])
        rows.append(["centre", item, "completed", c["completed"], shown])
        rows.append(["centre", item, "on_time_rate", "" if c["on_time_rate"] is None else round(c["on_time_rate"], 4), shown])
        if not public:
            rows.append(["centre", item, "rank", c["rank"], shown])
            rows.append(["centre", item, "backlog", c["backlog"], shown])
            rows.append(["centre", item, "overdue", c["overdue"], shown])
    return rows


def _r(value):
    return "" if value is None else round(value, 3)


def _cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_response(data: dict, filename: str, public: bool = False) -> Response:
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 (Lao names) correctly with a BOM
    csv.writer(buf).writerows([[_cell(v) for v in row] for row in csv_rows(data, public)])
    resp = Response(buf.getvalue(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
    return resp


# ---- public transparency pages ----------------------------------------------------------------------

def _public(root: str | None) -> dict:
    today = local_today()
    ids = None if root is None else _scope_ids(root, None)
    key = ("public", root, today)
    return _cache().get_or_compute(key, lambda: _stamped(public_summary(ids, today=today)), ttl=_ttl(public=True))


def _public_response(html: str) -> Response:
    resp = make_response(html)
    resp.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    resp.vary.add("Cookie")  # the language comes from the session cookie (or ?lang=, part of the URL)
    return resp


@bp.get("/transparency/")
def transparency():
    data = _public(None)
    chart = bar_chart(data["trend_weeks"], "week", _("Received and completed per week"))
    return _public_response(render_template("monitor/transparency.html", data=data, centre=None, chart=chart,
                                            num=num, pct=pct, days=days, range=data["periods"][-1]))


@bp.get("/transparency/<centre_id>")
def transparency_centre(centre_id: str):
    centre = _centre_or_404(centre_id)
    data = _public(centre.id)
    chart = bar_chart(data["trend_weeks"], "week", _("Received and completed per week"))
    return _public_response(render_template("monitor/transparency.html", data=data, centre=centre, chart=chart,
                                            num=num, pct=pct, days=days, range=data["periods"][-1]))


@bp.get("/transparency/<centre_id>/export.csv")
def transparency_export(centre_id: str):
    root = None if centre_id == "all" else _centre_or_404(centre_id).id
    return _csv_response(_public(root), f"transparency-{centre_id}-{local_today().isoformat()}.csv", public=True)


# ---- PWA --------------------------------------------------------------------------------------------

@bp.get("/sw.js")
def service_worker():
    import hashlib
    import json
    from pathlib import Path

    assets = current_app.extensions["odsc_assets"]
    shell = [url_for("static", filename=name) for name in (
        "css/app.css", "monitor/monitor.css", "monitor/register-sw.js", "monitor/icon-192.png",
        "fonts/noto-sans-lao-lao-400-normal.woff2", "fonts/noto-sans-lao-lao-700-normal.woff2")]
    version = hashlib.sha256("".join(sorted(assets.names.values())).encode()).hexdigest()[:10]
    text = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    text = text.replace("__VERSION__", version).replace("__SHELL__", json.dumps(shell + ["/manifest.webmanifest"]))
    resp = make_response(text)
    resp.headers["Content-Type"] = "application/javascript; charset=utf-8"
    resp.headers["Service-Worker-Allowed"] = "/"
    # an hour: a new deployment reaches every phone within the hour (and browsers re-check at least daily)
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp


@bp.get("/manifest.webmanifest")
def manifest():
    resp = current_app.send_static_file("manifest.webmanifest")
    resp.headers["Content-Type"] = "application/manifest+json"
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp



# ---- CLI: `odsc monitor rebuild-rollup` --------------------------------------------------------------

def _iso_day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"ວັນທີຕ້ອງເປັນ YYYY-MM-DD / the day must be YYYY-MM-DD, not {value!r}") from None


@bp.cli.command("rebuild-rollup")
@click.option("--from", "from_day", default=None, callback=_iso_day,
              help="first day to forget (YYYY-MM-DD); default: all")
def rebuild_rollup(from_day: date | None):
    """Forget the dashboards' daily rollup and the bottleneck map's monthly rollup (after importing rows for
    past days); views recompute them."""
    from engine.stats import rollup

    rollup.rebuild(from_day)
    click.echo("dashboard and bottleneck map rollups cleared" + (f" from {from_day}" if from_day else ""))
