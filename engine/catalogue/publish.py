"""Publishing a validated catalogue into the database. Idempotent: unchanged services get no new version."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from engine import workdays
from engine.audit import SYSTEM, Actor, record
from engine.catalogue.centres import DEFAULT_TIMEZONE, public
from engine.catalogue.loader import Catalogue, ServiceBundle
from engine.db import db, utcnow
from engine.errors import DomainError
from engine.models import Centre, CentreService, Office, OfficeRole, Service, ServiceVersion
from engine.models.holiday import HOLIDAY, NATIONAL, CalendarDay, CalendarState

CATALOGUE, DESIGNER = "catalogue", "designer"  # service_version.origin


def publish_service(bundle: ServiceBundle, actor: Actor = SYSTEM, origin: str = DESIGNER) -> tuple[ServiceVersion, bool]:
    """Create a new immutable version unless the same content is already published; make it current.

    `origin`: DESIGNER (a person chose this content: re-publishing an older content makes it current again)
    or CATALOGUE (the release; use `release_service`, which never makes an older version current).
    Caller commits."""
    service = _service_row(bundle)
    existing = _version_with_hash(bundle)
    if existing is not None:
        if service.current_version_id != existing.id:
            service.current_version_id = existing.id
            record("service.current_changed", actor, f"{bundle.id} v{existing.number}",
                   data={"service": bundle.id, "version": existing.number, "origin": origin})
        return existing, False
    return _new_version(service, bundle, actor, origin), True


def _service_row(bundle: ServiceBundle) -> Service:
    defn = bundle.definition
    service = db.session.get(Service, bundle.id)
    if service is None:
        service = Service(id=bundle.id, name_lo=defn["name"]["lo"], name_en=defn["name"]["en"])
        db.session.add(service)
        db.session.flush()
    return service


def _version_with_hash(bundle: ServiceBundle) -> ServiceVersion | None:
    return db.session.execute(select(ServiceVersion).where(
        ServiceVersion.service_id == bundle.id, ServiceVersion.content_hash == bundle.content_hash)).scalar_one_or_none()


def _new_version(service: Service, bundle: ServiceBundle, actor: Actor, origin: str) -> ServiceVersion:
    defn = bundle.definition
    number = (db.session.execute(select(func.max(ServiceVersion.number)).where(
        ServiceVersion.service_id == bundle.id)).scalar() or 0) + 1
    version = ServiceVersion(service_id=bundle.id, number=number, content_hash=bundle.content_hash,
                             definition=defn, bpmn=bundle.bpmn, service_yaml=bundle.service_yaml,
                             published_at=utcnow(), published_by=actor.name, origin=origin)
    db.session.add(version)
    db.session.flush()
    service.current_version_id = version.id
    service.name_lo, service.name_en = defn["name"]["lo"], defn["name"]["en"]
    record("service.published", actor, f"{bundle.id} v{number}",
           data={"service": bundle.id, "version": number, "hash": bundle.content_hash, "origin": origin})
    return version


def release_service(bundle: ServiceBundle, actor: Actor = SYSTEM, force: bool = False) -> tuple[str, bool]:
    """The release's view of one service of the catalogue files; returns (line to print, is_conflict).

    Never makes an older version current: when the database's current version is newer than what the file
    holds (a designer published since), or both changed since the last release, the current version stays
    and the answer says so (audited as `catalogue.release_kept`). With `force` the file wins (audited as
    `catalogue.release_forced`). Caller commits."""
    service = _service_row(bundle)
    current = db.session.get(ServiceVersion, service.current_version_id) if service.current_version_id else None
    match = _version_with_hash(bundle)
    if match is not None and current is not None and match.id == current.id:
        return f"v{match.number} unchanged", False
    if current is None or (match is None and current.origin == CATALOGUE) or (
            match is not None and match.number > current.number):
        if match is not None:
            service.current_version_id = match.id
            record("service.current_changed", actor, f"{bundle.id} v{match.number}",
                   data={"service": bundle.id, "version": match.number, "origin": CATALOGUE})
            return f"v{match.number} made current", False
        return f"v{_new_version(service, bundle, actor, CATALOGUE).number} published", False
    # the database holds a newer version than the file (match older), or a designer's version the file
    # does not know about (no match, current from the designer): both sides changed
    file_is = f"the file matches v{match.number}" if match is not None else "the file has new content"
    data = {"service": bundle.id, "current": current.number, "current_origin": current.origin,
            "current_by": current.published_by, "file_version": match.number if match else None}
    if force:
        version = match if match is not None else _new_version(service, bundle, actor, CATALOGUE)
        service.current_version_id = version.id
        record("catalogue.release_forced", actor, f"{bundle.id} v{version.number} over v{current.number}",
               data=dict(data, made_current=version.number))
        return f"v{version.number} made current over v{current.number} (--force; {file_is})", True
    record("catalogue.release_kept", actor, f"{bundle.id} v{current.number} kept", data=data)
    return (f"v{current.number} kept: it was published by {current.published_by} ({current.origin}) and "
            f"{file_is}; the database's version stays current (odsc catalogue load --force to use the file)"), True


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
        "timezone": row.timezone or DEFAULT_TIMEZONE,
        "services": sorted(({"id": s.service_id, "fee": s.fee_override} for s in row.services if s.active),
                           key=lambda s: s["id"]),
        "offices": [{"id": o.id, "name": {"lo": o.name_lo, "en": o.name_en}, "roles": list(o.roles)}
                    for o in sorted(row.offices, key=lambda o: o.id)],
    }


def _apply_centre(decl: dict, actor: Actor) -> bool:
    row = db.session.get(Centre, decl["id"])
    before = centre_snapshot(row)
    wanted = dict(decl, timezone=decl.get("timezone") or DEFAULT_TIMEZONE,
                  services=sorted(decl["services"], key=lambda s: s["id"]),
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
    row.timezone = wanted["timezone"]
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


def apply_holidays(holidays: list[dict]) -> dict:
    """Make `calendar_day` exactly the file's holidays and working days (adds, moves and removals); bump the
    calendar version when anything changed so every process reloads. Returns counts. Caller commits."""
    wanted = {(date.fromisoformat(h["date"]), h.get("province", NATIONAL)): h for h in holidays}
    rows = {(r.day, r.province): r for r in db.session.execute(select(CalendarDay)).scalars()}
    counts = {"added": 0, "removed": 0, "changed": 0}
    for key, row in rows.items():
        if key not in wanted:
            db.session.delete(row)
            counts["removed"] += 1
    for key, item in wanted.items():
        kind, name = item.get("kind", HOLIDAY), item["name"]
        row = rows.get(key)
        if row is None:
            db.session.add(CalendarDay(day=key[0], province=key[1], kind=kind, name=name))
            counts["added"] += 1
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            counts["changed"] += 1
    if any(counts.values()):
        db.session.flush()
        bump_calendar_version()
        record("calendar.synced", SYSTEM, ", ".join(f"{k} {v}" for k, v in counts.items()), data=counts)
    return counts


def bump_calendar_version() -> int:
    """Tell every process the calendar changed (they compare the version before each request and job)."""
    state = db.session.get(CalendarState, 1)
    if state is None:
        state = CalendarState(id=1, version=0)
        db.session.add(state)
    state.version = (state.version or 0) + 1
    state.updated_at = utcnow()
    return state.version


def publish_catalogue(cat: Catalogue, actor: Actor = SYSTEM, sync_centres: bool = False, force: bool = False) -> dict:
    """Publish everything in one transaction; refuses a catalogue with errors.

    Centres already in the database are left alone unless `sync_centres`: once loaded, the admin pages and
    `odsc centres import` own them, so a routine release does not undo what administrators changed."""
    if cat.errors:
        raise DomainError("catalogue_invalid")
    summary = {"services": {}, "conflicts": []}
    try:
        for sid, bundle in sorted(cat.services.items()):
            line, conflict = release_service(bundle, actor, force=force)
            summary["services"][sid] = line
            if conflict:
                summary["conflicts"].append(sid)
        summary.update(apply_centres(cat.roles, cat.centres, actor, only_missing=not sync_centres))
        summary["holidays"] = apply_holidays(cat.holidays)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    workdays.reset()
    return summary
