"""Citizens: the catalogue (centre -> services), applying online, receipts, my applications, answering a
'missing documents' request."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from engine.catalogue.services import APPLICANT
from engine.errors import DomainError, InvalidData, NotFound
from engine.models import Centre
from engine.models.application import TASK_READY
from engine.queries import (
    active_centres,
    application_for,
    application_tasks,
    centre_offer,
    centre_offers,
    last_return_reason,
    milestone_events,
    milestone_labels,
    my_applications,
)
from engine.runtime.commands import resubmit
from engine.runtime.specs import compiled
from engine.search import search_services
from web.auth import current_actor, current_user, login_required
from web.blueprints.public import qr_svg
from web.forms_render import read_submission, submit_application
from web.i18n import lang

bp = Blueprint("citizen", __name__)


def _centre(centre_id: str) -> Centre:
    centre = next((c for c in active_centres() if c.id == centre_id), None)
    if centre is None:
        abort(404)
    return centre


def _offer(centre_id: str, service_id: str) -> dict:
    try:
        return centre_offer(centre_id, service_id)
    except NotFound:
        abort(404)


def public_steps(definition: dict) -> list[dict]:
    """The milestones a citizen passes on the normal path (not 'returned' or 'rejected')."""
    return [m for m in definition.get("milestones", []) if m["id"] not in ("returned", "rejected")]


@bp.get("/centres")
def centres():
    all_centres = active_centres()
    by_parent: dict[str | None, list] = {}
    for c in all_centres:
        by_parent.setdefault(c.parent_id, []).append(c)
    ministries = [c for c in all_centres if c.level == "ministry"]
    provinces = [c for c in all_centres if c.level == "province"]
    query = (request.args.get("q") or "").strip()[:100]
    return render_template("citizen/centres.html", ministries=ministries, provinces=provinces, by_parent=by_parent,
                           query=query, results=search_services(query) if query else None)


@bp.get("/centres/<centre_id>")
def centre(centre_id: str):
    c = _centre(centre_id)
    return render_template("citizen/centre.html", centre=c, offers=centre_offers(c.id))


@bp.get("/centres/<centre_id>/services/<service_id>")
def service(centre_id: str, service_id: str):
    c = _centre(centre_id)
    offer = _offer(c.id, service_id)
    return render_template("citizen/service.html", centre=c, offer=offer, defn=offer["definition"],
                           steps=public_steps(offer["definition"]))


def application_form(offer: dict) -> dict:
    defn = offer["definition"]
    return defn["forms"][defn["application_form"]]


@bp.route("/centres/<centre_id>/services/<service_id>/apply", methods=["GET", "POST"])
@login_required("citizen")
def apply(centre_id: str, service_id: str):
    c = _centre(centre_id)
    offer = _offer(c.id, service_id)
    form = application_form(offer)
    actor = current_actor()
    values, errors = _prefilled(form, current_user()), {}
    if request.method == "POST":
        app, values, errors = submit_application(form, request, service_id=service_id, centre_id=c.id,
                                                 actor=actor, channel="online", applicant_id=actor.user_id)
        if app is not None:
            return redirect(url_for("citizen.receipt", app_id=app.id))
    return render_template("citizen/apply.html", centre=c, offer=offer, form=form, values=values,
                           errors=errors), (422 if errors else 200)


def _prefilled(form: dict, user) -> dict:
    """What the account already knows: the citizen's phone number in every phone field (they may change it)."""
    from web.display import phone

    if user is None or not user.phone:
        return {}
    return {f["name"]: phone(user.phone) for f in form["fields"] if f["type"] == "phone"}


def _mine(app_id: int):
    actor = current_actor()
    try:
        return application_for(actor, app_id)
    except NotFound:
        abort(404)


def receipt_context(app) -> dict:
    defn = compiled(app.service_version_id).definition
    status_url = url_for("public.status", code=app.tracking_code, _external=True)
    centre = next((c for c in active_centres() if c.id == app.centre_id), None)
    return {"app": app, "defn": defn, "centre": centre, "status_url": status_url, "qr": qr_svg(status_url),
            "steps": public_steps(defn)}


@bp.get("/applications/<int:app_id>/receipt")
@login_required("citizen")
def receipt(app_id: int):
    return render_template("citizen/receipt.html", **receipt_context(_mine(app_id)))


@bp.get("/my", endpoint="my_applications")
@login_required("citizen")
def my_applications_page():
    apps = my_applications(current_actor())
    rows = []
    for app in apps:
        defn = compiled(app.service_version_id).definition
        labels = milestone_labels(app.service_version_id)
        rows.append({"app": app, "name": defn["name"], "milestone": labels.get(app.milestone)})
    return render_template("citizen/my.html", rows=rows)


def _answer_form(app) -> tuple[dict | None, object]:
    task = next((t for t in application_tasks(app.id) if t.state == TASK_READY and t.office_role == APPLICANT), None)
    if task is None:
        return None, None
    defn = compiled(app.service_version_id).definition
    return defn["forms"].get(task.form_id), task


@bp.route("/my/<int:app_id>", methods=["GET", "POST"])
@login_required("citizen")
def application(app_id: int):
    app = _mine(app_id)
    defn = compiled(app.service_version_id).definition
    form, task = _answer_form(app)
    values, errors = {}, {}
    if request.method == "POST":
        if form is None:
            errors = {"_form": DomainError("task_not_ready").message(lang())}
        else:
            answers, errors = read_submission(form, request.form, request.files)
            values = {**request.form.to_dict(), **{k: v for k, v in answers.items() if isinstance(v, dict)}}
            if not errors:
                try:
                    resubmit(app.id, current_actor(), answers)
                except InvalidData as exc:
                    errors = exc.errors
                except DomainError as exc:
                    errors = {"_form": exc.message(lang())}
                else:
                    return redirect(url_for("citizen.application", app_id=app.id, sent=1))
    labels = milestone_labels(app.service_version_id)
    steps = [{"label": labels.get(e.milestone, {"lo": e.milestone, "en": e.milestone}), "at": e.at}
             for e in milestone_events(app.id)]
    return render_template("citizen/application.html", app=app, defn=defn, form=form, values=values,
                           errors=errors, steps=steps, milestone=labels.get(app.milestone),
                           reason=last_return_reason(app.id) if form else None,
                           rejection=last_return_reason(app.id, "application.rejected")
                           if app.status == "rejected" else None,
                           sent=request.args.get("sent")), (422 if errors else 200)
