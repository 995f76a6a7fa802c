"""add things

Revision ID: 1a2b3c
Revises: 0f0f0f
Create Date: 2026-11-24 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "1a2b3c"
down_revision = "0f0f0f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("description", sa.Unicode(200)),
    )
    op.add_column("account", sa.Column("last_transaction_date", sa.DateTime))
    op.create_index("ix_account_name", "account", ["name"], unique=True)
    with op.batch_alter_table("account") as batch_op:
        batch_op.alter_column("description", existing_type=sa.Unicode(200), nullable=False)
        batch_op.create_check_constraint("ck_name_len", "length(name) > 1")
    op.execute("UPDATE account SET name = 'x' WHERE name IS NULL")
    account = sa.table(
        "account", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("description", sa.Unicode)
    )
    op.bulk_insert(account, [{"id": 1, "name": "first", "description": "one"}])


def downgrade():
    op.drop_index("ix_account_name", table_name="account")
    op.drop_table("account")
