"""Designer: uploaded drafts and version migrations.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "designer_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_designer_draft_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["published_version_id"], ["service_version.id"],
                                name=op.f("fk_designer_draft_published_version_id_service_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_designer_draft")),
    )
    op.create_index(op.f("ix_designer_draft_service_id"), "designer_draft", ["service_id"], unique=False)
    op.create_table(
        "version_migration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("from_version_id", sa.Integer(), nullable=False),
        sa.Column("to_version_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("migrated", sa.JSON(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_version_migration_centre_id_centre")),
        sa.ForeignKeyConstraint(["from_version_id"], ["service_version.id"],
                                name=op.f("fk_version_migration_from_version_id_service_version")),
        sa.ForeignKeyConstraint(["to_version_id"], ["service_version.id"],
                                name=op.f("fk_version_migration_to_version_id_service_version")),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"],
                                name=op.f("fk_version_migration_actor_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_migration")),
    )
    op.create_index(op.f("ix_version_migration_service_id"), "version_migration", ["service_id"], unique=False)
    op.create_index(op.f("ix_version_migration_centre_id"), "version_migration", ["centre_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_version_migration_centre_id"), table_name="version_migration")
    op.drop_index(op.f("ix_version_migration_service_id"), table_name="version_migration")
    op.drop_table("version_migration")
    op.drop_index(op.f("ix_designer_draft_service_id"), table_name="designer_draft")
    op.drop_table("designer_draft")
