"""Finish or revert an apply that a journal says was interrupted (MySQL/MariaDB).

The journal holds each step as two tiny migration scripts, its operation and its undo, written
by the app itself from the schema the plan was made on. Which steps are in the database is
what the journal says ran, checked against the live schema for the step that was running when
the process died: a step that no longer fits the schema (its column is already there), or that
would change nothing, has run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.journal import Journal
from gui_app.core.journal_steps import sa_dialect
from gui_app.core.projection import ProjectionError, project
from gui_app.core.schema import Schema

if TYPE_CHECKING:
    from gui_app.core.apply import ApplyReport


class RecoveryError(Exception):
    """The live schema matches no point of the interrupted plan."""


@dataclass
class Interrupted:
    journal: Journal
    steps: list[tuple[list[ops.MigrateOperation], list[ops.MigrateOperation]]]
    """Per step of the plan: its operations and the operations that undo it."""
    applied: int
    """How many steps are in the database, checked against it."""

    def describe(self) -> str:
        return (f"{self.journal.summary()}; the database holds the first {self.applied} "
                f"(checked against its schema)")

    def listing(self) -> list[str]:
        """Each step of the plan, numbered, and whether it is in the database."""
        return [f"{n}. {text}: {'in the database' if n <= self.applied else 'not run'}"
                for n, text in enumerate(self.journal.descriptions, start=1)]

    def finishing(self) -> list[ops.MigrateOperation]:
        return [op for forward, _ in self.steps[self.applied:] for op in forward]

    def reverting(self) -> list[ops.MigrateOperation]:
        cannot = [self.journal.descriptions[i] for i, (forward, backward) in enumerate(self.steps[:self.applied])
                  if forward and not backward]
        if cannot:
            raise RecoveryError(f"{self.describe()}, and {len(cannot)} of them cannot be undone automatically "
                                f"({'; '.join(cannot)}): finish it instead, or undo them by hand")
        return [op for _, backward in reversed(self.steps[:self.applied]) for op in backward]


def _operations(script: str) -> list[ops.MigrateOperation]:
    """The upgrade() of a script the app wrote itself into the journal."""
    from gui_app.core.script_reader import load_script

    if not script:
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal_step.py"
        path.write_text(script, encoding="utf-8")
        path.chmod(0o600)
        return load_script(path).upgrade


def examine(journal: Journal, live: Schema) -> Interrupted:
    """Which steps of the interrupted plan are in the database whose schema is ``live``."""
    from gui_app.core.validate import validate

    steps = [(_operations(s["upgrade"]), _operations(s["downgrade"])) for s in journal.steps]
    dialect = live.dialect
    engine_dialect = sa_dialect(dialect)

    def fits(state: Schema, operations: Sequence[ops.MigrateOperation]) -> Schema | None:
        for op in operations:
            if any(p.is_error for p in validate(state, op, dialect)):
                return None
            try:
                state = project(state, op, engine_dialect)
            except ProjectionError:
                return None
        return state

    def rest(k: int) -> list[ops.MigrateOperation]:
        return [op for forward, _ in steps[k:] for op in forward]

    done = min(journal.done, len(steps))
    candidates = [done]
    if journal.running is not None and done < len(steps):
        # The running step sent one operation, or several as one ALTER TABLE (all of them or none ran).
        after = min(done + journal.running_count, len(steps))
        forward = [op for step, _ in steps[done:after] for op in step]
        again = fits(live, forward)
        from gui_app.core.verification import differences

        ran = again is None or not differences(live, again, engine_dialect)
        candidates = [after, done] if ran else [done, after]
    for k in candidates:
        if fits(live, rest(k)) is not None:
            return Interrupted(journal, steps, k)
    raise RecoveryError(f"{journal.summary()}, but the database's schema matches none of its steps: it was "
                        "changed since; check it by hand")


def recover(url: sa.URL, finish: bool) -> tuple[Interrupted, ApplyReport]:
    """Finish the interrupted plan (then stamp as it would have), or revert the steps that ran
    (``alembic_version`` was never changed). Returns what was found and the apply's report."""
    from gui_app.core.apply import ApplyReport, apply_plan
    from gui_app.core.reflect import reflect
    from gui_app.core.urls import url_without_password

    journal = Journal.find(url_without_password(url))
    if journal is None:
        raise RecoveryError("no interrupted apply is recorded for this database")
    live = reflect(url)
    found = examine(journal, live)
    operations = found.finishing() if finish else found.reverting()
    stamp = journal.stamp if finish else None
    if not operations and stamp is None:
        journal.end()
        return found, ApplyReport(0, False)
    report = apply_plan(url, operations, live, stamp=stamp, recovering=True)
    journal.end()
    return found, report
