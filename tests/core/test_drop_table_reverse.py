"""The downgrade of a dropped table gives back everything the drop took (on the real servers)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core import apply, edits, render
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from tests.side_by_side import database_with, difference, fingerprint

DDL = [
    "CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)",
    "CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, author_id INTEGER, pages INTEGER, "
    "isbn VARCHAR(13), CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE, "
    "CONSTRAINT uq_book_isbn UNIQUE (isbn), CONSTRAINT ck_book_pages CHECK (pages > 0))",
    "CREATE INDEX ix_book_title ON book (title)",
    "CREATE UNIQUE INDEX ix_book_author_title ON book (author_id, title)",
]
SQLITE_TRIGGER = ("CREATE TRIGGER tr_book_title AFTER UPDATE OF title ON book "
                  "BEGIN UPDATE book SET pages = pages WHERE id = new.id; END")


EXTRA = {
    "sqlite": [SQLITE_TRIGGER],
    "postgresql": ["COMMENT ON TABLE book IS 'every book'",
                   "CREATE INDEX ix_book_lower_title ON book (lower(title)) WHERE pages > 10"],
    "mysql": ["ALTER TABLE book COMMENT = 'every book'"],
}


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_downgrade_of_a_dropped_table_restores_indexes_constraints_comment_and_triggers(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    url = database_with(dialect, [*DDL, *EXTRA[dialect]], tmp_path, request)
    before = fingerprint(url)
    base = reflect(url)
    plan = Plan(base, "mysql" if dialect == "mysql" else dialect)
    plan.append(edits.drop_table(base.table("book")))
    apply.apply_plan(sa.make_url(url), plan.operations, base)
    dropped = reflect(url)
    assert all(t.name != "book" for t in dropped.tables)
    back = render.downgrade_ops(plan.operations)
    assert "CreateIndexOp" in [type(op).__name__ for op in back]
    report = apply.apply_plan(sa.make_url(url), back, dropped)
    assert report.mismatches == []
    after = fingerprint(url)
    assert after == before, difference(after, before, "after the downgrade", ("now", "before"))
