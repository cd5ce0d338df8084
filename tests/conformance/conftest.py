"""Fixtures of the conformance suite: `conf` is an app context on a fresh database with the demo accounts."""
from __future__ import annotations

import pytest


@pytest.fixture
def conf(app):
    with app.app_context():
        yield app
