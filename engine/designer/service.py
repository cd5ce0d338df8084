"""The designer's commands: receive an upload, keep it as a draft, publish it, list and download versions.

Each command is one transaction. A refused upload (hostile, too large, or invalid) changes nothing but the
audit trail, where it is recorded as `designer.upload_rejected`.
"""
from __future__ import annotations

import io
import re
import zipfile

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.audit import Actor, record
from engine.catalogue.loader import content_hash
from engine.catalogue.publish import publish_service
from engine.catalogue.services import APPLICANT, SUPERVISOR
from engine.db import db
from engine.designer.scaffold import GENERATED_HEADER, propose_service
from engine.designer.upload import CERTIFICATE_TEMPLATE, MAX_BPMN_BYTES, Upload, UploadRejected, collect
from engine.designer.validate import Report, validate
from engine.errors import MESSAGES, Conflict, DomainError, Forbidden, NotFound
from engine.models import Application, Centre, CentreService, Service, ServiceVersion
from engine.models.application import CLOSED_STATUSES
from engine.models.designer import DRAFT, PUBLISHED, DesignerDraft

DESIGNER = "designer"


class DraftInvalid(DomainError):
    code, status = "draft_invalid", 422

    def message(self, locale: str = "lo") -> str:
        return ("ບໍລິການນີ້ມີຂໍ້ຜິດພາດ, ບໍ່ສາມາດເຜີຍແຜ່ໄດ້" if locale == "lo"
                else "This service has errors and cannot be published")


class DraftPublished(DomainError):
    """A published draft is part of an immutable version: it cannot be edited (upload a new one)."""

    code, status = "draft_published", 409

    def message(self, locale: str = "lo") -> str:
        version = self.params.get("version") or "?"
        return (f"ຮ່າງນີ້ຖືກເຜີຍແຜ່ແລ້ວເປັນສະບັບ {version}, ແກ້ໄຂບໍ່ໄດ້: ອັບໂຫຼດຮ່າງໃໝ່ເພື່ອປ່ຽນແປງ" if locale == "lo"
                else f"This draft was already published as version {version} and cannot change: "
                     "upload a new draft to make a change")


MESSAGES.setdefault("dry_run_failed", (
    "ບໍ່ສາມາດເຜີຍແຜ່ໄດ້: ການທົດລອງແລ່ນຕາມເສັ້ນທາງຕັ້ງຕົ້ນບໍ່ຮອດຈຸດສິ້ນສຸດ ({detail}). ແກ້ຂະບວນການ ແລ້ວທົດລອງແລ່ນອີກຄັ້ງ",
    "Cannot publish: the dry run along the default path does not reach an end ({detail}). Correct the process "
    "and dry-run it again",
))
# outcomes of the default-path dry run that block publishing: a step raised, or nothing can move the case
BLOCKING_OUTCOMES = {"error": ("ຂັ້ນຕອນໜຶ່ງຜິດພາດ", "a step failed"),
                     "waiting": ("ບໍ່ມີໜ້າວຽກ ຫຼື ໂມງຈັບເວລາໃດທີ່ຈະພາຄຳຮ້ອງໄປຕໍ່", "no task or timer can move the case on"),
                     "stuck": ("ຄຳຮ້ອງຄ້າງຢູ່", "the case is stuck"),
                     "invalid_answers": ("ຄຳຕອບຕົວຢ່າງຂອງແບບຟອມຄຳຮ້ອງບໍ່ຜ່ານການກວດ ຄືກັບຄຳຮ້ອງແທ້",
                                         "the sample answers of the application form fail its checks, as a real "
                                         "application's would")}


class DryRunFailed(DomainError):
    """Publishing refused: the dry run along the default path (engine.designer.dryrun) ended in an error or
    with nothing able to move the case. `detail` is the dry run's own message."""

    code, status = "dry_run_failed", 422

    def __init__(self, outcome: str, error: str | None):
        lo, en = BLOCKING_OUTCOMES.get(outcome, (outcome, outcome))
        self.outcome, self.error = outcome, error
        super().__init__(detail=error or en)
        self.params_lo = {"detail": error or lo}

    def message(self, locale: str = "lo") -> str:
        if locale == "lo":
            return MESSAGES["dry_run_failed"][0].format(**self.params_lo)
        return super().message(locale)


