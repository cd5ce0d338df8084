"""Operations: the developer's outbox page, the supervisor's incidents page (retry or cancel) and timers page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import DomainError, Forbidden
from engine.incidents import cancel as cancel_incident
from engine.incidents import open_incidents
from engine.incidents import retry as retry_incident
from engine.jobs.timelimits import overdue_tasks
from engine.notifications import outbox as outbox_rows
from engine.timerops import fire_now, list_timers
from web.auth import current_actor, login_required, roles_required
from web.i18n import lang

bp = Blueprint("ops", __name__)


@bp.get("/dev/outbox")
@login_required()
def outbox():
    """Stored notifications, newest first: for administrators; in the embedded mode for anyone logged in."""
    actor = current_actor()
    embedded = current_app.extensions["odsc_publisher"].mode == "inprocess"
    if not (embedded or (actor.kind == "staff" and "admin" in actor.roles)):
        abort(403)
    # a citizen (embedded demo) sees only the messages addressed to them
    rows = outbox_rows(200, user_id=actor.user_id if actor.kind != "staff" else None)
    return render_template("ops/outbox.html", rows=rows, embedded=embedded)


@bp.get("/ops/incidents")
@roles_required("supervisor")
def incidents():
    actor = current_actor()
    return render_template("ops/incidents.html", incidents=open_incidents(actor), overdue=overdue_tasks(actor))


@bp.post("/ops/incidents/<int:incident_id>/retry")
@roles_required("supervisor")
def retry(incident_id: int):
    try:
        retry_incident(incident_id, current_actor())
    except DomainError as exc:
        flash(exc.message(lang()), "error")
    else:
        flash(_("The step is running again."), "success")
    return redirect(url_for("ops.incidents"))


@bp.post("/ops/incidents/<int:incident_id>/cancel")
@roles_required("supervisor")
def cancel(incident_id: int):
    reason = (request.form.get("reason") or "").strip()
    try:
        cancel_incident(incident_id, current_actor(), reason)
    except DomainError as exc:
        message = exc.message(lang())
        errors = getattr(exc, "errors", None)
        flash(f"{message} {' '.join(errors.values())}" if errors else message, "error")
    else:
        flash(_("The application was cancelled."), "success")
    return redirect(url_for("ops.incidents"))


@bp.get("/ops/timers")
@roles_required("supervisor", "admin")
def timers():
    """Waiting BPMN timers, overdue first: the supervisor's centre, every centre for an administrator."""
    try:
        rows = list_timers(current_actor())
    except Forbidden:
        abort(403)
    return render_template("ops/timers.html", rows=rows)


@bp.post("/ops/timers/<int:timer_id>/fire")
@roles_required("supervisor", "admin")
def fire_timer(timer_id: int):
    try:
        fired = fire_now(timer_id, current_actor())
    except DomainError as exc:
        flash(exc.message(lang()), "error")
    else:
        flash(_("Timer fired: %(elements)s", elements=", ".join(fired)) if fired
              else _("The timer was no longer waiting."), "success" if fired else "error")
    return redirect(url_for("ops.timers"))
