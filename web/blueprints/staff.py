"""Staff: inbox, task pages, case view, comments, documents, walk-in registration, supervisor views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.catalogue.confirm import CONFIRM_FORM_ID, confirmation_form
from engine.catalogue.forms import fee_decision
from engine.catalogue.forms import fee_field as fee_field_of
from engine.errors import Conflict, DomainError, Forbidden, InvalidData, NotFound
from engine.inputs import MAX_ID, parse_int
from engine.models.application import TASK_READY
from engine.queries import (
    application_for,
    application_tasks,
    centre_applications,
    centre_offer,
    centre_offers,
    centre_staff,
    history,
    last_return_reason,
    local_today,
    milestone_events,
    milestone_labels,
    task_for,
    waiting_for_applicant,
)
from engine.queries import (
    inbox as inbox_query,
)
from engine.redirects import same_site_path
from engine.runtime.commands import add_comment, claim, complete_task, reassign, unclaim
from engine.runtime.specs import compiled
from web.auth import current_actor, login_required, roles_required
from web.blueprints.citizen import application_form, receipt_context
from web.forms_render import DECISION, all_errors, documents_of, read_submission, submit_application
from web.i18n import format_kip, lang
from web.uploads import document_response, load_upload

bp = Blueprint("staff", __name__, url_prefix="/staff")

STATUSES = ("submitted", "in_progress", "returned", "completed", "rejected", "cancelled")


def _back(default: str) -> str:
    target = same_site_path(request.form.get("next"))
    return target if target and target.startswith("/staff/") else default


def _app(app_id: int):
    try:
        return application_for(current_actor(), app_id)
    except NotFound:
        abort(404)


def _task(task_id: str):
    try:
        return task_for(current_actor(), task_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def _names(defn_cache: dict, version_id: int) -> dict:
    if version_id not in defn_cache:
        defn_cache[version_id] = compiled(version_id).definition
    return defn_cache[version_id]


# ---- inbox ------------------------------------------------------------------------------------------

@bp.get("/")
@login_required("staff")
def inbox():
    actor = current_actor()
    service_id = request.args.get("service") or None
    status = request.args.get("status") if request.args.get("status") in ("claimed", "unclaimed") else None
    overdue = request.args.get("due") == "overdue"
    mine = request.args.get("mine") == "1"
    rows = inbox_query(actor, service_id=service_id, status=status, mine=mine, overdue_only=overdue)
    cache: dict = {}
    items = []
    for task, app in rows:
        defn = _names(cache, app.service_version_id)
        items.append({"task": task, "app": app, "service": defn["name"],
                      "name": defn["tasks"].get(task.bpmn_id, {}).get("name") or {"lo": task.bpmn_id, "en": task.bpmn_id}})
    return render_template("staff/inbox.html", items=items, offers=centre_offers(actor.centre_id) if actor.centre_id else [],
                           filters={"service": service_id or "", "status": status or "",
                                    "due": "overdue" if overdue else "", "mine": "1" if mine else ""},
                           today=local_today(), waiting=_waiting_rows(actor, cache))


def _waiting_rows(actor, cache: dict) -> list[dict]:
    return [{"app": a, "reason": reason, "service": _names(cache, a.service_version_id)["name"]}
            for a, reason in waiting_for_applicant(actor)]


@bp.get("/inbox")
def inbox_alias():
    """/staff/inbox (as printed in older guides) is the inbox at /staff/."""
    return redirect(url_for("staff.inbox", **request.args), 301)


@bp.post("/tasks/<task_id>/claim")
@login_required("staff")
def claim_task(task_id: str):
    _task(task_id)
    try:
        claim(task_id, current_actor())
        flash(_("You took this task"), "success")
    except DomainError as exc:
        flash(exc.message(lang()), "error")
    return redirect(_back(url_for("staff.inbox")))


@bp.post("/tasks/<task_id>/unclaim")
@login_required("staff")
def unclaim_task(task_id: str):
    _task(task_id)
    try:
        unclaim(task_id, current_actor())
        flash(_("You released this task"), "success")
    except DomainError as exc:
        flash(exc.message(lang()), "error")
    return redirect(_back(url_for("staff.inbox")))


@bp.post("/tasks/<task_id>/reassign")
@roles_required("supervisor")
def reassign_task(task_id: str):
    row, app = _task(task_id)
    try:
        reassign(task_id, current_actor(), parse_int(request.form.get("user_id"), default=0, maximum=MAX_ID))
        flash(_("Task reassigned"), "success")
    except (DomainError, ValueError) as exc:
        flash(exc.message(lang()) if isinstance(exc, DomainError) else _("Choose a colleague"), "error")
    return redirect(url_for("staff.case", app_id=app.id))


# ---- task page --------------------------------------------------------------------------------------

def _task_form(task, app) -> dict:
    defn = compiled(app.service_version_id).definition
    if task.form_id == CONFIRM_FORM_ID and task.form_id not in defn["forms"]:
        return confirmation_form()  # a manual or plain task of a version published before it was generated
    return defn["forms"].get(task.form_id) or {"id": task.form_id, "title": {"lo": "", "en": ""}, "fields": []}


REASON_FIELD = {"name": "reason", "type": "long_text", "required": False, "max_length": 2000,
                "label": {"lo": "ເຫດຜົນ (ເມື່ອສົ່ງຄືນ ຫຼື ປະຕິເສດ)", "en": "Reason (to return or reject)"}}


def _offered(app, row, form: dict, decision: dict | None) -> tuple[dict | None, dict]:
    """The decision buttons the process honours (engine.runtime.actions: a Return or Reject nothing routes by
    is not shown), and the form as shown: with a reason box when Return or Reject is offered and the form
    has no `reason` field of its own (the runtime keeps the reason beside the answers)."""
    from engine.runtime.actions import ignored_choices

    if decision is None:
        return None, form
    ignored = ignored_choices(app.service_version_id, row.bpmn_id, form)
    if ignored:
        decision = {**decision, "choices": [c for c in decision["choices"] if c["value"] not in ignored]}
    refusing = any(c["value"] in ("return", "reject") for c in decision["choices"])
    if refusing and not any(f["name"] == "reason" for f in form["fields"]):
        return decision, {**form, "fields": [*form["fields"], REASON_FIELD]}
    return decision, form


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required("staff")
def task(task_id: str):
    actor = current_actor()
    row, app = _task(task_id)
    form = _task_form(row, app)
    decision = next((f for f in form["fields"] if f["name"] == DECISION and f["type"] == "choice"), None)
    decision, shown = _offered(app, row, form, decision)
    values: dict = {}
    fee_field = fee_field_of(form)
    if fee_field is not None:
        values[fee_field["name"]] = format_kip(app.fee_amount or 0, lang()).rsplit(" ", 1)[0]
    errors: dict = {}
    problem = None
    status = 200
    differs = None
    if request.method == "POST":
        answers, errors = read_submission(form, request.form, request.files, skip=(DECISION,))
        if errors:
            errors = all_errors(form, answers, errors, skip=(DECISION,))
        confirmed = request.form.get("confirm_amount")
        fee = fee_decision(form, answers, app.fee_amount or 0, confirmed, lang())
        differs = fee.differs
        errors.update(fee.errors)
        values = {**request.form.to_dict(), **{k: v for k, v in answers.items() if isinstance(v, dict)}}
        chosen = request.form.get(DECISION)
        action = "complete"
        reason = None
        if decision is not None:
            if chosen not in [c["value"] for c in decision["choices"]]:
                errors[DECISION] = _("Choose one of the decisions")
            elif chosen in ("return", "reject"):
                action = chosen
                reason = answers.pop("reason", "") if shown is form else request.form.get("reason", "")
            else:
                answers[DECISION] = chosen
        if not errors:
            try:
                complete_task(row.id, actor, answers, action=action, reason=reason,
                              confirmed_amount=confirmed)
            except InvalidData as exc:
                errors = exc.errors
            except (Conflict, DomainError) as exc:
                problem, status = exc.message(lang()), getattr(exc, "status", 409)
            else:
                flash({"return": _("Returned to the applicant"), "reject": _("Application rejected")}
                      .get(action, _("Task completed")), "success")
                return redirect(url_for("staff.inbox"))
        if errors:
            status = 422
    if row.state != TASK_READY and problem is None:
        problem = DomainError("task_not_ready").message(lang())
        status = 409 if request.method == "POST" else 200
    defn = compiled(app.service_version_id).definition
    return render_template(
        "staff/task.html", task=row, app=app, defn=defn, form=shown, decision=decision, values=values,
        errors=errors, problem=problem, ready=row.state == TASK_READY and problem is None,
        name=defn["tasks"].get(row.bpmn_id, {}).get("name"), app_form=application_form_of(defn),
        differs=differs, fee_field=fee_field,
    ), status


def application_form_of(defn: dict) -> dict:
    return defn["forms"][defn["application_form"]]


# ---- case view --------------------------------------------------------------------------------------

def _documents(app, defn: dict, events) -> list[dict]:
    """Every document of the case: the application's own and those sent with later answers."""
    docs = [{"field": f, "meta": meta} for f, meta in documents_of(application_form_of(defn), app.data or {})]
    seen = {d["meta"]["id"] for d in docs}
    for event in events:
        for key, value in ((event.data or {}).get("answers") or {}).items():
            items = value if isinstance(value, list) else [value]
            for item in items:
                doc_id = item.get("document") or item.get("id") if isinstance(item, dict) else None
                if doc_id and doc_id not in seen and (found := load_upload(str(doc_id))):
                    seen.add(doc_id)
                    form = defn["forms"].get((event.data or {}).get("form")) or {"fields": []}
                    field = next((f for f in form["fields"] if f["name"] == key),
                                 {"name": key, "label": {"lo": key, "en": key}})
                    docs.append({"field": field, "meta": found[1], "event": event})
    return docs


