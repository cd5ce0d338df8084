"""Administration pages (role `admin`): centres with their offices and services, staff accounts and roles,
the audit trail. Also, app-wide: one-time password codes (/account/setup), the password change required
at first login (/account/password), and the `odsc centres export|import` commands.

A province administrator (an admin whose centre is a province) manages their province and the centres
below it; a ministry administrator manages every centre (engine.admin.scope).
"""
from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_app_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from engine.admin import centres as admin_centres
from engine.admin import staff as admin_staff
from engine.admin.errors import AdminInvalid
from engine.admin.scope import can_manage, manageable_centres
from engine.audit import Actor
from engine.catalogue.centres import DEFAULT_TIMEZONE
from engine.db import db
from engine.errors import DomainError, Forbidden, NotAllowed, NotFound
from engine.inputs import parse_int
from engine.models import AuditEvent, Centre, User
from engine.redirects import same_site_path
from web.auth import current_actor, current_user, login_user, roles_required
from web.i18n import UTC, VIENTIANE, lang
from web.security import LOGIN_LIMIT, limiter

bp = Blueprint("admin", __name__)
LEVELS = ("ministry", "province", "district")
AUDIT_PAGE = 50
# pages a user who must change their password may still open
_OPEN_WHEN_MUST_CHANGE = {"admin.change_password", "admin.setup", "auth.logout", "auth.login", "static",
                          "health.healthz", "health.readyz",
                          "metrics.metrics"}


def _clear_web_caches() -> None:
    """After a centre change: drop cached dashboards so every page shows the new state at once."""
    if has_app_context():
        cache = current_app.extensions.get("odsc_monitor_cache")
        if cache is not None:
            cache.clear()


@bp.record_once
def _setup(state) -> None:
    admin_centres.on_change(_clear_web_caches)


@bp.before_app_request
def _require_password_change():
    """An account flagged must_change_password may do nothing but choose a new password (or log out)."""
    if request.endpoint in _OPEN_WHEN_MUST_CHANGE or (request.endpoint or "").startswith("api."):
        return None
    user = current_user()
    if user is not None and user.must_change_password:
        return redirect(url_for("admin.change_password", next=request.full_path.rstrip("?")))
    return None


_CITIZEN_CENTRE_PAGES = {"citizen.centre", "citizen.service", "citizen.apply"}


@bp.before_app_request
def _closed_centre_notice():
    """A closed centre's pages say so clearly (instead of "not found"); its applications stay reachable."""
    if request.endpoint not in _CITIZEN_CENTRE_PAGES:
        return None
    centre = db.session.get(Centre, (request.view_args or {}).get("centre_id", ""))
    if centre is None or centre.active:
        return None
    name = centre.name_lo if lang() == "lo" else centre.name_en
    return render_template("errors/error.html", status=409, title=name,
                           text=NotAllowed("centre_closed").message(lang())), 409


def _actor() -> Actor:
    return current_actor()


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _centre_in_scope(centre_id: str) -> Centre:
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    if not can_manage(_actor(), centre_id):
        abort(403)
    return centre


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    """Scope and existence errors become the site's 403 / 404 pages; others a page with the message."""
    if isinstance(exc, Forbidden) or exc.status == 403:
        return render_template("errors/error.html", status=403, title=_("Not allowed"),
                               text=_("Your account is not allowed to open this page.")), 403
    if isinstance(exc, NotFound) or exc.status == 404:
        return render_template("errors/error.html", status=404, title=_("Page not found"),
                               text=_("The page does not exist or you are not allowed to see it.")), 404
    return render_template("errors/error.html", status=exc.status, title=_("Not possible"),
                           text=exc.message(lang())), exc.status


# ---- centres ------------------------------------------------------------------------------------------

@bp.get("/admin/")
@roles_required("admin")
def index():
    actor = _actor()
    rows = admin_centres.visible(actor)
    staff_counts = dict(db.session.execute(select(User.centre_id, func.count()).where(
        User.kind == "staff", User.active.is_(True)).group_by(User.centre_id)).all())
    by_id = {c.id: c for c in rows}
    return render_template("admin/centres.html", centres=rows, staff_counts=staff_counts, by_id=by_id,
                           can_create=bool(_parent_choices(actor)))


def _parent_choices(actor: Actor) -> list[Centre]:
    return admin_centres.parents_for(actor, "province") + admin_centres.parents_for(actor, "district")


