"""Add a column to a table, or edit one (rename, type, nullable, default, comment, autoincrement)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit, TypeEdit

if TYPE_CHECKING:
    from alembic.operations import ops

NO_DEFAULT, VALUE, EXPRESSION = "No default", "Value", "SQL expression"


class ColumnDialog(EditDialog):
    def __init__(self, table: s.Table, dialect: str, submit: Submit, column: s.Column | None = None,
                 parent: QWidget | None = None) -> None:
        editing = column is not None
        title = f"Edit column {table.name}.{column.name}" if column else f"Add column to {table.name}"
        super().__init__(title, submit, parent)
        self.setObjectName("columnDialog")
        self.table, self.column, self.dialect = table, column, dialect
        if editing:
            self.ok_button.setText("Add change to pending changes")
        self.name = QLineEdit(column.name if column else "", self)
        self.type_edit = TypeEdit(dialect, column.type_name if column else "", self)
        self.nullable = QCheckBox("Allows NULL", self)
        self.nullable.setChecked(column.nullable if column else True)
        self.default_kind = QComboBox(self)
        self.default_kind.addItems([NO_DEFAULT, VALUE, EXPRESSION])
        self.default = QLineEdit(self)
        self.default.setPlaceholderText("a value, or an expression such as CURRENT_TIMESTAMP")
        if column is not None and column.default is not None:
            self.default_kind.setCurrentText(EXPRESSION)
            self.default.setText(column.default)
        self.default_kind.currentTextChanged.connect(lambda kind: self.default.setEnabled(kind != NO_DEFAULT))
        self.default.setEnabled(self.default_kind.currentText() != NO_DEFAULT)
        self.autoincrement = QCheckBox("Autoincrement", self)
        self.autoincrement.setChecked(bool(column and column.autoincrement))
        self.comment = QLineEdit(column.comment or "" if column else "", self)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Type", self.type_edit)
        form.addRow("", self.nullable)
        default_row = QWidget(self)
        row = QFormLayout(default_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addRow(self.default_kind, self.default)
        form.addRow("Default", default_row)
        form.addRow("", self.autoincrement)
        form.addRow("Comment", self.comment)
        self.body.addLayout(form)
        self.resize(480, 0)

    def _default(self) -> tuple[str | None, str | None]:
        """(SQL expression, literal value)."""
        kind, text = self.default_kind.currentText(), self.default.text()
        if kind == VALUE:
            return None, text
        if kind == EXPRESSION:
            if not text.strip():
                raise InputError("Write the default expression, or choose No default.")
            from gui_app.core.validate import default_problem

            problem = default_problem(text.strip(), self.dialect)  # read as the database would, at entry
            if problem:
                raise InputError(problem)
            return text.strip(), None
        return None, None

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        # A type left as reflected is not parsed again (PostgreSQL's name has no SQLAlchemy type of its own).
        unchanged_type = self.column is not None and self.type_edit.text().strip() == self.column.type_name
        type_ = None if unchanged_type else self.type_edit.sa_type()
        expression, literal = self._default()
        if self.column is None:
            assert type_ is not None
            spec = edits.ColumnSpec(self.name.text(), type_, nullable=self.nullable.isChecked(), default=expression,
                                    default_literal=literal, autoincrement=self.autoincrement.isChecked() or None,
                                    comment=self.comment.text() or None)
            return [edits.add_column(self.table, spec)]
        if literal is not None:
            from gui_app.core.validate import literal_problem

            problem = literal_problem(literal)
            if problem:
                raise InputError(problem)
        old = self.column
        op = edits.alter_column(
            self.table, old.name,
            new_name=self.name.text(),
            type_=type_,
            nullable=self.nullable.isChecked(),
            server_default=expression if expression is not None else (
                None if old.default is not None and literal is None else edits.UNCHANGED),
            default_literal=literal,
            comment=self.comment.text() or None,
            autoincrement=self.autoincrement.isChecked(),
        )
        if op.modify_name is None and op.modify_type is None and op.modify_nullable is None \
                and op.modify_server_default is edits.UNCHANGED and op.modify_comment is edits.UNCHANGED \
                and "autoincrement" not in op.kw:
            raise InputError("Nothing was changed.")
        return [op]
