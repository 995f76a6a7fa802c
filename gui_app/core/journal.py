"""A journal of an apply on MySQL/MariaDB, where each DDL statement commits on its own.

If the process dies part way (a kill, a crash, a power cut), the database holds the first
steps and not the rest, and ``alembic_version`` still names the old revision. The journal,
written before and after every step, says which plan it was (as a migration script), where it
stopped, and what to stamp at the end; the next ``apply`` or connect finds it, checks against
the live schema which steps are really in the database (the step running when the process
died may or may not have committed), and offers to finish the plan or to revert what ran.

One journal per database (named by a hash of its URL without the password), 0600 in the app's
0700 data folder; removed when the apply ends, whether it succeeded or failed cleanly.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gui_app.core.private_files import private_folder, write_private

ORGANIZATION, APPLICATION = "AlembicStudio", "Alembic Studio"


def data_folder() -> Path:
    """The app's data folder, where Qt's ``AppDataLocation`` puts it (the command line has no Qt)."""
    if sys.platform == "win32":
        root = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Application Support"
    else:
        root = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return root / ORGANIZATION / APPLICATION


def journal_path(url_text: str) -> Path:
    name = hashlib.sha256(url_text.encode()).hexdigest()[:24]
    return data_folder() / "journal" / f"{name}.json"


@dataclass
class Journal:
    """The record of one apply in progress; ``url_text`` is the URL without its password."""

    url_text: str
    steps: list[dict[str, str]]
    """Each step of the plan and its undo as standalone migration scripts ("upgrade", "downgrade")."""
    total: int
    stamp: str | None
    started_at: str
    done: int = 0
    running: int | None = None
    """The step that had started and not finished when the journal was last written."""
    descriptions: Sequence[str] = ()
    running_count: int = 1
    """How many operations the running step sends (several, as one ALTER TABLE: all or none of them ran)."""

    @property
    def path(self) -> Path:
        return journal_path(self.url_text)

    @classmethod
    def begin(cls, url_text: str, steps: list[dict[str, str]], descriptions: Sequence[str],
              stamp: str | None) -> Journal:
        journal = cls(url_text, steps, len(descriptions), stamp,
                      datetime.datetime.now().isoformat(" ", "seconds"), descriptions=list(descriptions))
        private_folder(journal.path.parent.parent)
        journal._write()
        return journal

    @property
    def progress_path(self) -> Path:
        return self.path.with_suffix(".progress")

    def step_started(self, index: int, count: int = 1) -> None:
        self.running, self.running_count = index, count
        self._write_progress()

    def step_done(self, done: int) -> None:
        self.done, self.running = done, None
        self._write_progress()

    def end(self) -> None:
        self.path.unlink(missing_ok=True)
        self.progress_path.unlink(missing_ok=True)

    def _write(self) -> None:
        """The plan, once; the progress goes to a small file of its own, rewritten at every step."""
        data = {"url": self.url_text, "steps": self.steps, "total": self.total, "stamp": self.stamp,
                "started_at": self.started_at, "descriptions": list(self.descriptions)}
        self._write_progress()
        write_private(self.path, json.dumps(data))

    def _write_progress(self) -> None:
        write_private(self.progress_path, json.dumps({"done": self.done, "running": self.running,
                                                      "running_count": self.running_count}))

    @classmethod
    def find(cls, url_text: str) -> Journal | None:
        """The journal an interrupted apply to this database left, if any."""
        path = journal_path(url_text)
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            progress: dict[str, Any] = json.loads(path.with_suffix(".progress").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("url") != url_text:
            return None
        return cls(data["url"], list(data["steps"]), int(data["total"]), data.get("stamp"), data["started_at"],
                   int(progress["done"]), progress.get("running"), list(data.get("descriptions") or []),
                   max(1, int(progress.get("running_count") or 1)))

    def summary(self) -> str:
        running = ""
        if self.running is not None and self.running < len(self.descriptions):
            running = f"; operation {self.running + 1} ({self.descriptions[self.running]}) had started"
            if self.running_count > 1:
                running += f", sent with the next {self.running_count - 1} as one ALTER TABLE"
        return (f"an apply started {self.started_at} was interrupted after {self.done} of {self.total} "
                f"operation(s){running}")
