from __future__ import annotations

from pathlib import Path

import pytest

from gui_app.core.demo import ensure_demo_database
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from tests.conftest import ServerDatabases, load_corpus


@pytest.fixture(scope="session")
def demo_schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    folder: Path = tmp_path_factory.mktemp("demo")
    return reflect(f"sqlite:///{ensure_demo_database(folder)}")


@pytest.fixture
def pagila(pg_databases: ServerDatabases) -> str:
    """A new database holding Pagila's schema (no rows); its URL."""
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    return pg_databases.url(name)
