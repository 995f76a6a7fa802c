"""Counts grow; site codes get longer; coordinates become required.

Revision ID: a4f7d2b86c30
Revises: 9c6b1e7f3a05
"""
import sqlalchemy as sa
from alembic import op

revision = "a4f7d2b86c30"
down_revision = "9c6b1e7f3a05"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE site SET latitude = 0, longitude = 0 WHERE latitude IS NULL OR longitude IS NULL")
    with op.batch_alter_table("site") as batch:
        batch.alter_column("code", existing_type=sa.String(12), type_=sa.String(24), existing_nullable=False)
        batch.alter_column("latitude", existing_type=sa.Numeric(9, 6), nullable=False)
        batch.alter_column("longitude", existing_type=sa.Numeric(9, 6), nullable=False)
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("count", existing_type=sa.Integer, type_=sa.BigInteger, existing_nullable=False,
                           existing_server_default="1", server_default="0",
                           postgresql_using="count::bigint")


def downgrade():
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("count", existing_type=sa.BigInteger, type_=sa.Integer, existing_nullable=False,
                           existing_server_default="0", server_default="1")
    with op.batch_alter_table("site") as batch:
        batch.alter_column("longitude", existing_type=sa.Numeric(9, 6), nullable=True)
        batch.alter_column("latitude", existing_type=sa.Numeric(9, 6), nullable=True)
        batch.alter_column("code", existing_type=sa.String(24), type_=sa.String(12), existing_nullable=False)
