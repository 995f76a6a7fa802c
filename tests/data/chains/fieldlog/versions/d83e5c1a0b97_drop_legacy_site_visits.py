"""Site visits were a dead end: created, then dropped with everything on them.

Revision ID: d83e5c1a0b97
Revises: a4f7d2b86c30
"""
import sqlalchemy as sa
from alembic import op

revision = "d83e5c1a0b97"
down_revision = "a4f7d2b86c30"
branch_labels = None
depends_on = None


def _visit_table():
    return op.create_table(
        "site_visit",
        sa.Column("site_id", sa.Integer, sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("weather", sa.String(40), server_default="unknown"),
        sa.CheckConstraint("weather <> ''", name="ck_site_visit_weather"),
    )


def upgrade():
    _visit_table()
    op.create_index("ix_site_visit_day", "site_visit", ["visited_on"])
    op.drop_index("ix_site_visit_day", table_name="site_visit")
    op.drop_table("site_visit")


def downgrade():
    _visit_table()
    op.create_index("ix_site_visit_day", "site_visit", ["visited_on"])
    op.drop_index("ix_site_visit_day", table_name="site_visit")
    op.drop_table("site_visit")
