"""Publishing a validated catalogue into the database. Idempotent: unchanged services get no new version."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from engine import workdays
from engine.audit import SYSTEM, Actor, record
from engine.catalogue.centres import public
from engine.catalogue.loader import Catalogue, ServiceBundle
from engine.db import db, utcnow
from engine.errors import DomainError
from engine.models import Centre, CentreService, Holiday, Office, OfficeRole, Service, ServiceVersion


def publish_service(bundle: ServiceBundle, actor: Actor = SYSTEM) -> tuple[ServiceVersion, bool]:
    """Create a new immutable version unless the same content is already published. Caller commits."""
    defn = bundle.definition
    service = db.session.get(Service, bundle.id)
    if service is None:
        service = Service(id=bundle.id, name_lo=defn["name"]["lo"], name_en=defn["name"]["en"])
        db.session.add(service)
        db.session.flush()
    existing = db.session.execute(select(ServiceVersion).where(
        ServiceVersion.service_id == bundle.id, ServiceVersion.content_hash == bundle.content_hash)).scalar_one_or_none()
    if existing is not None:
        if service.current_version_id != existing.id:
            service.current_version_id = existing.id  # re-publishing an older content makes it current again
        return existing, False
    number = (db.session.execute(select(func.max(ServiceVersion.number)).where(
        ServiceVersion.service_id == bundle.id)).scalar() or 0) + 1
    version = ServiceVersion(service_id=bundle.id, number=number, content_hash=bundle.content_hash,
                             definition=defn, bpmn=bundle.bpmn, service_yaml=bundle.service_yaml,
                             published_at=utcnow(), published_by=actor.name)
    db.session.add(version)
    db.session.flush()
    service.current_version_id = version.id
    service.name_lo, service.name_en = defn["name"]["lo"], defn["name"]["en"]
    record("service.published", actor, f"{bundle.id} v{number}",
           data={"service": bundle.id, "version": number, "hash": bundle.content_hash})
    return version, True


def apply_centres(roles: dict, centres: list[dict], actor: Actor = SYSTEM, only_missing: bool = False) -> dict:
    """Make the database's roles, centres, offices and offers match the given declarations (or, with
    `only_missing`, add the centres the database does not have yet). Caller commits."""
    changes = {"roles": 0, "centres": 0}
    for rid, names in roles.items():
        row = db.session.get(OfficeRole, rid)
        if row is None:
            db.session.add(OfficeRole(id=rid, name_lo=names["lo"], name_en=names["en"]))
            changes["roles"] += 1
        elif (row.name_lo, row.name_en) != (names["lo"], names["en"]):
            row.name_lo, row.name_en = names["lo"], names["en"]
            changes["roles"] += 1
    db.session.flush()
    # parents first, so foreign keys hold on every database
    order = {"ministry": 0, "province": 1, "district": 2}
    for decl in sorted(centres, key=lambda c: order.get(c["level"], 3)):
        if only_missing and db.session.get(Centre, decl["id"]) is not None:
            continue
        if _apply_centre(public(decl), actor):
            changes["centres"] += 1
    return changes


def centre_snapshot(row: Centre | None) -> dict | None:
    if row is None:
        return None
    return {
        "id": row.id, "name": {"lo": row.name_lo, "en": row.name_en}, "level": row.level, "parent": row.parent_id,
        "address": {"lo": row.address_lo, "en": row.address_en}, "phone": row.phone,
        "opening_hours": {"lo": row.hours_lo, "en": row.hours_en}, "active": row.active,
        "services": sorted(({"id": s.service_id, "fee": s.fee_override} for s in row.services if s.active),
                           key=lambda s: s["id"]),
        "offices": [{"id": o.id, "name": {"lo": o.name_lo, "en": o.name_en}, "roles": list(o.roles)}
                    for o in sorted(row.offices, key=lambda o: o.id)],
    }


def _apply_centre(decl: dict, actor: Actor) -> bool:
    row = db.session.get(Centre, decl["id"])
    before = centre_snapshot(row)
    wanted = dict(decl, services=sorted(decl["services"], key=lambda s: s["id"]),
                  offices=sorted(decl["offices"], key=lambda o: o["id"]))
    if before == wanted:
        return False
    if row is None:
        row = Centre(id=decl["id"])
        db.session.add(row)
    row.name_lo, row.name_en = decl["name"]["lo"], decl["name"]["en"]
    row.level, row.parent_id, row.phone, row.active = decl["level"], decl["parent"], decl["phone"], decl["active"]
    row.address_lo, row.address_en = decl["address"]["lo"], decl["address"]["en"]
    row.hours_lo, row.hours_en = decl["opening_hours"]["lo"], decl["opening_hours"]["en"]
    db.session.flush()
    offered = {s["id"]: s["fee"] for s in decl["services"]}
    for link in list(row.services):
        if link.service_id not in offered:
            link.active = False
    for sid, fee in offered.items():
        if db.session.get(Service, sid) is None:
            raise DomainError("not_found", what=f"service {sid}")
        link = db.session.get(CentreService, (row.id, sid))
        if link is None:
            db.session.add(CentreService(centre_id=row.id, service_id=sid, fee_override=fee, active=True))
        else:
            link.fee_override, link.active = fee, True
    wanted_offices = {o["id"]: o for o in decl["offices"]}
    for office in list(row.offices):
        if office.id not in wanted_offices:
            db.session.delete(office)
    for oid, o in wanted_offices.items():
        office = db.session.get(Office, oid)
        if office is None:
            office = Office(id=oid, centre_id=row.id)
            db.session.add(office)
        office.name_lo, office.name_en, office.roles = o["name"]["lo"], o["name"]["en"], list(o["roles"])
    db.session.flush()
    db.session.expire(row)
    record("centre.created" if before is None else "centre.updated", actor, decl["id"], centre_id=decl["id"],
           data={"before": before, "after": wanted})
    return True


def apply_holidays(holidays: list[dict]) -> int:
    changed = 0
    for item in holidays:
        day = date.fromisoformat(item["date"])
        row = db.session.get(Holiday, day)
        if row is None:
            db.session.add(Holiday(day=day, name=item["name"]))
            changed += 1
        elif row.name != item["name"]:
            row.name = item["name"]
            changed += 1
    workdays.reset()
    return changed


def publish_catalogue(cat: Catalogue, actor: Actor = SYSTEM, sync_centres: bool = False) -> dict:
    """Publish everything in one transaction; refuses a catalogue with errors.

    Centres already in the database are left alone unless `sync_centres`: once loaded, the admin pages and
    `odsc centres import` own them, so a routine release does not undo what administrators changed."""
    if cat.errors:
        raise DomainError("catalogue_invalid")
    summary = {"services": {}}
    try:
        for sid, bundle in sorted(cat.services.items()):
            version, created = publish_service(bundle, actor)
            summary["services"][sid] = f"v{version.number} {'published' if created else 'unchanged'}"
        summary.update(apply_centres(cat.roles, cat.centres, actor, only_missing=not sync_centres))
        summary["holidays"] = apply_holidays(cat.holidays)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    workdays.reset()
    return summary
