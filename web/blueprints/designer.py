"""Process designer pages (role `designer`): upload, validation report, dry run, publish, versions, download,
diagrams; and the supervisor's page that moves waiting applications to the newest version of a service."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from engine.audit import record
from engine.db import db
from engine.designer import diagram, dryrun, migrate, service
from engine.designer.upload import UploadRejected
from engine.errors import DomainError
from engine.inputs import MAX_ID, parse_int
from engine.runtime.specs import compiled
from web.auth import current_actor, roles_required
from web.i18n import lang

bp = Blueprint("designer", __name__, url_prefix="/designer")


def _max_bytes() -> int:
    return int(current_app.config.get("MAX_BPMN_BYTES", 5 * 1024 * 1024))


@bp.app_template_global("case_diagram")
def case_diagram(application) -> dict:
    """For the case page: `{% set diagram = case_diagram(app) %}{% include "designer/_diagram.html" %}`."""
    return diagram.for_application(application)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    return render_template("designer/error.html", message=exc.message(lang())), exc.status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    actor = current_actor()
    if actor is not None:
        db.session.rollback()
        record("designer.upload_rejected", actor, "request larger than MAX_CONTENT_LENGTH",
               data={"reason": "too_large", "status": 413, "hostile": True})
        db.session.commit()
    message = _("The files are too large. Each file and the zip may be at most %(mb)s MB.",
                mb=round(_max_bytes() / 1024 / 1024, 1))
    return render_template("designer/upload.html", error=message, max_mb=_max_bytes() / 1024 / 1024), 413


# ---- services and versions --------------------------------------------------------------------------

@bp.get("/")
@roles_required("designer")
def index():
    from sqlalchemy import select

    from engine.models.designer import DesignerDraft

    drafts = db.session.execute(select(DesignerDraft).order_by(DesignerDraft.id.desc()).limit(20)).scalars().all()
    return render_template("designer/index.html", services=service.services_overview(), drafts=drafts)


@bp.get("/services/<service_id>")
@roles_required("designer")
def versions(service_id: str):
    svc, rows = service.versions(service_id)
    current = next((v for v in rows if v.id == svc.current_version_id), None)
    return render_template("designer/versions.html", service=svc, versions=rows, current=current,
                           diagram=diagram.for_version(current) if current else None,
                           centres=service.centre_choices(current.definition) if current else [])


@bp.get("/versions/<int:version_id>/download")
@roles_required("designer")
def download(version_id: int):
    name, data = service.version_zip(version_id)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/versions/<int:version_id>/diagram")
@roles_required("designer", "supervisor")
def version_diagram(version_id: int):
    version = service.get_version(version_id)
    return render_template("designer/diagram_page.html", version=version, diagram=diagram.for_version(version))


# ---- upload, report, publish ------------------------------------------------------------------------

@bp.get("/upload")
@roles_required("designer")
def upload_form():
    return render_template("designer/upload.html", max_mb=_max_bytes() / 1024 / 1024)


@bp.post("/upload")
@roles_required("designer")
def upload():
    files = [(f.filename or "", f.read()) for f in request.files.getlist("files") if f]
    try:
        report, draft = service.receive_upload(files, current_actor(), _max_bytes())
    except UploadRejected as exc:
        return render_template("designer/upload.html", error=exc.message(lang()),
                               max_mb=_max_bytes() / 1024 / 1024), exc.status
    if draft is None:
        status = 400 if report.hostile else 422
        return render_template("designer/report.html", report=report, problems=report.problems, draft=None), status
    if report.errors:  # a draft kept for editing its generated service.yaml: say so, never "valid"
        flash(_("The draft has errors: read the report and fix them before a dry run."), "error")
    else:
        flash(_("The upload is valid. Check the report, try a dry run, then publish."), "success")
    return redirect(url_for("designer.draft", draft_id=draft.id))


@bp.get("/drafts/<int:draft_id>")
@roles_required("designer")
def draft(draft_id: int):
    item = service.get_draft(draft_id, current_actor())
    report = service.revalidate(item)
    defn = report.bundle.definition if report.bundle else None
    return render_template(
        "designer/report.html", report=report, problems=report.problems, draft=item,
        centres=service.centre_choices(defn) if defn else [],
        diagram=diagram.for_version(_DraftVersion(item, defn)) if defn else None)


@bp.post("/drafts/<int:draft_id>/service-yaml")
@roles_required("designer")
def edit_service_yaml(draft_id: int):
    report, item = service.edit_service_yaml(draft_id, request.form.get("service_yaml", ""), current_actor())
    if report.hostile:
        return render_template("designer/report.html", report=report, problems=report.problems, draft=None), 400
    flash(_("service.yaml saved and checked again."), "success")
    return redirect(url_for("designer.draft", draft_id=item.id))


class _DraftVersion:
    """A draft shaped like a ServiceVersion for the diagram helper."""

    def __init__(self, draft, definition):
        self.definition = definition
        self.bpmn = {k: v for k, v in draft.files.items() if k.endswith(".bpmn")}
        self.number = None
        self.service_id = draft.service_id


@bp.post("/drafts/<int:draft_id>/publish")
@roles_required("designer")
def publish(draft_id: int):
    centres = request.form.getlist("centre")
    version, created, skipped = service.publish_draft(draft_id, current_actor(), centres)
    if created:
        flash(_("Published as version %(n)s. New applications start on it at once.", n=version.number), "success")
    else:
        flash(_("Nothing changed: this content is already version %(n)s, which is now current.",
                n=version.number), "success")
    for item in skipped:
        flash(item["message"].get(lang()) or item["message"]["en"], "error")
    return redirect(url_for("designer.versions", service_id=version.service_id))


# ---- dry run ----------------------------------------------------------------------------------------

def _dry_run_page(definition: dict, bpmn: dict, back: str, title: str):
    choices = dryrun.decision_choices(definition)
    app_form = definition.get("forms", {}).get(definition.get("application_form") or "")
    sample = dryrun.sample_answers(app_form)
    result, error, answers = None, None, sample
    if request.method == "POST":
        decisions = {tid: request.form.get(f"decision.{tid}", "") for tid in choices}
        text = request.form.get("application") or ""
        try:
            answers = json.loads(text) if text.strip() else sample
            if not isinstance(answers, dict):
                raise ValueError
        except ValueError:
            error = _("The sample answers must be a JSON object, for example {\"name\": \"...\"}.")
            answers = None
        if error is None:
            result = dryrun.run(definition, bpmn, decisions, answers)
    return render_template("designer/dry_run.html", definition=definition, choices=choices, result=result,
                           error=error, answers=json.dumps(answers if answers is not None else sample,
                                                           ensure_ascii=False, indent=2),
                           chosen=request.form, back=back, title=title,
                           diagram=diagram.for_version(_Shape(definition, bpmn),
                                                       done=[s["element"] for s in result.steps] if result else []))


class _Shape:
    def __init__(self, definition, bpmn):
        self.definition, self.bpmn, self.number, self.service_id = definition, bpmn, None, definition.get("id")


@bp.route("/drafts/<int:draft_id>/dry-run", methods=["GET", "POST"])
@roles_required("designer")
def draft_dry_run(draft_id: int):
    item = service.get_draft(draft_id, current_actor())
    report = service.revalidate(item)
    if not report.ok:
        return render_template("designer/report.html", report=report, problems=report.problems, draft=item), 422
    return _dry_run_page(report.bundle.definition, report.bundle.bpmn,
                         url_for("designer.draft", draft_id=item.id), _("Dry run of the draft"))


@bp.route("/versions/<int:version_id>/dry-run", methods=["GET", "POST"])
@roles_required("designer")
def version_dry_run(version_id: int):
    version = service.get_version(version_id)
    return _dry_run_page(version.definition, version.bpmn,
                         url_for("designer.versions", service_id=version.service_id),
                         _("Dry run of version %(n)s", n=version.number))


# ---- migration of waiting applications (supervisors, their own centre) -------------------------------

@bp.get("/migrate")
@roles_required("supervisor")
def migrate_list():
    actor = current_actor()
    groups: dict = {}
    for item in migrate.waiting(actor.centre_id):
        key = (item["service"].id, item["version"].id)
        groups.setdefault(key, {"service": item["service"], "version": item["version"],
                                "current": item["current"], "applications": []})
        groups[key]["applications"].append(item["application"])
    return render_template("designer/migrate.html", groups=list(groups.values()), run=None)


@bp.post("/migrate")
@roles_required("supervisor")
def migrate_run():
    actor = current_actor()
    version_id = parse_int(request.form.get("version_id"), default=0, maximum=MAX_ID)
    if not version_id:
        return render_template("designer/error.html", message=_("Choose a version to move from.")), 400
    service_id = request.form.get("service_id", "")
    run = migrate.migrate(actor.centre_id, service_id, version_id, actor)
    return render_template("designer/migrate.html", groups=[], run=run,
                           from_version=service.get_version(run.from_version_id),
                           to_version=compiled(run.to_version_id))
