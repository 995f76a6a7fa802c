"""Reflection of the built-in demo database against what its DDL declares."""

from pathlib import Path

import pytest

from gui_app.core.demo import ensure_demo_database, resource_text
from gui_app.core.progress import Cancelled, CancelToken
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema


@pytest.fixture
def demo(tmp_path: Path) -> Schema:
    return reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")


def test_demo_is_created_once(tmp_path: Path) -> None:
    first = ensure_demo_database(tmp_path)
    first.write_bytes(first.read_bytes())  # touch
    assert ensure_demo_database(tmp_path) == first
    assert not list(tmp_path.glob("*.partial"))


def test_every_declared_table_and_view(demo: Schema) -> None:
    ddl = resource_text("demo_schema.sql")
    assert len(demo.tables) == ddl.count("CREATE TABLE") == 11
    assert [v.name for v in demo.views] == ["book_sales"]
    assert demo.views[0].definition is not None and demo.views[0].definition.startswith("SELECT")
    assert demo.dialect == "sqlite" and demo.default_schema == "main"
    assert "comments" in demo.unsupported


def test_columns_types_defaults_and_generated(demo: Schema) -> None:
    books = demo.table("books")
    price = books.column("price")
    assert (price.type_name, price.nullable, price.default) == ("NUMERIC(8, 2)", False, "0")
    assert books.column("created_at").default == "CURRENT_TIMESTAMP"
    assert books.column("id").autoincrement is True
    assert demo.table("authors").column("id").autoincrement is True  # AUTOINCREMENT keyword
    full_name = demo.table("authors").column("full_name")
    assert full_name.computed is not None and full_name.computed.sqltext == "first_name || ' ' || last_name"
    assert full_name.computed.persisted is False
    assert demo.table("customers").column("joined").default == "date('now')"


def test_keys_composite_self_referencing_and_rules(demo: Schema) -> None:
    assert demo.table("book_authors").primary_key.columns == ("book_id", "author_id")  # type: ignore[union-attr]
    assert demo.table("book_authors").primary_key.name == "pk_book_authors"  # type: ignore[union-attr]
    (ship,) = demo.table("shipments").foreign_keys
    assert (ship.name, ship.columns, ship.referred_table, ship.referred_columns, ship.on_delete) == (
        "fk_shipments_order_line", ("order_id", "line_no"), "order_lines", ("order_id", "line_no"), "CASCADE")
    (parent,) = demo.table("categories").foreign_keys
    assert (parent.referred_table, parent.on_delete, parent.name) == (
        "categories", "CASCADE", "fk_categories_parent_id_categories")
    lines = {fk.referred_table: fk for fk in demo.table("order_lines").foreign_keys}
    assert (lines["books"].on_delete, lines["books"].on_update) == ("RESTRICT", "CASCADE")
    assert demo.table("books").foreign_keys[0].on_delete == "SET NULL"
    assert sum(len(t.foreign_keys) for t in demo.tables) == resource_text("demo_schema.sql").count("REFERENCES")


def test_unique_check_and_indexes(demo: Schema) -> None:
    books = demo.table("books")
    assert [(u.name, u.columns) for u in books.unique_constraints] == [("uq_books_isbn", ("isbn",))]
    assert [(c.name, c.sqltext) for c in books.check_constraints] == [
        ("ck_books_price_positive", "price >= 0"), (None, "pages > 0")]
    by_name = {i.name: i for t in demo.tables for i in t.indexes}
    assert by_name["ux_authors_name_born"].unique and by_name["ux_authors_name_born"].elements == (
        "last_name", "first_name", "born")
    assert by_name["ix_orders_open"].where == "status = 'open'"
    email = by_name["ux_customers_email_lower"]
    assert email.elements == ("lower(email)",) and email.expression_flags == (True,) and email.columns == ()
    assert by_name["ix_orders_customer_status"].columns == ("customer_id", "status")
    assert [u.columns for u in demo.table("reviews").unique_constraints] == [("book_id", "customer_id")]


def test_progress_reports_and_cancel_stops(tmp_path: Path) -> None:
    url = f"sqlite:///{ensure_demo_database(tmp_path)}"
    seen: list[tuple[str, int, int]] = []
    reflect(url, progress=lambda *step: seen.append(step))
    assert seen[0][1] == 0 and seen[-1] == ("Done", 1, 1)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        reflect(url, cancel=token)