@bp.get("/cases/<int:app_id>")
@login_required("staff")
def case(app_id: int):
    actor = current_actor()
    app = _app(app_id)
    defn = compiled(app.service_version_id).definition
    events = history(app.id)
    labels = milestone_labels(app.service_version_id)
    tasks = application_tasks(app.id)
    staff = {}
    if "supervisor" in actor.roles:
        for t in tasks:
            if t.state == TASK_READY and t.office_role not in staff:
                staff[t.office_role] = centre_staff(app.centre_id, t.office_role)
    return render_template(
        "staff/case.html", return_reason=last_return_reason(app.id) if app.status == "returned" else None,
        rejection=last_return_reason(app.id, "application.rejected") if app.status == "rejected" else None,
        app=app, defn=defn, form=application_form_of(defn), events=events,
        documents=_documents(app, defn, events), tasks=tasks, staff=staff, labels=labels,
        milestones=milestone_events(app.id), names={u.id: u for users in staff.values() for u in users},
    )


@bp.post("/cases/<int:app_id>/comment")
@login_required("staff")
def comment(app_id: int):
    app = _app(app_id)
    try:
        add_comment(app.id, current_actor(), request.form.get("text", ""))
        flash(_("Comment added"), "success")
    except NotFound:
        abort(404)  # a reader of the case (a monitor) who may not write to it
    except DomainError:
        flash(_("Write a comment first (at most 4000 characters)"), "error")
    return redirect(url_for("staff.case", app_id=app.id) + "#history")


