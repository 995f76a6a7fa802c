from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from gui_app.ui.modal import run_modal
from gui_app.ui.widgets.connection_dialog import ConnectionDialog


def test_a_dialog_is_read_after_it_closes_then_deleted_by_the_event_loop(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    dialog.setWindowTitle("asked")
    QTimer.singleShot(0, dialog.accept)
    assert run_modal(dialog) == QDialog.DialogCode.Accepted
    assert dialog.windowTitle() == "asked"  # still there for the caller
    qtbot.waitUntil(lambda: not parent.findChildren(QDialog), timeout=5_000)


def test_the_connect_dialog_does_not_stay_a_child_of_the_window(qtbot: QtBot, window: MainWindow) -> None:
    """Each Connect… opened to be cancelled used to leave one more dialog under the window."""
    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectionDialog)
        dialog.reject()

    for _ in range(3):
        QTimer.singleShot(0, cancel)
        window.connecting.show_dialog()
    qtbot.waitUntil(lambda: not window.findChildren(ConnectionDialog), timeout=5_000)
