"""The bottleneck map's monthly element rollup: completed steps per (service, local month, centre, BPMN element,
whole working days spent), filled lazily for closed months by engine/stats/element_rollup.py. Models in
engine/models/stats.py.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stats_element_month",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("bpmn_id", sa.String(length=128), nullable=False),
        sa.Column("working_days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "month", "centre_id", "bpmn_id", "working_days",
                                name=op.f("pk_stats_element_month")),
    )
    op.create_table(
        "stats_element_month_done",
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("service_id", "month", name=op.f("pk_stats_element_month_done")),
    )


def downgrade():
    op.drop_table("stats_element_month_done")
    op.drop_table("stats_element_month")
