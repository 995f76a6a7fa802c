"""The pending list as the GUI holds it: a :class:`Plan` behind a ``QUndoStack``.

Every change goes through the stack (``push()`` runs the command). Commands
are checked on a scratch plan before they are pushed, so a command's redo
never fails and a refused edit leaves the list exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from gui_app.core.op_facts import describe
from gui_app.core.plan import Plan, PlanError
from gui_app.core.schema import Schema
from gui_app.core.validate import Problem

if TYPE_CHECKING:
    from alembic.operations import ops

    from gui_app.core.table_sizes import TableSize


class AppendOperations(QUndoCommand):
    """Adds operations checked and projected once, on a scratch plan from the list's end
    (``before``): redo replays those schemas while the list still ends there, and checks again
    only after the database was read anew."""

    def __init__(self, pending: PendingPlan, operations: Sequence[ops.MigrateOperation], text: str,
                 before: Schema, schemas: Sequence[Schema]) -> None:
        super().__init__(text)
        self._pending = pending
        self._operations = list(operations)
        self._before, self._schemas = before, list(schemas)

    def redo(self) -> None:
        plan = self._pending.plan
        if plan.projected is self._before:
            plan.extend_checked(self._operations, self._schemas)
        else:  # rebased on a fresh read of the database since
            for op in self._operations:
                plan.append(op)
        self._pending.changed.emit()

    def undo(self) -> None:
        for _ in self._operations:
            self._pending.plan.pop()
        self._pending.changed.emit()


class RemoveOperation(QUndoCommand):
    def __init__(self, pending: PendingPlan, index: int) -> None:
        super().__init__(f"Remove {describe(pending.plan.operations[index])}")
        self._pending = pending
        self._index = index
        self._op = pending.plan.operations[index]

    def redo(self) -> None:
        self._pending.plan.remove(self._index)
        self._pending.changed.emit()

    def undo(self) -> None:
        self._pending.plan.insert(self._index, self._op)
        self._pending.changed.emit()


class ReplaceOperation(QUndoCommand):
    """One operation swapped for another that changes the schema the same way (its online form,
    or the form with the views in its way re-created around it)."""

    def __init__(self, pending: PendingPlan, index: int, op: ops.MigrateOperation, text: str) -> None:
        super().__init__(text)
        self._pending, self._index = pending, index
        self._new, self._old = op, pending.plan.operations[index]

    def redo(self) -> None:
        self._pending.plan.replace(self._index, self._new)
        self._pending.changed.emit()

    def undo(self) -> None:
        self._pending.plan.replace(self._index, self._old)
        self._pending.changed.emit()


class PendingPlan(QObject):
    """The pending list as the GUI holds it: a :class:`Plan` behind a ``QUndoStack``.

    Every change is a command on the stack, checked on a scratch plan first, so undo and redo
    never fail halfway."""

    changed = Signal()
    """The operations or the projected schema changed."""

    def __init__(self, base: Schema, dialect: str, parent: QObject | None = None,
                 sizes: Mapping[tuple[str | None, str], TableSize] | None = None) -> None:
        super().__init__(parent)
        self.plan = Plan(base, dialect)
        self.sizes: Mapping[tuple[str | None, str], TableSize] = sizes or {}
        """Each table's estimated rows and bytes, as last read from the database."""
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(0)

    @property
    def dialect(self) -> str:
        return self.plan.dialect

    def add(self, operations: Sequence[ops.MigrateOperation], text: str | None = None) -> list[Problem]:
        """Check, then push; raises :class:`PlanError` (nothing changes) or returns the warnings."""
        before = self.plan.projected
        scratch = Plan(before, self.plan.dialect)
        warnings: list[Problem] = []
        for op in operations:
            warnings.extend(scratch.append(op))
        label = text or ", ".join(describe(op) for op in operations)
        self.undo_stack.push(AppendOperations(self, operations, label, before, scratch.schemas[1:]))
        return warnings

    def remove(self, index: int) -> None:
        """Remove one operation; raises :class:`PlanError` naming what depends on it."""
        scratch = Plan(self.plan.schemas[index], self.plan.dialect, list(self.plan.operations[:0]))
        for later in self.plan.operations[index + 1:]:
            try:
                scratch.append(later)
            except PlanError as error:
                position = self.plan.operations.index(later) + 1
                raise PlanError([Problem("error", f"Operation {position} ({describe(later)}) depends on it: "
                                                  f"{error}")]) from None
        self.undo_stack.push(RemoveOperation(self, index))

    def make_online(self, index: int) -> None:
        """Replace operation ``index`` by its online form; raises :class:`PlanError` where it has none."""
        online = self.plan.online_form(index)
        if online is None:
            raise PlanError([Problem("error", f"{describe(self.plan.operations[index])} has no online form here.")])
        # The online form projects as its plain operation does, so the swap cannot fail in redo or undo.
        self.undo_stack.push(ReplaceOperation(self, index, online, f"Make {describe(online.plain)} online"))

    def recreate_views(self, index: int) -> None:
        """Replace operation ``index`` by itself with the views in its way dropped and created
        again around it; raises :class:`PlanError` where no view is in its way."""
        around = self.plan.views_form(index)
        if around is None:
            stands = f"No view stands in the way of {describe(self.plan.operations[index])}."
            raise PlanError([Problem("error", stands)])
        # It projects as the plain operation does, so the swap cannot fail in redo or undo.
        names = ", ".join(v.name for v in around.views)
        self.undo_stack.push(ReplaceOperation(self, index, around, f"Re-create {names} around "
                                                                   f"{describe(around.plain)}"))

    def rebase(self, base: Schema, sizes: Mapping[tuple[str | None, str], TableSize]) -> None:
        """The database was read again: project the same operations over what it holds now."""
        self.plan = Plan(base, self.plan.dialect, list(self.plan.operations))
        self.sizes = sizes
        self.changed.emit()
