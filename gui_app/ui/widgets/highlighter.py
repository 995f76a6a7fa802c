"""Syntax colouring for the SQL and Python previews."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

_SQL_WORDS = ("ADD", "ALTER", "AND", "AS", "ASC", "BEGIN", "BY", "CASCADE", "CHANGE", "CHECK", "COLUMN",
    "COMMENT", "COMMIT", "CONSTRAINT", "CREATE", "DEFAULT", "DELETE", "DESC", "DROP", "EXISTS", "FOREIGN",
    "FROM", "IF", "IN", "INDEX", "INSERT", "INTO", "IS", "KEY", "MODIFY", "NOT", "NULL", "ON", "OR", "PRAGMA",
    "PRIMARY", "REFERENCES", "RENAME", "RESTRICT", "SELECT", "SET", "TABLE", "TO", "TYPE", "UNIQUE", "UPDATE",
    "USING", "VALUES", "VIEW", "WHERE", "WITH",)
_PYTHON_WORDS = ("def", "with", "as", "import", "from", "return", "None", "True", "False", "pass", "if",
    "else", "for", "in",)


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class CodeHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, language: str) -> None:
        super().__init__(document)
        words = _SQL_WORDS if language == "sql" else _PYTHON_WORDS
        flags = re.IGNORECASE if language == "sql" else 0
        self._rules = [
            (re.compile(r"\b(" + "|".join(words) + r")\b", flags), _format("#3f6fd8", bold=True)),
            (re.compile(r"\b\d+(\.\d+)?\b"), _format("#b5651d")),
            (re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\""), _format("#2e9d4a")),
            (re.compile(r"--.*$|#.*$"), _format("#8a8a8a", italic=True)),
        ]
        if language == "sql":  # what destroys data stands out
            self._rules.append((re.compile(r"\b(DROP (TABLE|COLUMN)|DELETE FROM)\b", re.IGNORECASE),
                                _format("#c0392b", bold=True)))

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self._rules:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)
