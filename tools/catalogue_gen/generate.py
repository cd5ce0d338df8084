"""Generate the seed service catalogue: workflows/*/process.bpmn + service.yaml, workflows/centres.yaml,
workflows/holidays.yaml and forms/*.yaml.

    .venv/bin/python tools/catalogue_gen/generate.py

The generated files are plain data: once written they may be edited by hand or in a BPMN modeler
(re-running this script overwrites them).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from centres_data import _FIXED, _LUNAR, CENTRES, ESTIMATED, HOURS, OFFICE_ROLES, OFFICES  # noqa: E402
from forms_data import FORMS  # noqa: E402
from services_data import SERVICES  # noqa: E402
from yamlout import Flow, FlowList, T, dump  # noqa: E402

ROOT = HERE.parent.parent
HEADER = "# Seed catalogue of the ODSC platform (first written by tools/catalogue_gen/generate.py).\n"


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main():
    service_roles = {}
    for build in SERVICES:
        proc, svc, title = build()
        d = ROOT / "workflows" / proc.id
        write(d / "process.bpmn", proc.to_xml(title))
        write(d / "service.yaml", dump(svc, HEADER))
        service_roles[proc.id] = {r for r in svc["lanes"].values() if r != "applicant"}

    for f in FORMS:
        write(ROOT / "forms" / f"{f['id']}.yaml", dump(f, HEADER))

    centres = []
    for cid, level, parent, (slo, sen), (alo, aen), phone, services in CENTRES:
        needed = set().union(*(service_roles[s] for s, _ in services))
        offices = []
        for suffix, olo, oen, roles in OFFICES[level]:
            if needed & set(roles):
                offices.append({"id": f"{cid}_{suffix}", "name": T(olo.format(lo=slo), oen.format(en=sen)),
                                "roles": FlowList(roles)})
        svcs = []
        for sid, fee in services:
            svcs.append(Flow(id=sid, fee=fee) if fee is not None else Flow(id=sid))
        centres.append({
            "id": cid, "name": T(slo, sen), "level": level, "parent": parent,
            "address": T(alo, aen), "phone": phone, "opening_hours": HOURS,
            "services": svcs, "offices": offices,
        })
    write(ROOT / "workflows" / "centres.yaml",
          dump({"office_roles": OFFICE_ROLES, "centres": centres},
               HEADER + "# Addresses and phone numbers are demo placeholders. Fees in kip; a service's `fee` here\n"
                        "# overrides the service's default fee at that centre.\n"))

    lines = [HEADER.rstrip("\n"),
             "# Lao public holidays (non-working days for time limits). Fixed dates from the official calendar;",
             "# entries marked `# est.` are estimates (lunar calendar or unconfirmed) and must be checked against",
             "# the government's yearly announcement. Add substitute days when a holiday falls on a weekend.",
             "holidays:"]
    for year in (2026, 2027):
        items = [(md, lo, en, md in ESTIMATED) for md, lo, en in _FIXED]
        items += [(md, lo, en, True) for md, lo, en in _LUNAR[year]]
        items.sort()
        for md, lo, en, est in items:
            comment = "  # est." if est else ""
            lines.append(f'  - {{date: {year}-{md}, name: {{lo: "{lo}", en: "{en}"}}}}{comment}')
    write(ROOT / "workflows" / "holidays.yaml", "\n".join(lines) + "\n")
    print("written:", len(SERVICES), "services,", len(FORMS), "forms,", len(centres), "centres")


if __name__ == "__main__":
    main()
