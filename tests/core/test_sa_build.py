"""Snapshot tables rebuilt as SQLAlchemy tables (what a MySQL dry run creates its scratch copy from)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from gui_app.core import sa_build
from gui_app.core.reflect import reflect


def test_a_table_built_after_one_that_refers_to_it_replaces_the_stub(tmp_path: Path) -> None:
    """``album`` comes first by name and refers to ``artist``: the stub made for its foreign key
    gives way to the real ``artist``, every column kept, and the key points at it (this failed
    with "Table 'artist' is already defined" on a MariaDB dry run)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'music.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE artist (id integer PRIMARY KEY, name varchar(40) NOT NULL)")
        conn.exec_driver_sql("CREATE TABLE album (id integer PRIMARY KEY, artist_id integer REFERENCES artist (id))")
    schema = reflect(engine)
    engine.dispose()
    metadata = sa.MetaData()
    for table in sorted(schema.tables, key=lambda t: t.name):
        sa_build.table_to_sa(table, metadata)
    artist = metadata.tables["artist"]
    assert list(artist.columns.keys()) == ["id", "name"] and not artist.info.get(sa_build.STUB)
    (key,) = metadata.tables["album"].foreign_keys
    assert key.column.table is artist
    assert [t.name for t in metadata.sorted_tables] == ["artist", "album"]
