"""The demo bookshop as portable SQLAlchemy tables, for PostgreSQL and MariaDB.

The SQLite demo uses what only SQLite has (AUTOINCREMENT, ``date('now')``); this
version keeps every table, column and constraint name the operation cases use.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

publishers = sa.Table(
    "publishers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("website", sa.String(200)),
    sa.Column("country", sa.CHAR(2), nullable=False, server_default="GB"),
    sa.UniqueConstraint("name", name="uq_publishers_name"),
)
authors = sa.Table(
    "authors", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("last_name", sa.String(80), nullable=False),
    sa.Column("born", sa.Date),
)
books = sa.Table(
    "books", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("isbn", sa.CHAR(13), nullable=False),
    sa.Column("publisher_id", sa.Integer),
    sa.Column("published", sa.Date),
    sa.Column("price", sa.Numeric(8, 2), nullable=False, server_default=sa.text("0")),
    sa.Column("pages", sa.Integer),
    sa.ForeignKeyConstraint(["publisher_id"], ["publishers.id"], name="fk_books_publisher_id_publishers",
                            ondelete="SET NULL"),
    sa.UniqueConstraint("isbn", name="uq_books_isbn"),
    sa.CheckConstraint("price >= 0", name="ck_books_price_positive"),
    sa.CheckConstraint("pages > 0", name="ck_books_pages"),
)
sa.Index("ix_books_title", books.c.title)
sa.Index("ix_books_publisher_published", books.c.publisher_id, books.c.published)
book_authors = sa.Table(
    "book_authors", metadata,
    sa.Column("book_id", sa.Integer, nullable=False),
    sa.Column("author_id", sa.Integer, nullable=False),
    sa.Column("position", sa.SmallInteger, nullable=False, server_default=sa.text("1")),
    sa.PrimaryKeyConstraint("book_id", "author_id", name="pk_book_authors"),
    sa.ForeignKeyConstraint(["book_id"], ["books.id"], name="fk_book_authors_book", ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_book_authors_author", ondelete="CASCADE"),
)
customers = sa.Table(
    "customers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("full_name", sa.String(160), nullable=False),
    sa.Column("joined", sa.Date),
)
orders = sa.Table(
    "orders", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, nullable=False),
    sa.Column("ordered_at", sa.DateTime, nullable=False),
    sa.Column("status", sa.String(10), nullable=False, server_default="open"),
    sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_orders_customer", ondelete="RESTRICT"),
    sa.CheckConstraint("status IN ('open', 'paid', 'shipped', 'cancelled')", name="ck_orders_status"),
)
order_lines = sa.Table(
    "order_lines", metadata,
    sa.Column("order_id", sa.Integer, nullable=False),
    sa.Column("line_no", sa.SmallInteger, nullable=False),
    sa.Column("book_id", sa.Integer, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False, server_default=sa.text("1")),
    sa.PrimaryKeyConstraint("order_id", "line_no", name="pk_order_lines"),
    sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_lines_order", ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["book_id"], ["books.id"], name="fk_order_lines_book"),
)
shipments = sa.Table(
    "shipments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, nullable=False),
    sa.Column("line_no", sa.SmallInteger, nullable=False),
    sa.ForeignKeyConstraint(["order_id", "line_no"], ["order_lines.order_id", "order_lines.line_no"],
                            name="fk_shipments_order_line", ondelete="CASCADE"),
)
reviews = sa.Table(
    "reviews", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("book_id", sa.Integer, nullable=False),
    sa.Column("customer_id", sa.Integer, nullable=False),
    sa.Column("rating", sa.SmallInteger, nullable=False),
    sa.Column("body", sa.Text),
    sa.ForeignKeyConstraint(["book_id"], ["books.id"], name="fk_reviews_book", ondelete="CASCADE"),
    sa.UniqueConstraint("book_id", "customer_id", name="uq_reviews_book_customer"),
)

ROWS = {
    "publishers": [{"id": 1, "name": "Penguin", "website": None, "country": "GB"}],
    "authors": [{"id": 1, "first_name": "Jane", "last_name": "Austen", "born": None}],
    "books": [{"id": 1, "title": "Emma", "isbn": "9780141439587", "publisher_id": 1, "published": None,
               "price": 8, "pages": 474}],
    "book_authors": [{"book_id": 1, "author_id": 1, "position": 1}],
}


def build(url: str) -> None:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for name, rows in ROWS.items():
            conn.execute(metadata.tables[name].insert(), rows)
    engine.dispose()
