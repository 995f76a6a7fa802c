"""Observations at a site; counts are never negative.

Revision ID: 8b4d29e6c0f3
Revises: 3f1c0a7e5b21
"""
import sqlalchemy as sa
from alembic import op

revision = "8b4d29e6c0f3"
down_revision = "3f1c0a7e5b21"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table("observation") as batch:
            batch.add_column(sa.Column("site_id", sa.Integer, nullable=True))
            batch.create_foreign_key("fk_observation_site", "site", ["site_id"], ["id"],
                                     ondelete="SET NULL")
            batch.create_check_constraint("ck_observation_count", sa.text("count >= 0"))
    else:
        op.add_column("observation", sa.Column(
            "site_id", sa.Integer, sa.ForeignKey("site.id", ondelete="SET NULL", name="fk_observation_site")))
        op.create_check_constraint("ck_observation_count", "observation", "count >= 0")


def downgrade():
    if op.get_context().dialect.name == "sqlite":
        with op.batch_alter_table("observation") as batch:
            batch.drop_constraint("ck_observation_count", type_="check")
            batch.drop_constraint("fk_observation_site", type_="foreignkey")
            batch.drop_column("site_id")
    else:
        op.drop_constraint("ck_observation_count", "observation", type_="check")
        op.drop_constraint("fk_observation_site", "observation", type_="foreignkey")
        op.drop_column("observation", "site_id")