def _fee(text: str):
    text = re.sub(r"[\s.,]", "", text or "")
    if not text:
        return None
    return int(text) if text.isdigit() else text  # a non-number is refused by the engine with a field error


def _read_centre_form(centre_id: str | None) -> tuple[dict, int]:
    form = request.form
    decl = {
        "id": centre_id or form.get("id", "").strip(),
        "name": {"lo": form.get("name_lo", ""), "en": form.get("name_en", "")},
        "level": form.get("level", ""), "parent": form.get("parent") or None,
        "address": {"lo": form.get("address_lo", ""), "en": form.get("address_en", "")},
        "phone": form.get("phone", ""),
        "opening_hours": {"lo": form.get("hours_lo", ""), "en": form.get("hours_en", "")},
        "timezone": form.get("timezone", ""),
        "services": [{"id": sid, "fee": _fee(form.get(f"fee-{sid}"))} for sid in form.getlist("service")],
        "offices": [],
    }
    rows = parse_int(form.get("office_rows"), default=0, maximum=60)
    for i in range(min(rows, 60)):
        prefix = f"office-{i}-"
        oid = form.get(prefix + "id", "").strip()
        names = {"lo": form.get(prefix + "name_lo", "").strip(), "en": form.get(prefix + "name_en", "").strip()}
        roles = form.getlist(prefix + "roles")
        if form.get(prefix + "remove") or not (oid or names["lo"] or names["en"] or roles):
            continue
        if not oid and decl["id"]:
            taken = {o["id"] for o in decl["offices"]}
            n = i + 1
            while f"{decl['id']}_office{n}" in taken:
                n += 1
            oid = f"{decl['id']}_office{n}"
        decl["offices"].append({"id": oid, "name": names, "roles": roles})
    return decl, rows


def _blank_decl() -> dict:
    return {"id": "", "name": {"lo": "", "en": ""}, "level": "district", "parent": None,
            "address": {"lo": "", "en": ""}, "phone": "", "opening_hours": {
                "lo": "ວັນຈັນ ຫາ ວັນສຸກ 08:00–12:00, 13:00–16:00", "en": "Mon–Fri 08:00–12:00, 13:00–16:00"},
            "timezone": DEFAULT_TIMEZONE, "active": True, "services": [], "offices": []}


def _render_centre_form(decl: dict, *, creating: bool, errors: dict | None = None, extra_rows: int = 1,
                        status: int = 200):
    actor = _actor()
    offices = list(decl["offices"]) + [{"id": "", "name": {"lo": "", "en": ""}, "roles": [], "new": True}
                                       for _ in range(extra_rows)]
    existing = set()
    if not creating:
        existing = {o.id for o in db.session.get(Centre, decl["id"]).offices}
    for o in offices:
        o.setdefault("new", o["id"] not in existing)
    fees = {s["id"]: s["fee"] for s in decl["services"]}
    staff = admin_staff.staff_in_scope(actor, decl["id"]) if not creating else []
    return render_template("admin/centre_form.html", decl=decl, creating=creating, errors=errors or {},
                           offices=offices, fees=fees, roles=admin_centres.office_roles(),
                           services=admin_centres.services(), parents=_parent_choices(actor), levels=LEVELS,
                           staff=staff), status


@bp.route("/admin/centres/new", methods=["GET", "POST"])
@roles_required("admin")
def centre_new():
    actor = _actor()
    if not _parent_choices(actor):
        abort(403)
    if request.method == "GET":
        decl = _blank_decl()
        if request.args.get("parent"):
            decl["parent"] = request.args["parent"]
        return _render_centre_form(decl, creating=True, extra_rows=2)
    decl, _rows = _read_centre_form(None)
    try:
        centre = admin_centres.save(actor, decl, creating=True, locale=lang())
    except AdminInvalid as exc:
        return _render_centre_form(dict(decl, active=True), creating=True, errors=exc.errors, extra_rows=1,
                                   status=422)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _render_centre_form(dict(decl, active=True), creating=True, errors={"_form": exc.message(lang())},
                                   status=exc.status)
    flash(_("Centre %(name)s created. Now add its staff.", name=centre.name_lo if lang() == "lo"
            else centre.name_en), "success")
    return redirect(url_for("admin.centre_edit", centre_id=centre.id))


