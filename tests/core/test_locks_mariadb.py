"""Each operation kind's predicted ``ALGORITHM/LOCK`` on MariaDB equals the cheapest the server
accepts: the operation is run with each algorithm and lock in turn, cheapest first (a refused
combination changes nothing), on a fresh copy of the tables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import locks
from gui_app.core.apply import apply_plan
from gui_app.core.locks_mariadb import predict_mariadb
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from tests.conftest import ServerDatabases
from tests.core.test_locks_postgresql import CASES

SETUP = (
    "CREATE TABLE artist (id integer PRIMARY KEY, name varchar(40) NOT NULL, note text)",
    "CREATE TABLE album (id integer PRIMARY KEY, artist_id integer, title varchar(60), code varchar(20), "
    "price numeric(8, 2), year integer, CONSTRAINT fk_album_artist FOREIGN KEY (artist_id) REFERENCES artist (id), "
    "CONSTRAINT uq_album_title_year UNIQUE (title, year))",
    "CREATE INDEX ix_album_year ON album (year)",
    "CREATE TABLE tag (label varchar(20) NOT NULL)",
    "INSERT INTO artist VALUES (1, 'one', NULL), (2, 'two', NULL)",
    "INSERT INTO album VALUES (1, 1, 'first', 'a', 10, 1999), (2, 2, 'second', 'b', 20, 2001)",
    "INSERT INTO tag VALUES ('rock'), ('jazz')",
)

NOT_ON_MARIADB = {
    "add column, volatile default": "MariaDB has no clock_timestamp()",
    "drop column under a foreign key": "MariaDB refuses to drop a column its foreign key needs",
    "add column, identity": "MariaDB has no identity columns (Alembic leaves the clause out)",
    "add check NOT VALID": "NOT VALID is PostgreSQL's",
    "add foreign key NOT VALID": "NOT VALID is PostgreSQL's",
    "bulk insert": "not an ALTER TABLE",
    "drop table under a foreign key": "not an ALTER TABLE: takes no ALGORITHM",
    "create table referring to another": "a new table: nobody waits on it",
}
MARIADB_CASES: dict[str, ops.MigrateOperation] = {
    **{name: op for name, op in CASES.items() if name not in NOT_ON_MARIADB},
    "varchar lengthened within its length byte": ops.AlterColumnOp("album", "code", existing_type=sa.String(20),
                                                                   modify_type=sa.String(40)),
}

@pytest.fixture(scope="module")
def server(mysql_module_databases: ServerDatabases) -> Iterator[tuple[str, Schema, tuple[int, ...]]]:
    url = mysql_module_databases.create_with(*SETUP)
    engine = sa.create_engine(url)
    schema = reflect(engine)
    version = engine.dialect.server_version_info or ()
    engine.dispose()
    if schema.dialect != "mariadb":
        pytest.skip("the server is MySQL: this model is MariaDB's")
    yield url, schema, version


@pytest.mark.parametrize("case", list(MARIADB_CASES))
def test_prediction_equals_what_the_dry_run_finds_the_server_accepts(
        server: tuple[str, Schema, tuple[int, ...]], case: str) -> None:
    """The dry run sends each statement with the cheapest ALGORITHM/LOCK first and records the one
    the server accepts (:mod:`gui_app.core.mysql_algorithms`)."""
    url, schema, version = server
    op = MARIADB_CASES[case]
    predicted = predict_mariadb(op, schema, version)
    ((_table, mode),) = predicted.locks
    report = apply_plan(sa.engine.make_url(url), [op], schema, dry_run=True)
    assert report.algorithms is not None
    assert mode == report.algorithms.strongest(0), predicted.why


def test_what_mariadb_modes_block_and_which_is_stronger() -> None:
    assert locks.blocks("INSTANT/NONE") == "nothing a migration waits on"
    assert locks.blocks("COPY/SHARED") == "writes" and locks.blocks("NOCOPY/EXCLUSIVE") == "reads and writes"
    assert locks.stronger("INPLACE/NONE", "COPY/SHARED") == "COPY/SHARED"
    assert locks.stronger("INSTANT/NONE", "INPLACE/NONE") == "INPLACE/NONE"


def test_before_10_4_a_dropped_column_rebuilds(server: tuple[str, Schema, tuple[int, ...]]) -> None:
    _url, schema, _version = server
    op = CASES["drop column"]
    assert predict_mariadb(op, schema, (10, 3, 30)).cost == locks.REWRITE
    assert predict_mariadb(op, schema, (10, 11, 6)).cost == locks.CATALOG


def test_a_copy_names_the_online_copy_tools_with_the_change_written_for_them(
        server: tuple[str, Schema, tuple[int, ...]]) -> None:
    """A step that copies the table under ``LOCK=SHARED`` offers the same change through
    ``pt-online-schema-change`` and ``gh-ost``, with the clause as MariaDB reads it; gh-ost is
    ruled out where the table has foreign keys, and pt-osc told how to carry child keys over."""
    _url, schema, version = server
    database = schema.default_schema
    widen = MARIADB_CASES["integer to bigint"]
    assert predict_mariadb(widen, schema, version).alternative == (
        "an online copy tool, writes going on (needs a primary key or unique key): pt-online-schema-change "
        f"--alter 'MODIFY year BIGINT NULL' D={database},t=album --execute; or gh-ost cannot: the table has "
        "foreign keys")
    tag = ops.AlterColumnOp("tag", "label", existing_type=sa.String(20), modify_type=sa.String(300),
                            existing_nullable=False)
    assert predict_mariadb(tag, schema, version).alternative == (
        "an online copy tool, writes going on (needs a primary key or unique key): pt-online-schema-change "
        f"--alter 'MODIFY label VARCHAR(300) NOT NULL' D={database},t=tag --execute; or gh-ost "
        f"--database={database} --table=tag --alter='MODIFY label VARCHAR(300) NOT NULL' --allow-on-master --execute")
    check = MARIADB_CASES["add check"]
    assert "--alter 'ADD CONSTRAINT ck_album_price CHECK (price >= 0)'" in \
        (predict_mariadb(check, schema, version).alternative or "")
    assert predict_mariadb(MARIADB_CASES["add column"], schema, version).alternative is None  # instant
