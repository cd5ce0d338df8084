"""Fixtures of the API tests (helpers in tests/api/api_helpers.py)."""
import pytest

from tests.api.api_helpers import CITIZEN, Api


@pytest.fixture
def api(app, client):
    app.config["API_PROPAGATE_ERRORS"] = True  # a server error fails the test with its traceback
    return Api(client)


@pytest.fixture
def citizen(api):
    return api.login(CITIZEN)


@pytest.fixture
def desk(api):
    return api.login("desk.xs")
