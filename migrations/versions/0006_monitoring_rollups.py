"""Monitoring: covering indexes for the dashboard queries and a daily rollup of closed days.

The dashboard queries (engine/stats/dashboard.py) group over these covering indexes (index-only scans on
PostgreSQL); days that ended more than a day ago are read from stats_daily, filled lazily by
engine/stats/rollup.py. Models in engine/models/stats.py.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = "status IN ('submitted', 'in_progress', 'returned')"
READY = "state = 'ready'"


def upgrade():
    op.create_table(
        "stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "centre_id", name=op.f("pk_stats_daily")),
    )
    op.create_table(
        "stats_day_done",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_stats_day_done")),
    )
    op.create_index("ix_application_stats_submitted", "application", ["submitted_at", "centre_id"])
    op.create_index("ix_application_stats_closed", "application",
                    ["completed_at", "centre_id", "status", "due_date", "service_id", "submitted_at"])
    op.create_index("ix_application_stats_centre_closed", "application",
                    ["centre_id", "completed_at", "status", "due_date", "service_id", "submitted_at"])
    op.create_index("ix_application_stats_open", "application", ["centre_id", "status", "submitted_at", "due_date"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index("ix_task_stats_ready", "task", ["centre_id", "office_role", "claimed_by_id", "due_date"],
                    postgresql_where=sa.text(READY), sqlite_where=sa.text(READY))


def downgrade():
    op.drop_table("stats_day_done")
    op.drop_table("stats_daily")
    op.drop_index("ix_task_stats_ready", table_name="task")
    op.drop_index("ix_application_stats_open", table_name="application")
    op.drop_index("ix_application_stats_centre_closed", table_name="application")
    op.drop_index("ix_application_stats_closed", table_name="application")
    op.drop_index("ix_application_stats_submitted", table_name="application")
