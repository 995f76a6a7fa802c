"""The embedded demo database the app opens when started without a URL."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

DEMO_FILE_NAME = "demo.sqlite"


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


def ensure_demo_database(data_dir: Path) -> Path:
    """Create the demo database in ``data_dir`` on first use; return its path."""
    path = data_dir / DEMO_FILE_NAME
    if path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    conn = sqlite3.connect(partial)
    try:
        conn.executescript(resource_text("demo_schema.sql"))
        conn.commit()
    finally:
        conn.close()
    partial.replace(path)  # never leave a half-built demo behind
    return path
