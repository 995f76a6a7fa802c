"""A custom SQL step (with the SQL that undoes it), and rows to insert into a table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit, add_remove_buttons
from gui_app.ui.widgets.highlighter import CodeHighlighter, code_font

if TYPE_CHECKING:
    from alembic.operations import ops

NULL_TEXT = "NULL"


class SqlStepDialog(EditDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("Custom SQL step", submit, parent)
        self.setObjectName("sqlStepDialog")
        self.upgrade = QPlainTextEdit(self)
        self.upgrade.setPlaceholderText("SQL run by upgrade(), e.g. UPDATE books SET price = 0 WHERE price IS NULL")
        self.downgrade = QPlainTextEdit(self)
        self.downgrade.setPlaceholderText("SQL that undoes it, run by downgrade()")
        for editor in (self.upgrade, self.downgrade):
            editor.setFont(code_font())
            editor.highlighter = CodeHighlighter(editor.document(), "sql")  # type: ignore[attr-defined]
        self.body.addWidget(QLabel("Upgrade SQL", self))
        self.body.addWidget(self.upgrade)
        self.body.addWidget(QLabel("Downgrade SQL", self))
        self.body.addWidget(self.downgrade)
        self.resize(560, 420)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        upgrade, downgrade = self.upgrade.toPlainText().strip(), self.downgrade.toPlainText().strip()
        if not upgrade:
            raise InputError("Write the SQL this step runs.")
        if not downgrade:
            raise InputError("Write the SQL that undoes this step, so the migration can be downgraded.")
        return [edits.execute_sql(upgrade, downgrade)]


class RowsGrid(QWidget):
    """A grid with one column per table column; an empty cell is left to its default, NULL is NULL."""

    def __init__(self, columns: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.grid = QTableWidget(1, len(columns), self)
        self.grid.setObjectName("rowsGrid")
        self.grid.setHorizontalHeaderLabels(columns)
        buttons = add_remove_buttons(self, lambda: self.grid.insertRow(self.grid.rowCount()),
                                     lambda: self.grid.removeRow(max(self.grid.currentRow(), 0)),
                                     "Add row", "Remove row")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grid, 1)
        layout.addLayout(buttons)

    def set_cell(self, row: int, column: int, text: str) -> None:
        while self.grid.rowCount() <= row:
            self.grid.insertRow(self.grid.rowCount())
        self.grid.setItem(row, column, QTableWidgetItem(text))

    def rows(self, table: s.Table | None = None) -> list[dict[str, Any]]:
        names = self.columns
        result = []
        for r in range(self.grid.rowCount()):
            row: dict[str, Any] = {}
            for c, name in enumerate(names):
                item = self.grid.item(r, c)
                if item is None or item.text() == "":
                    continue
                row[name] = None if item.text() == NULL_TEXT else _value(item.text(), table, name)
            if row:
                result.append(row)
        return result


def _value(text: str, table: s.Table | None, column: str) -> Any:
    """Cell text as the column's Python value where its type says (numbers), else the text."""
    if table is None:
        return text
    try:
        python_type = table.column(column).sa_type.python_type
    except (KeyError, AttributeError, NotImplementedError):
        return text
    if python_type in (int, float):
        try:
            return python_type(text)
        except ValueError:
            raise InputError(f"{text!r} is not a number, as column {column} needs.") from None
    if python_type is bool:
        return text.strip().lower() in ("1", "true", "yes", "t")
    return text


class InsertRowsDialog(EditDialog):
    def __init__(self, table: s.Table, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Insert rows into {table.name}", submit, parent)
        self.setObjectName("insertRowsDialog")
        self.table = table
        self.rows = RowsGrid([c.name for c in table.columns if c.computed is None], self)
        self.body.addWidget(QLabel("Empty cells take the column's default; type NULL for NULL.", self))
        self.body.addWidget(self.rows)
        self.resize(640, 360)

    def operations(self) -> list[ops.MigrateOperation]:
        from gui_app.core import edits

        rows = self.rows.rows(self.table)
        if not rows:
            raise InputError("Fill in at least one row.")
        return [edits.bulk_insert(self.table, rows)]
