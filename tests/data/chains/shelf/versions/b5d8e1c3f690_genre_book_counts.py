"""a data fix that reads rows when online"""
import sqlalchemy as sa
from alembic import context, op

revision = "b5d8e1c3f690"
down_revision = "7c2f4a9b1e56"


def upgrade():
    op.add_column("genre", sa.Column("books", sa.Integer(), server_default="0", nullable=False))
    if context.is_offline_mode():
        return
    bind = op.get_bind()
    counts = bind.execute(sa.text("SELECT genre_id, count(*) FROM book GROUP BY genre_id")).fetchall()
    genre = sa.table("genre", sa.column("id", sa.Integer), sa.column("books", sa.Integer))
    for genre_id, count in counts:
        if genre_id is not None:
            op.execute(genre.update().where(genre.c.id == genre_id).values(books=count))


def downgrade():
    with op.batch_alter_table("genre") as batch_op:
        batch_op.drop_column("books")
