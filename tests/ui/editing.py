"""Helpers that drive the edit UI as a person does: context menus, modal dialogs, the preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPoint,
    Qt,
    QTimer,
)
from PySide6.QtGui import QHelpEvent, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QToolTip, QWidget
from pytestqt.exceptions import TimeoutError as QtWaitTimeout
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.schema_tree import NODE_ROLE


def menu_action(window: MainWindow, path: tuple[str, ...], text: str) -> Any:
    """The action called ``text`` in the tree's context menu for the node at ``path``."""
    browser = window.browser
    node = browser.model.tree.find_path(path)
    assert node is not None, path
    index = browser.model.index_of_node(node)
    if not index.isValid():
        parent = browser.model.tree.parents[node]
        browser.view.setExpanded(browser.model.index_of_node(parent), True)
        index = browser.model.index_of_node(node)
    browser.view.scrollTo(index)
    position = browser.view.visualRect(index).center()
    browser.view.customContextMenuRequested.emit(position)
    menu = window.last_menu
    assert menu is not None
    actions = {a.text(): a for a in menu.actions()}
    menu.close()
    assert text in actions, f"{text!r} not in {sorted(actions)}"
    return actions[text]


def run_dialog(qtbot: QtBot, trigger: Callable[[], None], fill: Callable[[Any], None]) -> str:
    """Trigger something that opens a modal dialog, fill it and press its OK button.

    Returns the dialog's message when it refused and stayed open (it is then cancelled), else "".
    """
    outcome: dict[str, Any] = {}

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog), dialog
        try:
            fill(dialog)
        except BaseException as error:  # close the dialog, or its event loop waits for ever
            outcome["error"] = error
            dialog.reject()
            return
        if isinstance(dialog, QMessageBox):
            return
        dialog.ok_button.click()  # type: ignore[attr-defined]
        if getattr(dialog, "busy", False):  # the server checks what it makes first
            qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)  # type: ignore[attr-defined]
        if dialog.isVisible():
            outcome["message"] = dialog.message.text()  # type: ignore[attr-defined]
            dialog.reject()

    QTimer.singleShot(0, drive)
    trigger()
    qtbot.wait(10)
    if "error" in outcome:
        raise outcome["error"]
    return str(outcome.get("message", ""))


def answer_message_box(button: QMessageBox.StandardButton | str) -> Callable[[Any], None]:
    """Press a standard button, or the button with this text."""
    def press(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        if isinstance(button, str):
            named = [b for b in box.buttons() if b.text() == button]
            assert named, [b.text() for b in box.buttons()]
            named[0].click()
        else:
            box.button(button).click()

    return press


def preview(qtbot: QtBot, window: MainWindow, dialect: str) -> tuple[str, str, str]:
    """(SQL, upgrade, downgrade) of the preview once it has rendered for ``dialect``."""
    panel = window.preview
    panel.dialect.setCurrentIndex(panel.dialect.findData(dialect))
    panel.render_now()
    qtbot.waitUntil(lambda: not panel.rendering, timeout=10_000)
    texts = []
    for editor in (panel.sql, panel.upgrade, panel.downgrade):  # each tab is filled in when opened
        panel.tabs.setCurrentWidget(editor)
        texts.append(editor.toPlainText())
    panel.tabs.setCurrentWidget(panel.sql)
    return texts[0], texts[1], texts[2]


def pending_calls(window: MainWindow) -> list[str]:
    model = window.pending_panel.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def status_of(window: MainWindow, path: tuple[str, ...]) -> str:
    tree = window.browser.model.tree
    node = tree.find_path(path)
    assert node is not None, path
    return tree.statuses[node].value


def open_script(qtbot: QtBot, window: MainWindow, path: str, trust: bool = True) -> bool:
    """Open a script as a user does (trusting its folder when asked) and wait until it has been read."""
    asked: list[str] = []
    window.files.ask_trust = lambda folder: asked.append(folder) or trust
    with qtbot.waitSignal(window.files.script_read, timeout=60_000, raising=False) as read:
        started = window.files.open_script(path)
        if not started:
            read.signal_triggered = True  # nothing to wait for
    return started


MULTI_DATA_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole,
         Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.CheckStateRole,
         Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, NODE_ROLE]


def _same(one: Any, other: Any) -> bool:
    if isinstance(one, QIcon) and isinstance(other, QIcon):
        return one.cacheKey() == other.cacheKey()
    return bool(one == other)


def assert_multi_data_is_data(model: QAbstractItemModel, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
    """Every cell under ``parent``: what one ``multiData`` call fills in is what ``data`` gives, role by role."""
    checked = 0
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            for role in MULTI_DATA_ROLES:
                asked = QModelRoleData(int(role))
                model.multiData(index, QModelRoleDataSpan(asked))
                assert _same(asked.data(), model.data(index, role)), (index.data(), role)
                checked += 1
        checked += assert_multi_data_is_data(model, model.index(row, 0, parent))
    return checked



def choose_in_pending_menu(window: MainWindow, row: int, object_name: str) -> bool:
    """Open the pending list's context menu on ``row`` and trigger its action ``object_name``;
    whether the action was enabled."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMenu

    panel = window.pending_panel
    model = panel.model
    panel.view.setCurrentIndex(model.index(row, 1))
    shown: dict[str, bool] = {}

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        action = next(a for a in menu.actions() if a.objectName() == object_name)
        shown["enabled"] = action.isEnabled()
        menu.close()
        action.trigger()

    QTimer.singleShot(0, choose)
    panel._context_menu(panel.view.visualRect(model.index(row, 1)).center())
    return shown["enabled"]


def hover_tip(qtbot: QtBot, widget: QWidget) -> str:
    """The tooltip a user sees on pointing at ``widget`` ("" when none shows)."""
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, QPoint(2, 2), widget.mapToGlobal(QPoint(2, 2))))
    try:
        qtbot.waitUntil(QToolTip.isVisible, timeout=500)
    except QtWaitTimeout:
        return ""
    return QToolTip.text()
