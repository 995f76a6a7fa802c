"""Table model over the pending operations: number, the rendered ``op.`` call, risk labels."""

from __future__ import annotations

import operator
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from gui_app.core.changed_run import changed_run
from gui_app.ui import icons
from gui_app.ui.models.role_data import requested

if TYPE_CHECKING:
    from alembic.operations import ops

    from gui_app.ui.pending import PendingPlan

AnyIndex = QModelIndex | QPersistentModelIndex
_DANGER = QColor("#c0392b")
_CAUTION = QColor("#c77700")
_DANGER_BRUSH, _CAUTION_BRUSH = QBrush(_DANGER), QBrush(_CAUTION)
_PAINTED = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole)
_ASKED = (Qt.ItemDataRole.ToolTipRole,)
"""The roles :meth:`PendingModel.data` answers besides those painted (kept out of the cell cache)."""


class PendingModel(QAbstractTableModel):
    """The pending list as a table (number, operation, risks) over a :class:`PendingPlan`: a thin
    adapter whose only state of its own is each operation's rendered call, kept once made."""

    HEADERS = ("#", "Operation", "Risk", "Lock")
    LOCK = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: PendingPlan | None = None
        self._calls: dict[int, tuple[ops.MigrateOperation, str]] = {}
        self._shown: list[ops.MigrateOperation] = []
        """The operations the view was last told about, row by row."""
        self._cells: dict[tuple[int, int], dict[int, Any]] = {}
        """What each cell painted with (text, icon, colour), until its row may have changed."""

    def set_pending(self, pending: PendingPlan | None) -> None:
        self.beginResetModel()
        if self._pending is not None:
            self._pending.changed.disconnect(self.refresh)
        self._pending = pending
        self._calls.clear()
        self._cells.clear()
        self._shown = list(self._operations())
        if pending is not None:
            pending.changed.connect(self.refresh)
        self.endResetModel()

    def refresh(self) -> None:
        """Tell the view what an edit, undo or redo did: the rows inserted or removed, and the
        rows after them (renumbered, their risks possibly changed); a reset only where the list was
        rearranged. A reset would make the view measure every row again, on every edit."""
        old, new = self._shown, list(self._operations())
        first, old_end, new_end = changed_run(old, new, operator.is_)
        removed, inserted = old_end - first, new_end - first
        # The rows from the first changed one on, or all of them (see the risks below).
        stale_from = first if inserted or removed else 0
        self._cells = {cell: roles for cell, roles in self._cells.items() if cell[0] < stale_from}
        if removed and inserted and removed == inserted:  # replaced in place (an online form): rows stay
            self._shown = new
            self.dataChanged.emit(self.index(first, 0), self.index(len(new) - 1, len(self.HEADERS) - 1))
            return
        if removed and inserted:
            self.beginResetModel()
            self._shown = new
            self.endResetModel()
            return
        if inserted:
            self.beginInsertRows(QModelIndex(), first, first + inserted - 1)
            self._shown = new
            self.endInsertRows()
        elif removed:
            self.beginRemoveRows(QModelIndex(), first, first + removed - 1)
            self._shown = new
            self.endRemoveRows()
        # Risks depend on the schema before each operation (changed from ``first`` on, or all of
        # them when the database was read again): those rows are asked again.
        changed_from = first + inserted if inserted or removed else 0
        if changed_from < len(new):
            self.dataChanged.emit(self.index(changed_from, 0), self.index(len(new) - 1, len(self.HEADERS) - 1))

    def _operations(self) -> list[ops.MigrateOperation]:
        return self._pending.plan.operations if self._pending is not None else []

    def call_text(self, op: ops.MigrateOperation) -> str:
        """The operation as its one-line ``op.`` call (rendered once per operation)."""
        cached = self._calls.get(id(op))
        if cached is None or cached[0] is not op:
            from gui_app.core.dialects import family
            from gui_app.core.marked_ops import MarkedOp
            from gui_app.core.render import render_python
            from gui_app.core.script_code import ScriptCodeOp

            if isinstance(op, ScriptCodeOp):  # its call names a helper; say what it is instead
                text = f"{op.label} runs as it is: it {op.reason}"
                self._calls[id(op)] = (op, text)
                return text
            # One call per operation (PostgreSQL's form has no SQLite batch around it); an operation
            # of the app's own shows its statements as the plan's database runs them.
            mine = isinstance(op, MarkedOp) and self._pending is not None
            body = render_python([op], family(self._pending.dialect) if mine and self._pending else "postgresql")
            lines = [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")]
            text = re.sub(r"\(\s+", "(", " ".join(lines))
            cached = (op, re.sub(r",?\s+\)", ")", text))
            self._calls[id(op)] = cached
        return cached[1]

    def risk_texts(self) -> set[str]:
        """The distinct texts of the risk column (each operation's labels are computed once)."""
        if self._pending is None:
            return set()
        plan = self._pending.plan
        return {", ".join(plan.risks(row)) for row in range(len(self._shown))}

    @staticmethod
    def _lock_text(pending: PendingPlan, row: int, tooltip: bool) -> str:
        from gui_app.core import locks

        prediction = pending.plan.lock(row)
        if prediction is None:
            return ""
        if not tooltip:
            return locks.summary(prediction, pending.sizes)
        lines = [f"{mode} on {locks.table_label(table)}: blocks {locks.blocks(mode)}"
                 for table, mode in prediction.locks]
        lines.append(f"Why: {prediction.why}.")
        if prediction.alternative:
            lines.append(f"Online alternative: {prediction.alternative}.")
        lines.append("Predicted from the table's size and the server's version; a dry run measures it.")
        return "\n".join(lines)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        pending = self._pending
        if pending is None or not index.isValid() or index.row() >= len(self._shown):
            return None
        operations = self._shown
        row, column = index.row(), index.column()
        op = operations[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return str(row + 1)
            if column == 1:
                return self.call_text(op)
            if column == self.LOCK:
                return self._lock_text(pending, row, role == Qt.ItemDataRole.ToolTipRole)
            return ", ".join(pending.plan.risks(row))
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            from gui_app.core.op_facts import describe

            return icons.for_operation(describe(op).replace(" ", "_").split("_")[0])
        if role == Qt.ItemDataRole.DecorationRole and column == self.LOCK:
            from gui_app.core.locks import worst_blocked

            prediction = pending.plan.lock(row)
            if prediction is None or (prediction.cost is None and not prediction.locks):
                return None
            return icons.for_kind({"reads and writes": "locks_out_reads", "writes": "locks_out_writes"}
                                  .get(worst_blocked(prediction), "locks_out_nobody"))
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            from gui_app.core.op_facts import DESTRUCTIVE

            risks = pending.plan.risks(row)
            if DESTRUCTIVE in risks:
                return _DANGER_BRUSH
            if risks:
                return _CAUTION_BRUSH
        return None

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """A cell's roles in one call from Qt (a delegate asks for seven at once per cell). The
        list is painted again whole at every edit (the view lays out its rows again when one is
        added): what a cell paints with is worked out once, until its row changes."""
        key = (index.row(), index.column())
        roles = self._cells.get(key)
        if roles is None:
            if not index.isValid() or index.row() >= len(self._shown):
                roles = {}
            else:
                roles = {role: self.data(index, role) for role in _PAINTED}
                self._cells[key] = roles
        for item in requested(roleDataSpan):
            role = item.role()
            item.setData(roles[role] if role in roles else self.data(index, role) if role in _ASKED else None)
