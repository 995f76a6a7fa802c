"""SQLite alterations that keep the stored rows valid run in place; the rest rebuild the table."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gui_app.core import apply, edits, render
from gui_app.core.demo import ensure_demo_database
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.sqlite_inplace import affinity


def test_affinity_rules() -> None:
    assert [affinity(t) for t in ("INTEGER", "BIGINT", "VARCHAR(40)", "CLOB", "", "BLOB", "DOUBLE", "NUMERIC(8, 2)",
                                  "DATE")] == ["INTEGER", "INTEGER", "TEXT", "TEXT", "BLOB", "BLOB", "REAL",
                                               "NUMERIC", "NUMERIC"]


def test_types_defaults_and_dropping_not_null_change_in_place(tmp_path: Path) -> None:
    path = ensure_demo_database(tmp_path)
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    plan = Plan(base, "sqlite")
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
    for build in (lambda t: edits.alter_column(t, "pages", nullable=False),
                  lambda t: edits.alter_column(t, "title", new_name="name"),
                  lambda t: edits.alter_column(t, "pages", type_=sa.String(10))):
        plan = Plan(base, "sqlite")
        plan.append(build(base.table("books")))
        assert "CREATE TABLE _alembic_tmp_books" in render.render_sql(plan.operations, "sqlite", base)


def test_a_failing_plan_rolls_the_in_place_change_back(tmp_path: Path) -> None:
    path = ensure_demo_database(tmp_path)
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "title", type_=sa.String(300)))
    plan.append(edits.execute_sql("UPDATE no_such_table SET x = 1", "SELECT 1"))
    with contextlib.suppress(apply.ApplyFailed):
        apply.apply_plan(url, plan.operations, base)
    assert reflect(url).table("books").column("title").type_name == "VARCHAR(200)"
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
