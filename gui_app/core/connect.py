"""Engines for the databases the user opens."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from gui_app.core import timeouts

_SHARED: OrderedDict[tuple[str, timeouts.Timeouts], Engine] = OrderedDict()
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 8


class DatabaseFileMissing(OSError):
    """A SQLite URL names a file that does not exist; opening it would create an empty one."""


def open_engine(url: URL) -> Engine:
    """An engine for reading the database; a server database gets the process's shared one."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:") \
                and not Path(database).is_file():
            raise DatabaseFileMissing(f"no SQLite database at {database}")
        return timeouts.create_engine(url)
    return shared_engine(url)


def shared_engine(url: URL) -> Engine:
    """The process's engine for a server database (not SQLite), made on first use.

    SQLAlchemy keeps its compiled-statement cache on the engine, so reading the schema,
    checking it for drift and verifying an apply share warm statements (a fresh engine
    compiles its reflection queries again: about 25 ms a time on PostgreSQL). No pool:
    each use opens its own connection and closes it, so nothing lingers on the server.
    """
    key = (url.render_as_string(hide_password=False), timeouts.current())  # kept in memory only
    with _SHARED_LOCK:
        engine = _SHARED.get(key)
        if engine is None:
            engine = _SHARED[key] = timeouts.create_engine(url, poolclass=NullPool)
            while len(_SHARED) > _SHARED_MAX:
                _SHARED.popitem(last=False)[1].dispose()
        _SHARED.move_to_end(key)
        return engine
