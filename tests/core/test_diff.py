"""Compare real-world schemas with a modified copy: the diff, applied, gives the copy; its downgrade
gives the original back."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from gui_app.core import apply, render
from gui_app.core.diff import diff_databases, load_models
from gui_app.core.reflect import reflect
from gui_app.core.verification import differences
from tests.conftest import ServerDatabases, load_corpus, unique_name


def modify(url: URL, table: str, column_table: str, column: str) -> None:
    engine = sa.create_engine(url)
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} ADD COLUMN extra_note VARCHAR(30)")
        conn.exec_driver_sql("CREATE TABLE label (label_id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)")
        conn.exec_driver_sql(f"CREATE INDEX ix_extra ON {quote(column_table)} ({quote(column)})")
    engine.dispose()


def round_trip(original: URL, modified: URL) -> None:
    before = reflect(original)
    operations = diff_databases(original, modified)
    assert len(operations) >= 3
    report = apply.apply_plan(original, operations, before)
    target = reflect(modified)
    dialect = sa.create_engine(original).dialect
    assert differences(target, reflect(original), dialect) == []
    assert report.mismatches == []
    down = render.downgrade_ops(operations)
    apply.apply_plan(original, down, reflect(original), verify=False)
    assert differences(before, reflect(original), dialect) == []


def server_copies(dataset: str, dialect: str, databases: ServerDatabases) -> list[URL]:
    """Two fresh copies of a corpus dataset on a server: one to change, one to match."""
    urls = []
    for _ in range(2):
        name = unique_name()
        databases.adopt(name)
        load_corpus(dataset, dialect, name)
        urls.append(make_url(databases.url(name)))
    return urls


def test_chinook_sqlite(tmp_path: Path) -> None:
    urls = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.sqlite"
        load_corpus("chinook", "sqlite", str(path))
        urls.append(make_url(f"sqlite:///{path}"))
    modify(urls[1], "Album", "Track", "Name")
    round_trip(urls[0], urls[1])


@pytest.mark.postgresql
def test_chinook_postgresql(pg_databases: ServerDatabases) -> None:
    original, modified = server_copies("chinook", "postgresql", pg_databases)
    modify(modified, "album", "track", "name")
    round_trip(original, modified)


@pytest.mark.mysql
def test_chinook_mariadb(mysql_databases: ServerDatabases) -> None:
    original, modified = server_copies("chinook", "mysql", mysql_databases)
    modify(modified, "Album", "Track", "Name")
    round_trip(original, modified)


@pytest.mark.postgresql
def test_pagila_postgresql(pg_databases: ServerDatabases) -> None:
    original, modified = server_copies("pagila", "postgresql", pg_databases)
    modify(modified, "film", "actor", "first_name")
    round_trip(original, modified)


def test_models_are_a_target_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shop_models.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "item = sa.Table('item', metadata, sa.Column('id', sa.Integer, primary_key=True), "
        "sa.Column('name', sa.String(40), nullable=False))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    metadata = load_models("shop_models:metadata")
    url = make_url(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    sa.create_engine(url).connect().close()
    engine = sa.create_engine(url)
    from gui_app.core.diff import diff_operations

    with engine.connect() as conn:
        operations = diff_operations(conn, metadata)
    engine.dispose()
    assert [type(op).__name__ for op in operations] == ["CreateTableOp"]


@pytest.mark.mysql
def test_sakila_mariadb(mysql_databases: ServerDatabases) -> None:
    """Sakila's foreign keys to its missing table ``add1`` are left out of the comparison."""
    urls = []
    for _ in range(2):
        name = mysql_databases.create()
        load_corpus("sakila", "mysql", name)
        urls.append(make_url(mysql_databases.url(name)))
    modify(urls[1], "film", "actor", "first_name")
    round_trip(urls[0], urls[1])


@pytest.mark.mysql
def test_mariadb_character_sets_and_collations_are_compared(mysql_databases: ServerDatabases) -> None:
    from tests.side_by_side import fingerprint

    urls = []
    for columns in ("name VARCHAR(50) CHARACTER SET utf8mb3, code VARCHAR(10) COLLATE utf8mb4_bin",
                    "name VARCHAR(50), code VARCHAR(10)"):
        url = mysql_databases.url(mysql_databases.create())
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE item (id INTEGER PRIMARY KEY, {columns}) CHARACTER SET utf8mb4")
        engine.dispose()
        urls.append(make_url(url))
    original, target = urls
    before = fingerprint(original.render_as_string(hide_password=False))["native"]
    operations = diff_databases(original, target)
    assert sorted(getattr(op, "column_name", "") for op in operations) == ["code", "name"]
    report = apply.apply_plan(original, operations, reflect(original))
    assert report.mismatches == []
    native = [fingerprint(u.render_as_string(hide_password=False))["native"] for u in urls]
    assert native[0] == native[1]
    apply.apply_plan(original, render.downgrade_ops(operations), reflect(original))
    assert fingerprint(original.render_as_string(hide_password=False))["native"] == before
