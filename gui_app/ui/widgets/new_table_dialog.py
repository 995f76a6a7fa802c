"""New table: columns grid, foreign keys, unique and check constraints, indexes, comment, initial rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.ui.widgets.data_dialogs import RowsGrid
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit, add_remove_buttons

if TYPE_CHECKING:
    from alembic.operations import ops

    from gui_app.core.edits import TableSpec

COLUMN_HEADERS = ("Name", "Type", "Allows NULL", "Default (SQL)", "Primary key", "Autoincrement", "Comment")
FK_HEADERS = ("Name", "Columns", "Refers to table", "Referred columns", "On delete")
UNIQUE_HEADERS = ("Name", "Columns")
CHECK_HEADERS = ("Name", "Condition")
INDEX_HEADERS = ("Name", "Columns", "Unique")
_CHECKBOX_COLUMNS = {2, 4, 5}


class Grid(QWidget):
    """An editable grid with Add and Remove buttons; ``checkboxes`` are column numbers."""

    def __init__(self, headers: tuple[str, ...], checkboxes: frozenset[int] = frozenset(),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checkboxes = checkboxes
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = add_remove_buttons(self, self.add_row, lambda: self.table.removeRow(self.table.currentRow()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def add_row(self, *values: Any) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            value = values[column] if column < len(values) else None
            item = QTableWidgetItem()
            if column in self.checkboxes:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            else:
                item.setText("" if value is None else str(value))
            self.table.setItem(row, column, item)
        return row

    def text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def checked(self, row: int, column: int) -> bool:
        item = self.table.item(row, column)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def rows(self) -> range:
        return range(self.table.rowCount())


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


class NewTableDialog(EditDialog):
    def __init__(self, schema: s.Schema, namespace: str | None, dialect: str, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__("New table", submit, parent)
        self.setObjectName("newTableDialog")
        self.schema, self.dialect = schema, dialect
        self.name = QLineEdit(self)
        self.namespace = QComboBox(self)
        for ns in schema.namespaces:
            self.namespace.addItem(ns.name, None if ns.is_default else ns.name)
        if namespace is not None:
            self.namespace.setCurrentIndex(max(0, self.namespace.findData(namespace)))
        self.comment = QLineEdit(self)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Schema", self.namespace)
        form.addRow("Comment", self.comment)
        self.columns = Grid(COLUMN_HEADERS, frozenset(_CHECKBOX_COLUMNS), self)
        self.columns.add_row("id", "INTEGER", False, "", True, True, "")
        self.foreign_keys = Grid(FK_HEADERS, parent=self)
        self.uniques = Grid(UNIQUE_HEADERS, parent=self)
        self.checks = Grid(CHECK_HEADERS, parent=self)
        self.indexes = Grid(INDEX_HEADERS, frozenset({2}), self)
        self.rows: RowsGrid | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.columns, "Columns")
        self.tabs.addTab(self.foreign_keys, "Foreign keys")
        self.tabs.addTab(self.uniques, "Unique")
        self.tabs.addTab(self.checks, "Checks")
        self.tabs.addTab(self.indexes, "Indexes")
        self.rows_tab = QWidget(self)
        QVBoxLayout(self.rows_tab)
        self.tabs.addTab(self.rows_tab, "Initial rows")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.body.addLayout(form)
        self.body.addWidget(self.tabs, 1)
        self.resize(820, 520)

    def column_names(self) -> list[str]:
        return [self.columns.text(r, 0) for r in self.columns.rows() if self.columns.text(r, 0)]

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is not self.rows_tab:
            return
        names = self.column_names()
        if self.rows is not None and self.rows.columns == names:
            return
        if self.rows is not None:
            self.rows.deleteLater()
        self.rows = RowsGrid(names, self.rows_tab)
        layout = self.rows_tab.layout()
        assert layout is not None
        layout.addWidget(self.rows)

    def spec(self) -> TableSpec:
        from gui_app.core import edits
        from gui_app.core.types import TypeParseError, parse_type

        spec = edits.TableSpec(self.name.text(), self.namespace.currentData(), comment=self.comment.text() or None)
        grid = self.columns
        for r in grid.rows():
            name = grid.text(r, 0)
            if not name and not grid.text(r, 1):
                continue
            try:
                type_ = parse_type(grid.text(r, 1), self.dialect)
            except TypeParseError as error:
                raise InputError(f"Column {name or r + 1}: {error}") from None
            spec.columns.append(edits.ColumnSpec(
                name, type_, nullable=grid.checked(r, 2) and not grid.checked(r, 4),
                default=grid.text(r, 3) or None, primary_key=grid.checked(r, 4),
                autoincrement=grid.checked(r, 5) if grid.checked(r, 4) else None, comment=grid.text(r, 6) or None))
        if not spec.columns:
            raise InputError("Add at least one column.")
        for r in self.foreign_keys.rows():
            target = self.foreign_keys.text(r, 2)
            target_schema, _, target_name = target.rpartition(".")
            spec.foreign_keys.append(s.ForeignKey(
                self.foreign_keys.text(r, 0) or None, _names(self.foreign_keys.text(r, 1)), target_schema or None,
                target_name, _names(self.foreign_keys.text(r, 3)), self.foreign_keys.text(r, 4).upper() or None))
        spec.unique_constraints = [s.UniqueConstraint(self.uniques.text(r, 0) or None, _names(self.uniques.text(r, 1)))
                                   for r in self.uniques.rows()]
        spec.check_constraints = [s.CheckConstraint(self.checks.text(r, 0) or None, self.checks.text(r, 1))
                                  for r in self.checks.rows()]
        from gui_app.core.naming import index_name

        for r in self.indexes.rows():
            columns = _names(self.indexes.text(r, 1))
            unique = self.indexes.checked(r, 2)
            name = self.indexes.text(r, 0) or index_name(spec.name, columns, self.dialect, unique)
            spec.indexes.append(s.Index(name, columns, unique, (False,) * len(columns)))
        if self.rows is not None:
            spec.rows = self.rows.rows()
        return spec

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits
        from gui_app.core.validate import default_problem

        spec = self.spec()
        known = {c.name for c in spec.columns}
        for fk in spec.foreign_keys:
            if not fk.columns or len(fk.columns) != len(fk.referred_columns):
                raise InputError(f"Foreign key {fk.name or ''}: give as many referred columns as columns.")
            missing = set(fk.columns) - known
            if missing:
                raise InputError(f"Foreign key {fk.name or ''}: no column {', '.join(sorted(missing))}.")
        for check in spec.check_constraints:
            if not check.sqltext or default_problem(check.sqltext):
                raise InputError(f"Check {check.name or ''}: the condition must be one expression.")
        for group in ([u.columns for u in spec.unique_constraints], [i.columns for i in spec.indexes]):
            for columns in group:
                if not columns or set(columns) - known:
                    raise InputError(f"Columns {', '.join(columns) or '(none)'} are not all columns of the table.")
        return edits.create_table(spec)
