"""What one API request costs the database, counted with SQLAlchemy events (web.sqlcount): deterministic,
so asserted here; speed itself is measured by `python -m bench http`, never timed in a test."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.api.api_helpers import CITIZEN, Api, start_residence
from tests.conftest import make_app

# one completion request: auth revision, idempotency lookup, task + application, ready tasks, the writes of
# the step (workflow rows, application, task rows, audit, idempotency record) and the response's reads
# measured on the merged round (legal clock, province calendars, document ownership checks added reads): 23-31;
# issue 17 aims at 10: see README, "What stands in the way". A regression guard, not the target.
COMPLETION_STATEMENTS = 31


@pytest.fixture
def counted(database_template, tmp_path):
    app = make_app(database_template, tmp_path, SQL_COUNT=True, API_PROPAGATE_ERRORS=True)
    yield app
    from engine.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def cost(response) -> tuple[int, int]:
    return int(response.headers["X-SQL-Statements"]), int(response.headers["X-SQL-Commits"])


def test_a_known_token_costs_one_indexed_read(counted):
    api = Api(counted.test_client())
    citizen = api.login(CITIZEN)
    citizen.get("/me")
    assert cost(citizen.get("/me")) == (1, 0)  # the auth revision; the account comes from the cache


def _raw(app, sql: str, **params) -> None:
    """Another process's change (an operator's SQL, another worker): not through this process's code."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(text(sql), params)
    engine.dispose()


def test_revocation_deactivation_and_role_changes_elsewhere_take_effect_at_once(counted):
    api = Api(counted.test_client())
    citizen, desk, cashier = api.login(CITIZEN), api.login("desk.xs"), api.login("cashier.xs")
    for who in (citizen, desk, cashier):
        assert who.get("/me").status_code == 200  # cached now
    _raw(counted, "UPDATE api_token SET revoked = CURRENT_TIMESTAMP WHERE id = "
                  "(SELECT max(id) FROM api_token WHERE user_id = (SELECT id FROM user_account WHERE username = :u))",
         u=CITIZEN)
    assert citizen.get("/me").status_code == 401
    _raw(counted, "UPDATE user_account SET active = false WHERE username = 'desk.xs'")
    assert desk.get("/me").status_code == 401
    _raw(counted, "INSERT INTO user_role (user_id, role) SELECT id, 'supervisor' FROM user_account "
                  "WHERE username = 'cashier.xs'")
    assert cashier.get("/me").get_json()["roles"] == ["cashier", "supervisor"]
    _raw(counted, "UPDATE user_account SET session_epoch = session_epoch + 1 WHERE username = 'cashier.xs'")
    assert cashier.get("/me").status_code == 401


def test_a_completion_is_one_commit_of_few_statements(counted):
    api = Api(counted.test_client())
    citizen = api.login(CITIZEN)
    staff = {name: api.login(name) for name in ("desk.xs", "officer.xs", "approver.xs")}
    detail = start_residence(citizen, **{"Idempotency-Key": uuid.uuid4().hex}).get_json()
    costs = []
    for name in ("desk.xs", "officer.xs", "approver.xs"):
        staff[name].get("/me")  # the token is cached from here on, as for any client after its first call
        task = detail["waiting_for"][0]["id"]
        response = staff[name].post(f"/tasks/{task}/complete", json={"data": {"decision": "approve"}},
                                    headers={"Idempotency-Key": uuid.uuid4().hex,
                                             "If-Match": f'"{detail["version"]}"'})
        assert response.status_code == 200, response.get_data(as_text=True)
        detail = response.get_json()
        costs.append(cost(response))
    assert detail["milestone"] == "payment"
    assert all(commits == 1 for _statements, commits in costs), costs
    assert all(statements <= COMPLETION_STATEMENTS for statements, _commits in costs), costs
