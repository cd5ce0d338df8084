"""Server-side web sessions: logout ends every copy of a session cookie.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("ended", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_web_session_user_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_web_session"),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])


def downgrade():
    op.drop_index("ix_web_session_user_id", table_name="web_session")
    op.drop_table("web_session")
