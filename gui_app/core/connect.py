"""Engines for the databases the user opens."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL


class DatabaseFileMissing(OSError):
    """A SQLite URL names a file that does not exist; opening it would create an empty one."""


def open_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:") \
                and not Path(database).is_file():
            raise DatabaseFileMissing(f"no SQLite database at {database}")
    return create_engine(url)
