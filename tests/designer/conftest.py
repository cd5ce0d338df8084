"""Fixtures of the designer tests."""
from __future__ import annotations

import pytest

from tests.designer.designer_helpers import login


@pytest.fixture
def designer(client):
    login(client, "designer")
    return client
