"""A read-only view of generated code that is updated in place, line by line.

A plan of hundreds of operations renders to thousands of lines, and one edit changes a few of
them. Replacing only the lines that differ keeps the work on the GUI thread (layout and syntax
colouring of each replaced line) proportional to the edit, not to the plan, and the reader's
scroll position where it was.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from gui_app.core.changed_run import changed_run
from gui_app.ui.widgets.highlighter import CodeHighlighter, code_font

_BLOCK_BREAK = re.compile("\r\n|\r|\n|\u2029")
"""Where Qt starts a new block when plain text is inserted (``QTextCursor::insertText``)."""


def _lines(text: str) -> list[str]:
    if "\r" in text or "\u2029" in text:
        return _BLOCK_BREAK.split(text)
    return text.split("\n")  # the usual case, several times faster


class CodeView(QPlainTextEdit):
    """Read-only, unwrapped, fixed-width, coloured for ``language`` ("sql" or "python")."""

    def __init__(self, language: str, parent: QWidget | None = None, dialect: str = "postgresql") -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(code_font())
        self.document().setUndoRedoEnabled(False)  # nobody types here; undo would only keep every old text
        self.highlighter = CodeHighlighter(self.document(), language, dialect)
        self._lines = [""]

    def setPlainText(self, text: str) -> None:
        self._lines = _lines(text)
        super().setPlainText(text)

    def set_text(self, text: str) -> None:
        """Show ``text``, replacing only the lines that changed since it was last set."""
        new = _lines(text)
        document = self.document()
        if document.blockCount() != len(self._lines):  # changed some other way: start over
            self.setPlainText(text)
            return
        first, old_end, new_end = changed_run(self._lines, new)
        old, self._lines = self._lines, new
        if first == old_end and first == new_end:
            return
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        inserted = "\n".join(new[first:new_end])
        if first < old_end:  # some lines replaced or removed
            start = document.findBlockByNumber(first)
            if first < new_end:  # replaced: the lines' text, their breaks kept
                last = document.findBlockByNumber(old_end - 1)
                cursor.setPosition(start.position())
                cursor.setPosition(last.position() + last.length() - 1, QTextCursor.MoveMode.KeepAnchor)
            elif old_end < len(old):  # removed from the middle or the start: with the break after each
                cursor.setPosition(start.position())
                cursor.setPosition(document.findBlockByNumber(old_end).position(), QTextCursor.MoveMode.KeepAnchor)
            elif first > 0:  # removed from the end: with the break before them
                before = document.findBlockByNumber(first - 1)
                cursor.setPosition(before.position() + before.length() - 1)
                cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            else:
                cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(inserted)
        elif first < len(old):  # inserted before an unchanged line
            cursor.setPosition(document.findBlockByNumber(first).position())
            cursor.insertText(inserted + "\n")
        else:  # appended after the last line
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText("\n" + inserted)
        cursor.endEditBlock()
