"""Performance: an auth revision counter bumped by triggers (per-process token cache), compact idempotency rows.

`auth_revision` is one row whose `version` every change that can end or alter a bearer token's meaning
bumps, by database triggers, so that no code path (ORM, Core, an operator's SQL) can forget it: a token
revoked, expiring earlier or deleted; an account deactivated, its epoch bumped, its identity or roles
changed. Web processes cache resolved tokens and read this one row per request to know the cache is good.

Idempotency rows keep the answer's status, resource id and ETag instead of the whole response body.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (trigger name, timing/event clause, table)
TRIGGERS = [
    ("auth_rev_token_upd", "AFTER UPDATE OF revoked, expires, epoch, user_id", "api_token"),
    ("auth_rev_token_del", "AFTER DELETE", "api_token"),
    ("auth_rev_user_upd",
     "AFTER UPDATE OF active, session_epoch, kind, centre_id, username, full_name, locale", "user_account"),
    ("auth_rev_user_del", "AFTER DELETE", "user_account"),
    ("auth_rev_role_ins", "AFTER INSERT", "user_role"),
    ("auth_rev_role_upd", "AFTER UPDATE", "user_role"),
    ("auth_rev_role_del", "AFTER DELETE", "user_role"),
]
BUMP = "UPDATE auth_revision SET version = version + 1 WHERE id = 1"


def upgrade():
    op.create_table(
        "auth_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_revision"),
    )
    op.execute("INSERT INTO auth_revision (id, version) VALUES (1, 0)")
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE FUNCTION odsc_bump_auth_revision() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
    for name, when, table in TRIGGERS:
        if postgres:
            op.execute(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION odsc_bump_auth_revision()")
        else:
            op.execute(f"CREATE TRIGGER {name} {when} ON {table} BEGIN {BUMP}; END")

    op.execute("DELETE FROM idempotency_key")  # old rows hold whole bodies; retries older than a day are moot
    with op.batch_alter_table("idempotency_key") as batch:
        batch.drop_column("body")
        batch.drop_column("headers")
        batch.add_column(sa.Column("resource_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("etag", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("idempotency_key") as batch:
        batch.drop_column("etag")
        batch.drop_column("resource_id")
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("headers", sa.Text(), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _when, table in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        op.execute("DROP FUNCTION odsc_bump_auth_revision()")
    op.drop_table("auth_revision")
