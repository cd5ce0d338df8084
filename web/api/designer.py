"""The process designer over JSON: /api/v1/designer/... (role `designer`; migrations: supervisors).

The same engine functions as the designer's pages (engine.designer): upload and validation report, dry run,
publish, versions and download, and moving waiting applications to the current version.
"""
from __future__ import annotations

import json

from flask import Response, current_app, request
from marshmallow import fields

from engine.designer import dryrun, migrate, service
from engine.designer.upload import UploadRejected
from engine.errors import Forbidden
from web.api.core import ApiProblem, operation
from web.api.problems import problem
from web.api.schemas import LocalText, Strict, UTCDateTime


class ReportItem(Strict):
    file = fields.String(required=True)
    line = fields.Integer(allow_none=True)
    element = fields.String(allow_none=True, metadata={"description": "BPMN element id"})
    element_name = fields.String(allow_none=True)
    severity = fields.String(required=True, metadata={"enum": ["error", "warning"]})
    message = fields.String(required=True)
    hint = fields.String(required=True)
    code = fields.String(metadata={"description": "stable finding code (engine/catalogue/messages.py); "
                                                  "empty for older English-only findings"})
    messages = fields.Dict(keys=fields.String(), values=fields.String(),
                           metadata={"description": "the message in Lao and English: {lo, en}"})
    hints = fields.Dict(keys=fields.String(), values=fields.String(),
                        metadata={"description": "the hint in Lao and English: {lo, en}"})


class DraftOut(Strict):
    draft_id = fields.Integer(required=True)
    service_id = fields.String(required=True)
    content_hash = fields.String(required=True)
    service_yaml = fields.String(required=True, metadata={
        "description": "the draft's service.yaml: the uploaded one, or the one generated from a bare BPMN upload "
                       "(review it, then PUT it back edited)"})
    report = fields.List(fields.Nested(ReportItem), required=True)


class DraftDetail(DraftOut):
    status = fields.String(required=True, metadata={"enum": ["draft", "published"]})
    published_version_id = fields.Integer(allow_none=True, required=True)
    files = fields.List(fields.String(), required=True, metadata={"description": "service.yaml and BPMN file names"})
    forms = fields.List(fields.String(), required=True, metadata={"description": "ids of the uploaded forms"})
    created_by = fields.String(required=True)
    created_at = UTCDateTime(required=True)


class VersionOut(Strict):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    published_at = UTCDateTime(required=True)
    published_by = fields.String(required=True)
    origin = fields.String(required=True, metadata={
        "description": "catalogue (loaded from the catalogue files by a release) or designer (uploaded)",
        "enum": ["catalogue", "designer"]})
    current = fields.Boolean(required=True)


class ServiceVersions(Strict):
    id = fields.String(required=True)
    name = fields.Nested(LocalText, required=True)
    versions = fields.List(fields.Nested(VersionOut), required=True)


class ServiceVersionsList(Strict):
    items = fields.List(fields.Nested(ServiceVersions), required=True)


class DryRunIn(Strict):
    decisions = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict,
                            metadata={"description": "task id -> decision value (first visit)"})
    application = fields.Dict(load_default=None, allow_none=True,
                              metadata={"description": "answers of the application form; sample data if absent"})


class DryRunStep(Strict):
    element = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String()
    form = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    milestone = fields.String()
    timer = fields.String()


class DryRunMilestone(Strict):
    id = fields.String(required=True)
    element = fields.String(required=True)
    label = fields.Nested(LocalText, required=True)


class DryRunOut(Strict):
    outcome = fields.String(required=True, metadata={
        "enum": ["completed", "rejected", "waiting", "stuck", "error", "too_long", "invalid_answers"]})
    error = fields.String(allow_none=True)
    answer_errors = fields.Dict(keys=fields.String(), values=fields.Nested(LocalText), required=True, metadata={
        "description": "field -> what is wrong with its answer (invalid_answers: the application form's own "
                       "checks, as for a real application; nothing ran)"})
    steps = fields.List(fields.Nested(DryRunStep), required=True)
    milestones = fields.List(fields.Nested(DryRunMilestone), required=True)
    decisions_used = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class PublishIn(Strict):
    centres = fields.List(fields.String(), load_default=list,
                          metadata={"description": "centre ids that start offering the service"})


