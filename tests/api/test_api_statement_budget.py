"""What one API request costs the database, counted with SQLAlchemy events (web.sqlcount): deterministic,
so asserted here; speed itself is measured by `python -m bench http`, never timed in a test."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.api.api_helpers import CITIZEN, Api, start_residence
from tests.conftest import make_app

# one completion request: the auth revision (with the calendar version), the task with its application,
# centre and service, the ready task rows, the step's writes (workflow rows, application, task rows,
# milestone, audit, outbox, idempotency record) and the milestones for the answer. Per step of the approve
# path (issue 17; main before it: 31 / 23 / 29 / 33 / 27): see README, "What stands in the way".
COMPLETION_STATEMENTS = 18  # the most of one step: the payment step, which issues the certificate
COMPLETION_STATEMENTS_TOTAL = 71  # the five steps together (14, 12, 14, 18, 13)


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


PATH = [("desk.xs", {"decision": "approve"}), ("officer.xs", {"decision": "approve"}),
        ("approver.xs", {"decision": "approve"}), ("cashier.xs", {"receipt_number": "R-1", "amount_paid": 25000}),
        ("desk.xs", {"handed_over": True})]


def test_a_completion_is_one_commit_of_few_statements(counted):
    """The whole approve path (milestones, the payment step, the certificate issued, the case closed); each
    answer is built from what the command holds and equals a fresh read of the application."""
    api = Api(counted.test_client())
    citizen = api.login(CITIZEN)
    staff = {name: api.login(name) for name in ("desk.xs", "officer.xs", "approver.xs", "cashier.xs")}
    detail = start_residence(citizen, **{"Idempotency-Key": uuid.uuid4().hex}).get_json()
    costs = []
    for name, data in PATH:
        staff[name].get("/me")  # the token is cached from here on, as for any client after its first call
        task = detail["waiting_for"][0]["id"]
        response = staff[name].post(f"/tasks/{task}/complete", json={"data": data},
                                    headers={"Idempotency-Key": uuid.uuid4().hex,
                                             "If-Match": f'"{detail["version"]}"'})
        assert response.status_code == 200, response.get_data(as_text=True)
        detail = response.get_json()
        costs.append(cost(response))
        fresh = staff[name].get(f"/applications/{detail['id']}")
        assert fresh.get_json() == detail
        assert fresh.headers["ETag"] == response.headers["ETag"]
    assert detail["milestone"] == "completed"
    assert all(commits == 1 for _statements, commits in costs), costs
    assert all(statements <= COMPLETION_STATEMENTS for statements, _commits in costs), costs
    assert sum(statements for statements, _commits in costs) <= COMPLETION_STATEMENTS_TOTAL, costs
