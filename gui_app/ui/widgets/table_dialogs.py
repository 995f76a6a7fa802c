"""Small table-level dialogs: rename a table, set or remove its comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, RenameDialog, Submit

if TYPE_CHECKING:
    from alembic.operations import ops


class RenameTableDialog(RenameDialog):
    def __init__(self, table: s.Table, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Rename table {table.name}", table.name, submit, parent)
        self.setObjectName("renameTableDialog")
        self.table = table

    def renamed(self, name: str) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        return [edits.rename_table(self.table, name)]


class TableCommentDialog(EditDialog):
    def __init__(self, table: s.Table, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Comment on table {table.name}", submit, parent)
        self.setObjectName("tableCommentDialog")
        self.table = table
        self.comment = QPlainTextEdit(table.comment or "", self)
        self.remove_button = QPushButton("Remove comment", self)
        self.remove_button.setEnabled(table.comment is not None)
        self.remove_button.clicked.connect(self._remove)
        self._removing = False
        self.body.addWidget(self.comment)
        self.buttons.addButton(self.remove_button, self.buttons.ButtonRole.ResetRole)

    def _remove(self) -> None:
        self._removing = True
        self.accept()
        self._removing = False

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        if self._removing:
            return [edits.drop_table_comment(self.table)]
        text = self.comment.toPlainText().strip()
        if not text:
            raise InputError("Write a comment, or use Remove comment.")
        if text == self.table.comment:
            raise InputError("The comment is unchanged.")
        return [edits.set_table_comment(self.table, text)]