def check_dry_run(bundle) -> None:
    """Run the bundle's process along the default path (the settling choice at each decision, sample answers,
    timers fired) through the runtime's own steps; raise DryRunFailed when it cannot reach an end."""
    from engine.designer import dryrun

    result = dryrun.run(bundle.definition, bundle.bpmn)
    if result.outcome in BLOCKING_OUTCOMES:
        raise DryRunFailed(result.outcome, result.error)


def _require_designer(actor: Actor) -> None:
    if actor.kind != "staff" or DESIGNER not in actor.roles:
        raise Forbidden()


def _audit_rejection(actor: Actor, summary: str, data: dict) -> None:
    db.session.rollback()
    record("designer.upload_rejected", actor, summary[:500], data=data)
    db.session.commit()


def receive_upload(files: list[tuple[str, bytes]], actor: Actor, max_bytes: int = MAX_BPMN_BYTES
                   ) -> tuple[Report, DesignerDraft | None]:
    """Read, check and validate an upload. Valid: kept as a draft. Refused: audited; UploadRejected re-raised."""
    _require_designer(actor)
    names = [re.sub(r"[\x00-\x1f\x7f]", "?", n or "")[:200] for n, _ in files][:20]  # audit-safe
    try:
        upload = collect(files, max_bytes)
    except UploadRejected as exc:
        _audit_rejection(actor, exc.message("en"), {"reason": exc.reason, "status": exc.status, "files": names,
                                                    "hostile": exc.reason != "no_files"})
        raise
    generated = propose_service(upload)
    report = validate(upload)
    if generated and not report.ok and not report.hostile and report.service_id:
        return report, _keep_generated(upload, report, actor, names)
    if not report.ok:
        hostile = report.hostile
        _audit_rejection(actor, f"{report.service_id or '?'}: {len(report.errors)} errors",
                         {"files": names, "service": report.service_id, "hostile": bool(hostile),
                          "errors": report.errors[:50]})
        return report, None
    files = dict(report.bundle.bpmn, **{"service.yaml": report.bundle.service_yaml})
    if "certificate" in report.bundle.definition and CERTIFICATE_TEMPLATE in upload.service:
        files[CERTIFICATE_TEMPLATE] = report.bundle.definition["certificate"]  # kept with the draft, published
    draft = DesignerDraft(service_id=report.service_id, files=files,
                          forms=report.form_texts, report=report.problems, content_hash=report.bundle.content_hash,
                          status=DRAFT, created_by_id=actor.user_id, created_by=actor.name)
    db.session.add(draft)
    db.session.flush()
    record("designer.draft_uploaded", actor, f"{report.service_id} draft {draft.id}",
           data={"service": report.service_id, "draft": draft.id, "hash": draft.content_hash,
                 "warnings": len(report.warnings), "files": names})
    db.session.commit()
    return report, draft


def _keep_generated(upload: Upload, report: Report, actor: Actor, names: list[str]) -> DesignerDraft:
    """A bare BPMN upload whose generated service.yaml still has errors: kept as a draft to edit on its page."""
    files = {name: data.decode("utf-8") for name, data in upload.service.items()}
    forms = {name.removesuffix(".yaml"): data.decode("utf-8") for name, data in upload.forms.items()}
    digest = content_hash(files["service.yaml"], {k: v for k, v in files.items() if k != "service.yaml"}, forms)
    draft = DesignerDraft(service_id=report.service_id, files=files, forms=forms, report=report.problems,
                          content_hash=digest, status=DRAFT, created_by_id=actor.user_id, created_by=actor.name)
    db.session.add(draft)
    db.session.flush()
    record("designer.draft_uploaded", actor, f"{report.service_id} draft {draft.id} (generated service.yaml)",
           data={"service": report.service_id, "draft": draft.id, "generated": True, "errors": len(report.errors),
                 "files": names})
    db.session.commit()
    return draft


