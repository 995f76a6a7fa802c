"""The check after apply reports what really differs, and nothing else (on the real servers)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core.reflect import reflect
from gui_app.core.verification import differences
from tests.side_by_side import database_with

BEFORE = [
    "CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)",
    "CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, pages INTEGER DEFAULT 10, "
    "status VARCHAR(10) DEFAULT 'new', author_id INTEGER, "
    "CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id))",
]
AFTER = [  # the same tables, each with one thing a migration might have got wrong
    "CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)",
    "CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(200), pages BIGINT DEFAULT 10, "
    "status VARCHAR(10) DEFAULT 'old', author_id INTEGER)",
]


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_a_lost_key_type_default_and_not_null_are_each_reported(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    expected = reflect(database_with(dialect, BEFORE, tmp_path, request, "expected"))
    same = reflect(database_with(dialect, BEFORE, tmp_path, request, "same"))
    url = database_with(dialect, AFTER, tmp_path, request, "actual")
    actual = reflect(url)
    engine = sa.create_engine(url)
    found = differences(expected, actual, engine.dialect)
    engine.dispose()
    assert differences(expected, same, engine.dialect) == []
    assert [line.split(":")[1].strip().split(" differ")[0] for line in found] == [
        "columns", "defaults", "foreign keys"], found
    columns, defaults, keys = found
    assert "('title', 'VARCHAR(200)', False)" in columns and "('pages', 'BIGINT', True)" in columns
    assert "('status', \"'new'\")" in defaults and "('status', \"'old'\")" in defaults
    assert "'author'" in keys and keys.endswith("found []")
