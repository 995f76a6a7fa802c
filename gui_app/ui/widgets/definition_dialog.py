"""A dialog whose object is written as its whole CREATE statement (a function, a procedure, a
trigger): the statement in an SQL editor with highlighting, checked on the server where it can be,
its reading turned into the dialog's refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from gui_app.core.dialects import family
from gui_app.ui.widgets.edit_dialog import EditDialog, InputError, Submit
from gui_app.ui.widgets.highlighter import CodeHighlighter, code_font

T = TypeVar("T")


class DefinitionDialog(EditDialog):
    checked_on_server = True  # PostgreSQL parses and checks its SQL where it will run

    def __init__(self, title: str, object_name: str, text: str, label: str, note: str, dialect: str,
                 submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(title, submit, parent)
        self.setObjectName(f"{object_name}Dialog")
        self.definition = QPlainTextEdit(text, self)
        self.definition.setObjectName(f"{object_name}Definition")
        self.definition.setFont(code_font())
        self.definition.highlighter = CodeHighlighter(  # type: ignore[attr-defined]
            self.definition.document(), "sql", family(dialect))  # quotes and comments read as the database does
        self.body.addWidget(QLabel(label, self))
        self.body.addWidget(self.definition, 1)
        if note:
            shown = QLabel(note, self)
            shown.setWordWrap(True)
            self.body.addWidget(shown)

    def read(self, what: str, reading: Callable[[str], T]) -> T:
        """``reading`` of the statement written; what it cannot read (ValueError) refuses it."""
        text = self.definition.toPlainText().strip()
        if not text:
            raise InputError(f"Write {what}.")
        try:
            return reading(text)
        except ValueError as error:
            raise InputError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