@bp.get("/cases/<int:app_id>/documents/<doc_id>")
@login_required("staff")
def document(app_id: int, doc_id: str):
    app = _app(app_id)
    defn = compiled(app.service_version_id).definition
    allowed = {d["meta"]["id"]: d["meta"] for d in _documents(app, defn, history(app.id))}
    response = document_response(doc_id, app, inline=request.args.get("inline") == "1") \
        if doc_id in allowed else None
    return response or abort(404)


@bp.get("/cases/<int:app_id>/receipt")
@login_required("staff")
def receipt(app_id: int):
    return render_template("citizen/receipt.html", printable=True, **receipt_context(_app(app_id)))


@bp.get("/cases")
@roles_required("supervisor")
def cases():
    actor = current_actor()
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    service_id = request.args.get("service") or None
    apps = centre_applications(actor, status=status, service_id=service_id)
    cache: dict = {}
    rows = [{"app": a, "service": _names(cache, a.service_version_id)["name"],
             "milestone": milestone_labels(a.service_version_id).get(a.milestone)} for a in apps]
    return render_template("staff/cases.html", rows=rows, statuses=STATUSES, offers=centre_offers(actor.centre_id),
                           filters={"status": status or "", "service": service_id or ""})


# ---- front desk: walk-in applications ---------------------------------------------------------------

@bp.get("/desk")
@roles_required("front_desk", "supervisor")
def desk():
    return render_template("staff/desk.html", offers=centre_offers(current_actor().centre_id))


@bp.route("/desk/<service_id>", methods=["GET", "POST"])
@roles_required("front_desk", "supervisor")
def desk_apply(service_id: str):
    actor = current_actor()
    try:
        offer = centre_offer(actor.centre_id, service_id)
    except NotFound:
        abort(404)
    form = application_form(offer)
    values, errors = {}, {}
    if request.method == "POST":
        app, values, errors = submit_application(form, request, service_id=service_id, centre_id=actor.centre_id,
                                                 actor=actor, channel="desk")
        if app is not None:
            flash(_("Application registered"), "success")
            return redirect(url_for("staff.receipt", app_id=app.id))
    return render_template("staff/desk_apply.html", offer=offer, form=form, values=values, errors=errors), \
        (422 if errors else 200)