def edit_service_yaml(draft_id: int, text: str, actor: Actor) -> tuple[Report, DesignerDraft]:
    """Replace a draft's service.yaml (the designer's review of a generated one) and validate again.

    One transaction; a published draft cannot change (DraftPublished, 409). A hostile result changes nothing and
    is audited.
    """
    draft = get_draft(draft_id, actor)
    if draft.status != DRAFT:
        version = db.session.get(ServiceVersion, draft.published_version_id) if draft.published_version_id else None
        raise DraftPublished(version=version.number if version else "")
    upload = upload_of(draft)
    upload.service["service.yaml"] = text.encode("utf-8")
    report = validate(upload)
    if report.hostile:
        _audit_rejection(actor, f"{draft.service_id}: edited service.yaml refused", {
            "draft": draft.id, "hostile": True, "errors": report.errors[:50]})
        return report, draft
    draft.files = {**draft.files, "service.yaml": text}
    draft.service_id = report.service_id or draft.service_id
    draft.report = report.problems
    draft.content_hash = report.bundle.content_hash if report.bundle else content_hash(
        text, {k: v for k, v in draft.files.items() if k != "service.yaml"}, draft.forms or {})
    record("designer.draft_edited", actor, f"{draft.service_id} draft {draft.id}: service.yaml edited",
           data={"draft": draft.id, "errors": len(report.errors), "hash": draft.content_hash})
    db.session.commit()
    return report, draft


def get_draft(draft_id: int, actor: Actor) -> DesignerDraft:
    _require_designer(actor)
    draft = db.session.get(DesignerDraft, draft_id)
    if draft is None:
        raise NotFound(what="draft")
    return draft


def upload_of(draft: DesignerDraft) -> Upload:
    return Upload(service={name: text.encode("utf-8") for name, text in draft.files.items()},
                  forms={f"{fid}.yaml": text.encode("utf-8") for fid, text in (draft.forms or {}).items()},
                  folder=draft.service_id)


def revalidate(draft: DesignerDraft) -> Report:
    """The catalogue may have changed since the upload (roles, forms): validate again before publishing.

    While the service.yaml is still the generated one, the report keeps saying what was guessed.
    """
    report = validate(upload_of(draft))
    if (draft.files.get("service.yaml") or "").startswith(GENERATED_HEADER):
        report.problems = [p for p in draft.report or [] if str(p.get("code") or "").startswith("scaffold.")] \
            + [p for p in report.problems if not str(p.get("code") or "").startswith("scaffold.")]
    return report


def needed_roles(definition: dict) -> set[str]:
    """The office roles a centre needs to offer the service: every task's role but the applicant's and the
    supervisor's (the documented default of unrouted tasks; supervisors are accounts, not offices)."""
    return {t["role"] for t in definition.get("tasks", {}).values()} - {APPLICANT, SUPERVISOR, ""}


def centre_choices(definition: dict) -> list[dict]:
    """Every active centre, whether it offers the service already, and the office roles it lacks for it."""
    needed = needed_roles(definition)
    out = []
    for centre in db.session.execute(select(Centre).where(Centre.active.is_(True)).order_by(Centre.id)).scalars():
        covered = {role for office in centre.offices for role in office.roles}
        link = db.session.get(CentreService, (centre.id, definition.get("id")))
        out.append({"id": centre.id, "name": {"lo": centre.name_lo, "en": centre.name_en}, "level": centre.level,
                    "offers": bool(link and link.active), "missing": sorted(needed - covered)})
    return out


