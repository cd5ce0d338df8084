"""The centres file and the database, one truth: export the database's office roles and centres in the
format of workflows/centres.yaml, and import such a file (with a dry run listing what would change).

Importing the file just exported changes nothing. Centres absent from an imported file are left as they
are (close a centre with `active: false`, never by deleting it: its history stays).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from sqlalchemy import select

from engine.admin.centres import invalidate_caches, normalise, text_errors, tree_order
from engine.admin.errors import text as admin_text
from engine.audit import SYSTEM, Actor
from engine.catalogue.centres import parse_centres
from engine.catalogue.problems import Problem
from engine.catalogue.publish import apply_centres, centre_snapshot
from engine.catalogue.yamlio import YamlError, load_yaml
from engine.db import db
from engine.models import Centre, Office, OfficeRole, Service

HEADER = ("# Centres of the ODSC platform, exported from the database (odsc centres export).\n"
          "# Fees in kip; a service's `fee` here overrides the service's default fee at that centre.\n"
          "# Apply an edited copy with: odsc centres import FILE --dry-run, then without --dry-run.\n")


class _Flow(dict):
    pass


class _FlowList(list):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                                                   flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data,
                                                                       flow_style=True))
_Dumper.add_representer(dict, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                                                  flow_style=False))


def _t(text: dict) -> _Flow:
    return _Flow(lo=text["lo"], en=text["en"])


def export_doc() -> dict:
    roles = {r.id: _Flow(lo=r.name_lo, en=r.name_en)
             for r in db.session.execute(select(OfficeRole).order_by(OfficeRole.id)).scalars()}
    centres = []
    for row in tree_order(list(db.session.execute(select(Centre)).scalars())):
        snap = centre_snapshot(row)
        entry = {"id": snap["id"], "name": _t(snap["name"]), "level": snap["level"], "parent": snap["parent"],
                 "address": _t(snap["address"]), "phone": snap["phone"], "opening_hours": _t(snap["opening_hours"]),
                 "timezone": snap["timezone"]}
        if not snap["active"]:
            entry["active"] = False
        entry["services"] = [_Flow(id=s["id"], fee=s["fee"]) if s["fee"] is not None else _Flow(id=s["id"])
                             for s in snap["services"]]
        entry["offices"] = [{"id": o["id"], "name": _t(o["name"]), "roles": _FlowList(o["roles"])}
                            for o in snap["offices"]]
        centres.append(entry)
    return {"office_roles": roles, "centres": centres}


def export_yaml() -> str:
    return HEADER + yaml.dump(export_doc(), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                              default_flow_style=False)


@dataclass
class ImportPlan:
    roles: dict = field(default_factory=dict)
    centres: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # one human-readable line per change

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _diff_centre(before: dict | None, after: dict) -> list[str]:
    cid = after["id"]
    if before is None:
        return [f"create centre {cid} ({after['level']}, parent {after['parent']}): "
                f"{len(after['offices'])} offices, {len(after['services'])} services"]
    out = []
    for key in ("name", "level", "parent", "address", "phone", "opening_hours", "timezone"):
        if before[key] != after[key]:
            out.append(f"centre {cid}: {key} {before[key]!r} -> {after[key]!r}")
    if before["active"] != after["active"]:
        out.append(f"centre {cid}: {'reopen' if after['active'] else 'close'}")
    old_s = {s["id"]: s["fee"] for s in before["services"]}
    new_s = {s["id"]: s["fee"] for s in after["services"]}
    for sid in sorted(new_s.keys() - old_s.keys()):
        out.append(f"centre {cid}: offer {sid}" + (f" (fee {new_s[sid]})" if new_s[sid] is not None else ""))
    for sid in sorted(old_s.keys() - new_s.keys()):
        out.append(f"centre {cid}: stop offering {sid}")
    for sid in sorted(old_s.keys() & new_s.keys()):
        if old_s[sid] != new_s[sid]:
            out.append(f"centre {cid}: fee of {sid} {old_s[sid]} -> {new_s[sid]}")
    old_o = {o["id"]: o for o in before["offices"]}
    new_o = {o["id"]: o for o in after["offices"]}
    for oid in sorted(new_o.keys() - old_o.keys()):
        out.append(f"centre {cid}: add office {oid} ({', '.join(new_o[oid]['roles'])})")
    for oid in sorted(old_o.keys() - new_o.keys()):
        out.append(f"centre {cid}: remove office {oid}")
    for oid in sorted(old_o.keys() & new_o.keys()):
        if old_o[oid] != new_o[oid]:
            out.append(f"centre {cid}: change office {oid}")
    return out


def plan_import(text: str, file: str = "centres.yaml") -> ImportPlan:
    """Parse and check a centres file against the database; list the changes applying it would make."""
    plan = ImportPlan()
    try:
        doc = load_yaml(text)
    except YamlError as exc:
        plan.problems.append(exc.finding(file))
        return plan
    roles, centres = parse_centres(doc, file, plan.problems)
    plan.roles = roles
    known_roles = {r.id: {"lo": r.name_lo, "en": r.name_en}
                   for r in db.session.execute(select(OfficeRole)).scalars()}
    for rid, names in roles.items():
        if rid not in known_roles:
            plan.changes.append(f"add office role {rid}")
        elif known_roles[rid] != names:
            plan.changes.append(f"rename office role {rid}")
    declared = {c["id"] for c in centres}
    services = set(db.session.execute(select(Service.id)).scalars())
    all_roles = set(known_roles) | set(roles)
    for c in centres:
        if c["parent"] and c["parent"] not in declared and db.session.get(Centre, c["parent"]) is None:
            plan.problems.append(Problem(
                file, {"lo": f"ສູນ {c['id']} ມີສູນແມ່ {c['parent']} ທີ່ບໍ່ມີຢູ່",
                       "en": f"centre {c['id']} has an unknown parent {c['parent']}"},
                {"lo": "ຂຽນສູນແມ່ໄວ້ໃນໄຟລ໌ດຽວກັນ ຫຼື ສ້າງມັນກ່ອນ", "en": "declare the parent in the same file, or create it first"},
                line=c.get("_line")))
        for s in c["services"]:
            if s["id"] not in services:
                plan.problems.append(Problem(
                    file, {"lo": f"ສູນ {c['id']} ໃຫ້ບໍລິການ {s['id']} ທີ່ບໍ່ມີຢູ່",
                           "en": f"centre {c['id']} offers an unknown service {s['id']}"},
                    {"lo": "ເຜີຍແຜ່ບໍລິການກ່ອນ", "en": "publish the service first"}, s.get("_line")))
        for o in c["offices"]:
            for role in o["roles"]:
                if role not in all_roles:
                    plan.problems.append(Problem(
                        file, {"lo": f"ຫ້ອງການ {o['id']} ມີບົດບາດ {role} ທີ່ບໍ່ມີຢູ່",
                               "en": f"office {o['id']} has an unknown office role {role}"},
                        {"lo": "ເພີ່ມບົດບາດໃນ office_roles ກ່ອນ", "en": "add the role under office_roles first"},
                        line=c.get("_line")))
            other = db.session.get(Office, o["id"])
            if other is not None and other.centre_id != c["id"]:
                plan.problems.append(Problem(
                    file, {"lo": f"ລະຫັດຫ້ອງການ {o['id']} ຂອງ {c['id']} ເປັນຂອງສູນ {other.centre_id} ແລ້ວ",
                           "en": f"the office id {o['id']} of {c['id']} belongs to the centre {other.centre_id}"},
                    {"lo": "ໃຊ້ລະຫັດຫ້ອງການອື່ນ", "en": "choose another office id"}, line=c.get("_line")))
        decl = normalise({k: v for k, v in c.items() if not k.startswith("_")})
        for name, code in text_errors(decl).items():  # the same input boundary as the admin form
            plan.problems.append(Problem(file, f"centre {c['id']!r}: {name}: {admin_text(code, 'en')}",
                                         line=c.get("_line")))
        plan.centres.append(decl)
        plan.changes.extend(_diff_centre(centre_snapshot(db.session.get(Centre, c["id"])), decl))
    return plan


def import_text(text: str, *, dry_run: bool = False, actor: Actor = SYSTEM, file: str = "centres.yaml") -> ImportPlan:
    """Apply a centres file in one transaction (nothing on a dry run or when the file has errors)."""
    plan = plan_import(text, file)
    if dry_run or plan.errors or not plan.changes:
        return plan
    try:
        apply_centres(plan.roles, plan.centres, actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    invalidate_caches()
    return plan
