"""New table: columns grid, foreign keys, unique and check constraints, indexes, comment, initial rows.

Columns are a grid (types completed and every cell checked as it is typed, as the column dialog
checks them); the constraints and indexes use the single dialogs' forms, so they get the same
pickers, suggested names and checks, and every constraint is named.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.ui import colours
from gui_app.ui.widgets.constraint_forms import CheckForm, ForeignKeyForm, IndexForm, KeyForm
from gui_app.ui.widgets.data_dialogs import RowsGrid
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit, SuggestedName, TypeEdit, add_remove_buttons
from gui_app.ui.widgets.part_list import PartList

if TYPE_CHECKING:
    from alembic.operations import ops

    from gui_app.core.edits import ColumnSpec, TableSpec

COLUMN_HEADERS = ("Name", "Type", "Allows NULL", "Default (SQL)", "Primary key", "Autoincrement", "Comment")
NAME, TYPE, NULLABLE, DEFAULT, PRIMARY, AUTOINCREMENT, COMMENT = range(7)
_CHECKBOX_COLUMNS = frozenset({NULLABLE, PRIMARY, AUTOINCREMENT})


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

    def is_blank(self, row: int) -> bool:
        return not any(self.text(row, c) for c in (NAME, TYPE, DEFAULT))


class TypeDelegate(QStyledItemDelegate):
    """Type cells are edited in a :class:`TypeEdit`: the dialect's type names complete."""

    def __init__(self, dialect: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialect = dialect

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        return TypeEdit(self.dialect, parent=parent)


def _listed(columns: tuple[str, ...]) -> str:
    return ", ".join(columns)


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
        self.columns = Grid(COLUMN_HEADERS, _CHECKBOX_COLUMNS, self)
        self.columns.table.setItemDelegateForColumn(TYPE, TypeDelegate(dialect, self.columns.table))
        self.primary_key_name = SuggestedName(self)
        self.primary_key_name.setObjectName("primaryKeyName")
        columns_tab = QWidget(self)
        columns_layout = QVBoxLayout(columns_tab)
        columns_layout.addWidget(self.columns, 1)
        key_row = QFormLayout()
        key_row.addRow("Primary key name", self.primary_key_name)
        columns_layout.addLayout(key_row)
        self.foreign_keys: PartList[s.ForeignKey] = PartList(
            "foreign key", self._foreign_key_form, self._describe_foreign_key, self._foreign_key_problems, self)
        self.uniques: PartList[s.UniqueConstraint] = PartList(
            "unique constraint", lambda: KeyForm(*self._form_args()),
            lambda u: f"{u.name or '(unnamed)'}: UNIQUE ({_listed(u.columns)})", parent=self)
        self.checks: PartList[s.CheckConstraint] = PartList(
            "check constraint", lambda: CheckForm(*self._form_args()),
            lambda c: f"{c.name or '(unnamed)'}: CHECK ({c.sqltext})", parent=self)
        self.indexes: PartList[s.Index] = PartList(
            "index", lambda: IndexForm(*self._form_args()),
            lambda i: f"{i.name}: {'UNIQUE ' if i.unique else ''}({_listed(i.labelled_elements)})"
                      + (f" WHERE {i.where}" if i.where else ""), parent=self)
        self.rows: RowsGrid | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(columns_tab, "Columns")
        self.tabs.addTab(self.foreign_keys, "Foreign keys")
        self.tabs.addTab(self.uniques, "Unique")
        self.tabs.addTab(self.checks, "Checks")
        self.tabs.addTab(self.indexes, "Indexes")
        self.rows_tab = QWidget(self)
        rows_layout = QVBoxLayout(self.rows_tab)
        rows_layout.addWidget(QLabel("Empty cells take the column's default; type NULL for NULL.", self.rows_tab))
        self.tabs.addTab(self.rows_tab, "Initial rows")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.body.addLayout(form)
        self.body.addWidget(self.tabs, 1)
        self._identity: tuple[str | None, str] = (None, "")
        self.name.textChanged.connect(lambda _text: self._renamed())
        self.namespace.currentIndexChanged.connect(lambda _row: self._renamed())
        self.columns.table.itemChanged.connect(lambda _item: self._check_cells())
        self._painting = False
        self.columns.add_row("id", "INTEGER", False, "", True, True, "")
        self._renamed()
        self.resize(860, 540)

    # -- columns

    def column_names(self) -> list[str]:
        return [self.columns.text(r, NAME) for r in self.columns.rows() if self.columns.text(r, NAME)]

    def _column(self, row: int) -> ColumnSpec:
        from gui_app.core import edits
        from gui_app.core.types import TypeParseError, parse_type

        grid, name = self.columns, self.columns.text(row, NAME)
        try:
            type_ = parse_type(grid.text(row, TYPE), self.dialect)
        except TypeParseError as error:
            raise InputError(f"Column {name or row + 1}: {error}") from None
        primary = grid.checked(row, PRIMARY)
        return edits.ColumnSpec(name, type_, nullable=grid.checked(row, NULLABLE) and not primary,
                                default=grid.text(row, DEFAULT) or None, primary_key=primary,
                                autoincrement=grid.checked(row, AUTOINCREMENT) if primary else None,
                                comment=grid.text(row, COMMENT) or None)

    def cell_problems(self) -> dict[tuple[int, int], str]:
        """(row, column) -> why that cell cannot be used, as the column dialog would say."""
        from gui_app.core.types import TypeParseError, parse_type
        from gui_app.core.validate import default_problem, name_problem

        grid, found, seen = self.columns, {}, set()
        for row in grid.rows():
            if grid.is_blank(row):
                continue
            name = grid.text(row, NAME)
            problem = name_problem(name, "column", self.dialect) or (
                f"Column {name} appears twice." if name in seen else None)
            seen.add(name)
            if problem:
                found[(row, NAME)] = problem
            try:
                parse_type(grid.text(row, TYPE), self.dialect)
            except TypeParseError as error:
                found[(row, TYPE)] = f"Column {name or row + 1}: {error}"
            default = grid.text(row, DEFAULT)
            problem = default_problem(default, self.dialect) if default else None
            if problem:
                found[(row, DEFAULT)] = f"Column {name or row + 1}: {problem}"
        return found

    def _check_cells(self) -> None:
        """Mark each cell that cannot be used, and say why under the tabs, while the user types."""
        if self._painting:
            return
        problems = self.cell_problems()
        self._painting = True
        try:
            for row in self.columns.rows():
                for column in (NAME, TYPE, DEFAULT):
                    item = self.columns.table.item(row, column)
                    if item is None:
                        continue
                    problem = problems.get((row, column))
                    item.setBackground(QBrush(colours.problem_background()) if problem else QBrush())
                    item.setToolTip(problem or "")
        finally:
            self._painting = False
        self.show_message(next(iter(problems.values()), ""))
        self.primary_key_name.setEnabled(any(self.columns.checked(r, PRIMARY) for r in self.columns.rows()))

    # -- the table as designed so far, for the forms

    def _form_args(self) -> tuple[str, list[str], str]:
        return self.name.text().strip(), self.column_names(), self.dialect

    def draft(self) -> s.Table:
        """The table as the fields describe it now; rows that do not parse yet are left out."""
        from gui_app.core import edits, sa_build

        spec = edits.TableSpec(self.name.text().strip() or "new_table", self.namespace.currentData(),
                               primary_key_name=self.primary_key_name.text().strip() or None)
        for row in self.columns.rows():
            try:
                column = self._column(row)
            except InputError:
                continue
            if column.name:
                spec.columns.append(column)
        known = {c.name for c in spec.columns}
        spec.unique_constraints = [u for u in self.uniques.parts() if set(u.columns) <= known]
        op: Any = edits.create_table(spec)[0]
        table = sa_build.table_from_sa(op.to_table(), None)
        return dataclasses.replace(table, indexes=tuple(i for i in self.indexes.parts() if set(i.columns) <= known))

    def _foreign_key_form(self) -> ForeignKeyForm:
        name, columns, dialect = self._form_args()
        itself = self.draft()
        others = [t for t in self.schema.tables if (t.schema, t.name) != (itself.schema, itself.name)]
        return ForeignKeyForm(name, columns, [*others, itself], dialect, designed=itself)

    def _foreign_key_problems(self, fk: s.ForeignKey, table: s.Table | None = None) -> list[str]:
        from gui_app.core.validate import new_table_foreign_key_problems

        return new_table_foreign_key_problems(self.schema, table or self.draft(), fk)

    @staticmethod
    def _describe_foreign_key(fk: s.ForeignKey) -> str:
        target = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
        rules = "".join(f" ON {what} {rule}" for what, rule in (("DELETE", fk.on_delete), ("UPDATE", fk.on_update))
                        if rule)
        return f"{fk.name or '(unnamed)'}: ({_listed(fk.columns)}) → {target} ({_listed(fk.referred_columns)}){rules}"

    def _renamed(self) -> None:
        """The table's name or schema changed: names that follow the convention follow it, and a
        foreign key to the table itself refers to it under its new name."""
        from gui_app.core import naming

        old = self._identity
        new = self._identity = (self.namespace.currentData(), self.name.text().strip())
        table, dialect = new[1], self.dialect
        self.primary_key_name.suggest(naming.primary_key_name(table, dialect) if table else "")

        def foreign_key(fk: s.ForeignKey, chosen: bool) -> s.ForeignKey:
            if (fk.referred_schema, fk.referred_table) == old:
                fk = dataclasses.replace(fk, referred_schema=new[0], referred_table=new[1])
            return fk if chosen else dataclasses.replace(
                fk, name=naming.foreign_key_name(table, fk.columns, fk.referred_table, dialect))

        self.foreign_keys.change_all(foreign_key)
        self.uniques.change_all(lambda u, chosen: u if chosen else dataclasses.replace(
            u, name=naming.unique_name(table, u.columns, dialect)))
        self.checks.change_all(lambda c, chosen: c if chosen else dataclasses.replace(
            c, name=naming.check_name_for(table, c.sqltext, self.column_names(), dialect)))
        self.indexes.change_all(lambda i, chosen: i if chosen else dataclasses.replace(
            i, name=naming.index_name(table, i.columns, dialect, i.unique)))

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

    # -- the result

    def spec(self) -> TableSpec:
        from gui_app.core import edits

        problems = self.cell_problems()
        if problems:
            raise InputError(next(iter(problems.values())))
        spec = edits.TableSpec(self.name.text().strip(), self.namespace.currentData(),
                               comment=self.comment.text() or None,
                               primary_key_name=self.primary_key_name.text().strip() or None)
        spec.columns = [self._column(r) for r in self.columns.rows() if not self.columns.is_blank(r)]
        if not spec.columns:
            raise InputError("Add at least one column.")
        spec.foreign_keys = self.foreign_keys.parts()
        spec.unique_constraints = self.uniques.parts()
        spec.check_constraints = self.checks.parts()
        spec.indexes = self.indexes.parts()
        if self.rows is not None:
            spec.rows = self.rows.rows()
        return spec

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        spec = self.spec()
        known = {c.name for c in spec.columns}
        parts: list[tuple[str, str | None, tuple[str, ...]]] = [
            *(("Foreign key", fk.name, fk.columns) for fk in spec.foreign_keys),
            *(("Unique constraint", u.name, u.columns) for u in spec.unique_constraints),
            *(("Index", i.name, i.columns) for i in spec.indexes)]
        for what, name, columns in parts:
            missing = sorted(set(columns) - known)
            if missing:
                raise InputError(f"{what} {name or ''}: the table has no column {', '.join(missing)} any more.")
        table = self.draft()
        for fk in spec.foreign_keys:  # a column's type may have changed since the key was added
            problems = self._foreign_key_problems(fk, table)
            if problems:
                raise InputError(f"Foreign key {fk.name or ''}: {' '.join(problems)}")
        return edits.create_table(spec)
