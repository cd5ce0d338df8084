"""Background work: due timers, notifications, connectors and incidents.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "due_timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("element", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("connector", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_due_timer_application_id_application")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_timer")),
        sa.UniqueConstraint("application_id", "task_id", name="uq_due_timer_application_task"),
    )
    op.create_index("ix_due_timer_due_at", "due_timer", ["due_at"])
    op.create_index(op.f("ix_due_timer_application_id"), "due_timer", ["application_id"])

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=160), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("centre_id", sa.String(length=64), nullable=True),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_notification_application_id_application")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("event_key", "channel", name="uq_notification_event_channel"),
    )
    op.create_index("ix_notification_status_next", "notification", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_notification_application_id"), "notification", ["application_id"])

    op.create_table(
        "sequence",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=128), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "scope", name=op.f("pk_sequence")),
    )

    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("element", sa.String(length=128), nullable=False),
        sa.Column("connector", sa.String(length=64), nullable=True),
        sa.Column("due_timer_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_incident_application_id_application")),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["user_account.id"],
                                name=op.f("fk_incident_resolved_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    op.create_index("ix_incident_centre_status", "incident", ["centre_id", "status"])
    op.create_index(op.f("ix_incident_application_id"), "incident", ["application_id"])


def downgrade():
    op.drop_index(op.f("ix_incident_application_id"), table_name="incident")
    op.drop_index("ix_incident_centre_status", table_name="incident")
    op.drop_table("incident")
    op.drop_table("sequence")
    op.drop_index(op.f("ix_notification_application_id"), table_name="notification")
    op.drop_index("ix_notification_status_next", table_name="notification")
    op.drop_table("notification")
    op.drop_index(op.f("ix_due_timer_application_id"), table_name="due_timer")
    op.drop_index("ix_due_timer_due_at", table_name="due_timer")
    op.drop_table("due_timer")