class SkippedCentre(Strict):
    centre = fields.String(required=True)
    missing = fields.List(fields.String(), required=True)
    reason = fields.String(required=True, metadata={"enum": ["unknown_centre", "missing_roles"]})
    message = fields.String(required=True, metadata={"description": "why, in the caller's language"})


class PublishOut(Strict):
    service_id = fields.String(required=True)
    version = fields.Nested(VersionOut, required=True)
    created = fields.Boolean(required=True, metadata={"description": "false: the same content was published"})
    skipped = fields.List(fields.Nested(SkippedCentre), required=True)


class MigrationIn(Strict):
    service_id = fields.String(required=True)
    from_version_id = fields.Integer(required=True)


class MigrationOut(Strict):
    id = fields.Integer(required=True)
    service_id = fields.String(required=True)
    centre_id = fields.String(required=True)
    from_version_id = fields.Integer(required=True)
    to_version_id = fields.Integer(required=True)
    migrated = fields.List(fields.Integer(), required=True)
    refused = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                          metadata={"description": "application id -> reason it stayed on its version"})


def _report(items: list[dict], locale: str) -> list[dict]:
    """Findings with `message` and `hint` in the designer's language (`messages`/`hints` keep both)."""
    out = []
    for item in items or []:
        item = dict(item)
        item["message"] = (item.get("messages") or {}).get(locale) or item.get("message") or ""
        item["hint"] = (item.get("hints") or {}).get(locale, item.get("hint") or "")
        out.append(item)
    return out


def _draft(draft, items: list[dict], locale: str) -> dict:
    return {"draft_id": draft.id, "service_id": draft.service_id, "content_hash": draft.content_hash,
            "service_yaml": (draft.files or {}).get("service.yaml", ""), "report": _report(items, locale)}


def _designer(actor) -> None:
    if actor.kind != "staff" or "designer" not in actor.roles:
        raise Forbidden()


def _version(row, current_id) -> dict:
    return {"id": row.id, "number": row.number, "content_hash": row.content_hash, "published_at": row.published_at,
            "published_by": row.published_by, "origin": row.origin, "current": row.id == current_id}


@operation("/designer/services", "GET", op_id="designer_services", summary="Every service with all its versions",
           tag="designer", response=ServiceVersionsList, errors=(401, 403))
def designer_services(actor):
    _designer(actor)
    items = []
    for row in service.services_overview():
        svc, versions = service.versions(row["service"].id)
        items.append({"id": svc.id, "name": {"lo": svc.name_lo, "en": svc.name_en},
                      "versions": [_version(v, svc.current_version_id) for v in versions]})
    return {"items": items}


@operation("/designer/versions/<int:version_id>/download", "GET", op_id="designer_download",
           summary="A version as a zip of its service folder (service.yaml, BPMN, forms)", tag="designer",
           errors=(401, 403, 404))
def designer_download(actor, version_id):
    _designer(actor)
    name, data = service.version_zip(version_id)
    return Response(data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@operation("/designer/uploads", "POST", op_id="designer_upload", multipart="bundle", response=DraftOut, status=201,
           summary="Upload a service (a zip, or service.yaml + .bpmn + form files as `files`)", tag="designer",
           errors=(400, 401, 403, 413, 415, 422))
def designer_upload(actor):
    """Valid: a draft with its report (warnings only). Invalid: 422 with the report (`report` member);
    hostile or unreadable (XML entities, zip traversal or bombs, sandbox escapes): 400; too large: 413."""
    _designer(actor)
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "unsupported_media_type", expected="multipart/form-data")
    uploaded = request.files.getlist("files") + request.files.getlist("file")
    files = [(f.filename or "", f.read()) for f in uploaded if f]
    limit = int(current_app.config.get("MAX_BPMN_BYTES", 5 * 1024 * 1024))
    try:
        report, draft = service.receive_upload(files, actor, limit)
    except UploadRejected as exc:
        return problem(exc.status, "upload_rejected", exc.message(actor.locale))
    if draft is None:
        status = 400 if report.hostile else 422
        response = problem(status, "service_invalid", f"{len(report.errors)} errors")
        body = json.loads(response.get_data())
        body["report"] = _report(report.problems, actor.locale)
        response.set_data(json.dumps(body, ensure_ascii=False))
        return response
    return _draft(draft, report.problems, actor.locale)


