"""Centres through the admin pages: open one with offices, services and staff; citizens can apply at once;
closing keeps history and refuses new applications; province administrators stay inside their province."""
from __future__ import annotations

import re

import pytest

from engine.accounts import actor_for, create_user
from engine.db import db
from engine.errors import NotAllowed
from engine.models import Application, AuditEvent, Centre, CentreService, Office, User
from engine.runtime.commands import start_application
from tests.admin.admin_helpers import (
    CITIZEN,
    RESIDENCE,
    apply_residence,
    centre_form,
    code_from,
    login,
    staff_form,
)


def _open_naxaythong(client):
    login(client, "admin")
    r = client.post("/admin/centres/new", data=centre_form())
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    assert r.headers["Location"].endswith("/admin/centres/naxaythong")
    return r


def test_admin_opens_a_district_centre_and_citizens_can_apply_there_at_once(app, client):
    _open_naxaythong(client)
    page = client.get("/admin/centres/naxaythong").get_data(as_text=True)
    assert "Naxaythong" in page or "ນາຊາຍທອງ" in page
    codes = {}
    for username, roles in (("desk.nxt", ["front_desk", "cashier"]), ("approver.nxt", ["approver", "supervisor"]),
                            ("village.nxt", ["village_office"])):
        r = client.post("/admin/staff/new", data=staff_form(username, "naxaythong", roles))
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        codes[username] = code_from(r.get_data(as_text=True))
    with app.app_context():
        centre = db.session.get(Centre, "naxaythong")
        assert centre.level == "district" and centre.parent_id == "vte" and centre.active
        assert sorted(o.id for o in centre.offices) == ["naxaythong_front", "naxaythong_governor"]
        assert db.session.get(Office, "naxaythong_front").roles == ["front_desk", "cashier"]
        fee = db.session.get(CentreService, ("naxaythong", "residence_certificate")).fee_override
        assert fee == 20000
        staff = db.session.query(User).filter_by(centre_id="naxaythong").all()
        assert sorted(u.username for u in staff) == ["approver.nxt", "desk.nxt", "village.nxt"]
        assert all(u.password_hash == "" for u in staff)  # nobody knows a password yet
        created = db.session.query(AuditEvent).filter_by(kind="centre.created", centre_id="naxaythong").one()
        assert created.data["before"] is None and created.data["after"]["offices"][0]["id"] == "naxaythong_front"
        assert created.actor_name == "ນາງ ດາລາ"  # a name, not a name with a role in it

    # the citizen applies for a service the centre offers, straight away (no restart)
    login(client, CITIZEN)
    catalogue = client.get("/centres/naxaythong").get_data(as_text=True)
    assert "residence_certificate" in catalogue
    r = apply_residence(client, "naxaythong")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with app.app_context():
        application = db.session.query(Application).filter_by(centre_id="naxaythong").one()
        assert application.fee_amount == 20000
    # ... and a service it does not offer is refused, on the page and in the engine
    assert client.get("/centres/naxaythong/services/construction_permit/apply").status_code == 404
    with app.app_context():
        citizen = db.session.query(User).filter_by(username=CITIZEN).one()
        with pytest.raises(NotAllowed) as refused:
            start_application(service_id="construction_permit", centre_id="naxaythong", data={},
                              actor=actor_for(citizen), locale="en")
        assert refused.value.code == "service_not_offered"
        assert "does not offer" in refused.value.message("en")

    # a new clerk sets a password with the one-time code and sees the centre's work
    client.post("/logout")
    r = client.post("/account/setup", data={"code": codes["desk.nxt"].lower().replace("-", " "),
                                            "password": "naxay-desk-2026", "password2": "naxay-desk-2026"})
    assert r.status_code == 302
    inbox = client.get("/staff/").get_data(as_text=True)
    assert re.findall(r'href="/staff/tasks/([0-9a-f-]{36})"', inbox), "the new clerk sees the new application"
    client.post("/logout")
    login(client, "desk.nxt", "naxay-desk-2026")
    # the code works only once
    r = client.post("/account/setup", data={"code": codes["desk.nxt"], "password": "another-pass-1",
                                            "password2": "another-pass-1"})
    assert r.status_code == 422 and "ໃຊ້ແລ້ວ" in r.get_data(as_text=True)


