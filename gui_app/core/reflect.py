"""Live database -> :class:`~gui_app.core.schema.Schema`.

One entry point for every dialect. SQLite reads its catalog once
(:mod:`reflect_sqlite`); PostgreSQL and MySQL/MariaDB go through SQLAlchemy's
batched ``Inspector.get_multi_*`` calls (:mod:`reflect_inspector`). Progress is
reported per step and the job can be cancelled between steps.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL, make_url

from gui_app.core import timeouts
from gui_app.core.connect import shared_engine
from gui_app.core.long_lived import collector_paused
from gui_app.core.progress import CancelToken, ProgressFn, Steps
from gui_app.core.schema import Schema


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
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return reflect(conn, progress, cancel, only, tables_only)
    name = bind.dialect.name
    with collector_paused():
        if name == "sqlite":
            from gui_app.core.reflect_sqlite import reflect_sqlite

            schema = reflect_sqlite(bind, Steps(3, progress, cancel), only)
        elif name in ("postgresql", "mysql", "mariadb"):
            from gui_app.core.reflect_inspector import reflect_with_inspector

            schema = reflect_with_inspector(bind, Steps(0, progress, cancel), only, tables_only)
        else:
            raise ValueError(f"unsupported database dialect: {name}")
    if progress is not None:
        progress("Done", 1, 1)
    return schema

