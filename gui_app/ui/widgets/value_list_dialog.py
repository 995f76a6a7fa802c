"""MySQL and MariaDB hold an ENUM's or a SET's values in the column's type: editing them is a
change of the column's type, one value per line. The dialog says what it costs: values only added
at the end change the table's definition alone (INSTANT); any other change copies the table, and
a row holding a value that is gone makes it fail (strict mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit

if TYPE_CHECKING:
    from alembic.operations import ops


def listed_values(column: s.Column) -> tuple[str, ...] | None:
    """The values of an ENUM or SET column (None for another type)."""
    from gui_app.core.types import listed_values as of_type

    return of_type(column.sa_type)


class ValueListDialog(EditDialog):
    def __init__(self, table: s.Table, column: s.Column, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Values of {table.name}.{column.name}", submit, parent)
        self.setObjectName("valueListDialog")
        self.table, self.column = table, column
        self.old = listed_values(column) or ()
        self.values = QPlainTextEdit("\n".join(self.old), self)
        self.values.setObjectName("listedValues")
        self.values.setPlaceholderText("One value per line, in their order")
        self.effect = QLabel(self)
        self.effect.setObjectName("valuesEffect")
        self.effect.setWordWrap(True)
        kind = "SET" if "SET" in type(column.sa_type).__name__.upper() else "ENUM"
        self.body.addWidget(QLabel(f"Values of the {kind} (one per line)", self))
        self.body.addWidget(self.values, 1)
        self.body.addWidget(self.effect)
        self.values.textChanged.connect(self._show_effect)
        self._show_effect()
        self.resize(420, 380)

    def _new(self) -> list[str]:
        return [line.strip() for line in self.values.toPlainText().splitlines() if line.strip()]

    def _show_effect(self) -> None:
        new = self._new()
        gone = [v for v in self.old if v not in new]
        if new[:len(self.old)] == list(self.old):
            text = ("Values added at the end: MySQL 8 and MariaDB change the table's definition alone, no row is "
                    "copied (while the column's storage size stays).") if len(new) > len(self.old) else ""
        else:
            text = "The table is copied with the column's new type."
            if gone:
                text += f" A row holding {', '.join(gone)} makes it fail (strict mode): nothing is changed then."
        self.effect.setText(text)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        new = self._new()
        if not new:
            raise InputError("Write its values, one per line.")
        if len(set(new)) != len(new):
            raise InputError("A value is written twice.")
        if tuple(new) == self.old:
            raise InputError("The values are the same as before.")
        old: Any = self.column.sa_type
        options = {key: getattr(old, key) for key in ("charset", "collation") if getattr(old, key, None)}
        return [edits.alter_column(self.table, self.column.name, type_=type(old)(*new, **options))]
