"""MySQL 8's model against the manual's online DDL tables, operation kind by operation kind, and
its version gates. The servers the tests run on are MariaDB: on MySQL the dry run checks these
rules against the server itself (tests/core/test_mysql_algorithms.py shows the mechanism on
MariaDB)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import locks
from gui_app.core.lock_models import MODELLED, predict
from gui_app.core.locks_mysql import predict_mysql
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from tests.core.test_locks_postgresql import CASES

# The manual's tables (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html),
# as ALGORITHM/LOCK and cost, for MySQL 8.0.35.
DOCUMENTED = {
    "add column": ("INSTANT/NONE", locks.CATALOG),
    "add column, constant default, NOT NULL": ("INSTANT/NONE", locks.CATALOG),
    "add column, stored generated": ("COPY/SHARED", locks.REWRITE),
    "drop column": ("INSTANT/NONE", locks.CATALOG),
    "varchar lengthened": ("COPY/SHARED", locks.REWRITE),  # 60 characters may take 240 bytes: more length bytes
    "varchar to text": ("COPY/SHARED", locks.REWRITE),
    "integer to bigint": ("COPY/SHARED", locks.REWRITE),
    "SET NOT NULL": ("INPLACE/NONE", locks.REWRITE),
    "DROP NOT NULL": ("INPLACE/NONE", locks.REWRITE),
    "SET DEFAULT": ("INSTANT/NONE", locks.CATALOG),
    "rename column": ("INSTANT/NONE", locks.CATALOG),
    "column comment": ("INPLACE/NONE", locks.CATALOG),
    "rename table": ("INSTANT/NONE", locks.CATALOG),
    "create index": ("INPLACE/NONE", locks.SCAN),
    "drop index": ("INPLACE/NONE", locks.CATALOG),
    "add unique constraint": ("INPLACE/NONE", locks.SCAN),
    "add check": ("COPY/SHARED", locks.REWRITE),
    "add foreign key": ("COPY/SHARED", locks.REWRITE),
    "add primary key": ("INPLACE/NONE", locks.REWRITE),
    "drop foreign key": ("INPLACE/NONE", locks.CATALOG),
    "table comment": ("INPLACE/NONE", locks.CATALOG),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    """The tables of the PostgreSQL cases, read (from SQLite) and labelled MySQL 8.0.35."""
    path = Path(tmp_path_factory.mktemp("mysql")) / "music.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for statement in (
                "CREATE TABLE artist (id integer PRIMARY KEY, name varchar(40) NOT NULL, note text)",
                "CREATE TABLE album (id integer PRIMARY KEY, artist_id integer REFERENCES artist (id), "
                "title varchar(60), price numeric(8, 2), year integer, CONSTRAINT uq_album_title_year "
                "UNIQUE (title, year))",
                "CREATE INDEX ix_album_year ON album (year)",
                "CREATE TABLE tag (label varchar(20) NOT NULL)"):
            conn.exec_driver_sql(statement)
    read = reflect(engine)
    engine.dispose()
    return dataclasses.replace(read, dialect="mysql", server_version="8.0.35")


@pytest.mark.parametrize("case", list(DOCUMENTED))
def test_each_kind_as_the_manual_documents(schema: Schema, case: str) -> None:
    prediction = predict(CASES[case], schema)
    assert prediction is not None and "mysql" in MODELLED
    ((_table, mode),) = prediction.locks
    assert (mode, prediction.cost) == DOCUMENTED[case], prediction.why


def test_the_version_gates(schema: Schema) -> None:
    add, drop = CASES["add column"], CASES["drop column"]
    rename = CASES["rename column"]

    def mode(op: ops.MigrateOperation, version: tuple[int, ...]) -> str:
        return predict_mysql(op, schema, version).locks[0][1]

    assert (mode(add, (8, 0, 11)), mode(add, (8, 0, 12))) == ("INPLACE/NONE", "INSTANT/NONE")
    assert (mode(drop, (8, 0, 28)), mode(drop, (8, 0, 29))) == ("INPLACE/NONE", "INSTANT/NONE")
    assert (mode(rename, (8, 0, 27)), mode(rename, (8, 0, 28))) == ("INPLACE/NONE", "INSTANT/NONE")


def test_a_short_varchar_lengthened_within_its_length_byte_is_metadata_only(schema: Schema) -> None:
    op = ops.AlterColumnOp("tag", "label", existing_type=sa.String(20), modify_type=sa.String(40))
    prediction = predict_mysql(op, schema, (8, 0, 35))
    assert (prediction.locks[0][1], prediction.cost) == ("INPLACE/NONE", locks.CATALOG)
    copied = predict_mysql(CASES["integer to bigint"], schema, (8, 0, 35))
    assert copied.alternative is not None and copied.alternative.startswith(
        "an online copy tool, writes going on (needs a primary key or unique key): pt-online-schema-change "
        "--alter 'MODIFY year BIGINT NULL' ")
