"""The Qt binding itself: a release that drops a reference to ``None`` on calls returning nothing
(PySide6 6.12.0 on Python 3.11, where ``None`` is not immortal) aborts the application after some
thousands of calls ("Fatal Python error: none_dealloc"). It is excluded in pyproject.toml; this
says so plainly should one come back."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def test_calls_returning_nothing_keep_none_alive(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setEnabled(True)
        QApplication.processEvents()
    lost = before - sys.getrefcount(None)
    assert lost < 200, f"the Qt binding dropped {lost} references to None in 2000 calls"
