"""Syntax colouring for the SQL and Python previews."""

from __future__ import annotations

import ctypes
import re
import sys
from functools import cache
from typing import Any

from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from gui_app.core.dialects import is_mysql

_SQL_WORDS = ("ADD", "AFTER", "ALTER", "AND", "AS", "ASC", "BEFORE", "BEGIN", "BY", "CASCADE", "CHANGE", "CHECK",
    "COLUMN", "COMMENT", "COMMIT", "CONSTRAINT", "CREATE", "DECLARE", "DEFAULT", "DELETE", "DESC", "DOMAIN", "DROP",
    "EACH", "ELSE", "END", "EXECUTE", "EXISTS", "FOR", "FOREIGN", "FROM", "FUNCTION", "IF", "IN", "INDEX", "INSERT",
    "INTO", "IS", "KEY", "LANGUAGE", "MODIFY", "NOT", "NULL", "ON", "OR", "PRAGMA", "PRIMARY", "PROCEDURE",
    "REFERENCES", "RENAME", "REPLACE", "RESTRICT", "RETURN", "RETURNS", "ROW", "SELECT", "SEQUENCE", "SET",
    "TABLE", "THEN", "TO", "TRIGGER", "TYPE", "UNIQUE", "UPDATE", "USING", "VALUES", "VIEW", "WHEN", "WHERE",
    "WITH",)
_PYTHON_WORDS = ("def", "with", "as", "import", "from", "return", "None", "True", "False", "pass", "if",
    "else", "for", "in",)


def code_font() -> QFont:
    """The system's fixed-width font: SQL and Python are read in columns, in every view of them."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


_LOSES_NONE: bool | None = None
"""Whether ``QSyntaxHighlighter.setFormat`` loses a reference to ``None`` (see ``CodeHighlighter._set``)."""

_PLAIN = {"VAR", "IDENTIFIER", "STRING", "NUMBER", "NATIONAL_STRING", "BIT_STRING", "HEX_STRING", "BYTE_STRING",
          "RAW_STRING", "HEREDOC_STRING", "PARAMETER", "PLACEHOLDER"}
_DESTROYS = {("DROP", "TABLE"), ("DROP", "COLUMN"), ("DELETE", "FROM"), ("TRUNCATE", "TABLE")}
_QUOTES_OR_COMMENTS = re.compile(r"[\"'`#]|--|/\*")


@cache
def _patterns(language: str) -> tuple[re.Pattern[str], ...]:
    """Keywords, numbers, strings and comments, and for SQL what destroys data (so that it stands
    out): compiled when first coloured, not while the window is built."""
    words, flags = (_SQL_WORDS, re.IGNORECASE) if language == "sql" else (_PYTHON_WORDS, re.NOFLAG)
    patterns: tuple[re.Pattern[str], ...] = (
        re.compile(r"\b(" + "|".join(words) + r")\b", flags),
        re.compile(r"\b\d+(\.\d+)?\b"),
        re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\""),
        re.compile(r"--.*$|#.*$"),
    )
    if language == "sql":
        patterns += (re.compile(r"\b(DROP (TABLE|COLUMN)|DELETE FROM|TRUNCATE TABLE)\b", re.IGNORECASE),)
    return patterns


class CodeHighlighter(QSyntaxHighlighter):
    """Colours by rule for Python; for SQL, a line holding quotes or a comment is read with the
    dialect's own tokenizer (sqlglot), so a quoted name such as ``"we""ird;DROP TABLE x--"`` stays
    one name, never a keyword or the start of a comment."""

    def __init__(self, document: QTextDocument, language: str, dialect: str = "postgresql") -> None:
        super().__init__(document)
        self.language, self.dialect = language, dialect
        self._keyword, self._number = _format("#3f6fd8", bold=True), _format("#b5651d")
        self._string, self._comment = _format("#2e9d4a"), _format("#8a8a8a", italic=True)
        self._danger = _format("#c0392b", bold=True)
        self._previous_start = self._previous_length = 0  # the token before, for DROP TABLE and the like
        self._tokenizer: tuple[str, Any] | None = None
        # In the order of :func:`_patterns`.
        self._formats = (self._keyword, self._number, self._string, self._comment, self._danger)

    def _set(self, start: int, length: int, fmt: QTextCharFormat) -> None:
        """``setFormat``, minus a defect of some PySide6 releases: each call takes one reference from
        ``None`` that it never gave back (measured on PySide6 6.12 with Python 3.11), and once
        ``None``'s count reaches zero the interpreter aborts. The reference is given back, only where
        the loss is measured (from Python 3.12 on, ``None`` is immortal and nothing is lost)."""
        global _LOSES_NONE
        if _LOSES_NONE is None:
            before = sys.getrefcount(None)
            for _ in range(64):
                self.setFormat(start, length, fmt)
            _LOSES_NONE = before - sys.getrefcount(None) >= 48  # other threads may move it a little
            if _LOSES_NONE:
                for _ in range(64):
                    ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
            return
        self.setFormat(start, length, fmt)
        if _LOSES_NONE:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))

    def set_dialect(self, dialect: str) -> None:
        if dialect != self.dialect:
            self.dialect = dialect
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if self.language == "sql" and text.lstrip().startswith("--"):
            self._set(0, len(text), self._comment)  # all of it, quotes included: no tokenizer needed (nor loaded)
            return
        if self.language == "sql" and _QUOTES_OR_COMMENTS.search(text) and self._tokenized(text):
            return
        for pattern, fmt in zip(_patterns(self.language), self._formats, strict=False):
            for match in pattern.finditer(text):
                self._set(match.start(), match.end() - match.start(), fmt)

    def _tokenized(self, text: str) -> bool:
        from sqlglot.dialects.dialect import Dialect
        from sqlglot.errors import TokenError

        from gui_app.core.sql_effects import SQLGLOT_DIALECTS

        if self._tokenizer is None or self._tokenizer[0] != self.dialect:
            name = SQLGLOT_DIALECTS.get(self.dialect, self.dialect)
            self._tokenizer = (self.dialect, Dialect.get_or_raise(name).tokenizer())
        try:
            tokens = self._tokenizer[1].tokenize(text)
        except TokenError:  # a string or name that goes on past this line: the rules colour it
            return False
        position, previous = 0, ""
        for token in tokens:
            self._comment_in(text, position, token.start)
            kind, word = token.token_type.name, token.text.upper()
            length = token.end - token.start + 1
            if kind in ("STRING", "NATIONAL_STRING", "RAW_STRING", "HEREDOC_STRING"):
                self._set(token.start, length, self._string)
            elif kind == "NUMBER":
                self._set(token.start, length, self._number)
            elif (previous, word) in _DESTROYS:
                self._set(self._previous_start, self._previous_length, self._danger)
                self._set(token.start, length, self._danger)
            elif (kind not in _PLAIN and token.text.isalpha()) or (kind == "VAR" and word in _SQL_WORDS):
                self._set(token.start, length, self._keyword)
            previous = word if kind != "IDENTIFIER" else ""
            self._previous_start, self._previous_length = token.start, length
            position = token.end + 1
        self._comment_in(text, position, len(text))
        return True

    def _comment_in(self, text: str, start: int, end: int) -> None:
        """Between tokens, only blanks and comments remain: colour from a comment's opening on."""
        gap = text[start:end]
        found = [i for i in (gap.find("--"), gap.find("/*"), gap.find("#") if is_mysql(self.dialect)
                             else -1) if i >= 0]
        if found:
            self._set(start + min(found), end - start - min(found), self._comment)
