"""books, filled by an ORM data migration"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import orm

revision = "3e8b1d5f7a24"
down_revision = "0f3a6c9e2b71"

Base = orm.declarative_base()


class Book(Base):
    __tablename__ = "book"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(80), nullable=False)
    genre_id = sa.Column(sa.Integer)
    slug = sa.Column(sa.String(80))


def upgrade():
    op.create_table(
        "book",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("genre_id", sa.Integer(), sa.ForeignKey("genre.id"), nullable=True),
    )
    op.add_column("book", sa.Column("slug", sa.String(80), nullable=True))
    session = orm.Session(bind=op.get_bind())
    session.add_all([Book(id=1, title="Middlemarch", genre_id=3), Book(id=2, title="SPQR: A History", genre_id=3)])
    session.flush()
    for book in session.query(Book).order_by(Book.id):
        book.slug = book.title.lower().replace(" ", "-").replace(":", "")
    session.flush()
    rows = op.get_bind().execute(sa.text("SELECT id, title FROM book WHERE title LIKE :p"), {"p": "%:%"}).fetchall()
    for book_id, _title in rows:
        op.execute(sa.text("UPDATE book SET genre_id = 2 WHERE id = :id").bindparams(id=book_id))
    with op.batch_alter_table("book") as batch_op:
        batch_op.alter_column("slug", existing_type=sa.String(80), nullable=False)
        batch_op.create_unique_constraint("uq_book_slug", ["slug"])


def downgrade():
    op.drop_table("book")
