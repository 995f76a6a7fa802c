"""The app's own files (the demo's schema, the window's icon), installed or in a checkout.

A module of its own: the window reads its icon before the first paint, without importing what
the demo database needs (sqlite3 and datetime, about 6 ms).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path:
    """A file from ``resources/``: packaged as ``gui_app/resources``, or beside the source tree."""
    try:
        packaged = resources.files("gui_app.resources").joinpath(name)
        if packaged.is_file():
            return Path(str(packaged))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "resources" / name


def resource_text(name: str) -> str:
    return resource_path(name).read_text(encoding="utf-8")
