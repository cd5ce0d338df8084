"""The centres file (workflows/centres.yaml): office roles and centres with their offices and services."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.catalogue.problems import Problem, check_text
from engine.catalogue.yamlio import line_of

LEVELS = ("ministry", "province", "district")
DEFAULT_TIMEZONE = "Asia/Vientiane"
ZONE_MAX = 64  # centre.timezone


def valid_timezone(name) -> bool:
    """True when `name` (any value) is an IANA time zone name zoneinfo knows, e.g. 'Asia/Vientiane'."""
    if not isinstance(name, str) or not name or len(name) > ZONE_MAX or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
ID_RE = re.compile(r"^[a-z0-9_]{2,64}$")


def parse_centres(doc, file: str, problems: list[Problem]) -> tuple[dict, list[dict]]:
    if not isinstance(doc, dict):
        problems.append(Problem(file, {"lo": "ໄຟລ໌ສູນບໍລິການຕ້ອງເປັນ mapping ທີ່ມີ office_roles ແລະ centres", "en": "the centres file must be a mapping with office_roles and centres"}, line=1, code="centres.centres_file_mapping_office"))
        return {}, []
    roles = {}
    raw_roles = doc.get("office_roles") or {}
    for rid, names in (raw_roles.items() if isinstance(raw_roles, dict) else []):
        if not ID_RE.match(str(rid)):
            problems.append(Problem(file, {"lo": f"ລະຫັດບົດບາດຫ້ອງການ {rid!r} ຕ້ອງເປັນ [a-z0-9_]", "en": f"office role id {rid!r} must be [a-z0-9_]"}, line=line_of(raw_roles, rid), code="centres.office_role_id_z"))
        roles[str(rid)] = check_text(names, file, line_of(raw_roles, rid), f"office role {rid}", problems)
    centres = []
    seen: set[str] = set()
    for raw in doc.get("centres") or []:
        centre = parse_centre(raw, file, roles, problems)
        if centre:
            if centre["id"] in seen:
                problems.append(Problem(file, {"lo": f"ສູນ {centre['id']!r} ຖືກປະກາດສອງເທື່ອ", "en": f"centre {centre['id']!r} is declared twice"}, line=line_of(raw), code="centres.centre_declared_twice"))
            seen.add(centre["id"])
            centres.append(centre)
    for centre in centres:
        if centre["parent"] and centre["parent"] not in seen:
            problems.append(Problem(file, {"lo": f"ສູນ {centre['id']!r} ມີສູນແມ່ທີ່ບໍ່ຮູ້ຈັກ {centre['parent']!r}", "en": f"centre {centre['id']!r} has unknown parent {centre['parent']!r}"},
                                    {"lo": "ໃຊ້ລະຫັດຂອງສູນອື່ນ", "en": "use the id of another centre"}, centre["_line"], code="centres.centre_has_unknown_parent"))
    return roles, centres


def parse_centre(raw, file: str, roles: dict, problems: list[Problem]) -> dict | None:
    line = line_of(raw)
    if not isinstance(raw, dict) or not ID_RE.match(str(raw.get("id", ""))):
        problems.append(Problem(file, {"lo": "ສູນຕ້ອງມີລະຫັດແບບ [a-z0-9_]", "en": "a centre needs an id of [a-z0-9_]"}, line=line, code="centres.centre_needs_id_z"))
        return None
    cid = raw["id"]
    centre = {
        "id": cid,
        "name": check_text(raw.get("name"), file, line_of(raw, "name"), f"name of centre {cid}", problems),
        "level": raw.get("level"),
        "parent": raw.get("parent"),
        "address": check_text(raw.get("address") or {"lo": "-", "en": "-"}, file, line_of(raw, "address"),
                              f"address of {cid}", problems),
        "phone": str(raw.get("phone") or ""),
        "opening_hours": check_text(raw.get("opening_hours") or {"lo": "-", "en": "-"}, file,
                                    line_of(raw, "opening_hours"), f"opening hours of {cid}", problems),
        "active": bool(raw.get("active", True)),
        "timezone": DEFAULT_TIMEZONE,
        "services": [],
        "offices": [],
        "_line": line,
    }
    zone = raw.get("timezone")
    if zone is not None:
        if valid_timezone(zone):
            centre["timezone"] = zone
        else:
            problems.append(Problem(
                file, {"lo": f"ສູນ {cid!r} ມີເຂດເວລາທີ່ບໍ່ຮູ້ຈັກ {zone!r}",
                       "en": f"centre {cid!r} has an unknown time zone {zone!r}"},
                {"lo": "ໃຊ້ຊື່ເຂດເວລາ IANA ເຊັ່ນ Asia/Vientiane ຫຼື Asia/Bangkok, ຫຼື ລຶບ timezone: ອອກ (Asia/Vientiane)",
                 "en": "use an IANA time zone name such as Asia/Vientiane or Asia/Bangkok, or remove timezone: "
                       "(Asia/Vientiane)"}, line_of(raw, "timezone") or line))
    if centre["level"] not in LEVELS:
        problems.append(Problem(file, {"lo": f"ສູນ {cid!r} ມີລະດັບທີ່ບໍ່ຮູ້ຈັກ {centre['level']!r}", "en": f"centre {cid!r} has unknown level {centre['level']!r}"},
                                {"lo": f"ໃຊ້ໜຶ່ງໃນ: {', '.join(LEVELS)}", "en": f"use one of: {', '.join(LEVELS)}"}, line_of(raw, "level"), code="centres.centre_has_unknown_level"))
    if centre["level"] != "ministry" and not centre["parent"]:
        problems.append(Problem(file, {"lo": f"ສູນ {cid!r} ຕ້ອງມີສູນແມ່", "en": f"centre {cid!r} needs a parent centre"},
                                {"lo": "ຕັ້ງ parent: ເປັນລະຫັດຂອງສູນຂັ້ນເທິງ", "en": "set parent: to the id of the centre above it"}, line_of(raw, "parent") or line, code="centres.centre_needs_parent_centre"))
    for item in raw.get("services") or []:
        sid = item.get("id") if isinstance(item, dict) else item
        fee = item.get("fee") if isinstance(item, dict) else None
        if fee is not None and (not isinstance(fee, int) or isinstance(fee, bool) or fee < 0):
            problems.append(Problem(file, {"lo": f"ຄ່າທຳນຽມສະເພາະຂອງ {sid!r} ທີ່ {cid!r} ຕ້ອງເປັນກີບເຕັມ, 0 ຂຶ້ນໄປ", "en": f"fee override for {sid!r} at {cid!r} must be whole kip, 0 or more"},
                                    line=line_of(item), code="centres.fee_override_at_whole"))
            fee = None
        centre["services"].append({"id": str(sid), "fee": fee, "_line": line_of(item) or line_of(raw, "services")})
    for office in raw.get("offices") or []:
        if not isinstance(office, dict) or not office.get("id"):
            problems.append(Problem(file, {"lo": f"ຫ້ອງການໜຶ່ງຂອງ {cid!r} ຕ້ອງມີລະຫັດ", "en": f"an office of {cid!r} needs an id"}, line=line_of(office) or line, code="centres.office_needs_id"))
            continue
        office_roles = [str(r) for r in office.get("roles") or []]
        for role in office_roles:
            if role not in roles:
                problems.append(Problem(file, {"lo": f"ຫ້ອງການ {office['id']!r} ມີບົດບາດທີ່ບໍ່ຮູ້ຈັກ {role!r}", "en": f"office {office['id']!r} has unknown role {role!r}"},
                                        {"lo": "ປະກາດມັນໃຕ້ office_roles:", "en": "declare it under office_roles:"}, line_of(office, "roles"), code="centres.office_has_unknown_role"))
        centre["offices"].append({
            "id": str(office["id"]),
            "name": check_text(office.get("name"), file, line_of(office, "name"), f"office {office['id']}", problems),
            "roles": office_roles,
        })
    return centre


def public(centre: dict) -> dict:
    """The centre without loader bookkeeping."""
    out = {k: v for k, v in centre.items() if not k.startswith("_")}
    out["services"] = [{k: v for k, v in s.items() if not k.startswith("_")} for s in centre["services"]]
    return out