def test_bad_centre_input_gets_field_errors_and_writes_nothing(app, client):
    login(client, "admin")
    data = centre_form(centre_id="Bad Id", **{"fee-residence_certificate": "lots", "office-1-roles": []})
    r = client.post("/admin/centres/new", data=data)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "ລະຫັດຕ້ອງເປັນຕົວອັກສອນລາຕິນນ້ອຍ" in html
    assert "ເມືອງນາຊາຍທອງ" in html  # nothing typed is lost
    r = client.post("/admin/centres/new?lang=en", data=centre_form(
        **{"fee-residence_certificate": "lots", "office-1-roles": [], "office-1-id": "xaysettha_front"}))
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "The fee must be whole kip" in html and "This office id is already used" in html
    assert "Choose at least one role" in html
    r = client.post("/admin/centres/new?lang=en", data=centre_form(parent="moha"))
    assert r.status_code == 422 and "This parent centre does not fit the level" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Centre, "naxaythong") is None
        assert db.session.get(Office, "xaysettha_front").centre_id == "xaysettha"


def test_edit_offices_services_and_fees_with_before_and_after(app, client):
    _open_naxaythong(client)
    form = centre_form(**{
        "service": ["residence_certificate"], "fee-residence_certificate": "",
        "office_rows": "3", "office-1-remove": "1",
        "office-2-id": "", "office-2-name_lo": "ຫ້ອງການພາຍໃນ", "office-2-name_en": "Home affairs",
        "office-2-roles": ["home_affairs_officer"]})
    del form["id"]
    r = client.post("/admin/centres/naxaythong", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    with app.app_context():
        centre = db.session.get(Centre, "naxaythong")
        assert sorted(o.id for o in centre.offices) == ["naxaythong_front", "naxaythong_office3"]
        offers = {s.service_id: (s.active, s.fee_override) for s in centre.services}
        assert offers == {"residence_certificate": (True, None), "birth_certificate": (False, None)}
        event = db.session.query(AuditEvent).filter_by(kind="centre.updated", centre_id="naxaythong").one()
        assert [s["id"] for s in event.data["before"]["services"]] == ["birth_certificate", "residence_certificate"]
        assert [s["id"] for s in event.data["after"]["services"]] == ["residence_certificate"]
    # saving the same form again changes nothing and records nothing
    client.post("/admin/centres/naxaythong", data=dict(form, **{"office_rows": "2"}) | {
        "office-0-id": "naxaythong_front", "office-1-id": "naxaythong_office3", "office-1-name_lo": "ຫ້ອງການພາຍໃນ",
        "office-1-name_en": "Home affairs", "office-1-roles": ["home_affairs_officer"], "office-1-remove": ""})
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(kind="centre.updated", centre_id="naxaythong").count() == 1


def test_closed_centre_keeps_its_applications_and_refuses_new_ones(app, client):
    login(client, CITIZEN)
    assert apply_residence(client, "xaysettha").status_code == 302
    login(client, "admin")
    r = client.post("/admin/centres/xaysettha/close", data={"reason": "merged into Chanthabouly"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Centre, "xaysettha").active is False
        assert db.session.query(Application).filter_by(centre_id="xaysettha").count() == 1
        closed = db.session.query(AuditEvent).filter_by(kind="centre.closed").one()
        assert closed.data["reason"] == "merged into Chanthabouly"
        citizen = db.session.query(User).filter_by(username=CITIZEN).one()
        with pytest.raises(NotAllowed) as refused:
            start_application(service_id="residence_certificate", centre_id="xaysettha", data=RESIDENCE,
                              actor=actor_for(citizen), locale="lo")
        assert refused.value.message("lo") == "ສູນນີ້ປິດແລ້ວ, ບໍ່ຮັບຄຳຮ້ອງໃໝ່"
    login(client, CITIZEN)
    refused_page = apply_residence(client, "xaysettha")
    assert refused_page.status_code == 409
    assert "ສູນນີ້ປິດແລ້ວ, ບໍ່ຮັບຄຳຮ້ອງໃໝ່" in refused_page.get_data(as_text=True)
    assert client.get("/centres/xaysettha?lang=en").status_code == 409
    assert client.get("/my").status_code == 200  # the citizen still sees the application
    login(client, "admin")
    client.post("/admin/centres/xaysettha/reopen")
    login(client, CITIZEN)
    assert apply_residence(client, "xaysettha").status_code == 302


def _province_admin(app, username="admin.vte", centre="vte"):
    with app.app_context():
        create_user(username, "province-pass-1", full_name="Province admin", centre_id=centre, roles=["admin"])
        db.session.commit()


def test_province_admin_manages_only_their_province(app, client):
    _province_admin(app)
    login(client, "admin.vte", "province-pass-1")
    listing = client.get("/admin/").get_data(as_text=True)
    assert 'id="centre-xaysettha"' in listing and 'id="centre-vte"' in listing
    assert 'id="centre-pakse"' not in listing and 'id="centre-moha"' not in listing
    # a centre outside the province: neither shown nor editable nor closable
    assert client.get("/admin/centres/pakse").status_code == 403
    form = centre_form(centre_id="pakse", parent="champasak")
    del form["id"]
    assert client.post("/admin/centres/pakse", data=form).status_code == 403
    assert client.post("/admin/centres/pakse/close", data={"reason": "x"}).status_code == 403
    # nor can they open a centre in another province or move one out of theirs
    r = client.post("/admin/centres/new", data=centre_form(centre_id="newpakse", parent="champasak"))
    assert r.status_code in (403, 422)
    assert client.post("/admin/centres/new", data=centre_form()).status_code == 302  # inside: fine
    moved = centre_form(parent="champasak")
    del moved["id"]
    r = client.post("/admin/centres/naxaythong?lang=en", data=moved)
    assert r.status_code == 422 and "You cannot place a centre under this one" in r.get_data(as_text=True)
    # staff outside the province are out of reach too
    with app.app_context():
        pakse_user = create_user("desk.pakse", "desk-pass-2026", centre_id="pakse", roles=["front_desk"])
        db.session.commit()
        pid = pakse_user.id
    assert client.get(f"/admin/staff/{pid}").status_code == 403
    assert client.post(f"/admin/staff/{pid}/deactivate").status_code == 403
    r = client.post("/admin/staff/new", data=staff_form("desk.x2", "pakse", ["front_desk"]))
    assert r.status_code == 403
    with app.app_context():
        assert db.session.get(Centre, "pakse").active is True
        assert db.session.query(User).filter_by(username="desk.x2").first() is None


def test_only_admins_reach_the_admin_pages(client):
    assert client.get("/admin/").status_code == 302  # to the login page
    login(client, "supervisor.xs")
    for url in ("/admin/", "/admin/centres/new", "/admin/staff", "/admin/audit", "/admin/centres/xaysettha"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/centres/xaysettha/close", data={"reason": "x"}).status_code == 403
    login(client, CITIZEN)
    assert client.get("/admin/").status_code == 403


def test_changes_take_effect_at_once_cached_dashboards_are_dropped(app, client):
    from engine.stats import TTLCache

    with app.app_context():
        cache = app.extensions.setdefault("odsc_monitor_cache", TTLCache(ttl=600))
        cache.get_or_compute(("dash", "vte"), lambda: "stale figures")
        assert cache.get_or_compute(("dash", "vte"), lambda: "fresh figures") == "stale figures"
    _open_naxaythong(client)
    with app.app_context():
        assert cache.get_or_compute(("dash", "vte"), lambda: "fresh figures") == "fresh figures"
    # the public catalogue lists the new centre under its province straight away
    assert "ເມືອງນາຊາຍທອງ" in client.get("/centres").get_data(as_text=True)


def test_admin_pages_are_in_lao_by_default(client):
    login(client, "admin")
    html = client.get("/admin/centres/new").get_data(as_text=True)
    assert "ເປີດສູນໃໝ່" in html and "ບໍລິການທີ່ໃຫ້" in html
    for english in ("Open a new centre", "Services offered", "Parent centre", "Remove this office"):
        assert english not in html
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "ບັນທຶກການກວດສອບ" in html and "Kind of change" not in html


def test_a_centres_time_zone_is_set_on_the_form_checked_and_shown(app, client):
    login(client, "admin")
    for lang, message in (("lo", "ເຂດເວລານີ້ບໍ່ຮູ້ຈັກ"), ("en", "Unknown time zone")):
        r = client.post(f"/admin/centres/new?lang={lang}", data=centre_form(timezone="Asia/Vientaine"))
        html = r.get_data(as_text=True)
        assert r.status_code == 422 and message in html and 'id="err-timezone"' in html
        assert 'value="Asia/Vientaine"' in html  # what was typed is kept
    with app.app_context():
        assert db.session.get(Centre, "naxaythong") is None
    r = client.post("/admin/centres/new", data=centre_form(timezone="Asia/Bangkok"))
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Centre, "naxaythong").timezone == "Asia/Bangkok"
        created = db.session.query(AuditEvent).filter_by(kind="centre.created", centre_id="naxaythong").one()
        assert created.data["after"]["timezone"] == "Asia/Bangkok"
    page = client.get("/admin/centres/naxaythong?lang=en").get_data(as_text=True)
    assert 'name="timezone" value="Asia/Bangkok"' in page
    listing = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "Time zone: Asia/Bangkok" in listing and "Time zone: Asia/Vientiane" in listing
    # editing keeps the zone unless changed; a bad one changes nothing
    r = client.post("/admin/centres/naxaythong", data=centre_form(timezone="Mars/Olympus"))
    assert r.status_code == 422
    with app.app_context():
        assert db.session.get(Centre, "naxaythong").timezone == "Asia/Bangkok"
