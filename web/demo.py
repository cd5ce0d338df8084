"""Demo data for the embedded mode: the seed catalogue and one account for every role."""
from __future__ import annotations

from flask import current_app

from engine.accounts import create_user
from engine.catalogue.loader import load_catalogue
from engine.catalogue.publish import publish_catalogue
from engine.db import db
from engine.models import User

DEMO_PASSWORD = "demo-pass-2026"
# (username, name, centre, roles)
DEMO_STAFF = [
    ("desk.xs", "ນາງ ແສງເດືອນ", "xaysettha", ["front_desk"]),
    ("officer.xs", "ທ້າວ ບຸນມີ", "xaysettha",
     ["home_affairs_officer", "public_security_officer", "public_works_officer", "commerce_officer",
      "land_officer", "tourism_officer", "village_office"]),
    ("approver.xs", "ທ່ານ ສົມພອນ", "xaysettha", ["approver"]),
    ("cashier.xs", "ນາງ ມະນີ", "xaysettha", ["cashier"]),
    ("supervisor.xs", "ທ່ານ ຄຳມາ", "xaysettha", ["supervisor", "front_desk"]),
    ("desk.ctb", "ນາງ ນ້ອຍ", "chanthabouly", ["front_desk"]),
    ("monitor.vte", "ທ່ານ ວິໄລ", "vte", ["monitor"]),
    ("monitor.moha", "ທ່ານ ນິສິດ", "moha", ["monitor"]),
    ("designer", "ທ້າວ ພູວົງ", "moha", ["designer"]),
    ("admin", "ນາງ ດາລາ", "moha", ["admin"]),
]
DEMO_CITIZEN = ("02055551234", "ທ້າວ ສົມຊາຍ ພົມມະຈັນ")


def load_demo() -> list[str]:
    cat = load_catalogue(current_app.config["CATALOGUE_DIR"])
    if cat.errors:
        return [str(p) for p in cat.errors] + ["catalogue has errors: demo not loaded"]
    summary = publish_catalogue(cat)
    lines = [f"catalogue: {len(summary['services'])} services, {len(cat.centres)} centres"]
    known_centres = {c["id"] for c in cat.centres}
    for username, name, centre, roles in DEMO_STAFF:
        if centre in known_centres and db.session.query(User).filter_by(username=username).first() is None:
            create_user(username, DEMO_PASSWORD, full_name=name, centre_id=centre, roles=roles)
    phone, name = DEMO_CITIZEN
    if db.session.query(User).filter_by(username=phone).first() is None:
        create_user(phone, DEMO_PASSWORD, full_name=name, kind="citizen", phone=phone)
    db.session.commit()
    lines.append(f"demo logins (password for all: {DEMO_PASSWORD}):")
    for username, _name, centre, roles in DEMO_STAFF:
        lines.append(f"  {username:<14} {centre:<13} {', '.join(roles)[:60]}")
    lines.append(f"  {phone:<14} citizen")
    return lines
