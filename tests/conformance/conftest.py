"""Fixtures of the conformance suite: `conf` is an app context on a fresh database with the demo accounts."""
from __future__ import annotations

import pytest


@pytest.fixture
def conf(app):
    # jobs run when the harness says, after a restart, not inside the command's process state
    app.extensions["odsc_publisher"].eager = False
    with app.app_context():
        yield app
