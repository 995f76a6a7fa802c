"""The SQL views colour what the dialect's tokenizer reads: a quoted name is one name, whatever it holds."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument

from gui_app.ui.widgets.highlighter import CodeHighlighter


def _spans(sql: str, dialect: str) -> dict[tuple[int, int], str]:
    """(start, end) of each coloured stretch of ``sql``: its colour."""
    document = QTextDocument()
    highlighter = CodeHighlighter(document, "sql", dialect)
    document.setPlainText(sql)
    highlighter.rehighlight()
    return {(span.start, span.start + span.length): span.format.foreground().color().name()
            for span in document.firstBlock().layout().formats()}


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize(("dialect", "quoted"), [("postgresql", '"we""ird;DROP TABLE x--"'),
                                                 ("mysql", "`we``ird;DROP TABLE x--`"),
                                                 ("sqlite", '"we""ird;DROP TABLE x--"')])
def test_a_hostile_quoted_name_is_neither_a_keyword_nor_a_comment(dialect: str, quoted: str) -> None:
    sql = f"ALTER TABLE t ADD COLUMN {quoted} INTEGER DEFAULT 'a--b'; DROP TABLE old -- gone"
    spans = _spans(sql, dialect)
    start = sql.index(quoted)
    assert not [s for s in spans if s[0] < start + len(quoted) and s[1] > start], spans  # the name: plain
    by_text = {sql[a:b]: colour for (a, b), colour in spans.items()}
    assert by_text["'a--b'"] == "#2e9d4a"  # a string, its -- included
    assert by_text["DROP"] == "#c0392b" and spans[(sql.rindex("TABLE"), sql.rindex("TABLE") + 5)] == "#c0392b"
    assert by_text["-- gone"] == "#8a8a8a"
    assert by_text["ALTER"] == by_text["INTEGER"] == "#3f6fd8"


@pytest.mark.usefixtures("qapp")
def test_colouring_a_long_preview_does_not_use_up_references_to_none() -> None:
    """PySide6 6.12's setFormat takes a reference from None at every call; with Python 3.11 a long
    enough preview would bring None's count to zero and abort the app. The highlighter gives them back."""
    import sys

    sql = "\n".join(f"ALTER TABLE books ADD COLUMN c{i} VARCHAR(20) DEFAULT 'x{i}';" for i in range(2000))
    document = QTextDocument()
    highlighter = CodeHighlighter(document, "sql", "postgresql")
    document.setPlainText(sql)
    before = sys.getrefcount(None)
    highlighter.rehighlight()
    assert sys.getrefcount(None) >= before - 200  # about 14,000 formats were set
