"""genres seeded from the table create_table returns"""
import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0f3a6c9e2b71"
down_revision = None


def upgrade():
    genre = op.create_table(
        "genre",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(40), nullable=False, unique=True),
        sa.Column("added", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
    )
    added = datetime.datetime(2020, 5, 17, 9, 30)
    op.bulk_insert(genre, [{"id": 1, "name": "fiction", "added": added}, {"id": 2, "name": "history", "added": added}])
    op.bulk_insert(genre, [{"id": 3, "name": "poetry 100%", "added": added}])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.add_column("genre", sa.Column("meta", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"),
                                         nullable=False))
    else:
        op.add_column("genre", sa.Column("meta", sa.JSON(), nullable=True))


def downgrade():
    op.drop_table("genre")