@operation("/designer/drafts/<int:draft_id>", "GET", op_id="designer_draft", response=DraftDetail,
           summary="A draft: its service.yaml, files, status and the report of a fresh validation", tag="designer",
           errors=(401, 403, 404))
def designer_draft(actor, draft_id):
    draft = service.get_draft(draft_id, actor)
    items = service.revalidate(draft).problems if draft.status == "draft" else (draft.report or [])
    return {**_draft(draft, items, actor.locale), "status": draft.status,
            "published_version_id": draft.published_version_id,
            "files": sorted(draft.files or {}), "forms": sorted(draft.forms or {}),
            "created_by": draft.created_by or "", "created_at": draft.created_at}


@operation("/designer/drafts/<int:draft_id>/dry-run", "POST", op_id="designer_dry_run", body=DryRunIn, permit=_designer,
           response=DryRunOut, summary="Run a draft in memory with chosen decisions; nothing is saved",
           tag="designer", errors=(401, 403, 404, 422))
def designer_dry_run(actor, draft_id, body):
    draft = service.get_draft(draft_id, actor)
    report = service.revalidate(draft)
    if not report.ok:
        raise service.DraftInvalid()
    result = dryrun.run(report.bundle.definition, report.bundle.bpmn, body["decisions"], body["application"])
    return {"outcome": result.outcome, "error": result.error, "milestones": result.milestones,
            "decisions_used": result.decisions_used, "answer_errors": result.answer_errors,
            "steps": [{k: v for k, v in s.items() if k != "task_name" and v is not None} for s in result.steps]}


class ServiceYamlIn(Strict):
    service_yaml = fields.String(required=True, metadata={"description": "the reviewed service.yaml text"})


@operation("/designer/drafts/<int:draft_id>/service-yaml", "PUT", op_id="designer_edit_service_yaml", permit=_designer,
           body=ServiceYamlIn, response=DraftOut, tag="designer", errors=(400, 401, 403, 404, 409, 422),
           summary="Replace a draft's service.yaml (e.g. the one generated from a bare BPMN) and validate again")
def designer_edit_service_yaml(actor, draft_id, body):
    report, draft = service.edit_service_yaml(draft_id, body["service_yaml"], actor)
    if report.hostile:
        response = problem(400, "service_invalid", f"{len(report.errors)} errors")
        payload = json.loads(response.get_data())
        payload["report"] = _report(report.problems, actor.locale)
        response.set_data(json.dumps(payload, ensure_ascii=False))
        return response
    return _draft(draft, report.problems, actor.locale)


@operation("/designer/drafts/<int:draft_id>/publish", "POST", op_id="designer_publish", body=PublishIn, permit=_designer,
           response=PublishOut, status=201, tag="designer", errors=(401, 403, 404, 422),
           summary="Publish a draft as a new immutable version and offer it at centres")
def designer_publish(actor, draft_id, body):
    version, created, skipped = service.publish_draft(draft_id, actor, body["centres"])
    return {"service_id": version.service_id, "version": _version(version, version.id), "created": created,
            "skipped": [{**item, "message": item["message"].get(actor.locale) or item["message"]["en"]}
                        for item in skipped]}


@operation("/designer/migrations", "POST", op_id="designer_migrate", body=MigrationIn, response=MigrationOut,
           status=201, tag="designer", errors=(401, 403, 404, 409, 422),
           summary="Supervisor: move the centre's waiting applications of a version to the current one")
def designer_migrate(actor, body):
    run = migrate.migrate(actor.centre_id or "", body["service_id"], body["from_version_id"], actor)
    return {"id": run.id, "service_id": run.service_id, "centre_id": run.centre_id,
            "from_version_id": run.from_version_id, "to_version_id": run.to_version_id,
            "migrated": run.migrated, "refused": run.refused}
