"""The one place that creates actions: text, shortcut, icon, tip and slot together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

from gui_app.ui import icons

Shortcut = str | QKeySequence.StandardKey
ICON_PROPERTY = "alembicStudioIcon"


def redraw_icons(actions: list[QAction]) -> None:
    for action in actions:
        name = action.property(ICON_PROPERTY)
        if isinstance(name, str):
            action.setIcon(icons.for_action(name))


def make_action(parent: Any, text: str, slot: Callable[[], Any], *, shortcut: Shortcut | None = None,
                icon: str | None = None, tip: str | None = None) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        icons.set_action_icon(action.setIcon, icon)
        action.setProperty(ICON_PROPERTY, icon)  # to redraw it when the palette changes
    shown_tip = tip or text.replace("&", "").rstrip(".…")
    if shortcut is not None:
        shown_tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(shown_tip)
    action.setStatusTip(tip or "")
    action.triggered.connect(lambda _checked=False: slot())
    return action
