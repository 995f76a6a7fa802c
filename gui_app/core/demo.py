"""The embedded demo database the app opens when started without a URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gui_app.core.resources import resource_text

DEMO_FILE_NAME = "demo.sqlite"


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
