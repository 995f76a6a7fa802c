"""What the app remembers between runs, and the shortcut list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gui_app.ui.application import create_window, open_initial
from gui_app.ui.main_window import MainWindow
from tests.ui.editing import run_dialog


def test_geometry_and_dock_layout_survive_a_restart(qtbot: QtBot, demo_window: MainWindow,
                                                     settings: QSettings) -> None:
    demo_window.resize(700, 500)  # within the offscreen screen (800 x 600): restoring fits the screen
    demo_window.preview_dock.hide()
    size = demo_window.size()
    assert demo_window.close()
    again = create_window(settings)
    qtbot.addWidget(again)
    again.files.ask_save_discard_cancel = lambda _count: "discard"
    assert again.size() == size and (size.width(), size.height()) == (700, 500)
    assert again.preview_dock.isHidden()


def test_preferred_preview_dialect_is_remembered(qtbot: QtBot, demo_window: MainWindow, settings: QSettings) -> None:
    panel = demo_window.preview
    panel.dialect.setCurrentIndex(panel.dialect.findData("postgresql"))
    panel.dialect.activated.emit(panel.dialect.currentIndex())
    assert settings.value("preview/dialect") == "postgresql"
    again = create_window(settings)
    qtbot.addWidget(again)
    again.files.ask_save_discard_cancel = lambda _count: "discard"
    open_initial(again, None)
    qtbot.waitUntil(lambda: again.context.pending is not None, timeout=15_000)
    assert again.preview.dialect.currentData() == "postgresql"  # though the database is SQLite


def test_recent_projects_are_offered(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "alembic", "init", str(tmp_path / "migrations")], cwd=tmp_path,
                   check=True, capture_output=True)
    assert window.files.link_project(str(tmp_path / "alembic.ini"))
    entries = [a.text() for a in window.recent_projects_menu.actions()]
    assert entries == [str((tmp_path / "alembic.ini").resolve())]
    window.files.project = None
    window.recent_projects_menu.actions()[0].trigger()
    assert window.files.project is not None


def test_shortcuts_are_listed(qtbot: QtBot, window: MainWindow) -> None:
    window.shortcuts_action.trigger()
    dialog = window.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    entries = dict(dialog.entries())  # type: ignore[attr-defined]
    for action in ("Connect", "Refresh", "Filter objects", "New table", "Add column", "Undo", "Redo",
                   "Show preview", "Apply pending changes", "Save as revision", "Open migration script"):
        assert entries.get(action), action
    dialog.close()


def test_the_window_has_the_application_icon(window: MainWindow) -> None:
    assert not window.windowIcon().isNull()


def _ink(icon: object) -> tuple[int, int, int]:
    """The darkest-or-lightest drawn pixel's colour of an icon (its ink)."""
    image = icon.pixmap(32, 32).toImage()  # type: ignore[attr-defined]
    inked = [image.pixelColor(x, y) for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() > 200]
    colour = inked[len(inked) // 2]
    return colour.red(), colour.green(), colour.blue()


def test_icons_follow_a_dark_palette(qtbot: QtBot, demo_window: MainWindow) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    before = _ink(demo_window.refresh_action.icon())
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: _ink(demo_window.refresh_action.icon()) != before, timeout=5_000)
        assert min(_ink(demo_window.refresh_action.icon())) > 200  # light ink on the dark window
        model = demo_window.browser.model
        column = model.index_of_node(model.tree.find_path(("main", "Tables", "books", "title")) or 0)
        assert column.isValid()
        assert min(_ink(column.data(Qt.ItemDataRole.DecorationRole))) > 200
    finally:
        app.setPalette(light)


def test_about_names_the_versions_and_the_server(qtbot: QtBot, demo_window: MainWindow) -> None:
    import alembic
    import sqlalchemy
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from gui_app import __version__

    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    demo_window.about_action.trigger()
    text = seen[0]
    for version in (__version__, pyside_version, sqlalchemy.__version__, alembic.__version__, "sqlite 3."):
        assert version in text


def test_messages_and_marked_cells_stay_legible_on_a_dark_palette(qtbot: QtBot, demo_window: MainWindow) -> None:
    """A red message or a marked cell readable on white must not vanish on a dark window."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from gui_app.ui.widgets.new_table_dialog import TYPE

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    dark = QPalette(light)
    for role, colour in ((QPalette.ColorRole.Window, "#202020"), (QPalette.ColorRole.WindowText, "#f0f0f0"),
                         (QPalette.ColorRole.Base, "#181818"), (QPalette.ColorRole.Text, "#f0f0f0")):
        dark.setColor(role, QColor(colour))

    def contrast(a: QColor, b: QColor) -> float:
        def luminance(c: QColor) -> float:
            channels = [(v / 255) / 12.92 if v <= 10 else (((v / 255) + 0.055) / 1.055) ** 2.4
                        for v in (c.red(), c.green(), c.blue())]
            return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    seen: dict[str, float] = {}

    def fill(d: Any) -> None:
        d.columns.add_row("label", "VARCHR(40)", True, "", False, False, "")
        background = d.columns.table.item(1, TYPE).background().color()
        seen["cell"] = contrast(background, QColor("#f0f0f0"))
        seen["message"] = contrast(QColor(d.message.styleSheet().split(":")[1].strip()), QColor("#202020"))

    try:
        app.setPalette(dark)
        run_dialog(qtbot, demo_window.new_table_action.trigger, fill)
    finally:
        app.setPalette(light)
    assert seen["cell"] >= 4.5 and seen["message"] >= 4.5, seen
