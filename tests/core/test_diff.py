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


def _empty(kind: str, tmp_path: Path, pg: ServerDatabases, mysql: ServerDatabases) -> URL:
    if kind == "sqlite":
        url = make_url(f"sqlite:///{tmp_path / 'empty.sqlite'}")
        sa.create_engine(url).connect().close()
        return url
    databases = pg if kind == "postgresql" else mysql
    databases.skip_if_down()
    return make_url(databases.url(databases.create()))


@pytest.mark.parametrize(("dataset", "written_on", "source", "expected_notes"), [
    ("pagila", "postgresql", "sqlite", [
        "film.release_year: domain year is compared as its base type INTEGER",
        "film.special_features: arrays exist only on PostgreSQL; compared as JSON",
        "film.fulltext: TSVECTOR has no sqlite type; compared as TEXT"]),
    ("pagila", "postgresql", "mysql", ["film.fulltext: TSVECTOR has no mysql type; compared as TEXT"]),
    ("sakila", "mysql", "postgresql", [
        "film.special_features: SET has no postgresql type; compared as VARCHAR(54)",
        "store: index idx_fk_address_id is named ix_store_address_id on postgresql, where index names are shared "
        "by all tables of a schema",
        "actor.last_update: ON UPDATE current_timestamp() has no postgresql form (a trigger would do it); left out"]),
    ("sakila", "mysql", "sqlite", ["film.release_year: YEAR has no sqlite type; compared as SMALLINT"]),
])
def test_a_database_of_another_kind_is_matched_in_the_sources_own_sql(
        dataset: str, written_on: str, source: str, expected_notes: list[str], tmp_path: Path,
        pg_databases: ServerDatabases, mysql_databases: ServerDatabases) -> None:
    """A real schema from one server, matched on an empty database of another kind: every type,
    default and index is one the source runs (or is left out with a note), tables in a cycle
    (Sakila's staff and store) are created before their keys are added, and the downgrade empties
    the source again."""
    (pg_databases if written_on == "postgresql" else mysql_databases).skip_if_down()
    target_name = (pg_databases if written_on == "postgresql" else mysql_databases).create()
    load_corpus(dataset, written_on, target_name)
    target = make_url((pg_databases if written_on == "postgresql" else mysql_databases).url(target_name))
    empty = _empty(source, tmp_path, pg_databases, mysql_databases)
    notes: list[str] = []
    operations = diff_databases(empty, target, notes)
    for wanted in expected_notes:
        assert wanted in notes, notes
    apply.apply_plan(empty, operations, reflect(empty), verify=False)
    matched, wanted_schema = reflect(empty), reflect(target)
    assert sorted(t.name.lower() for t in matched.tables) == sorted(t.name.lower() for t in wanted_schema.tables)
    for table in wanted_schema.tables:
        assert [c.name for c in matched.table(table.name).columns] == [c.name for c in table.columns]
        assert len(matched.table(table.name).foreign_keys) == len(table.foreign_keys), table.name
    apply.apply_plan(empty, render.downgrade_ops(operations), matched, verify=False)
    assert reflect(empty).tables == ()


def test_defaults_of_another_kind_of_database_are_written_as_the_source_spells_them(
        tmp_path: Path, pg_databases: ServerDatabases) -> None:
    pg_databases.skip_if_down()
    target = pg_databases.url(pg_databases.create())
    engine = sa.create_engine(target)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE item (id serial PRIMARY KEY, added timestamptz DEFAULT now(), "
            "tag varchar(10) DEFAULT 'x', flags jsonb DEFAULT '{}'::jsonb, uid uuid DEFAULT gen_random_uuid(), "
            "price numeric(6, 2) DEFAULT 0.5 CHECK (price >= 0), lower_tag text DEFAULT lower('ABC'))")
        conn.exec_driver_sql("CREATE INDEX ix_item_lower_tag ON item (lower(tag)) WHERE price > 0")
    engine.dispose()
    empty = _empty("sqlite", tmp_path, pg_databases, pg_databases)
    notes: list[str] = []
    operations = diff_databases(empty, make_url(target), notes)
    assert notes == ["item.uid: the default gen_random_uuid() has no sqlite form and is left out"]
    apply.apply_plan(empty, operations, reflect(empty), verify=False)
    item = reflect(empty).table("item")
    defaults = {c.name: c.default for c in item.columns}
    assert defaults == {"id": None, "added": "CURRENT_TIMESTAMP", "tag": "'x'", "flags": "'{}'", "uid": None,
                        "price": "0.5", "lower_tag": "LOWER('ABC')"}
    assert [(ix.name, ix.where) for ix in item.indexes] == [("ix_item_lower_tag", "price > 0")]
    assert item.primary_key is not None and item.column("id").autoincrement in (True, "auto")


def test_unnamed_keys_of_the_other_database_get_names_the_downgrade_can_drop(tmp_path: Path) -> None:
    """SQLite keeps inline keys unnamed; Alembic drops a constraint only by name."""
    import sqlite3

    urls = []
    for name, extra in (("a", ""), ("b", ", code TEXT UNIQUE, parent_id INTEGER REFERENCES item (id)")):
        path = tmp_path / f"{name}.sqlite"
        conn = sqlite3.connect(path)
        conn.execute(f"CREATE TABLE item (id INTEGER PRIMARY KEY, code_old TEXT{extra})")
        conn.commit()
        conn.close()
        urls.append(make_url(f"sqlite:///{path}"))
    original, target = urls
    before = reflect(original)
    operations = diff_databases(original, target)
    names = sorted(str(getattr(op, "constraint_name", "")) for op in operations if hasattr(op, "constraint_name"))
    assert names == ["fk_item_parent_id_item", "uq_item_code"]
    apply.apply_plan(original, operations, before)
    apply.apply_plan(original, render.downgrade_ops(operations), reflect(original), verify=False)
    assert differences(before, reflect(original), sa.create_engine(original).dialect) == []
