"""Each operation kind's predicted ``ALGORITHM/LOCK`` on MariaDB equals the cheapest the server
accepts: the operation is run with each algorithm and lock in turn, cheapest first (a refused
combination changes nothing), on a fresh copy of the tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core import locks
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

_ALTER = re.compile(r"^\s*ALTER\s+TABLE\s", re.IGNORECASE)
_CREATE_INDEX = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s", re.IGNORECASE)
_DROP_INDEX = re.compile(r"^\s*DROP\s+INDEX\s+(\S+)\s+ON\s+(\S+)\s*$", re.IGNORECASE)


@pytest.fixture(scope="module")
def server(mysql_module_databases: ServerDatabases) -> Iterator[tuple[ServerDatabases, Schema, tuple[int, ...]]]:
    url = _fresh(mysql_module_databases)
    engine = sa.create_engine(url)
    schema = reflect(engine)
    version = engine.dialect.server_version_info or ()
    engine.dispose()
    if schema.dialect != "mariadb":
        pytest.skip("the server is MySQL: this model is MariaDB's")
    yield mysql_module_databases, schema, version


def _fresh(databases: ServerDatabases) -> str:
    return databases.create_with(*SETUP)


def _cheapest_accepted(url: str, op: ops.MigrateOperation) -> str:
    """The first ALGORITHM/LOCK, cheapest first, with which the server runs ``op``."""
    engine = sa.create_engine(url)
    refusals = []
    try:
        for algorithm in locks.ALGORITHMS:
            for lock in locks.MYSQL_LOCKS:
                if algorithm == "INSTANT" and lock != "NONE":
                    continue

                def restricted(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                               _many: bool, algorithm: str = algorithm, lock: str = lock) -> tuple[str, Any]:
                    dropped = _DROP_INDEX.match(statement)
                    if dropped:
                        statement = f"ALTER TABLE {dropped.group(2)} DROP INDEX {dropped.group(1)}"
                    if _ALTER.match(statement):
                        return f"{statement}, ALGORITHM={algorithm}, LOCK={lock}", parameters
                    if _CREATE_INDEX.match(statement):
                        return f"{statement} ALGORITHM={algorithm} LOCK={lock}", parameters
                    return statement, parameters

                with engine.connect() as conn:
                    sa.event.listen(conn, "before_cursor_execute", restricted, retval=True)
                    try:
                        Operations(MigrationContext.configure(conn)).invoke(op)
                        conn.commit()
                        return f"{algorithm}/{lock}"
                    except sa.exc.DBAPIError as error:
                        conn.rollback()
                        code = error.orig.args[0] if error.orig is not None and error.orig.args else None
                        if code not in (1845, 1846):  # ALGORITHM or LOCK not supported: try the next
                            raise
                        refusals.append(f"{algorithm}/{lock}")
    finally:
        engine.dispose()
    raise AssertionError(f"refused with every algorithm: {refusals}")


@pytest.mark.parametrize("case", list(MARIADB_CASES))
def test_prediction_equals_what_the_server_accepts(server: tuple[ServerDatabases, Schema, tuple[int, ...]],
                                                   case: str) -> None:
    databases, schema, version = server
    op = MARIADB_CASES[case]
    predicted = predict_mariadb(op, schema, version)
    ((_table, mode),) = predicted.locks
    assert mode == _cheapest_accepted(_fresh(databases), op), predicted.why


def test_what_mariadb_modes_block_and_which_is_stronger() -> None:
    assert locks.blocks("INSTANT/NONE") == "nothing a migration waits on"
    assert locks.blocks("COPY/SHARED") == "writes" and locks.blocks("NOCOPY/EXCLUSIVE") == "reads and writes"
    assert locks.stronger("INPLACE/NONE", "COPY/SHARED") == "COPY/SHARED"
    assert locks.stronger("INSTANT/NONE", "INPLACE/NONE") == "INPLACE/NONE"


def test_before_10_4_a_dropped_column_rebuilds(server: tuple[ServerDatabases, Schema, tuple[int, ...]]) -> None:
    _databases, schema, _version = server
    op = CASES["drop column"]
    assert predict_mariadb(op, schema, (10, 3, 30)).cost == locks.REWRITE
    assert predict_mariadb(op, schema, (10, 11, 6)).cost == locks.CATALOG
