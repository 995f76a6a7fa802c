"""Photos get their media records; reviews of observations.

Revision ID: f19b7e3c5a62
Revises: e6a9c4d1f2b8
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "f19b7e3c5a62"
down_revision = "e6a9c4d1f2b8"
branch_labels = None
depends_on = None

VERDICT = postgresql.ENUM("accepted", "rejected", "unsure", name="review_verdict", create_type=False)


def upgrade():
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        VERDICT.create(op.get_bind(), checkfirst=True)
        verdict = VERDICT
        tags = postgresql.ARRAY(sa.String(30))
        meta = postgresql.JSONB(astext_type=sa.Text())
    else:
        verdict = sa.Enum("accepted", "rejected", "unsure", name="review_verdict")
        tags = sa.JSON()
        meta = sa.JSON()
    op.create_table(
        "media",
        sa.Column("id", sa.BigInteger, sa.Identity(start=100), primary_key=True),
        sa.Column("observation_id", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("pixels", sa.BigInteger, sa.Computed("width * height")),
        sa.Column("tags", tags),
        sa.Column("meta", meta),
        sa.ForeignKeyConstraint(["observation_id"], ["observation.id"], name="fk_media_observation",
                                ondelete="CASCADE"),
    )
    op.create_table(
        "review",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("observation_id", sa.Integer, nullable=False),
        sa.Column("reviewer_id", sa.Integer),
        sa.Column("verdict", verdict, nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp()),
    )
    if dialect == "sqlite":
        with op.batch_alter_table("review") as batch:
            batch.create_foreign_key("fk_review_observation", "observation", ["observation_id"], ["id"])
            batch.create_foreign_key("fk_review_member", "member", ["reviewer_id"], ["id"])
    else:
        op.create_foreign_key("fk_review_observation", "review", "observation", ["observation_id"], ["id"],
                              deferrable=dialect == "postgresql" or None,
                              initially="DEFERRED" if dialect == "postgresql" else None)
        op.create_foreign_key("fk_review_member", "review", "member", ["reviewer_id"], ["id"],
                              ondelete="SET NULL")
    op.execute(sa.text("UPDATE observation SET kind = 'photo' WHERE remarks LIKE '%photo%'"))
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("kind", server_default=None, existing_nullable=False,
                           existing_type=sa.Enum("sighting", "sample", "photo", name="observation_kind"))


def downgrade():
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("kind", server_default="sighting", existing_nullable=False,
                           existing_type=sa.Enum("sighting", "sample", "photo", name="observation_kind"))
    op.drop_table("review")
    op.drop_table("media")
    if op.get_context().dialect.name == "postgresql":
        VERDICT.drop(op.get_bind(), checkfirst=True)
