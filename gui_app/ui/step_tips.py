"""Undo and redo actions whose text and tooltip never change: the step they take is read when
the user points at them.

Qt's ``QUndoGroup.createUndoAction`` renames its action at every push ("Undo add_column …"), and
every change of an action a toolbar shows makes the toolbar lay itself out again, and with it the
main window: its docks are moved (through one animation each) and its separators repainted,
about 2 ms of the GUI thread per edit. These actions change only when they become enabled or
disabled; the toolbar's button names the step in its tooltip, asked for on hover.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QHelpEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QToolTip, QWidget


def step_action(parent: QObject, group: QUndoGroup, redo: bool) -> QAction:
    """``&Undo`` or ``&Redo`` for ``group``'s active stack, with its standard shortcut."""
    action = QAction("&Redo" if redo else "&Undo", parent)
    action.setShortcut(QKeySequence.StandardKey.Redo if redo else QKeySequence.StandardKey.Undo)
    action.triggered.connect(group.redo if redo else group.undo)
    can = group.canRedoChanged if redo else group.canUndoChanged
    can.connect(action.setEnabled)
    action.setEnabled(group.canRedo() if redo else group.canUndo())
    return action


def step_tip(group: QUndoGroup, redo: bool) -> str:
    """What the action would do now: "Undo drop_table reviews", or just "Undo"."""
    verb, step = ("Redo", group.redoText()) if redo else ("Undo", group.undoText())
    return f"{verb} {step}" if step else verb


class StepTip(QObject):
    """Answers a button's tooltip request with ``text()``, read at that moment."""

    def __init__(self, button: QWidget, text: Callable[[], str]) -> None:
        super().__init__(button)
        self._text = text
        button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) and isinstance(watched, QWidget):
            QToolTip.showText(event.globalPos(), self._text(), watched)
            return True
        return False
