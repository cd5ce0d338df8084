"""The odsc command: init, users create, demo."""
from __future__ import annotations

from engine.accounts import verify_password
from engine.db import db
from engine.models import User


def test_users_create_makes_a_staff_account_with_roles(app, runner):
    result = runner.invoke(args=["users", "create", "clerk.new", "--password", "a-long-password",
                                 "--name", "ນາງ ທົດລອງ", "--centre", "xaysettha", "--role", "front_desk",
                                 "--role", "cashier"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(username="clerk.new").one()
        assert user.centre_id == "xaysettha" and user.role_names == {"front_desk", "cashier"}
        assert user.password_hash.startswith("$argon2id$") and verify_password(user, "a-long-password")


def test_users_create_refuses_a_short_password_and_a_taken_name(app, runner):
    short = runner.invoke(args=["users", "create", "x.y", "--password", "short"])
    assert short.exit_code == 1 and "not created" in short.output
    taken = runner.invoke(args=["users", "create", "desk.xs", "--password", "another-long-one"])
    assert taken.exit_code == 1
    with app.app_context():
        assert db.session.query(User).filter_by(username="x.y").first() is None


def test_init_and_demo_on_an_empty_database(bare_app):
    runner = bare_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "desk.xs" in result.output and "demo-pass-2026" in result.output
    again = runner.invoke(args=["demo"])  # idempotent
    assert again.exit_code == 0
    with bare_app.app_context():
        assert db.session.query(User).filter_by(username="desk.xs").count() == 1
