"""Documents: stored uploads and issued certificates.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], name="fk_document_application_id_application"),
        sa.ForeignKeyConstraint(["uploader_id"], ["user_account.id"], name="fk_document_uploader_id_user_account"),
        sa.PrimaryKeyConstraint("id", name="pk_document"),
    )
    op.create_index("ix_document_application_id", "document", ["application_id"])
    op.create_index("ix_document_uploader_id", "document", ["uploader_id"])
    op.create_table(
        "issued_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("service_version_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("service_name", sa.JSON(), nullable=False),
        sa.Column("centre_name", sa.JSON(), nullable=False),
        sa.Column("approver_name", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name="fk_issued_certificate_application_id_application"),
        sa.PrimaryKeyConstraint("id", name="pk_issued_certificate"),
        sa.UniqueConstraint("number", name="uq_issued_certificate_number"),
        sa.UniqueConstraint("application_id", name="uq_issued_certificate_application_id"),
    )
    op.create_index("ix_issued_certificate_centre_id", "issued_certificate", ["centre_id"])
    op.create_table(
        "certificate_counter",
        sa.Column("centre_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("centre_id", "year", name="pk_certificate_counter"),
    )


def downgrade():
    op.drop_table("certificate_counter")
    op.drop_index("ix_issued_certificate_centre_id", table_name="issued_certificate")
    op.drop_table("issued_certificate")
    op.drop_index("ix_document_uploader_id", table_name="document")
    op.drop_index("ix_document_application_id", table_name="document")
    op.drop_table("document")
