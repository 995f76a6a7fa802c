"""Observers are members now; notes become remarks; comments for the data dictionary.

Revision ID: 71d0f4c2a8e6
Revises: 5e8a3b0c9d14
"""
import sqlalchemy as sa
from alembic import op

revision = "71d0f4c2a8e6"
down_revision = "5e8a3b0c9d14"
branch_labels = None
depends_on = None


def upgrade():
    op.rename_table("observer", "member")
    op.alter_column("observation", "observer_id", new_column_name="member_id", existing_type=sa.Integer,
                    existing_nullable=False)
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("note", new_column_name="remarks", existing_type=sa.Text)
    if op.get_context().dialect.name != "sqlite":
        op.create_table_comment("member", "People who record observations")
        op.alter_column("observation", "count", comment="How many were seen; 1 for a sample",
                        existing_type=sa.Integer, existing_nullable=False, existing_server_default="1")


def downgrade():
    if op.get_context().dialect.name != "sqlite":
        op.alter_column("observation", "count", comment=None, existing_comment="How many were seen; 1 for a sample",
                        existing_type=sa.Integer, existing_nullable=False, existing_server_default="1")
        op.drop_table_comment("member", existing_comment="People who record observations")
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("remarks", new_column_name="note", existing_type=sa.Text)
    op.alter_column("observation", "member_id", new_column_name="observer_id", existing_type=sa.Integer,
                    existing_nullable=False)
    op.rename_table("member", "observer")
