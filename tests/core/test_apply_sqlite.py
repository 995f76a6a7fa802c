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
