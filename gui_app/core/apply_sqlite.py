"""SQLite with DDL that really is transactional, and copies for dry runs.

The sqlite3 driver starts and commits transactions on its own terms, so DDL runs
outside the transaction SQLAlchemy believes it opened. With the driver's own
handling switched off and ``BEGIN`` emitted when SQLAlchemy begins (the recipe
from SQLAlchemy's SQLite documentation), a failed plan rolls back whole.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy import event
from sqlalchemy.engine import URL

from gui_app.core import timeouts
from gui_app.core.script_code import ScriptCodeOp


def transactional_engine(url: URL, copy: bool = False) -> tuple[sa.Engine, Callable[[], None]]:
    """An engine whose transactions cover DDL; with ``copy``, on a throw-away copy of the file.

    Returns the engine and what to call when done with it.
    """
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if copy:
        source = url.database or ""
        handle, path = tempfile.mkstemp(suffix=".sqlite", prefix="alembic-studio-dry-run-")
        os.close(handle)
        _backup(source, path)
        url = url.set(database=path)
        cleanup = lambda: os.remove(path) if os.path.exists(path) else None  # noqa: E731
    engine = timeouts.create_engine(url, poolclass=sa.pool.NullPool)

    @event.listens_for(engine, "connect")
    def _driver_transactions_off(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine, cleanup


def _backup(source: str, target: str) -> None:
    """Copy a live database consistently (SQLite's online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


DISCARDS_DATA = (ops.DropTableOp, ops.DropColumnOp, ops.ExecuteSQLOp, ScriptCodeOp)
"""Operations after which freed pages may hold data the database no longer has (custom SQL and a
script's own code may delete)."""


@contextlib.contextmanager
def plan_settings(conn: sa.Connection, plan: Sequence[ops.MigrateOperation]) -> Iterator[None]:
    """Connection settings for the span of a plan, put back afterwards; enter it outside any transaction.

    - ``foreign_keys`` off, so rebuilding a parent table cannot cascade-delete its child rows
      (``PRAGMA foreign_key_check`` runs before commit instead).
    - ``secure_delete = FAST`` when the plan discards nothing: a rebuild's old copy then holds only
      what the new table holds, and zeroing it (SQLite's default on many systems) writes the whole
      table to the rollback journal and again to the file — as long as the copy itself.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    foreign_keys_on = set_foreign_keys(conn, False)
    secure_delete = driver.execute("PRAGMA secure_delete").fetchone()[0]
    if not any(isinstance(op, DISCARDS_DATA) for op in plan):
        driver.execute("PRAGMA secure_delete = FAST")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA secure_delete = {int(secure_delete)}")
        if foreign_keys_on:
            set_foreign_keys(conn, True)


def set_foreign_keys(conn: sa.Connection, on: bool) -> bool:
    """Switch ``PRAGMA foreign_keys`` outside any transaction (inside one it does nothing);
    returns whether it was on before."""
    driver = conn.connection.driver_connection
    assert driver is not None and not driver.in_transaction, "PRAGMA foreign_keys needs no open transaction"
    was_on = bool(driver.execute("PRAGMA foreign_keys").fetchone()[0])
    driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    return was_on
