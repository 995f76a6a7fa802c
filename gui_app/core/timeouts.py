"""Every wait on a server is bounded: connecting, waiting for a lock, counting rows.

A server that accepts a connection but never answers, or a table another session holds
locked, would otherwise stall the app or the command line without limit. Worse, on
PostgreSQL an ``ALTER TABLE`` queued behind a lock blocks every other session's reads of
that table for as long as it waits; a short lock timeout is what keeps a migration from
taking a busy table offline (the PostgreSQL manual, "lock_timeout"; MariaDB,
"lock_wait_timeout" for metadata locks and "innodb_lock_wait_timeout" for row locks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gui_app.core.dialects import is_mysql

if TYPE_CHECKING:  # SQLAlchemy is imported where it is used: the command line reads this module at start
    import sqlalchemy as sa
    from sqlalchemy.engine import URL


@dataclass(frozen=True)
class Timeouts:
    """How long to wait, in seconds: for a server to answer a connect, for a lock, for a count."""

    connect: float = 10.0
    """Seconds to open a connection, the server's greeting and login included."""
    lock: float = 5.0
    """Seconds a statement of an apply may wait for a lock another session holds."""
    count: float = 10.0
    """Seconds a statement counting the rows a change destroys may run."""
    lock_retries: int = 3
    """Times an apply that gave up waiting for a lock, having changed nothing, is tried again
    (after 1, 2, 4… s): the usual way to migrate a busy table with a short lock timeout."""


_current = Timeouts()


def current() -> Timeouts:
    return _current


def configure(timeouts: Timeouts) -> None:
    """Set the process's timeouts (from the command line or the settings) before connecting."""
    global _current
    for name in ("connect", "lock", "count"):
        value = getattr(timeouts, name)
        if not (isinstance(value, int | float) and 0 < value <= 86_400):
            raise ValueError(f"the {name} timeout must be between 0 and 86400 seconds, not {value!r}")
    if not (isinstance(timeouts.lock_retries, int) and 0 <= timeouts.lock_retries <= 100):
        raise ValueError(f"the lock retries must be a whole number from 0 to 100, not {timeouts.lock_retries!r}")
    _current = timeouts


def connect_args(url: URL, timeouts: Timeouts | None = None) -> dict[str, Any]:
    """Driver arguments bounding the connection's opening. libpq counts in whole seconds (at
    least 2); PyMySQL's ``connect_timeout`` covers only the TCP connect, so its read timeout
    bounds the greeting and login too (and is lifted once connected, see :func:`install`)."""
    seconds = (timeouts or _current).connect
    backend = url.get_backend_name()
    if backend == "postgresql" and url.get_driver_name() in ("psycopg", "psycopg2"):
        return {"connect_timeout": max(2, math.ceil(seconds))}
    if is_mysql(backend) and url.get_driver_name() == "pymysql":
        return {"connect_timeout": seconds, "read_timeout": seconds}
    if backend == "sqlite":
        return {"timeout": seconds}  # a database file another process holds locked
    return {}


def install(engine: sa.Engine) -> sa.Engine:
    """After login, a PyMySQL connection waits on reads without limit again: a long ``ALTER
    TABLE`` sends nothing until it is done, and must not be cut off."""
    import sqlalchemy as sa

    if engine.dialect.driver == "pymysql":
        sa.event.listen(engine, "connect", _unbounded_reads)
    return engine


def _unbounded_reads(dbapi_connection: Any, _record: Any) -> None:
    # PyMySQL resets the socket's timeout to this attribute before its next read.
    dbapi_connection._read_timeout = None


def create_engine(url: URL, timeouts: Timeouts | None = None, **kw: Any) -> sa.Engine:
    """``sqlalchemy.create_engine`` with the connection's opening bounded."""
    import sqlalchemy as sa

    args = {**connect_args(url, timeouts), **kw.pop("connect_args", {})}
    return install(sa.create_engine(url, connect_args=args, **kw))


def limit_lock_waits(conn: sa.Connection, seconds: float) -> None:
    """Bound every lock wait of this session's statements (set for the session, committed:
    the apply's own transaction starts after)."""
    for statement in _session_settings(conn, lock=seconds):
        conn.exec_driver_sql(statement)
    conn.commit()


def limit_statements(conn: sa.Connection, seconds: float) -> None:
    """Bound each statement of this session, its lock waits included (for read-only counting)."""
    if conn.dialect.name == "sqlite":
        _sqlite_deadline(conn, seconds)
        return
    for statement in _session_settings(conn, lock=seconds, statement=seconds):
        conn.exec_driver_sql(statement)
    conn.commit()


def _session_settings(conn: sa.Connection, lock: float, statement: float | None = None) -> list[str]:
    name = conn.dialect.name
    milliseconds, whole = max(1, round(lock * 1000)), max(1, math.ceil(lock))
    if name == "postgresql":
        found = [f"SET lock_timeout = {milliseconds}"]
        if statement is not None:
            found.append(f"SET statement_timeout = {max(1, round(statement * 1000))}")
        return found
    if is_mysql(name):
        found = [f"SET SESSION lock_wait_timeout = {whole}", f"SET SESSION innodb_lock_wait_timeout = {whole}"]
        if statement is not None:
            if getattr(conn.dialect, "is_mariadb", False):
                found.append(f"SET SESSION max_statement_time = {float(statement)!r}")
            else:
                found.append(f"SET SESSION max_execution_time = {max(1, round(statement * 1000))}")
        return found
    return []


def _sqlite_deadline(conn: sa.Connection, seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler interrupts a statement past the deadline
    (reset at each statement by the ``before_cursor_execute`` listener)."""
    import time

    import sqlalchemy as sa

    driver = conn.connection.driver_connection
    if driver is None:
        return
    state = {"until": time.monotonic() + seconds}

    def restart(*_args: Any) -> None:
        state["until"] = time.monotonic() + seconds

    def over() -> int:
        return 1 if time.monotonic() > state["until"] else 0

    sa.event.listen(conn, "before_cursor_execute", restart)
    driver.set_progress_handler(over, 10_000)  # type: ignore[attr-defined]


def timed_out(error: BaseException) -> bool:
    """Whether a statement was stopped by one of these limits (statement or lock timeout)."""
    orig = getattr(error, "orig", error)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in ("57014", "55P03"):  # query_canceled (statement_timeout), lock_not_available
        return True
    args = getattr(orig, "args", ())
    if args and args[0] in (1205, 1969, 3024):  # lock wait timeout; MariaDB / MySQL statement time
        return True
    return "interrupted" in str(orig) and type(orig).__module__ == "sqlite3"


def lock_timed_out(error: BaseException) -> bool:
    """Whether a statement gave up waiting for a lock another session holds."""
    orig = getattr(error, "orig", error)
    if (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) == "55P03":
        return True
    args = getattr(orig, "args", ())
    if args and args[0] == 1205:
        return True
    return "database is locked" in str(orig)
