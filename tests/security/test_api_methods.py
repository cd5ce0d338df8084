"""Finding 17 (part): 405 answers carry `Allow` and, under /api/, problem+json (TRACE too); OPTIONS
advertises only the methods the API declares."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE"])
def test_405_is_problem_json_with_allow(client, method):
    r = client.open("/api/v1/centres", method=method)
    assert r.status_code == 405
    assert r.content_type == "application/problem+json"
    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_options_lists_only_declared_methods(client):
    r = client.open("/api/v1/auth/token", method="OPTIONS")
    assert r.status_code == 204
    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"POST", "DELETE", "OPTIONS"}
    r = client.open("/api/v1/applications/1", method="OPTIONS")
    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_web_405_has_allow(client):
    r = client.open("/centres", method="TRACE")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
