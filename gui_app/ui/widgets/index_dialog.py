"""Add an index: columns in order, unique, and where the dialect has them a WHERE clause and a method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import ColumnPicker, EditDialog, InputError, Submit, SuggestedName

if TYPE_CHECKING:
    from alembic.operations import ops

POSTGRESQL_METHODS = ("", "btree", "hash", "gin", "gist", "brin", "spgist")


class IndexDialog(EditDialog):
    def __init__(self, table: s.Table, dialect: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Add index to {table.name}", submit, parent)
        self.setObjectName("indexDialog")
        self.table, self.dialect = table, dialect
        self.name = SuggestedName(self)
        self.columns = ColumnPicker([c.name for c in table.columns], parent=self, descending=True)
        self.unique = QCheckBox("Unique", self)
        self.where = QLineEdit(self)
        self.where.setPlaceholderText("partial index condition, e.g. deleted_at IS NULL")
        self.where.setEnabled(dialect in ("postgresql", "sqlite"))
        self.method = QComboBox(self)
        self.method.addItems(POSTGRESQL_METHODS)
        self.method.setEnabled(dialect == "postgresql")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Columns", self.columns)
        form.addRow("", self.unique)
        form.addRow("Where", self.where)
        form.addRow("Method", self.method)
        self.body.addLayout(form)
        self.columns.list.itemChanged.connect(lambda _item: self._suggest())
        self.unique.toggled.connect(lambda _on: self._suggest())
        self._suggest()

    def _suggest(self) -> None:
        from gui_app.core.naming import index_name

        columns = self.columns.checked()  # no columns yet: no name to suggest (not ix_<table>_expr)
        unique = self.unique.isChecked()
        self.name.suggest(index_name(self.table.name, columns, self.dialect, unique) if columns else "")

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits
        from gui_app.core.validate import default_problem

        columns = self.columns.checked()
        if not columns:
            raise InputError("Tick at least one column.")
        where = self.where.text().strip() or None
        if where and default_problem(where):
            raise InputError("The WHERE condition must be one expression.")
        orders = self.columns.orders()
        index = s.Index(self.name.text(), tuple(columns), self.unique.isChecked(), (False,) * len(columns), where,
                        self.method.currentText() or None, sorting=tuple(orders) if any(orders) else ())
        return [edits.create_index(self.table, index)]
