"""Fault 10 of issue 16 (part): administrators see incidents and failed messages of every centre on one page,
in Lao and English, filter them and retry them in bulk; others get 403."""
from __future__ import annotations

from tests.web.web_helpers import CITIZEN, apply_residence, login


def _failed_message(app, client) -> tuple[int, int]:
    """A citizen applies; its SMS then fails every attempt (as the worker records it) and opens an incident."""
    from engine import incidents
    from engine.db import db
    from engine.models.jobs import Notification

    login(client, CITIZEN)
    assert apply_residence(client).status_code in (302, 303)
    client.post("/logout")
    with app.app_context():
        n = db.session.query(Notification).filter_by(channel="sms").first()
        n.status, n.attempts, n.last_error = "failed", 6, "SMS gateway answered 503"
        incident = incidents.open_notification_incident(n.id, "SMS gateway answered 503")
        db.session.commit()
        return n.id, incident.id


def test_admin_sees_every_centre_and_retries_in_bulk(app, client):
    from engine.db import db
    from engine.models.jobs import Incident, Notification

    message_id, incident_id = _failed_message(app, client)
    login(client, "admin")
    page = client.get("/ops/console?lang=lo")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "ໜ້າຄວບຄຸມການດຳເນີນງານ" in html and "SMS gateway answered 503" in html
    assert f'value="{incident_id}"' in html and f'value="{message_id}"' in html
    english = client.get("/ops/console?lang=en&centre=xaysettha&kind=notification&channel=sms").get_data(as_text=True)
    assert "Operations console" in english and f'value="{incident_id}"' in english
    other = client.get("/ops/console?centre=pakse").get_data(as_text=True)
    assert f'value="{incident_id}"' not in other and f'value="{message_id}"' not in other

    nothing = client.post("/ops/console/retry", data={})
    assert nothing.status_code == 302
    done = client.post("/ops/console/retry", data={"incident": [str(incident_id)], "message": [str(message_id)]})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Incident, incident_id).status == "retried"
        # retried: the embedded mode sends it at once through the outbox provider of the test set-up
        assert db.session.get(Notification, message_id).status in ("pending", "sent")
        assert db.session.get(Notification, message_id).attempts <= 1


def test_the_console_is_for_administrators_only(app, client):
    for username in ("supervisor.xs", "monitor.moha", "desk.xs"):
        login(client, username)
        assert client.get("/ops/console").status_code == 403, username
        assert client.post("/ops/console/retry", data={"message": ["1"]}).status_code == 403, username
