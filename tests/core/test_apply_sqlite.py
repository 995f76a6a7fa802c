"""Connection settings the SQLite apply uses for the span of a plan, and put back after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.engine import make_url

from gui_app.core import apply_sqlite

KEEPS_DATA: list[ops.MigrateOperation] = [ops.AlterColumnOp("t", "a", modify_nullable=False)]


def _settings(conn: sa.Connection) -> tuple[int, int]:
    driver = conn.connection.driver_connection
    assert driver is not None
    return tuple(driver.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[return-value]
                 for name in ("foreign_keys", "secure_delete"))


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sa.Connection]:
    engine, _ = apply_sqlite.transactional_engine(make_url(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    connection = engine.connect()
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys = ON")
    driver.execute("PRAGMA secure_delete = ON")
    yield connection
    connection.close()
    engine.dispose()


def test_a_plan_that_keeps_all_data_skips_zeroing_the_old_copy(conn: sa.Connection) -> None:
    before = _settings(conn)
    with apply_sqlite.plan_settings(conn, KEEPS_DATA):
        assert _settings(conn) == (0, 2)  # 2 is FAST
    assert _settings(conn) == before == (1, 1)


@pytest.mark.parametrize("discarding", [
    ops.DropColumnOp("t", "a"),
    ops.DropTableOp("t"),
    ops.ExecuteSQLOp("DELETE FROM t"),
])
def test_a_plan_that_discards_data_keeps_secure_delete(conn: sa.Connection,
                                                       discarding: ops.MigrateOperation) -> None:
    with apply_sqlite.plan_settings(conn, [*KEEPS_DATA, discarding]):
        assert _settings(conn) == (0, 1)
    assert _settings(conn) == (1, 1)


def test_settings_are_put_back_when_the_plan_fails(conn: sa.Connection) -> None:
    with pytest.raises(RuntimeError), apply_sqlite.plan_settings(conn, KEEPS_DATA):
        raise RuntimeError("failed")
    assert _settings(conn) == (1, 1)


def test_a_rebuild_keeps_lower_case_types_and_their_affinity(tmp_path: Path) -> None:
    """Hand-written SQLite schemas often spell types in lower case; a rebuild must not turn
    ``varchar(10)`` or ``text`` into NUMERIC, whose affinity would make '007' the number 7."""
    from gui_app.core import apply, edits
    from gui_app.core.plan import Plan
    from gui_app.core.reflect import reflect

    path = tmp_path / "lower.sqlite"
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE t (id integer primary key, code varchar(10), note text, gone int)")
        c.exec_driver_sql("INSERT INTO t VALUES (1, '007', '0.50', 1)")
    base = reflect(url)
    assert [repr(c.sa_type) for c in base.table("t").columns] == [
        "INTEGER()", "VARCHAR(length=10)", "TEXT()", "INTEGER()"]
    plan = Plan(base, "sqlite")
    plan.append(edits.drop_column(base.table("t"), "gone"))  # SQLite rebuilds the table for this
    plan.append(edits.alter_column(plan.projected.table("t"), "note", nullable=False))
    apply.apply_plan(make_url(url), plan.operations, base)
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT code, typeof(code), note, typeof(note) FROM t").one() == (
            "007", "text", "0.50", "text")
        declared = [row[2] for row in c.exec_driver_sql("PRAGMA table_info(t)")]
    engine.dispose()
    assert declared == ["INTEGER", "VARCHAR(10)", "TEXT"]


def test_a_default_given_after_adding_a_column_does_not_fill_the_existing_rows(tmp_path: Path) -> None:
    """Added, then given a default: the rows there before keep NULL, as on the other databases."""
    from gui_app.core import apply, edits
    from gui_app.core.plan import Plan
    from gui_app.core.reflect import reflect

    url = f"sqlite:///{tmp_path / 'added.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        c.exec_driver_sql("INSERT INTO t VALUES (1)")
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.add_column(base.table("t"), edits.ColumnSpec("note", sa.String(20))))
    plan.append(edits.alter_column(plan.projected.table("t"), "note", default_literal="later"))
    apply.apply_plan(make_url(url), plan.operations, base)
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO t (id) VALUES (2)")
        assert c.exec_driver_sql("SELECT id, note FROM t ORDER BY id").all() == [(1, None), (2, "later")]
    engine.dispose()
