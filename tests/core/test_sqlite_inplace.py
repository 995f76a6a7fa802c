"""SQLite alterations that keep the stored rows valid run in place; the rest rebuild the table."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from gui_app.core import apply, edits, render
from gui_app.core.demo import ensure_demo_database
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from gui_app.core.sqlite_inplace import affinity


def _demo_plan(tmp_path: Path) -> tuple[Path, URL, Schema, Plan]:
    """The demo database, its URL, its schema and an empty plan on it."""
    path = ensure_demo_database(tmp_path)
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    return path, url, base, Plan(base, "sqlite")


def test_affinity_rules() -> None:
    assert [affinity(t) for t in ("INTEGER", "BIGINT", "VARCHAR(40)", "CLOB", "", "BLOB", "DOUBLE", "NUMERIC(8, 2)",
                                  "DATE")] == ["INTEGER", "INTEGER", "TEXT", "TEXT", "BLOB", "BLOB", "REAL",
                                               "NUMERIC", "NUMERIC"]


def test_types_defaults_and_dropping_not_null_change_in_place(tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    books = base.table("books")
    plan.append(edits.alter_column(books, "title", type_=sa.String(300), nullable=True))
    plan.append(edits.alter_column(plan.projected.table("books"), "price", server_default="5"))
    plan.append(edits.alter_column(plan.projected.table("books"), "created_at", server_default=None))
    plan.append(edits.alter_column(plan.projected.table("books"), "isbn", server_default="'unknown'"))
    sql = render.render_sql(plan.operations, "sqlite", base)
    assert "_alembic_tmp_books" not in sql and sql.count("UPDATE sqlite_master") == 1
    before = sqlite3.connect(path).execute("SELECT * FROM books ORDER BY id").fetchall()
    watcher = sqlite3.connect(path)  # another connection, open all along
    watcher.execute("SELECT count(*) FROM books").fetchone()
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    after = reflect(url).table("books")
    assert (after.column("title").type_name, after.column("title").nullable) == ("VARCHAR(300)", True)
    assert after.column("price").default == "5" and after.column("created_at").default is None
    assert after.column("isbn").default == "'unknown'"
    assert after.check_constraints == books.check_constraints and after.foreign_keys == books.foreign_keys
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM books ORDER BY id").fetchall() == before
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM book_sales").fetchone() == (5,)  # the view still works
    watcher.execute("INSERT INTO books (id, title, isbn, created_at) VALUES (99, 'New', '1', '2024-01-01')")
    assert watcher.execute("SELECT price FROM books WHERE id = 99").fetchone() == (5,)  # it saw the new default


def test_what_changes_stored_data_still_rebuilds(tmp_path: Path) -> None:
    path = ensure_demo_database(tmp_path)
    base = reflect(f"sqlite:///{path}")
    for build in (lambda t: edits.alter_column(t, "pages", type_=sa.String(10)),
                  lambda t: edits.alter_column(t, "id", type_=sa.BigInteger()),
                  lambda t: edits.alter_column(t, "title", new_name="name", type_=sa.Integer())):
        plan = Plan(base, "sqlite")
        plan.append(build(base.table("books")))
        assert "CREATE TABLE _alembic_tmp_books" in render.render_sql(plan.operations, "sqlite", base)


def test_a_failing_plan_rolls_the_in_place_change_back(tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    plan.append(edits.alter_column(base.table("books"), "title", type_=sa.String(300)))
    plan.append(edits.execute_sql("UPDATE no_such_table SET x = 1", "SELECT 1"))
    with contextlib.suppress(apply.ApplyFailed):
        apply.apply_plan(url, plan.operations, base)
    assert reflect(url).table("books").column("title").type_name == "VARCHAR(200)"
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_adding_not_null_checks_the_rows_and_changes_in_place(tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    plan.append(edits.alter_column(base.table("books"), "pages", nullable=False))
    plan.append(edits.alter_column(plan.projected.table("books"), "published", nullable=False))
    sql = render.render_sql(plan.operations, "sqlite", base)
    assert "_alembic_tmp_books" not in sql
    assert "RAISE(ABORT, 'NOT NULL constraint failed: books.pages')" in sql
    assert "RAISE(ABORT, 'NOT NULL constraint failed: books.published')" in sql
    before = sqlite3.connect(path).execute("SELECT * FROM books ORDER BY id").fetchall()
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    after = reflect(url).table("books")
    assert not after.column("pages").nullable and not after.column("published").nullable
    assert after.foreign_keys == base.table("books").foreign_keys
    assert after.check_constraints == base.table("books").check_constraints
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM books ORDER BY id").fetchall() == before
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT name FROM sqlite_temp_master").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match=r"NOT NULL constraint failed: books\.pages"):
        conn.execute("INSERT INTO books (id, title, isbn, published, pages) "
                     "VALUES (99, 'New', '1', '2024-01-01', NULL)")


def test_adding_not_null_over_a_null_stops_with_sqlites_message_and_changes_nothing(tmp_path: Path) -> None:
    path = ensure_demo_database(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE books SET pages = NULL WHERE id = (SELECT max(id) FROM books)")
        conn.commit()
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "title", type_=sa.String(300)))
    plan.append(edits.alter_column(plan.projected.table("books"), "published", nullable=False))
    plan.append(edits.alter_column(plan.projected.table("books"), "pages", nullable=False))
    with pytest.raises(apply.ApplyFailed, match=r"NOT NULL constraint failed: books\.pages"):
        apply.apply_plan(url, plan.operations, base)
    assert reflect(url) == base
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT count(*) FROM books WHERE pages IS NULL").fetchone() == (1,)


def test_renames_use_sqlites_own_rename_and_follow_into_indexes_views_checks_and_foreign_keys(
        tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    plan.append(edits.alter_column(base.table("books"), "title", new_name="name", type_=sa.String(300)))
    plan.append(edits.alter_column(plan.projected.table("books"), "price", new_name="list_price"))
    plan.append(edits.alter_column(plan.projected.table("books"), "list_price", server_default="1"))
    plan.append(edits.alter_column(plan.projected.table("books"), "id", new_name="book_id"))
    plan.append(edits.alter_column(plan.projected.table("books"), "pages", nullable=False))
    sql = render.render_sql(plan.operations, "sqlite", base)
    assert "_alembic_tmp_books" not in sql
    assert "ALTER TABLE books RENAME COLUMN title TO name;" in sql
    assert "ALTER TABLE books RENAME COLUMN id TO book_id;" in sql
    before = sqlite3.connect(path).execute("SELECT * FROM books ORDER BY id").fetchall()
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    after = reflect(url)
    books = after.table("books")
    assert [c.name for c in books.columns][:2] == ["book_id", "name"]
    assert books.column("name").type_name == "VARCHAR(300)" and books.column("list_price").default == "1"
    assert not books.column("pages").nullable
    assert {ix.name: ix.elements for ix in books.indexes}["ix_books_title"] == ("name",)
    assert after.table("reviews").foreign_keys[0].referred_columns == ("book_id",)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM books ORDER BY book_id").fetchall() == before
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM book_sales").fetchone() == (len(before),)  # the view follows
    with pytest.raises(sqlite3.IntegrityError, match="ck_books_price_positive"):
        conn.execute("INSERT INTO books (book_id, name, isbn, published, pages, list_price) "
                     "VALUES (99, 'New', '1', '2024-01-01', 10, -1)")


def test_a_failing_rename_rolls_back_with_the_plan(tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    plan.append(edits.alter_column(base.table("books"), "title", new_name="name"))
    plan.append(edits.execute_sql("UPDATE no_such_table SET x = 1", "SELECT 1"))
    with pytest.raises(apply.ApplyFailed):
        apply.apply_plan(url, plan.operations, base)
    assert reflect(url) == base
    conn = sqlite3.connect(path)
    assert "b.title" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'book_sales'").fetchone()[0]


def test_adding_and_dropping_checks_is_made_in_place_with_the_rows_checked_first(tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    plan.append(edits.create_check_constraint(base.table("books"), "ck_books_pages_few", "pages < 10000"))
    plan.append(edits.drop_constraint(plan.projected.table("books"), "check", "ck_books_price_positive"))
    plan.append(edits.create_check_constraint(plan.projected.table("books"), "ck_books_isbn_length",
                                              "length(isbn) = 13"))
    sql = render.render_sql(plan.operations, "sqlite", base)
    assert "_alembic_tmp_books" not in sql
    assert "RAISE(ABORT, 'CHECK constraint failed: ck_books_isbn_length')" in sql
    before = sqlite3.connect(path).execute("SELECT * FROM books ORDER BY id").fetchall()
    assert apply.apply_plan(url, plan.operations, base).mismatches == []
    books = reflect(url).table("books")
    assert {c.name: c.sqltext for c in books.check_constraints if c.name} == {
        "ck_books_pages_few": "pages < 10000", "ck_books_isbn_length": "length(isbn) = 13"}
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT * FROM books ORDER BY id").fetchall() == before
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    row = "INSERT INTO books (id, title, isbn, published, price, pages) VALUES (99, 'New', '{}', '2024-01-01', {}, 1)"
    with pytest.raises(sqlite3.IntegrityError, match="ck_books_isbn_length"):
        conn.execute(row.format("short", 1))
    conn.execute(row.format("9780000000001", -5))  # the price check is gone


def test_a_check_the_rows_break_stops_with_sqlites_message_and_changes_nothing(tmp_path: Path) -> None:
    path, url, base, plan = _demo_plan(tmp_path)
    plan.append(edits.alter_column(base.table("books"), "title", type_=sa.String(300)))
    plan.append(edits.create_check_constraint(plan.projected.table("books"), "ck_books_cheap", "price < 1"))
    with pytest.raises(apply.ApplyFailed, match="CHECK constraint failed: ck_books_cheap"):
        apply.apply_plan(url, plan.operations, base)
    assert reflect(url) == base
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
