"""Operations: where a service version came from, a calendar with per-province holidays and swapped working
days plus a version number every process checks, worker heartbeats and claim owners.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service_version") as batch:
        batch.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="catalogue"))
    # versions published by a person (not by the release's `catalogue load`) came from the designer
    op.execute("UPDATE service_version SET origin = 'designer' WHERE published_by <> 'system'")

    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        # '' = the whole country, else a province centre id (workflows/centres.yaml)
        sa.Column("province", sa.String(64), nullable=False, server_default=""),
        # holiday: not a working day; working: a weekend day the government declared a working day
        sa.Column("kind", sa.String(16), nullable=False, server_default="holiday"),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_day"),
        sa.UniqueConstraint("day", "province", name="uq_calendar_day_day_province"),
    )
    op.execute("INSERT INTO calendar_day (day, province, kind, name) SELECT day, '', 'holiday', name FROM holiday")
    op.drop_table("holiday")
    op.create_table(
        "calendar_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_state"),
    )
    op.execute("INSERT INTO calendar_state (id, version) VALUES (1, 1)")

    op.create_table(
        "worker_heartbeat",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("hostname", sa.String(200), nullable=False, server_default=""),
        sa.Column("pid", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("queues", sa.String(300), nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_worker_heartbeat"),
    )
    for table in ("due_timer", "notification"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("claim_owner", sa.String(64), nullable=True))


def downgrade():
    for table in ("due_timer", "notification"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claim_owner")
    op.drop_table("worker_heartbeat")
    op.drop_table("calendar_state")
    op.create_table(
        "holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_holiday"),
    )
    op.execute("INSERT INTO holiday (day, name) SELECT day, name FROM calendar_day "
               "WHERE province = '' AND kind = 'holiday'")
    op.drop_table("calendar_day")
    with op.batch_alter_table("service_version") as batch:
        batch.drop_column("origin")
