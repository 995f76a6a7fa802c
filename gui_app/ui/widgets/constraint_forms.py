"""The fields of one foreign key, unique constraint, check, primary key or index.

The dialogs that add one to an existing table and the *New table* dialog use the same forms, so
both offer the same pickers, suggest the same names and refuse the same input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import ColumnPicker, InputError, SuggestedName

RULES = ("", "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")
POSTGRESQL_METHODS = ("", "btree", "hash", "gin", "gist", "brin", "spgist")


class PartForm(QWidget):
    """A form for one part of a table; ``table`` is the table's name, ``columns`` its columns."""

    def __init__(self, table: str, columns: Sequence[str], dialect: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table, self.dialect = table, dialect
        self.column_names = list(columns)
        self.name = SuggestedName(self)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("Name", self.name)

    def suggestion(self) -> str:
        """The conventional name for what the fields hold now ("" while that is not known yet)."""
        raise NotImplementedError

    def _suggest(self) -> None:
        self.name.suggest(self.suggestion())

    def value(self) -> Any:
        """What the fields describe; raise :class:`InputError` for bad input."""
        raise NotImplementedError

    def load(self, part: Any, chosen: bool) -> None:
        """Show ``part``; ``chosen``: its name was typed by the user."""
        raise NotImplementedError

    def _name(self) -> str | None:
        return self.name.text().strip() or None


class ForeignKeyForm(PartForm):
    """``targets``: the tables it may refer to; ``designed``: the one of them being designed (a
    key may refer to its own table), labelled so."""

    def __init__(self, table: str, columns: Sequence[str], targets: Sequence[s.Table], dialect: str,
                 parent: QWidget | None = None, designed: s.Table | None = None) -> None:
        super().__init__(table, columns, dialect, parent)
        self.columns = ColumnPicker(columns, parent=self)
        self.referred = QComboBox(self)
        self.targets = sorted(targets, key=lambda t: (t.schema or "", t.name))
        for target in self.targets:
            label = f"{target.schema}.{target.name}" if target.schema else target.name
            self.referred.addItem(f"{label}  (this table)" if target is designed else label)
        self.referred_columns = ColumnPicker([], parent=self)
        self.on_delete = QComboBox(self)
        self.on_delete.addItems(RULES)
        self.on_update = QComboBox(self)
        self.on_update.addItems(RULES)
        self.form.addRow("Columns", self.columns)
        self.form.addRow("Refers to table", self.referred)
        self.form.addRow("Referred columns", self.referred_columns)
        self.form.addRow("On delete", self.on_delete)
        self.form.addRow("On update", self.on_update)
        self.referred.currentIndexChanged.connect(self._target_changed)
        self.columns.list.itemChanged.connect(lambda _item: self._suggest())
        self._target_changed(self.referred.currentIndex())

    def target(self) -> s.Table:
        if not self.targets:
            raise InputError("There is no table to refer to.")
        return self.targets[self.referred.currentIndex()]

    def _target_changed(self, _row: int) -> None:
        if not self.targets:
            return
        target = self.target()
        key = list(target.primary_key.columns) if target.primary_key else []
        self.referred_columns.set_columns([c.name for c in target.columns], key)
        self._suggest()

    def suggestion(self) -> str:
        from gui_app.core.naming import foreign_key_name

        columns = self.columns.checked()
        return foreign_key_name(self.table, columns, self.target().name, self.dialect) if columns and self.targets \
            else ""

    def load(self, fk: s.ForeignKey, chosen: bool) -> None:
        for row, target in enumerate(self.targets):
            if (target.schema, target.name) == (fk.referred_schema, fk.referred_table):
                self.referred.setCurrentIndex(row)
        self.columns.set_checked(fk.columns)
        self.referred_columns.set_checked(fk.referred_columns)
        self.on_delete.setCurrentText(fk.on_delete or "")
        self.on_update.setCurrentText(fk.on_update or "")
        self.name.restore(fk.name or "", chosen)
        if not fk.name and not chosen:  # a key drawn without a name follows the naming convention
            self._suggest()

    def value(self) -> s.ForeignKey:
        local, remote = self.columns.checked(), self.referred_columns.checked()
        if not local:
            raise InputError("Tick the columns that refer to the other table.")
        if len(local) != len(remote):
            raise InputError(f"Tick as many referred columns ({len(remote)}) as columns ({len(local)}).")
        target = self.target()
        return s.ForeignKey(self._name(), tuple(local), target.schema, target.name, tuple(remote),
                            self.on_delete.currentText() or None, self.on_update.currentText() or None)


class KeyForm(PartForm):
    """A unique constraint (``primary``: the primary key) over ticked columns."""

    def __init__(self, table: str, columns: Sequence[str], dialect: str, primary: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(table, columns, dialect, parent)
        self.primary = primary
        self.columns = ColumnPicker(columns, parent=self)
        self.form.addRow("Columns", self.columns)
        self.columns.list.itemChanged.connect(lambda _item: self._suggest())
        self._suggest()

    def suggestion(self) -> str:
        from gui_app.core.naming import primary_key_name, unique_name

        if self.primary:
            return primary_key_name(self.table, self.dialect)
        columns = self.columns.checked()
        return unique_name(self.table, columns, self.dialect) if columns else ""

    def load(self, unique: s.UniqueConstraint, chosen: bool) -> None:
        self.columns.set_checked(unique.columns)
        self.name.restore(unique.name or "", chosen)

    def checked_columns(self) -> list[str]:
        columns = self.columns.checked()
        if not columns:
            raise InputError("Tick at least one column.")
        return columns

    def value(self) -> s.UniqueConstraint:
        return s.UniqueConstraint(self._name(), tuple(self.checked_columns()))


class CheckForm(PartForm):
    def __init__(self, table: str, columns: Sequence[str], dialect: str, parent: QWidget | None = None) -> None:
        super().__init__(table, columns, dialect, parent)
        self.condition = QLineEdit(self)
        self.condition.setPlaceholderText("e.g. price >= 0")
        self.form.addRow("Condition", self.condition)
        self.condition.textChanged.connect(lambda _text: self._suggest())
        self._suggest()

    def suggestion(self) -> str:
        from gui_app.core.naming import check_name_for

        return check_name_for(self.table, self.condition.text(), self.column_names, self.dialect)

    def load(self, check: s.CheckConstraint, chosen: bool) -> None:
        self.condition.setText(check.sqltext)
        self.name.restore(check.name or "", chosen)

    def value(self) -> s.CheckConstraint:
        from gui_app.core.validate import default_problem

        text = self.condition.text().strip()
        if not text:
            raise InputError("Write the condition the rows must meet.")
        problem = default_problem(text, self.dialect, "condition")
        if problem:
            raise InputError(problem)
        return s.CheckConstraint(self._name(), text)


class IndexForm(PartForm):
    """Columns in order (each ascending or descending), unique, and where the dialect has them a
    WHERE clause and a method."""

    def __init__(self, table: str, columns: Sequence[str], dialect: str, parent: QWidget | None = None) -> None:
        super().__init__(table, columns, dialect, parent)
        self.columns = ColumnPicker(columns, parent=self, descending=True)
        self.unique = QCheckBox("Unique", self)
        self.where = QLineEdit(self)
        self.where.setPlaceholderText("partial index condition, e.g. deleted_at IS NULL")
        self.where.setEnabled(dialect in ("postgresql", "sqlite"))
        self.method = QComboBox(self)
        self.method.addItems(POSTGRESQL_METHODS)
        self.method.setEnabled(dialect == "postgresql")
        self.form.addRow("Columns", self.columns)
        self.form.addRow("", self.unique)
        self.form.addRow("Where", self.where)
        self.form.addRow("Method", self.method)
        self.columns.list.itemChanged.connect(lambda _item: self._suggest())
        self.unique.toggled.connect(lambda _on: self._suggest())
        self._suggest()

    def suggestion(self) -> str:
        from gui_app.core.naming import index_name

        columns = self.columns.checked()  # no columns yet: no name to suggest (not ix_<table>_expr)
        return index_name(self.table, columns, self.dialect, self.unique.isChecked()) if columns else ""

    def load(self, index: s.Index, chosen: bool) -> None:
        self.columns.set_checked(index.elements)
        for column, order in zip(index.elements, index.sorting, strict=False):
            self.columns.set_descending(column, order == "DESC")
        self.unique.setChecked(index.unique)
        self.where.setText(index.where or "")
        self.method.setCurrentText(index.method or "")
        self.name.restore(index.name or "", chosen)

    def value(self) -> s.Index:
        from gui_app.core.validate import default_problem

        columns = self.columns.checked()
        if not columns:
            raise InputError("Tick at least one column.")
        if not self.name.text().strip():
            raise InputError("The index needs a name.")
        where = self.where.text().strip() or None
        problem = default_problem(where, self.dialect, "WHERE condition") if where else None
        if problem:
            raise InputError(problem)
        orders = self.columns.orders()
        return s.Index(self.name.text().strip(), tuple(columns), self.unique.isChecked(), (False,) * len(columns),
                       where, self.method.currentText() or None, sorting=tuple(orders) if any(orders) else ())
