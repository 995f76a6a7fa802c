"""A third kind of observation: a photo.

Revision ID: c27e9a1d4f58
Revises: 8b4d29e6c0f3
"""
import sqlalchemy as sa
from alembic import op

revision = "c27e9a1d4f58"
down_revision = "8b4d29e6c0f3"
branch_labels = None
depends_on = None

OLD = ("sighting", "sample")
NEW = ("sighting", "sample", "photo")


def upgrade():
    dialect = op.get_context().dialect.name
    if dialect == "postgresql":
        # ADD VALUE cannot be used in the transaction that later uses the value.
        with op.get_context().autocommit_block():
            op.execute("ALTER TYPE observation_kind ADD VALUE IF NOT EXISTS 'photo'")
    elif dialect == "mysql":
        op.alter_column("observation", "kind", existing_type=sa.Enum(*OLD, name="observation_kind"),
                        type_=sa.Enum(*NEW, name="observation_kind"), existing_nullable=False,
                        existing_server_default="sighting")
    else:
        with op.batch_alter_table("observation") as batch:
            batch.alter_column("kind", existing_type=sa.Enum(*OLD, name="observation_kind"),
                               type_=sa.Enum(*NEW, name="observation_kind"), existing_nullable=False)


def downgrade():
    dialect = op.get_context().dialect.name
    op.execute("DELETE FROM observation WHERE kind = 'photo'")
    if dialect == "postgresql":
        op.execute("ALTER TYPE observation_kind RENAME TO observation_kind_old")
        op.execute("CREATE TYPE observation_kind AS ENUM ('sighting', 'sample')")
        op.execute("ALTER TABLE observation ALTER COLUMN kind DROP DEFAULT")
        op.execute("ALTER TABLE observation ALTER COLUMN kind TYPE observation_kind "
                   "USING kind::text::observation_kind")
        op.execute("ALTER TABLE observation ALTER COLUMN kind SET DEFAULT 'sighting'")
        op.execute("DROP TYPE observation_kind_old")
    elif dialect == "mysql":
        op.alter_column("observation", "kind", existing_type=sa.Enum(*NEW, name="observation_kind"),
                        type_=sa.Enum(*OLD, name="observation_kind"), existing_nullable=False,
                        existing_server_default="sighting")
    else:
        with op.batch_alter_table("observation") as batch:
            batch.alter_column("kind", existing_type=sa.Enum(*NEW, name="observation_kind"),
                               type_=sa.Enum(*OLD, name="observation_kind"), existing_nullable=False)
