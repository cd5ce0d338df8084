"""Administration: one-time password set-up / reset codes.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("expires", sa.DateTime(), nullable=False),
        sa.Column("used", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_password_reset_user_id_user_account"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name="fk_password_reset_created_by_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_password_reset"),
        sa.UniqueConstraint("code_hash", name="uq_password_reset_code_hash"),
    )
    op.create_index("ix_password_reset_user_id", "password_reset", ["user_id"])


def downgrade():
    op.drop_index("ix_password_reset_user_id", table_name="password_reset")
    op.drop_table("password_reset")
