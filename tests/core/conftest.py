from __future__ import annotations

from pathlib import Path

import pytest

from gui_app.core.demo import ensure_demo_database
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema


@pytest.fixture(scope="session")
def demo_schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    folder: Path = tmp_path_factory.mktemp("demo")
    return reflect(f"sqlite:///{ensure_demo_database(folder)}")
