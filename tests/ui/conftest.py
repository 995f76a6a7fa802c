from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gui_app.ui.application import create_window, open_initial
from gui_app.ui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QSettings:
    """Settings and the data directory in a temporary folder, never the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: QtBot, settings: QSettings) -> Iterator[MainWindow]:
    win = create_window(settings)
    # A question nobody answers would hang the suite; tests that ask answer for themselves.
    win.files.ask_save_discard_cancel = lambda _count: "discard"
    win.files.ask_yes_no = lambda _title, _text: False
    win.files.ask_trust = lambda _folder: False
    win.files.ask_autosave = lambda _found: ("later", None)
    win.files.tell = lambda _title, _text, details: pytest.fail(f"unexpected notes: {details}")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.context.cancel_loading()
    win.context.jobs.wait(10_000)


@pytest.fixture
def demo_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The main window after start-up on the demo database."""
    open_initial(window, None)
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    return window
