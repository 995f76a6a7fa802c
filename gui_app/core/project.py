"""A linked Alembic project: its revision graph, and new revisions written into it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from gui_app.core.private_files import make_private
from gui_app.core.schema import Schema
from gui_app.core.script_writer import bodies, docstring_text, new_revision_id


class ProjectError(ValueError):
    """The project cannot be read or written; the message says why."""


@dataclass(frozen=True)
class RevisionInfo:
    """One revision of a linked project, as the Revisions panel lists it."""

    revision: str
    down_revision: str | tuple[str, ...] | list[str] | None
    message: str
    date: str
    is_head: bool
    path: str


class AlembicProject:
    """An Alembic project linked by its ``alembic.ini``: its revisions, heads and where new ones go.

    Reads scripts only through Alembic's own script directory; writes a revision only where the
    project's configuration says, never elsewhere."""

    def __init__(self, ini_path: str | Path) -> None:
        self.ini_path = Path(ini_path).resolve()
        if not self.ini_path.is_file():
            raise ProjectError(f"no alembic.ini at {self.ini_path}")
        self.config = Config(str(self.ini_path))
        try:
            self.scripts = ScriptDirectory.from_config(self.config)
        except CommandError as error:
            raise ProjectError(f"{self.ini_path}: {error}") from None

    @classmethod
    def find(cls, folder: str | Path) -> AlembicProject | None:
        candidate = Path(folder) / "alembic.ini"
        return cls(candidate) if candidate.is_file() else None

    @property
    def versions_folder(self) -> Path:
        return Path(self.scripts.versions)

    def heads(self) -> list[str]:
        return list(self.scripts.get_heads())

    def revisions(self) -> list[RevisionInfo]:
        """Newest first, as ``alembic history`` lists them."""
        heads = set(self.heads())
        found = []
        try:
            for script in self.scripts.walk_revisions():
                doc = (script.doc or "").strip()
                found.append(RevisionInfo(script.revision, script.down_revision, doc.splitlines()[0] if doc else "",
                                          _create_date(script.path), script.revision in heads, script.path))
        except CommandError as error:
            raise ProjectError(str(error)) from None
        return found

    @staticmethod
    def current_heads(conn: sa.Connection) -> tuple[str, ...]:
        heads = MigrationContext.configure(conn).get_current_heads()
        if conn.in_transaction():
            conn.rollback()
        return tuple(heads)

    def write_revision(self, plan: Sequence[ops.MigrateOperation], dialect: str, message: str,
                       down_revision: str | None, base: Schema | None = None, combine: bool = False) -> RevisionInfo:
        """A new revision file after ``down_revision``, through the project's own template; with
        ``combine``, each table's run of alterations as the one statement the app sends."""
        upgrade, downgrade, imports = bodies(plan, dialect, base, combine=combine)
        revision = new_revision_id()
        try:
            script = self.scripts.generate_revision(
                revision, docstring_text(message or "pending changes"), head=down_revision or "base",
                upgrades=upgrade, downgrades=downgrade, imports=imports)
        except CommandError as error:
            raise ProjectError(str(error)) from None
        if script is None:
            raise ProjectError("Alembic wrote no revision file")
        make_private(Path(script.path), folder_too=False)  # it holds the plan
        return RevisionInfo(script.revision, script.down_revision, message, datetime.datetime.now().isoformat(" "),
                            True, script.path)


def _create_date(path: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines()[:12]:
            if line.startswith("Create Date:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""
