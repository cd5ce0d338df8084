"""Each centre's IANA time zone (local timer dates are read in it; Asia/Vientiane unless a centre names another).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("centre") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Vientiane"))


def downgrade():
    with op.batch_alter_table("centre") as batch:
        batch.drop_column("timezone")
