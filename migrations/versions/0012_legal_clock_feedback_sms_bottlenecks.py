"""The legal clock (pauses while returned), feedback per service, inbound status SMS, element time rollups.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("clock_paused_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paused_working_days", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("working_days_taken", sa.Integer(), nullable=True))
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("service_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("working_days", sa.Integer(), nullable=True))
    # earlier tasks: their service from the application; their working days stay unknown (not on the map)
    op.execute("UPDATE task SET service_id = (SELECT a.service_id FROM application a WHERE a.id = task.application_id)")
    op.create_index("ix_task_elements", "task", ["service_id", "completed_at", "bpmn_id", "working_days", "centre_id"])
    op.create_index("ix_task_waiting", "task", ["service_id", "state", "bpmn_id", "centre_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], name="fk_feedback_application_id_application"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("application_id", name="uq_feedback_application_id"),
    )
    op.create_index("ix_feedback_service_centre", "feedback", ["service_id", "centre_id"])
    op.create_table(
        "inbound_sms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("signature_hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_sms"),
        sa.UniqueConstraint("signature_hash", name="uq_inbound_sms_signature_hash"),
    )
    op.create_index("ix_inbound_sms_phone_at", "inbound_sms", ["phone_hash", "received_at"])


def downgrade():
    op.drop_index("ix_inbound_sms_phone_at", table_name="inbound_sms")
    op.drop_table("inbound_sms")
    op.drop_index("ix_feedback_service_centre", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_task_waiting", table_name="task")
    op.drop_index("ix_task_elements", table_name="task")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("working_days")
        batch.drop_column("service_id")
    with op.batch_alter_table("application") as batch:
        batch.drop_column("working_days_taken")
        batch.drop_column("paused_working_days")
        batch.drop_column("clock_paused_since")
