"""SQLite triggers survive table rebuilds and follow renames, in the projection and in the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from gui_app.core import apply, edits, render
from gui_app.core.demo import ensure_demo_database
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.schema import Trigger
from gui_app.core.serialize import to_text

AUDIT = """
CREATE TABLE price_audit (book_id INTEGER, title TEXT, old_price NUMERIC, new_price NUMERIC);
CREATE TRIGGER trg_books_price AFTER UPDATE OF price ON books
BEGIN
    INSERT INTO price_audit VALUES (NEW.id, NEW.title, OLD.price, NEW.price);
END;
CREATE TRIGGER trg_books_no_delete BEFORE DELETE ON books WHEN OLD.price > 1000
BEGIN
    SELECT RAISE(ABORT, 'expensive books stay');
END;
"""


def _database(tmp_path: Path) -> tuple[str, URL]:
    path = ensure_demo_database(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.executescript(AUDIT)
    return str(path), make_url(f"sqlite:///{path}")


def _stored_triggers(path: str) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    finally:
        conn.close()


def test_triggers_are_reflected_with_their_table(tmp_path: Path) -> None:
    path, url = _database(tmp_path)
    books = reflect(url).table("books")
    assert [t.name for t in books.triggers] == ["trg_books_no_delete", "trg_books_price"]
    assert dict((t.name, t.definition) for t in books.triggers) == _stored_triggers(path)


def test_a_rebuild_creates_the_tables_triggers_again(tmp_path: Path) -> None:
    path, url = _database(tmp_path)
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "pages", type_=sa.String(10)))  # another affinity
    sql = render.render_sql(plan.operations, "sqlite", base)
    assert "DROP TABLE books" in sql
    assert sql.index("CREATE TRIGGER trg_books_price") > sql.index("ALTER TABLE _alembic_tmp_books RENAME TO books")
    before = _stored_triggers(path)
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    assert _stored_triggers(path) == before
    conn = sqlite3.connect(path)
    conn.execute("UPDATE books SET price = 12.5 WHERE id = 1")
    assert conn.execute("SELECT book_id, new_price FROM price_audit").fetchall() == [(1, 12.5)]


def test_a_rename_in_a_rebuild_reaches_the_triggers_created_again(tmp_path: Path) -> None:
    path, url = _database(tmp_path)
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "title", new_name="name"))
    plan.append(edits.alter_column(plan.projected.table("books"), "pages", type_=sa.String(10)))  # rebuilds
    projected = {t.name: t.definition for t in plan.projected.table("books").triggers}
    assert "NEW.name" in projected["trg_books_price"]
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    assert _stored_triggers(path) == projected
    conn = sqlite3.connect(path)
    conn.execute("UPDATE books SET price = 12.5 WHERE id = 1")
    assert conn.execute("SELECT title FROM price_audit").fetchone() == conn.execute(
        "SELECT name FROM books WHERE id = 1").fetchone()


def test_renaming_in_place_or_the_table_rewrites_the_triggers_as_the_projection_says(tmp_path: Path) -> None:
    path, url = _database(tmp_path)
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "price", new_name="list_price"))  # in place
    plan.append(edits.rename_table(plan.projected.table("books"), "titles"))
    triggers = plan.projected.table("titles").triggers
    assert "OLD.list_price" in dict((t.name, t.definition) for t in triggers)["trg_books_price"]
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    assert _stored_triggers(path) == {t.name: t.definition for t in triggers}
    assert reflect(url).table("titles").triggers == triggers


def test_a_revision_creates_the_triggers_again_after_its_rebuild(tmp_path: Path) -> None:
    _path, url = _database(tmp_path)
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "pages", type_=sa.String(10)))
    upgrade = render.render_python(plan.operations, "sqlite", base=base)
    assert upgrade.index("op.execute('CREATE TRIGGER trg_books_price") > upgrade.index("batch_alter_table('books'")
    downgrade = render.render_python(plan.operations, "sqlite", downgrade=True, base=base)
    assert 'op.execute("CREATE TRIGGER trg_books_no_delete' in downgrade


def test_what_fires_a_trigger_is_read_from_its_text() -> None:
    cases = {
        "CREATE TRIGGER t AFTER UPDATE OF price ON books\nBEGIN SELECT 1; END": "AFTER UPDATE OF price ON books",
        'CREATE TRIGGER IF NOT EXISTS "my ""t""" BEFORE DELETE ON books WHEN OLD.x > 1 BEGIN SELECT 1; END':
            "BEFORE DELETE ON books",
        "create temp trigger t instead of insert on v for each row begin select 1; end": "instead of insert on v",
    }
    assert {text: Trigger("t", text).event for text in cases} == cases


def test_inspect_lists_the_triggers(tmp_path: Path) -> None:
    _path, url = _database(tmp_path)
    text = to_text(reflect(url))
    assert "    trigger trg_books_price (AFTER UPDATE OF price ON books)\n" in text
