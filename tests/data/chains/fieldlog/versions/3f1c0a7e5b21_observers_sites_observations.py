"""Observers, sites and observations.

Revision ID: 3f1c0a7e5b21
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "3f1c0a7e5b21"
down_revision = None
branch_labels = None
depends_on = None

KIND = sa.Enum("sighting", "sample", name="observation_kind")


def upgrade():
    op.create_table(
        "observer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False, index=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("joined", sa.DateTime, server_default=sa.func.now()),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("latitude", sa.Numeric(9, 6)),
        sa.Column("longitude", sa.Numeric(9, 6)),
        sa.UniqueConstraint("code", name="uq_site_code"),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("observer_id", sa.Integer, sa.ForeignKey("observer.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", KIND, nullable=False, server_default="sighting"),
        sa.Column("count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("note", sa.Text),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.Index("ix_observation_seen", "observer_id", "seen_at"),
    )


def downgrade():
    op.drop_table("observation")
    op.drop_table("site")
    op.drop_table("observer")
    KIND.drop(op.get_bind(), checkfirst=True)
