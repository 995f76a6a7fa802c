"""The code view replaces only the lines that changed, and ends with exactly the text it was given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui_app.core.changed_run import changed_run as changed_lines
from gui_app.ui.widgets.code_view import CodeView

LINES = st.lists(st.sampled_from(["", "a", "b", "DROP TABLE x;", "    op.add_column('t', sa.Column('c'))", "é ⚙ 🜂"]),
                 min_size=1, max_size=12)


def test_changed_lines_keeps_the_common_head_and_tail() -> None:
    assert changed_lines(["a", "b", "c"], ["a", "x", "y", "c"]) == (1, 2, 3)
    assert changed_lines(["a", "b"], ["a", "b"]) == (2, 2, 2)
    assert changed_lines(["a"], ["a", "a"]) == (1, 1, 2)
    assert changed_lines(["a", "a"], ["a"]) == (1, 2, 1)
    assert changed_lines(["x", "a"], ["a"]) == (0, 1, 0)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(LINES, min_size=2, max_size=6))
def test_a_view_updated_in_place_shows_each_text_exactly(qapp: QApplication, texts: list[list[str]]) -> None:
    view = CodeView("sql")  # a new one per example (the qtbot fixture is one per test)
    for lines in texts:
        text = "\n".join(lines)
        view.set_text(text)
        assert view.toPlainText() == text
        assert view.document().blockCount() == len(lines)
    view.deleteLater()


def test_one_changed_line_is_the_only_one_coloured_again(qtbot: QtBot) -> None:
    view = CodeView("sql")
    qtbot.addWidget(view)
    lines = [f"ALTER TABLE t{n} ADD COLUMN c INTEGER;" for n in range(2000)]
    view.set_text("\n".join(lines))
    coloured: list[str] = []
    original = view.highlighter.highlightBlock
    view.highlighter.highlightBlock = lambda text: (coloured.append(text), original(text))  # type: ignore[method-assign]
    view.verticalScrollBar().setValue(700)
    lines[1000] = "DROP TABLE t1000;"
    view.set_text("\n".join(lines))
    assert coloured[0] == "DROP TABLE t1000;" and len(coloured) <= 2  # Qt looks at the next line too
    assert view.verticalScrollBar().value() == 700  # the reader stays where they were
    view.setPlainText("other")  # set wholesale: the next update starts from it
    view.set_text("other\nmore")
    assert view.toPlainText() == "other\nmore"


def test_carriage_returns_and_paragraph_separators_break_lines_as_qt_does(qtbot: QtBot) -> None:
    view = CodeView("sql")
    qtbot.addWidget(view)
    view.set_text("SELECT 'a\r\nb';\nSELECT 'c\rd';\u2029-- e")
    assert view.toPlainText() == "SELECT 'a\nb';\nSELECT 'c\nd';\n-- e"
    view.set_text("SELECT 'a\r\nb';\nSELECT 'x\rd';\u2029-- e")  # updated in place: still in step with Qt's lines
    assert view.toPlainText() == "SELECT 'a\nb';\nSELECT 'x\nd';\n-- e"
