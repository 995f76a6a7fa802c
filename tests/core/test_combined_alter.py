"""A run of alterations of one table is sent as one ALTER TABLE on PostgreSQL and MariaDB: every
sub-command kind together, on real servers, with rows; the result equals the projection and the
downgrade gives the table back; a failure is pinned on its operation (PostgreSQL) or reported with
the operations its statement held, none of them applied (MariaDB)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.engine import URL, make_url

from gui_app.core import apply, edits, render
from gui_app.core.combined_alter import CombinedAlterOp, combined
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.schema import ForeignKey, Table
from gui_app.core.verification import differences
from tests.conftest import ServerDatabases

SETUP = [
    "CREATE TABLE genre (id INTEGER PRIMARY KEY, name VARCHAR(40))",
    "CREATE TABLE track (id INTEGER NOT NULL, title VARCHAR(40), plays INTEGER, genre_id INTEGER, "
    "rating INTEGER DEFAULT 3, note VARCHAR(20), old_code VARCHAR(5), CONSTRAINT uq_track_note UNIQUE (note))",
    # MySQL would make an index for the new foreign key, which dropping the key leaves behind (under
    # alembic too): with one there already, the downgrade gives the table back exactly.
    "CREATE INDEX ix_track_genre ON track (genre_id)",
    "INSERT INTO genre VALUES (1, 'rock'), (2, 'jazz')",
    "INSERT INTO track VALUES (1, 'One', 10, 1, 3, 'a', 'x'), (2, 'Two', NULL, 2, 5, 'b', 'y')",
]


def _database(databases: ServerDatabases) -> URL:
    return make_url(databases.create_with(*SETUP))


@contextmanager
def _alter_statements() -> Iterator[list[str]]:
    """The ALTER TABLE statements any engine sends meanwhile."""
    sent: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("ALTER TABLE"):
            sent.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)


def _every_kind(plan: Plan) -> None:
    """One run on ``track``: every sub-command kind the servers combine."""
    def track() -> Table:
        return plan.projected.table("track")

    plan.append(edits.add_column(track(), edits.ColumnSpec("added", sa.String(10), default_literal="new")))
    plan.append(edits.drop_column(track(), "old_code"))
    plan.append(edits.alter_column(track(), "plays", type_=sa.BigInteger()))
    plan.append(edits.alter_column(track(), "title", nullable=False))
    plan.append(edits.alter_column(track(), "rating", server_default=None))
    plan.append(edits.alter_column(track(), "note", server_default="'-'"))
    plan.append(edits.create_primary_key(track(), "pk_track", ["id"]))
    plan.append(edits.create_foreign_key(track(), ForeignKey(
        "fk_track_genre", ("genre_id",), None, "genre", ("id",), "CASCADE")))
    plan.append(edits.create_unique_constraint(track(), "uq_track_title", ["title"]))
    plan.append(edits.create_check_constraint(track(), "ck_track_rating", "rating BETWEEN 1 AND 5"))
    plan.append(edits.drop_constraint(track(), "unique", "uq_track_note"))


def test_the_run_is_one_statement_where_the_server_reads_it_as_written() -> None:
    dialect = render.dialect_for("postgresql")
    add = ops.AddColumnOp("t", sa.Column("c", sa.Integer()))
    alter_added = ops.AlterColumnOp("t", "c", modify_nullable=False, existing_type=sa.Integer())
    other = ops.AlterColumnOp("t", "d", modify_type=sa.BigInteger(), existing_type=sa.Integer())
    rename = ops.AlterColumnOp("t", "d", modify_name="e", existing_type=sa.Integer())
    elsewhere = ops.AlterColumnOp("u", "d", modify_type=sa.BigInteger(), existing_type=sa.Integer())
    items = combined([add, other, alter_added, rename, elsewhere], dialect)
    assert [type(i).__name__ for i in items] == ["CombinedAlterOp", "AlterColumnOp", "AlterColumnOp",
                                                 "AlterColumnOp"]
    first = items[0]
    assert isinstance(first, CombinedAlterOp) and first.ops == [add, other]
    assert first.sql == "ALTER TABLE t\n    ADD COLUMN c INTEGER,\n    ALTER COLUMN d TYPE BIGINT"
    # a constraint dropped and added again under its name is not read against one table state
    drop = ops.DropConstraintOp("uq_x", "t", type_="unique")
    add_again = ops.CreateUniqueConstraintOp("uq_x", "t", ["a", "b"])
    assert [type(i).__name__ for i in combined([drop, add_again], dialect)] == ["DropConstraintOp",
                                                                                "CreateUniqueConstraintOp"]


def _check_every_kind(url: URL) -> None:
    base = reflect(url)
    plan = Plan(base, base.dialect)
    _every_kind(plan)
    with _alter_statements() as sent:
        report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    on_track = [s for s in sent if s.split()[2].strip('"`') == "track"]
    assert len(on_track) == 1, sent
    after = reflect(url)
    track = after.table("track")
    assert [c.name for c in track.columns] == ["id", "title", "plays", "genre_id", "rating", "note", "added"]
    assert track.primary_key is not None and track.primary_key.columns == ("id",)
    assert {u.name for u in track.unique_constraints} == {"uq_track_title"}
    assert any(c.name == "ck_track_rating" for c in track.check_constraints)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, added, plays FROM track ORDER BY id").all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "new", 10), (2, "new", None)]
    down = render.downgrade_ops(plan.operations)
    apply.apply_plan(url, down, after)
    assert differences(base, reflect(url), sa.create_engine(url).dialect) == []


@pytest.mark.postgresql
def test_every_kind_in_one_postgresql_statement(pg_databases: ServerDatabases) -> None:
    _check_every_kind(_database(pg_databases))


@pytest.mark.mysql
def test_every_kind_in_one_mariadb_statement(mysql_databases: ServerDatabases) -> None:
    _check_every_kind(_database(mysql_databases))


@pytest.mark.postgresql
def test_a_failing_sub_command_is_pinned_on_its_operation_on_postgresql(pg_databases: ServerDatabases) -> None:
    url = _database(pg_databases)
    base = reflect(url)
    plan = Plan(base, "postgresql")
    plan.append(edits.alter_column(base.table("track"), "plays", type_=sa.BigInteger()))
    plan.append(edits.add_column(plan.projected.table("track"), edits.ColumnSpec("x", sa.Integer())))
    plan.append(edits.alter_column(plan.projected.table("track"), "plays", nullable=False))  # a row holds NULL
    plan.append(edits.alter_column(plan.projected.table("track"), "rating", type_=sa.BigInteger()))
    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(url, plan.operations, base)
    assert failed.value.index == 2 and failed.value.rolled_back and failed.value.applied == 0
    assert failed.value.operation == "alter_column track.plays", failed.value.operation
    assert 'column "plays" of relation "track" contains null values' in failed.value.message
    assert differences(base, reflect(url), sa.create_engine(url).dialect) == []


@pytest.mark.mysql
def test_a_failing_statement_on_mariadb_names_the_operations_it_held(mysql_databases: ServerDatabases) -> None:
    url = _database(mysql_databases)
    base = reflect(url)
    plan = Plan(base, base.dialect)
    plan.append(edits.add_column(base.table("genre"), edits.ColumnSpec("code", sa.String(5))))  # its own table
    plan.append(edits.alter_column(plan.projected.table("track"), "plays", type_=sa.BigInteger()))
    plan.append(edits.add_column(plan.projected.table("track"), edits.ColumnSpec("x", sa.Integer())))
    plan.append(edits.alter_column(plan.projected.table("track"), "plays", nullable=False))  # a row holds NULL
    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(url, plan.operations, base)
    error = failed.value
    assert error.index == 1 and error.applied == 1 and not error.rolled_back
    assert error.operation == ("alter_column track.plays and the next 2, sent as one ALTER TABLE "
                               "(operations 2 to 4)"), error.operation
    assert "None of the 3 operations sent in that statement was applied." in error.message
    assert "The first 1 operation(s) were applied." in str(error)
    after = reflect(url)
    assert "code" in [c.name for c in after.table("genre").columns]
    assert after.table("track") == base.table("track")  # the statement failed as a whole


def test_the_preview_and_the_confirmation_show_the_statement_that_runs() -> None:
    plan = [ops.AlterColumnOp("track", "a", modify_type=sa.BigInteger(), existing_type=sa.Integer()),
            ops.AddColumnOp("track", sa.Column("b", sa.String(20), server_default="50%")),
            ops.AlterColumnOp("track", "c", modify_server_default=sa.text("'12:30'"), existing_type=sa.Integer())]
    assert render.render_sql(plan, "postgresql", None, as_sent=True) == (
        "ALTER TABLE track\n    ALTER COLUMN a TYPE BIGINT,\n    ADD COLUMN b VARCHAR(20) DEFAULT '50%',\n"
        "    ALTER COLUMN c SET DEFAULT '12:30';\n\n")
    # without as_sent, one statement per operation, as alembic upgrade --sql writes them
    assert render.render_sql(plan, "postgresql", None).count("ALTER TABLE track") == 3