def publish_draft(draft_id: int, actor: Actor, centre_ids: list[str] | None = None) -> tuple[ServiceVersion, bool, list]:
    """Publish a draft as a new immutable version and offer it at the chosen centres; one transaction.

    Returns (version, created, skipped centres with the roles they lack). Running applications keep their
    version; new applications at every centre that offers the service start on this one at once.
    """
    draft = get_draft(draft_id, actor)
    report = revalidate(draft)
    if not report.ok:
        raise DraftInvalid()
    check_dry_run(report.bundle)  # the same dry run the designer runs: an accepted process must reach an end
    skipped = []
    try:
        version, created = publish_service(report.bundle, actor)
        db.session.flush()
        choices = {c["id"]: c for c in centre_choices(report.bundle.definition)}
        for cid in sorted(set(centre_ids or [])):
            choice = choices.get(cid)
            if choice is None:
                skipped.append({"centre": cid, "missing": [], "reason": "unknown_centre", "message": {
                    "lo": f"ບໍ່ມີສູນ {cid}: ບໍລິການບໍ່ໄດ້ເປີດໃຫ້ທີ່ນັ້ນ",
                    "en": f"There is no centre {cid}: the service is not offered there"}})
                continue
            if choice["missing"]:
                roles = ", ".join(choice["missing"])
                skipped.append({"centre": cid, "missing": choice["missing"], "reason": "missing_roles", "message": {
                    "lo": f"ບໍ່ໄດ້ເປີດໃຫ້ທີ່ {cid}: ບໍ່ມີຫ້ອງການໃດມີບົດບາດ {roles}",
                    "en": f"Not offered at {cid}: no office there has the roles {roles}"}})
                continue
            if choice["offers"]:
                continue
            link = db.session.get(CentreService, (cid, draft.service_id))
            if link is None:
                db.session.add(CentreService(centre_id=cid, service_id=draft.service_id, active=True))
            else:
                link.active = True
            record("centre.service_offered", actor, f"{draft.service_id} at {cid}", centre_id=cid,
                   data={"service": draft.service_id, "centre": cid, "version": version.number})
        draft.status = PUBLISHED
        draft.published_version_id = version.id
        record("designer.draft_published", actor, f"{draft.service_id} v{version.number}",
               data={"draft": draft.id, "service": draft.service_id, "version": version.number,
                     "created": created, "centres": sorted(set(centre_ids or [])), "skipped": skipped})
        db.session.commit()
    except IntegrityError as exc:  # someone published the same service at the same moment
        db.session.rollback()
        raise Conflict() from exc
    except BaseException:
        db.session.rollback()
        raise
    return version, created, skipped


def services_overview() -> list[dict]:
    rows = db.session.execute(select(Service).order_by(Service.id)).scalars().all()
    counts = dict(db.session.execute(select(ServiceVersion.service_id, func.count()).group_by(
        ServiceVersion.service_id)).all())
    waiting = dict(db.session.execute(
        select(Application.service_id, func.count()).where(Application.status.not_in(CLOSED_STATUSES))
        .group_by(Application.service_id)).all())
    return [{"service": s, "current": s.current_version, "versions": counts.get(s.id, 0),
             "open": waiting.get(s.id, 0)} for s in rows]


def versions(service_id: str) -> tuple[Service, list[ServiceVersion]]:
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound(what="service")
    rows = db.session.execute(select(ServiceVersion).where(ServiceVersion.service_id == service_id)
                              .order_by(ServiceVersion.number.desc())).scalars().all()
    return service, rows


def get_version(version_id: int) -> ServiceVersion:
    row = db.session.get(ServiceVersion, version_id)
    if row is None:
        raise NotFound(what="service version")
    return row


def form_yaml(form: dict) -> str:
    return yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=120)


def version_zip(version_id: int) -> tuple[str, bytes]:
    """A zip of the version as a service folder: service.yaml, the BPMN files, certificate.html.j2 (when the
    template came from that file), forms/<form_id>.yaml."""
    row = get_version(version_id)
    buf = io.BytesIO()
    folder = row.service_id
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/service.yaml", row.service_yaml)
        for name, text in sorted(row.bpmn.items()):
            archive.writestr(f"{folder}/{name}", text)
        inline = (yaml.safe_load(row.service_yaml) or {}).get("certificate")
        if row.definition.get("certificate") and row.definition["certificate"] != inline:
            # the template came from the file: without it, an upload of this zip would print the default one
            archive.writestr(f"{folder}/{CERTIFICATE_TEMPLATE}", row.definition["certificate"])
        for fid, form in sorted((row.definition.get("forms") or {}).items()):
            archive.writestr(f"{folder}/forms/{fid}.yaml", form_yaml(form))
    return f"{folder}-v{row.number}.zip", buf.getvalue()
