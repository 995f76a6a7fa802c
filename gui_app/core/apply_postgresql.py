"""PostgreSQL: the plan's statements sent without waiting for each reply.

A plain client (psql too) waits for the server's answer to each statement before
sending the next, so every statement pays a round trip on top of its work. In
libpq's pipeline mode (psycopg's ``Connection.pipeline()``) the statements stream
to the server while the next one is being built; the server still runs them in
order, inside the one transaction.

The price is that a server error arrives late: at a later statement or at the
closing sync, so it cannot be pinned on an operation as it happens. The whole
transaction is rolled back anyway; the caller then replays the plan one statement
at a time in a transaction that is rolled back too, to name the operation that
fails with the database's own message.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa


def pipeline(conn: sa.Connection) -> contextlib.AbstractContextManager[Any]:
    """Pipeline mode for the statements run inside it (a no-op where the driver has none)."""
    if conn.dialect.driver != "psycopg":
        return contextlib.nullcontext()
    import psycopg

    driver = conn.connection.driver_connection
    if driver is None or not psycopg.Pipeline.is_supported():
        return contextlib.nullcontext()
    return _quiet_pipeline(driver)


@contextlib.contextmanager
def _quiet_pipeline(driver: Any) -> Iterator[Any]:
    """The driver's pipeline, without its log line about an aborted pipeline when a statement
    failed: the caller reports that failure itself, pinned on its operation."""
    logger = logging.getLogger("psycopg")
    logger.addFilter(_drop_aborted_pipeline)
    try:
        with driver.pipeline() as pipe:
            yield pipe
    finally:
        logger.removeFilter(_drop_aborted_pipeline)


def _drop_aborted_pipeline(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("error ignored terminating <psycopg.Pipeline")


def from_server(error: BaseException) -> bool:
    """Whether ``error`` came back from the server (so a pipeline may have delivered it late)."""
    import psycopg

    return isinstance(error, sa.exc.DBAPIError | psycopg.Error)


def connection_lost(conn: sa.Connection, error: BaseException) -> bool:
    if conn.invalidated or (isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated):
        return True
    driver = conn.connection.driver_connection if not conn.closed else None
    return driver is None or bool(getattr(driver, "closed", False))
