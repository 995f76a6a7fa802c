"""Indexes for the searches the field app runs.

Revision ID: 5e8a3b0c9d14
Revises: c27e9a1d4f58
"""
import sqlalchemy as sa
from alembic import op

revision = "5e8a3b0c9d14"
down_revision = "c27e9a1d4f58"
branch_labels = None
depends_on = None


def upgrade():
    # Partial where the database has them (reviewers page through open observations).
    op.create_index("ix_observation_open", "observation", ["seen_at"],
                    postgresql_where=sa.text("note IS NULL"), sqlite_where=sa.text("count > 1"))
    op.create_index("ix_observer_email_lower", "observer", [sa.text("lower(email)")], unique=True) \
        if op.get_context().dialect.name != "mysql" else \
        op.create_index("ix_observer_email_prefix", "observer", ["email"], mysql_length={"email": 20})
    if op.get_context().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index("ix_site_code_pattern", "site", ["code"], postgresql_concurrently=True,
                            postgresql_ops={"code": "varchar_pattern_ops"})


def downgrade():
    if op.get_context().dialect.name == "postgresql":
        op.drop_index("ix_site_code_pattern", table_name="site")
    if op.get_context().dialect.name == "mysql":
        op.drop_index("ix_observer_email_prefix", table_name="observer")
    else:
        op.drop_index("ix_observer_email_lower", table_name="observer")
    op.drop_index("ix_observation_open", table_name="observation")
