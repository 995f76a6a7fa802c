"""Members get a handle, unique, built concurrently on PostgreSQL.

Revision ID: e6a9c4d1f2b8
Revises: d83e5c1a0b97
"""
import sqlalchemy as sa
from alembic import op

revision = "e6a9c4d1f2b8"
down_revision = "d83e5c1a0b97"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("member", sa.Column("handle", sa.String(40)))
    op.execute("UPDATE member SET handle = 'm' || id") if op.get_context().dialect.name != "mysql" else \
        op.execute("UPDATE member SET handle = CONCAT('m', id)")
    if op.get_context().dialect.name == "postgresql":
        with op.get_context().autocommit_block():  # CREATE INDEX CONCURRENTLY refuses a transaction block
            op.create_index("ix_member_handle", "member", ["handle"], unique=True, postgresql_concurrently=True)
    else:
        op.create_index("ix_member_handle", "member", ["handle"], unique=True)


def downgrade():
    op.drop_index("ix_member_handle", table_name="member")
    op.drop_column("member", "handle")
