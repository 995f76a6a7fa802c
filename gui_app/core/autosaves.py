"""Autosaved pending lists, one file per database, so a crash loses no edit of any of them.

Each file is a migration script (the pending list as Alembic operations) under two header lines:
the database it belongs to (its URL without the password) and how many operations it holds.
Files are private to the user (0600, in a 0700 folder): they hold the plan and the URL.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from gui_app.core.private_files import write_private

DATABASE_MARK = "# alembic-studio database: "
OPERATIONS_MARK = "# alembic-studio operations: "


@dataclass(frozen=True)
class Autosave:
    """One autosaved pending list: where it is, for which database, when, how many operations."""

    path: Path
    database: str
    """The URL without its password."""
    saved_at: datetime.datetime
    operations: int | None
    """None for a file written before the count was recorded."""

    @property
    def summary(self) -> str:
        count = "operations unknown" if self.operations is None else \
            f"{self.operations} operation{'' if self.operations == 1 else 's'}"
        return f"{self.saved_at:%Y-%m-%d %H:%M} — {count} — {self.database}"  # the long part last


def path_for(folder: Path, database: str) -> Path:
    """The file of ``database`` (a URL without its password) in ``folder``."""
    return folder / f"pending-{hashlib.sha256(database.encode()).hexdigest()[:16]}.py"


def write(folder: Path, database: str, operations: int, script: str) -> Path:
    target = path_for(folder, database)
    write_private(target, f"{DATABASE_MARK}{database}\n{OPERATIONS_MARK}{operations}\n{script}")
    return target


def read(path: Path) -> Autosave | None:
    """The autosave in ``path``; None when it is not one (no database line)."""
    try:
        with path.open(encoding="utf-8") as file:
            first, second = file.readline().rstrip("\n"), file.readline().rstrip("\n")
        saved_at = datetime.datetime.fromtimestamp(path.stat().st_mtime)
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith(DATABASE_MARK):
        return None
    count = second[len(OPERATIONS_MARK):] if second.startswith(OPERATIONS_MARK) else ""
    return Autosave(path, first[len(DATABASE_MARK):], saved_at, int(count) if count.isdigit() else None)


def find_all(folder: Path) -> list[Autosave]:
    """Every autosave in ``folder``, newest first (a file of an earlier version included)."""
    found = [a for a in (read(p) for p in folder.glob("*.py")) if a is not None] if folder.is_dir() else []
    return sorted(found, key=lambda a: a.saved_at, reverse=True)


def find(folder: Path, database: str) -> Autosave | None:
    """The autosave of ``database``, if any (the newest, should an old-style file name it too)."""
    return next((a for a in find_all(folder) if a.database == database), None)


def remove(folder: Path, database: str) -> None:
    for autosave in find_all(folder):
        if autosave.database == database:
            autosave.path.unlink(missing_ok=True)
