"""PostgreSQL exclusion constraint: elements ``column WITH operator``, index method, optional WHERE."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit, SuggestedName

if TYPE_CHECKING:
    from alembic.operations import ops


class ExclusionDialog(EditDialog):
    def __init__(self, table: s.Table, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Add exclusion constraint to {table.name}", submit, parent)
        self.setObjectName("exclusionDialog")
        self.table = table
        self.name = SuggestedName(self)
        self.name.suggest(f"ex_{table.name}")
        self.elements = QPlainTextEdit(self)
        self.elements.setPlaceholderText("one element per line:\nroom_id WITH =\nduring WITH &&")
        self.using = QComboBox(self)
        self.using.addItems(["gist", "spgist", "btree", "hash"])
        self.where = QLineEdit(self)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Elements", self.elements)
        form.addRow("Using", self.using)
        form.addRow("Where", self.where)
        self.body.addLayout(form)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits
        from gui_app.core.validate import default_problem

        elements = []
        for line in self.elements.toPlainText().splitlines():
            if not line.strip():
                continue
            expression, sep, operator = line.rpartition(" WITH ")
            if not sep or not expression.strip() or not operator.strip():
                raise InputError(f"{line.strip()!r}: write each element as 'column WITH operator'.")
            if default_problem(expression):
                raise InputError(f"{expression.strip()!r} must be one expression.")
            elements.append((expression.strip(), operator.strip()))
        if not elements:
            raise InputError("Give at least one element, such as 'during WITH &&'.")
        where = self.where.text().strip() or None
        if where and default_problem(where):
            raise InputError("The WHERE condition must be one expression.")
        return [edits.create_exclusion(self.table, self.name.text() or None, elements, self.using.currentText(),
                                       where)]
