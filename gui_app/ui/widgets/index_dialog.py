"""Add an index: columns in order, unique, and where the dialect has them a WHERE clause and a method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.constraint_forms import IndexForm
from gui_app.ui.widgets.edit_dialog import EditDialog, Submit

if TYPE_CHECKING:
    from alembic.operations import ops


class IndexDialog(EditDialog):
    def __init__(self, table: s.Table, dialect: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Add index to {table.name}", submit, parent)
        self.setObjectName("indexDialog")
        self.table = table
        self.form = IndexForm(table.name, [c.name for c in table.columns], dialect, self)
        self.name, self.columns, self.unique = self.form.name, self.form.columns, self.form.unique
        self.where, self.method = self.form.where, self.form.method
        self.body.addWidget(self.form)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        return [edits.create_index(self.table, self.form.value())]
