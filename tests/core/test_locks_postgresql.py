"""Each operation kind's predicted locks and cost equal what PostgreSQL does, measured in the
transaction (``pg_locks``, ``relfilenode``, this transaction's scan counts) and rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core import locks
from gui_app.core.lock_probe import Measured, PostgresProbe
from gui_app.core.op_facts import table_of
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from tests.conftest import ServerDatabases

SETUP = """
CREATE TABLE artist (id integer PRIMARY KEY, name varchar(40) NOT NULL, note text);
CREATE TABLE album (id integer PRIMARY KEY, artist_id integer, title varchar(60), price numeric(8, 2),
                    year integer, CONSTRAINT fk_album_artist FOREIGN KEY (artist_id) REFERENCES artist (id),
                    CONSTRAINT uq_album_title_year UNIQUE (title, year));
CREATE INDEX ix_album_year ON album (year);
CREATE TABLE tag (label varchar(20) NOT NULL);
INSERT INTO artist SELECT g, 'artist ' || g, NULL FROM generate_series(1, 300) g;
INSERT INTO album SELECT g, 1 + mod(g, 300), 'album ' || g, mod(g, 50), 1960 + mod(g, 60)
    FROM generate_series(1, 900) g;
INSERT INTO tag SELECT 'tag ' || g FROM generate_series(1, 50) g;
"""

ARTIST, ALBUM, TAG = (None, "artist"), (None, "album"), (None, "tag")


def _alter(table: str, column: str, existing: Any, **changes: Any) -> ops.AlterColumnOp:
    return ops.AlterColumnOp(table, column, existing_type=existing, **changes)


CASES: dict[str, ops.MigrateOperation] = {
    "add column": ops.AddColumnOp("album", sa.Column("rating", sa.Integer)),
    "add column, constant default, NOT NULL": ops.AddColumnOp(
        "album", sa.Column("status", sa.String(10), nullable=False, server_default="new")),
    "add column, volatile default": ops.AddColumnOp(
        "album", sa.Column("seen_at", sa.DateTime, server_default=sa.text("clock_timestamp()"))),
    "add column, identity": ops.AddColumnOp("tag", sa.Column("tag_id", sa.Integer, sa.Identity())),
    "add column, stored generated": ops.AddColumnOp(
        "album", sa.Column("price_cents", sa.Numeric(10, 0), sa.Computed("price * 100", persisted=True))),
    "drop column": ops.DropColumnOp("album", "price"),
    "drop column under a foreign key": ops.DropColumnOp("album", "artist_id"),
    "varchar lengthened": _alter("album", "title", sa.String(60), modify_type=sa.String(120)),
    "varchar to text": _alter("album", "title", sa.String(60), modify_type=sa.Text()),
    "varchar shortened": _alter("album", "title", sa.String(60), modify_type=sa.String(20)),
    "integer to bigint": _alter("album", "year", sa.Integer(), modify_type=sa.BigInteger()),
    "numeric given precision": _alter("album", "price", sa.Numeric(8, 2), modify_type=sa.Numeric(12, 2)),
    "numeric scale changed": _alter("album", "price", sa.Numeric(8, 2), modify_type=sa.Numeric(10, 3)),
    "SET NOT NULL": _alter("album", "title", sa.String(60), modify_nullable=False),
    "DROP NOT NULL": _alter("artist", "name", sa.String(40), modify_nullable=True),
    "SET DEFAULT": _alter("album", "year", sa.Integer(), modify_server_default=sa.text("2000")),
    "column comment": _alter("album", "year", sa.Integer(), modify_comment="release year"),
    "rename column": _alter("album", "year", sa.Integer(), modify_name="released"),
    "rename table": ops.RenameTableOp("tag", "label"),
    "create index": ops.CreateIndexOp("ix_album_title", "album", ["title"]),
    "drop index": ops.DropIndexOp("ix_album_year", "album"),
    "add unique constraint": ops.CreateUniqueConstraintOp("uq_artist_name", "artist", ["name"]),
    "add check": ops.CreateCheckConstraintOp("ck_album_price", "album", "price >= 0"),
    "add check NOT VALID": ops.CreateCheckConstraintOp("ck_album_year", "album", "year > 1900",
                                                       postgresql_not_valid=True),
    "add foreign key": ops.CreateForeignKeyOp("fk_album_artist_2", "album", "artist", ["artist_id"], ["id"]),
    "add foreign key NOT VALID": ops.CreateForeignKeyOp("fk_album_artist_3", "album", "artist", ["artist_id"],
                                                        ["id"], postgresql_not_valid=True),
    "add primary key": ops.CreatePrimaryKeyOp("pk_tag", "tag", ["label"]),
    "drop foreign key": ops.DropConstraintOp("fk_album_artist", "album", type_="foreignkey"),
    "drop unique constraint": ops.DropConstraintOp("uq_album_title_year", "album", type_="unique"),
    "drop table under a foreign key": ops.DropTableOp("album"),
    "create table referring to another": ops.CreateTableOp("review", [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("album_id", sa.Integer, sa.ForeignKey("album.id"))]),
    "table comment": ops.CreateTableCommentOp("album", "albums released"),
    "bulk insert": ops.BulkInsertOp(sa.table("tag", sa.column("label")), [{"label": "new"}]),
}


@pytest.fixture(scope="module")
def database(pg_module_databases: ServerDatabases) -> Iterator[tuple[sa.Engine, Schema]]:
    url = pg_module_databases.url(pg_module_databases.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(SETUP)
    yield engine, reflect(engine)
    engine.dispose()


def _run(engine: sa.Engine, op: ops.MigrateOperation) -> Measured:
    with engine.connect() as conn:
        conn.begin()
        probe = PostgresProbe(conn, "public")
        measured = probe.measure(lambda: Operations(MigrationContext.configure(conn)).invoke(op))
        conn.rollback()
    return measured


def _cost(measured: Measured, table: locks.TableName) -> str:
    return locks.REWRITE if table in measured.rewrites else locks.SCAN if table in measured.scans else locks.CATALOG


@pytest.mark.parametrize("case", list(CASES))
def test_prediction_equals_what_the_server_does(database: tuple[sa.Engine, Schema], case: str) -> None:
    engine, schema = database
    op = CASES[case]
    version = engine.dialect.server_version_info or ()
    predicted = locks.predict_postgresql(op, schema, version)
    measured = _run(engine, op)
    assert (predicted.locks, predicted.rewrites, predicted.scans) == \
        (measured.locks, measured.rewrites, measured.scans), predicted.why
    here = table_of(op)
    if predicted.cost is not None and here is not None and (here[0], here[1]) in {t for t, _ in measured.locks}:
        assert predicted.cost == _cost(measured, here)


def test_the_cases_cover_every_cost_and_the_strong_modes() -> None:
    """The cases above are not all the easy kind: each cost class and lock mode the model names
    for a table operation is reached by at least one of them."""
    schema = Schema("postgresql", "15", "public", ())
    seen_costs = set()
    for op in CASES.values():
        seen_costs.add(locks._predict(op, schema, (15,)).cost)
    assert {locks.CATALOG, locks.SCAN, locks.REWRITE} <= seen_costs


def test_before_postgresql_11_a_default_rewrites() -> None:
    op = CASES["add column, constant default, NOT NULL"]
    schema = Schema("postgresql", "10", "public", ())
    assert locks._predict(op, schema, (10, 23)).cost == locks.REWRITE
    assert locks._predict(op, schema, (11, 0)).cost == locks.CATALOG


@pytest.mark.parametrize(("mode", "blocked"), [("ACCESS EXCLUSIVE", "reads and writes"), ("SHARE", "writes"),
                                                ("SHARE ROW EXCLUSIVE", "writes"),
                                                ("SHARE UPDATE EXCLUSIVE", "other schema changes and VACUUM")])
def test_what_each_mode_blocks(mode: str, blocked: str) -> None:
    assert locks.blocks(mode) == blocked


def test_a_dry_run_measures_each_step_and_agrees_with_the_predictions(database: tuple[sa.Engine, Schema]) -> None:
    """The dry run records what each step did; a combined ALTER TABLE is one step for the operations
    it holds; a lock a step already holds does not count against the next one."""
    from gui_app.core import lock_report
    from gui_app.core.apply import apply_plan
    from gui_app.core.op_facts import describe
    from gui_app.core.plan import Plan

    engine, schema = database
    plan = Plan(schema, "postgresql")
    for name in ("integer to bigint", "varchar lengthened", "create index", "add foreign key", "SET DEFAULT",
                 "column comment", "add check NOT VALID"):
        plan.append(CASES[name])
    report = apply_plan(engine.url, plan.operations, schema, dry_run=True)
    assert [(step.first, step.count) for step in report.measured] == [(0, 2), (2, 1), (3, 2), (5, 1), (6, 1)]
    checks = lock_report.compare([plan.lock(i) for i in range(len(plan))],
                                 [describe(op) for op in plan.operations], report.measured)
    assert [check.differences for check in checks] == [()] * 5, [check.text() for check in checks]
    assert checks[0].measured.rewrites == (ALBUM,) and checks[1].measured.scans == (ALBUM,)
    assert checks[0].text().startswith("Operation 1 to 2 (alter_column album.year and 1 more): ACCESS EXCLUSIVE on "
                                       "album, rewrote album, ")
    assert checks[0].text().endswith(" s — as predicted")
    with engine.connect() as conn:  # thrown away
        assert conn.exec_driver_sql("SELECT data_type FROM information_schema.columns WHERE table_name = 'album' "
                                    "AND column_name = 'year'").scalar() == "integer"


def test_a_step_that_does_other_than_predicted_is_named() -> None:
    from gui_app.core import lock_report
    from gui_app.core.lock_probe import Measured, StepMeasured

    predicted = locks.Prediction(((ALBUM, "ACCESS EXCLUSIVE"),), locks.CATALOG)
    measured = Measured(((ALBUM, "ACCESS EXCLUSIVE"),), (ALBUM,), (), 0.5)
    (check,) = lock_report.compare([predicted], ["alter_column album.year"], [StepMeasured(0, 1, measured)])
    assert check.differences == ("a rewrite of album was not predicted",)
    weaker = Measured(((ALBUM, "SHARE"),), (), (), 0.1)
    (check,) = lock_report.compare([predicted], ["alter_column album.year"], [StepMeasured(0, 1, weaker)])
    assert check.differences == ("album: predicted ACCESS EXCLUSIVE, took SHARE",)


def test_blocked_from_says_when_each_table_starts_waiting() -> None:
    from gui_app.core import lock_report

    steps = [locks.Prediction(((ALBUM, "SHARE"),), locks.SCAN),
             locks.Prediction(((ALBUM, "ACCESS EXCLUSIVE"), (ARTIST, "SHARE ROW EXCLUSIVE")), locks.CATALOG),
             locks.Prediction(((TAG, "SHARE UPDATE EXCLUSIVE"),), locks.CATALOG), None]
    assert lock_report.blocked_from(steps) == [lock_report.Blocked(ALBUM, 1, 2), lock_report.Blocked(ARTIST, 2, None)]


def test_a_table_renamed_by_the_plan_is_still_the_one_others_wait_on() -> None:
    """Predictions leave out what nobody else can see yet (a table the plan makes); a table the
    plan renamed is the one other sessions use, under its old name, and its locks stay."""
    from gui_app.core.plan import Plan
    from gui_app.core.schema import Column, Namespace, Table

    books = Table("books", None, (Column("id", "integer", False), Column("title", "text")))
    plan = Plan(Schema("postgresql", "15.4", "public", (Namespace("public", (books,)),)), "postgresql")
    plan.append(ops.RenameTableOp("books", "titles"))
    plan.append(ops.AlterColumnOp("titles", "title", modify_type=sa.String(80), existing_type=sa.Text()))
    plan.append(ops.DropTableOp("titles"))
    plan.append(ops.CreateTableOp("titles", [sa.Column("id", sa.Integer())]))
    plan.append(ops.AddColumnOp("titles", sa.Column("note", sa.Text())))
    altered, dropped, added = plan.lock(1), plan.lock(2), plan.lock(4)
    assert altered is not None and ((None, "titles"), "ACCESS EXCLUSIVE") in altered.locks
    assert dropped is not None and ((None, "titles"), "ACCESS EXCLUSIVE") in dropped.locks
    assert added is not None and added.locks == ()  # the new titles: nobody sees it before the commit