@bp.route("/admin/centres/<centre_id>", methods=["GET", "POST"])
@roles_required("admin")
def centre_edit(centre_id: str):
    actor = _actor()
    _centre_in_scope(centre_id)
    if request.method == "GET":
        return _render_centre_form(admin_centres.snapshot(centre_id), creating=False)
    decl, _rows = _read_centre_form(centre_id)
    decl["active"] = db.session.get(Centre, centre_id).active
    try:
        admin_centres.save(actor, decl, creating=False, locale=lang())
    except AdminInvalid as exc:
        return _render_centre_form(decl, creating=False, errors=exc.errors, status=422)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _render_centre_form(decl, creating=False, errors={"_form": exc.message(lang())}, status=exc.status)
    flash(_("Saved."), "success")
    return redirect(url_for("admin.centre_edit", centre_id=centre_id))


@bp.post("/admin/centres/<centre_id>/close")
@roles_required("admin")
def centre_close(centre_id: str):
    _centre_in_scope(centre_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Please give a reason for closing the centre."), "error")
    else:
        admin_centres.set_active(_actor(), centre_id, False, reason)
        flash(_("The centre is closed: it accepts no new applications. Its history and applications are kept."),
              "success")
    return redirect(url_for("admin.centre_edit", centre_id=centre_id))


@bp.post("/admin/centres/<centre_id>/reopen")
@roles_required("admin")
def centre_reopen(centre_id: str):
    _centre_in_scope(centre_id)
    admin_centres.set_active(_actor(), centre_id, True)
    flash(_("The centre is open again."), "success")
    return redirect(url_for("admin.centre_edit", centre_id=centre_id))


# ---- staff --------------------------------------------------------------------------------------------

def _staff_values(user: User | None = None) -> dict:
    if request.method == "POST":
        form = request.form
        return {"username": form.get("username", "").strip(), "full_name": form.get("full_name", "").strip(),
                "centre": form.get("centre", ""), "roles": form.getlist("roles"), "phone": form.get("phone", ""),
                "email": form.get("email", ""), "locale": form.get("locale", "lo"),
                "must_change_password": bool(form.get("must_change_password"))}
    if user is None:
        return {"username": "", "full_name": "", "centre": request.args.get("centre", ""), "roles": [],
                "phone": "", "email": "", "locale": "lo", "must_change_password": False}
    return {"username": user.username, "full_name": user.full_name, "centre": user.centre_id or "",
            "roles": sorted(user.role_names), "phone": user.phone, "email": user.email, "locale": user.locale,
            "must_change_password": user.must_change_password}


def _render_staff_form(values: dict, user: User | None, errors: dict | None = None, status: int = 200):
    actor = _actor()
    office, system = admin_staff.role_choices()
    role_names = {r.id: r for r in admin_centres.office_roles()}
    return render_template("admin/staff_form.html", values=values, user=user, errors=errors or {},
                           centres=admin_centres.visible(actor), office_roles=office, system_roles=system,
                           role_names=role_names), status


@bp.get("/admin/staff")
@roles_required("admin")
def staff_list():
    actor = _actor()
    centre_id = request.args.get("centre") or None
    if centre_id:
        _centre_in_scope(centre_id)
    people = admin_staff.staff_in_scope(actor, centre_id)
    return render_template("admin/staff.html", people=people, centre_id=centre_id,
                           centres=admin_centres.visible(actor))


@bp.route("/admin/staff/new", methods=["GET", "POST"])
@roles_required("admin")
def staff_new():
    values = _staff_values()
    if request.method == "GET":
        return _render_staff_form(values, None)
    try:
        user, code = admin_staff.create_staff(
            _actor(), username=values["username"], full_name=values["full_name"], centre_id=values["centre"],
            roles=values["roles"], phone=values["phone"], email=values["email"],
            locale=values["locale"] if values["locale"] in ("lo", "en") else "lo", lang=lang())
    except AdminInvalid as exc:
        return _render_staff_form(values, None, exc.errors, 422)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _render_staff_form(values, None, {"_form": exc.message(lang())}, exc.status)
    return _show_code(user, code, created=True)


def _show_code(user: User, code: str, created: bool = False):
    link = url_for("admin.setup", code=code, _external=True)
    return _no_store(render_template("admin/code.html", user=user, code=code, link=link, created=created,
                                     hours=int(admin_staff.CODE_TTL.total_seconds() // 3600)))


@bp.route("/admin/staff/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def staff_edit(user_id: int):
    actor = _actor()
    user = admin_staff.get_staff(actor, user_id)
    values = _staff_values(user)
    if request.method == "GET":
        return _render_staff_form(values, user)
    try:
        admin_staff.update_staff(actor, user_id, full_name=values["full_name"], centre_id=values["centre"],
                                 roles=values["roles"], phone=values["phone"], email=values["email"],
                                 must_change_password=values["must_change_password"], lang=lang())
    except AdminInvalid as exc:
        values["username"] = user.username
        return _render_staff_form(values, user, exc.errors, 422)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        return _render_staff_form(values, user, {"_form": exc.message(lang())}, exc.status)
    flash(_("Saved."), "success")
    return redirect(url_for("admin.staff_edit", user_id=user_id))


@bp.post("/admin/staff/<int:user_id>/deactivate")
@roles_required("admin")
def staff_deactivate(user_id: int):
    try:
        result = admin_staff.deactivate(_actor(), user_id, request.form.get("reason", ""))
    except DomainError as exc:
        if exc.status in (403, 404):
            abort(exc.status)
        flash(exc.message(lang()), "error")
    else:
        flash(_("Account deactivated: signed out everywhere, %(tokens)d API tokens revoked, %(tasks)d claimed "
                "tasks returned to their office.", tokens=result["tokens"], tasks=result["tasks"]), "success")
    return redirect(url_for("admin.staff_edit", user_id=user_id))


@bp.post("/admin/staff/<int:user_id>/reactivate")
@roles_required("admin")
def staff_reactivate(user_id: int):
    user, code = admin_staff.reactivate(_actor(), user_id)
    return _show_code(user, code)


@bp.post("/admin/staff/<int:user_id>/reset")
@roles_required("admin")
def staff_reset(user_id: int):
    actor = _actor()
    try:
        code = admin_staff.reset_password(actor, user_id)
    except DomainError as exc:
        if exc.status == 403:
            abort(403)
        flash(exc.message(lang()), "error")
        return redirect(url_for("admin.staff_edit", user_id=user_id))
    return _show_code(admin_staff.get_staff(actor, user_id), code)


# ---- audit --------------------------------------------------------------------------------------------

KIND_GROUPS = ("centre", "user", "service", "task", "application")


def _local_bounds(day: date, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=VIENTIANE)
    return moment.astimezone(UTC).replace(tzinfo=None)


@bp.get("/admin/audit")
@roles_required("admin")
def audit():
    actor = _actor()
    scope = manageable_centres(actor)
    args = request.args
    errors = []
    stmt = select(AuditEvent)
    if scope is not None:
        stmt = stmt.where(AuditEvent.centre_id.in_(sorted(scope)))
    centre_id = args.get("centre") or ""
    if centre_id:
        stmt = stmt.where(AuditEvent.centre_id == centre_id)
    username = args.get("user", "").strip()
    if username:
        uid = db.session.execute(select(User.id).where(User.username == username)).scalar()
        stmt = stmt.where(AuditEvent.actor_id == uid) if uid else stmt.where(AuditEvent.actor_name == username)
    kind = args.get("kind", "")
    if kind in KIND_GROUPS:
        stmt = stmt.where(AuditEvent.kind.like(f"{kind}.%"))
    elif kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    from engine.dayformat import parse_day

    try:
        if args.get("from"):
            stmt = stmt.where(AuditEvent.at >= _local_bounds(parse_day(args["from"])))
        if args.get("to"):
            stmt = stmt.where(AuditEvent.at < _local_bounds(parse_day(args["to"]), end=True))
    except ValueError:
        errors.append(_("Dates must look like 31/01/2026 (day/month/year)."))
    page = parse_int(args.get("page"), default=1, minimum=1, maximum=MAX_AUDIT_PAGE)
    rows = list(db.session.execute(stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * AUDIT_PAGE)
                                   .limit(AUDIT_PAGE + 1)).scalars())
    more = len(rows) > AUDIT_PAGE
    rows = rows[:AUDIT_PAGE]
    kinds = sorted(db.session.execute(select(AuditEvent.kind).distinct()).scalars())
    filters = {k: args.get(k, "") for k in ("centre", "user", "kind", "from", "to")}
    from engine.models import Application
    from engine.tracking import display as display_code

    visible = admin_centres.visible(actor)
    app_ids = {e.application_id for e in rows if e.application_id}
    codes = {i: display_code(c) for i, c in db.session.execute(
        select(Application.id, Application.tracking_code).where(Application.id.in_(app_ids)))} if app_ids else {}
    centre_names = {c.id: (c.name_lo if lang() == "lo" else c.name_en) for c in db.session.query(Centre).all()}
    return render_template("admin/audit.html", events=[(e, changes(e.data)) for e in rows], page=page, more=more,
                           filters=filters, kinds=kinds, groups=KIND_GROUPS, errors=errors,
                           centres=visible, codes=codes, centre_names=centre_names)


MAX_AUDIT_PAGE = 100_000  # keeps OFFSET inside every database's integer range


def changes(data) -> list[tuple[str, str, str]]:
    """(field, before, after) rows for an event's details, whatever shape its data has: before/after mappings
    (field by field), before/after plain values (one row), or any other data (key, '', value). Fields are
    named in the page's language (web.display.field_label). Never raises: one odd event must not take down
    the page."""
    from web.display import field_label, value

    try:
        if not isinstance(data, dict):
            return [("", "", value(data))] if data not in (None, "", {}) else []
        if "before" in data and "after" in data:
            before, after = data["before"], data["after"]
            rest = [(field_label(k), "", value(v)) for k, v in data.items() if k not in ("before", "after")]
            if isinstance(before, dict | type(None)) and isinstance(after, dict | type(None)):
                before, after = before or {}, after or {}
                out = []
                for key in list(after) + [k for k in before if k not in after]:
                    if before.get(key) != after.get(key):
                        out.append((field_label(key), _short(value(before.get(key))), _short(value(after.get(key)))))
                return rest + out
            return rest + [("", _short(value(before)), _short(value(after)))]
        return [(field_label(k), "", _short(value(v))) for k, v in data.items()]
    except Exception:  # noqa: BLE001 - shown as raw text rather than failing the whole audit page
        return [("", "", _short(json.dumps(data, ensure_ascii=False, default=str)))]


def _short(text) -> str:
    text = "—" if text is None else str(text)
    return text if len(text) <= 400 else text[:400] + "…"


# ---- one-time codes and password changes (any staff member) -------------------------------------------

@bp.route("/account/setup", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def setup():
    code = request.values.get("code", "")
    if request.method == "GET":
        return _no_store(render_template("admin/setup.html", code=code, errors={}))
    try:
        user = admin_staff.redeem_code(code, request.form.get("password", ""), request.form.get("password2", ""),
                                       lang=lang())
    except AdminInvalid as exc:
        return _no_store(render_template("admin/setup.html", code=code, errors=exc.errors)), 422
    login_user(user)
    flash(_("Your password is set. Welcome, %(name)s.", name=user.full_name or user.username), "success")
    return redirect(url_for("staff.inbox") if user.kind == "staff" else url_for("public.home"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    user = current_user()
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    next_url = same_site_path(request.values.get("next")) or ""
    if request.method == "GET":
        return render_template("admin/password.html", errors={}, forced=user.must_change_password, next=next_url)
    forced = user.must_change_password
    try:
        admin_staff.change_password(user, request.form.get("current", ""), request.form.get("password", ""),
                                    request.form.get("password2", ""), lang=lang())
    except AdminInvalid as exc:
        return render_template("admin/password.html", errors=exc.errors, forced=forced, next=next_url), 422
    login_user(user)  # the epoch moved on: keep this session, every other one has ended
    flash(_("Your password is changed."), "success")
    if next_url and not next_url.startswith(url_for("admin.change_password")):
        return redirect(next_url)
    return redirect(url_for("staff.inbox") if user.kind == "staff" else url_for("citizen.my_applications"))


# ---- the centres file: odsc centres export | import ----------------------------------------------------

@click.group("centres")
def centres_cli():
    """Export the database's centres as the centres file, or import such a file."""


@centres_cli.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def centres_export(file: Path | None):
    """Write office roles and centres in the format of workflows/centres.yaml (to FILE or standard output)."""
    from engine.admin.centres_file import export_yaml

    text = export_yaml()
    if file is None:
        click.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        click.echo(f"written {file}", err=True)


@centres_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="list what would change, change nothing")
@with_appcontext
def centres_import(file: Path, dry_run: bool):
    """Apply a centres file (office roles and centres); centres not in the file are left as they are."""
    from engine.admin.centres_file import import_text

    plan = import_text(file.read_text(encoding="utf-8"), dry_run=dry_run, file=str(file))
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    if plan.errors:
        click.echo(f"not imported: {len(plan.errors)} errors", err=True)
        sys.exit(1)
    for line in plan.changes:
        click.echo(("would " if dry_run else "") + line)
    if not plan.changes:
        click.echo("no changes")
    elif dry_run:
        click.echo(f"dry run: {len(plan.changes)} changes, nothing applied")
    else:
        click.echo(f"applied {len(plan.changes)} changes")
