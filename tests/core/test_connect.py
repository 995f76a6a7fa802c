"""Engines: a missing SQLite file is an error; a server database has one shared engine per URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from gui_app.core import connect


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(connect.DatabaseFileMissing):
        connect.open_engine(make_url(f"sqlite:///{tmp_path / 'nothing.sqlite'}"))
    assert not (tmp_path / "nothing.sqlite").exists()


def test_a_server_database_shares_one_engine_without_a_pool() -> None:
    url = make_url("postgresql+psycopg://postgres@127.0.0.1:5432/shop")
    engine = connect.open_engine(url)
    assert connect.shared_engine(url) is engine and isinstance(engine.pool, NullPool)
    assert connect.shared_engine(url.set(database="other")) is not engine
    assert connect.shared_engine(url.set(username="reader")) is not engine  # other credentials, other engine


def test_the_least_recently_used_engines_are_let_go() -> None:
    first = connect.shared_engine(make_url("postgresql+psycopg://postgres@127.0.0.1:5432/db_first"))
    for n in range(connect._SHARED_MAX):
        connect.shared_engine(make_url(f"postgresql+psycopg://postgres@127.0.0.1:5432/db_{n}"))
    assert connect.shared_engine(make_url("postgresql+psycopg://postgres@127.0.0.1:5432/db_first")) is not first
