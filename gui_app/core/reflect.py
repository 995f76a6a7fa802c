"""Live database -> :class:`~gui_app.core.schema.Schema`.

One entry point for every dialect. SQLite reads its catalog once
(:mod:`reflect_sqlite`); PostgreSQL and MySQL/MariaDB go through SQLAlchemy's
batched ``Inspector.get_multi_*`` calls (:mod:`reflect_inspector`). Progress is
reported per step and the job can be cancelled between steps.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from gui_app.core import timeouts
from gui_app.core.connect import shared_engine
from gui_app.core.long_lived import collector_paused
from gui_app.core.progress import CancelToken, ProgressFn, Steps
from gui_app.core.schema import Schema

if TYPE_CHECKING:
    from gui_app.core.reflect_postgresql import PostgresExtras


def reflect(
    bind: Engine | Connection | URL | str,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    only: set[tuple[str | None, str]] | None = None,
    tables_only: bool = False,
) -> Schema:
    """Reflect the database; with ``only``, just those (schema, table) pairs (views and types too).
    ``tables_only``: no views, sequences, types or routines either, where only tables are compared
    (the drift check and verification of an apply; SQLite's are read with its catalog anyway)."""
    if isinstance(bind, str | URL):
        url = make_url(bind)
        if url.get_backend_name() != "sqlite":
            return reflect(shared_engine(url), progress, cancel, only, tables_only)
        engine = timeouts.create_engine(url)
        try:
            return reflect(engine, progress, cancel, only, tables_only)
        finally:
            engine.dispose()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return _reflect_postgresql(bind, progress, cancel, only, tables_only)
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return reflect(conn, progress, cancel, only, tables_only)
    return _reflect_connection(bind, progress, cancel, only, tables_only)


def _reflect_connection(conn: Connection, progress: ProgressFn | None, cancel: CancelToken | None,
                        only: set[tuple[str | None, str]] | None, tables_only: bool,
                        catalog: Callable[[], PostgresExtras | None] | None = None) -> Schema:
    name = conn.dialect.name
    with collector_paused():
        if name == "sqlite":
            from gui_app.core.reflect_sqlite import reflect_sqlite

            schema = reflect_sqlite(conn, Steps(3, progress, cancel), only)
        elif name in ("postgresql", "mysql", "mariadb"):
            from gui_app.core.reflect_inspector import reflect_with_inspector

            schema = reflect_with_inspector(conn, Steps(0, progress, cancel), only, tables_only, catalog)
        else:
            raise ValueError(f"unsupported database dialect: {name}")
    if progress is not None:
        progress("Done", 1, 1)
    return schema


def _reflect_postgresql(engine: Engine, progress: ProgressFn | None, cancel: CancelToken | None,
                        only: set[tuple[str | None, str]] | None, tables_only: bool) -> Schema:
    """The catalog queries beyond SQLAlchemy's inspector run on a second connection while the
    inspector reads the tables on the first: most of either is the server's time, and the server
    answers both at once (~30 ms of MusicBrainz's ~190). Neither reads in one snapshot, as before:
    every statement of a reflection sees what is committed when it starts. Where the server
    refuses a second connection (its or the role's connection limit), the first reads it all."""
    from gui_app.core.reflect_postgresql import read_extras

    def read_catalog() -> PostgresExtras | None:
        try:
            conn = engine.connect()
        except DBAPIError:
            return None
        with conn:
            return read_extras(conn, inspect(conn), tables_only)

    # The first connection is made first: where only one is allowed, it is the reflection's.
    with collector_paused(), engine.connect() as conn, \
            ThreadPoolExecutor(1, thread_name_prefix="catalog") as alongside:
        catalog = alongside.submit(read_catalog)
        try:
            return _reflect_connection(conn, progress, cancel, only, tables_only, catalog.result)
        finally:
            catalog.cancel()  # not started yet (the reflection failed at once): not started at all

