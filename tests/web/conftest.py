"""Fixtures of the web tests."""
from __future__ import annotations

import re

import pytest

from tests.web.web_helpers import CITIZEN, apply_residence, login


@pytest.fixture
def submitted(app, client):
    """A residence certificate application sent online by the demo citizen: (app id, tracking code)."""
    login(client, CITIZEN)
    response = apply_residence(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    app_id = int(re.search(r"/applications/(\d+)/receipt", response.location).group(1))
    from engine.db import db
    from engine.models import Application

    with app.app_context():
        code = db.session.get(Application, app_id).tracking_code
    client.post("/logout")
    return app_id, code



@pytest.fixture
def make_app(request, database_template, tmp_path):
    """Build another app over a fresh copy of the test database, with config overrides."""
    from tests.web.web_helpers import root_make_app

    factory = root_make_app(request.config)
    return lambda **config: factory(database_template, tmp_path, **config)
