"""Reflection of real-world schemas, checked against what their DDL declares.

The corpus databases are read-only here, so each module loads a dataset once
into its own uniquely named database and drops it when the module ends.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from tests.conftest import ServerDatabases, corpus_file, load_corpus, unique_name

CHINOOK_TABLES = {"Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine", "MediaType",
                  "Playlist", "PlaylistTrack", "Track"}


def _declared(path: Path, pattern: str) -> int:
    return len(re.findall(pattern, path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE))


def _key(name: str) -> str:
    """Chinook spells names per dialect: ``InvoiceLine``, ``invoice_line``."""
    return name.lower().replace("_", "")


def _by_name(schema: Schema, name: str):  # type: ignore[no-untyped-def]
    return next(t for t in schema.tables if _key(t.name) == _key(name))


def _check_chinook(schema: Schema, ddl: Path) -> None:
    assert {_key(t.name) for t in schema.tables} == {_key(n) for n in CHINOOK_TABLES}
    assert len(schema.tables) == _declared(ddl, r"^\s*CREATE TABLE")
    assert sum(len(t.foreign_keys) for t in schema.tables) == _declared(ddl, r"FOREIGN KEY")
    playlist_track = _by_name(schema, "PlaylistTrack")
    assert [_key(c) for c in playlist_track.primary_key.columns] == ["playlistid", "trackid"]
    employee = _by_name(schema, "Employee")
    (reports_to,) = employee.foreign_keys
    assert _key(reports_to.referred_table) == "employee"
    assert [_key(c) for c in reports_to.columns] == ["reportsto"]
    track = _by_name(schema, "Track")
    name = next(c for c in track.columns if _key(c.name) == "name")
    assert not name.nullable and "200" in name.type_name
    unit_price = next(c for c in track.columns if _key(c.name) == "unitprice")
    assert "10" in unit_price.type_name and "2" in unit_price.type_name


def test_chinook_sqlite(tmp_path: Path) -> None:
    ddl = corpus_file("chinook", "Chinook_Sqlite.sql")
    target = tmp_path / "chinook.sqlite"
    load_corpus("chinook", "sqlite", str(target))
    schema = reflect(f"sqlite:///{target}")
    _check_chinook(schema, ddl)
    indexes = sum(len(t.indexes) for t in schema.tables)
    assert indexes == _declared(ddl, r"^\s*CREATE (UNIQUE )?INDEX")
    assert sqlite3.connect(target).execute("SELECT count(*) FROM Track").fetchone() == (3503,)


@pytest.mark.postgresql
def test_chinook_postgresql(pg_databases: ServerDatabases) -> None:
    name = unique_name()
    pg_databases.adopt(name)
    load_corpus("chinook", "postgresql", name)
    schema = reflect(pg_databases.url(name))
    _check_chinook(schema, corpus_file("chinook", "Chinook_PostgreSql.sql"))
    assert schema.dialect == "postgresql" and schema.namespaces[0].name == "public"


@pytest.mark.mysql
def test_chinook_mariadb(mysql_databases: ServerDatabases) -> None:
    name = unique_name()
    mysql_databases.adopt(name)
    load_corpus("chinook", "mysql", name)
    schema = reflect(mysql_databases.url(name))
    _check_chinook(schema, corpus_file("chinook", "Chinook_MySql.sql"))
    assert schema.dialect == "mariadb"
    invoice_line = _by_name(schema, "InvoiceLine")
    assert invoice_line.primary_key.columns == ("InvoiceLineId",)
    # Chinook's MySQL DDL declares no AUTO_INCREMENT: nothing is invented.
    assert invoice_line.column("InvoiceLineId").autoincrement is False


@pytest.mark.postgresql
def test_pagila_postgresql(pg_databases: ServerDatabases) -> None:
    ddl = corpus_file("pagila", "pagila-schema.sql")
    name = unique_name()
    pg_databases.adopt(name)
    load_corpus("pagila", "postgresql", name)
    schema = reflect(pg_databases.url(name))
    public = schema.namespace(None)
    assert len(public.tables) == _declared(ddl, r"^CREATE TABLE")
    partitions = [t for t in public.tables if t.partition_of]
    assert len(partitions) == _declared(ddl, r"ATTACH PARTITION") > 0
    assert {t.partition_of for t in partitions} == {"payment"}
    assert public.table("payment").partition_key == "RANGE (payment_date)"
    assert all(t.partition_bound and t.partition_bound.startswith("FOR VALUES FROM (") for t in partitions)
    assert sorted(v.name for v in public.views if v.materialized) == ["rental_by_category"]
    assert len(public.views) == _declared(ddl, r"^CREATE (MATERIALIZED )?VIEW")
    (rating,) = public.enums
    assert (rating.name, rating.labels) == ("mpaa_rating", ("G", "PG", "PG-13", "R", "NC-17"))
    assert {d.name for d in public.domains} == {"b\u0131g\u0131nt", "year"}  # dotless i, as Pagila spells it
    year = next(d for d in public.domains if d.name == "year")
    assert year.checks and "1901" in year.checks[0].sqltext
    assert len(public.sequences) == _declared(ddl, r"^CREATE SEQUENCE")
    film = public.table("film")
    assert film.column("rating").type_name == "mpaa_rating"
    assert film.column("special_features").type_name == "text[]"
    assert film.column("fulltext").type_name == "tsvector"
    assert {i.name: i.method for i in film.indexes}["film_fulltext_idx"] == "gist"
    total_fks = sum(len(t.foreign_keys) for t in public.tables if not t.partition_of)
    assert total_fks == _declared(ddl, r"FOREIGN KEY") - sum(len(t.foreign_keys) for t in partitions)
    wanted = {(None, "film"), (None, "payment"), (None, "payment_p2022_01")}
    _tables_alone_are_the_same(pg_databases.url(name), schema, wanted)


def _tables_alone_are_the_same(url: str, schema: Schema, wanted: set[tuple[str | None, str]]) -> None:
    """What an apply's drift check and verification read: the tables as a full read has them
    (triggers, partitions, column types), without the views, routines, sequences and types."""
    alone = reflect(url, only=wanted, tables_only=True)
    assert {(t.schema, t.name) for t in alone.tables} == wanted
    assert all(alone.table(name, schema_name) == schema.table(name, schema_name) for schema_name, name in wanted)
    assert any(t.triggers for t in alone.tables)
    assert not any(n.views or n.sequences or n.enums or n.domains or n.routines for n in alone.namespaces)


@pytest.mark.postgresql
def test_northwind_postgresql(pg_databases: ServerDatabases) -> None:
    ddl = corpus_file("northwind", "northwind.sql")
    name = unique_name()
    pg_databases.adopt(name)
    load_corpus("northwind", "postgresql", name)
    schema = reflect(pg_databases.url(name))
    assert len(schema.tables) == _declared(ddl, r"^CREATE TABLE") == 14
    assert sum(len(t.foreign_keys) for t in schema.tables) == _declared(ddl, r"FOREIGN KEY") == 13
    assert schema.table("categories").column("picture").type_name == "bytea"
    assert schema.table("order_details").primary_key.columns == ("order_id", "product_id")  # type: ignore[union-attr]


@pytest.mark.postgresql
def test_musicbrainz_postgresql(pg_databases: ServerDatabases) -> None:
    tables_sql = corpus_file("musicbrainz", "CreateTables.sql")
    name = unique_name()
    pg_databases.adopt(name)
    load_corpus("musicbrainz", "postgresql", name)
    schema = reflect(pg_databases.url(name))
    mb = schema.namespace("musicbrainz")
    assert not mb.is_default
    assert len(mb.tables) == _declared(tables_sql, r"^\s*CREATE TABLE") == 375
    assert all(t.schema == "musicbrainz" for t in mb.tables)
    indexes = _declared(corpus_file("musicbrainz", "CreateIndexes.sql"), r"^\s*CREATE (UNIQUE )?INDEX")
    assert sum(len(t.indexes) for t in mb.tables) == indexes
    assert sum(len(t.foreign_keys) for t in mb.tables) == 770
    assert sum(len(t.check_constraints) for t in mb.tables) == 663
    assert len(mb.views) == _declared(corpus_file("musicbrainz", "CreateViews.sql"), r"^\s*CREATE (OR REPLACE )?VIEW")
    toc = mb.table("medium_index").column("toc")
    assert toc.type_name == "cube" and type(toc.sa_type).__name__ == "NullType"
    assert mb.table("place").column("coordinates").type_name == "point"
    truncated = [fk.name for t in mb.tables for fk in t.foreign_keys if fk.name and len(fk.name) == 63]
    assert truncated, "identifiers over 63 characters are kept as the server truncated them"


@pytest.mark.mysql
def test_sakila_mariadb(mysql_databases: ServerDatabases) -> None:
    ddl = corpus_file("sakila", "sakila-schema.sql")
    name = mysql_databases.create()
    load_corpus("sakila", "mysql", name)
    schema = reflect(mysql_databases.url(name))
    assert len(schema.tables) == _declared(ddl, r"^CREATE TABLE") == 16
    film = schema.table("film")
    assert film.column("rating").type_name == "ENUM('G','PG','PG-13','R','NC-17')"
    assert film.column("special_features").type_name.startswith("SET(")
    assert "UNSIGNED" in film.column("film_id").type_name
    assert film.column("film_id").autoincrement is True
    fulltext = schema.table("film_text").indexes[0]
    assert (fulltext.method, fulltext.elements) == ("FULLTEXT", ("title", "description"))
    store = schema.table("store")
    assert "ON UPDATE" in (store.column("last_update").default or "").upper()
    assert [u.name for u in store.unique_constraints] == ["idx_unique_manager"]
    assert sum(len(t.foreign_keys) for t in schema.tables) == _declared(ddl, r"FOREIGN KEY")
    _tables_alone_are_the_same(mysql_databases.url(name), schema, {(None, "film"), (None, "payment")})
