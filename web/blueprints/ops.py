"""Operations: the developer's outbox page, the supervisor's incidents page (retry or cancel) and timers page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import DomainError, Forbidden
from engine.incidents import cancel as cancel_incident
from engine.incidents import open_incidents
from engine.incidents import retry as retry_incident
from engine.jobs.timelimits import overdue_tasks
from engine.notifications import outbox_for
from engine.timerops import fire_now, list_timers
from web.auth import current_actor, login_required, roles_required
from web.i18n import lang

bp = Blueprint("ops", __name__)


@bp.get("/dev/outbox")
@login_required()
def outbox():
    """Stored notifications, newest first, within the reader's scope: for administrators; in the embedded
    mode for anyone logged in."""
    actor = current_actor()
    embedded = current_app.extensions["odsc_publisher"].mode == "inprocess"
    if not (embedded or (actor.kind == "staff" and "admin" in actor.roles)):
        abort(403)
    # a citizen (embedded demo) sees only the messages addressed to them, staff only their centres'
    rows = outbox_for(actor, 200)
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


# ---- the national operations console (administrators) ---------------------------------------------------

def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


@bp.get("/ops/console")
@roles_required("admin")
def console():
    """Incidents and failed messages of every centre (filters: centre, kind, channel), failed jobs."""
    from engine import console as national
    from engine.models import Centre

    actor = current_actor()
    centre = request.args.get("centre") or None
    kind = request.args.get("kind") or None
    channel = request.args.get("channel") or None
    from engine.admin.scope import manageable_centres

    scope = manageable_centres(actor)
    jobs, jobs_error = [], None
    if scope is None:  # failed jobs carry no centre: the national administrator's only
        try:
            jobs = national.failed_jobs(current_app.config.get("REDIS_URL", ""))
        except Exception as exc:  # noqa: BLE001 - Redis down: the page still shows the database's view
            jobs_error = str(exc)
    from engine.db import db

    return render_template(
        "ops/console.html", incidents=national.incidents(actor, centre, kind),
        messages=national.failed_messages(actor, centre, channel), jobs=jobs, jobs_error=jobs_error,
        centres=[c for c in db.session.query(Centre).order_by(Centre.id).all() if scope is None or c.id in scope],
        filters={"centre": centre or "", "kind": kind or "", "channel": channel or ""}, national=scope is None)


@bp.post("/ops/console/retry")
@roles_required("admin")
def console_retry():
    from engine import console as national

    done = national.retry_many(current_actor(), _ids("incident"), _ids("message"))
    if not done["incidents"] and not done["messages"]:
        flash(_("Choose at least one incident or message to retry."), "error")
    else:
        flash(_("Retrying %(incidents)s incidents and %(messages)s messages.", incidents=done["incidents"],
                messages=done["messages"]), "success")
    return redirect(url_for("ops.console", **{k: v for k, v in request.args.items() if v}))


@bp.post("/ops/console/jobs/requeue")
@roles_required("admin")
def console_requeue():
    from engine import console as national
    from engine.errors import Forbidden

    try:
        national.require_national(current_actor())
    except Forbidden:
        abort(403)
    url = current_app.config.get("REDIS_URL", "")
    if not url:
        flash(_("Background jobs run in this process: there is no job queue."), "error")
    else:
        try:
            count = national.requeue_failed_jobs(url)
        except Exception:  # noqa: BLE001 - Redis down
            flash(_("The job queue (Redis) cannot be reached."), "error")
        else:
            flash(_("%(count)s failed jobs were put back on their queues.", count=count), "success")
    return redirect(url_for("ops.console"))
