"""The one place that names icons (qtawesome's names for Material Design Icons 6).

Icons take their colour from the palette's text colour, so they stay legible
in light and dark appearance. They are drawn from qtawesome's font by ``glyph_icons``; loading
the font and its charmap is left until the main window has been painted once, with empty icons
of the same size (``defer_drawing``, ``draw_deferred``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from gui_app.ui.glyph_icons import glyph_icon

_KIND_ICONS = {
    "root": "mdi6.database",
    "namespace": "mdi6.database-outline",
    "folder": "mdi6.folder-outline",
    "table": "mdi6.table",
    "column": "mdi6.table-column",
    "primary_key": "mdi6.key",
    "foreign_key": "mdi6.key-link",
    "index": "mdi6.sort-variant",
    "unique": "mdi6.fingerprint",
    "check": "mdi6.check-decagram",
    "exclusion": "mdi6.set-none",
    "trigger": "mdi6.lightning-bolt",
    "view": "mdi6.table-eye",
    "materialized_view": "mdi6.table-eye",
    "enum": "mdi6.format-list-bulleted-type",
    "domain": "mdi6.shape-outline",
    "sequence": "mdi6.counter",
    "function": "mdi6.function-variant",
    "procedure": "mdi6.cog-play-outline",
    "locks_out_reads": "mdi6.lock",
    "locks_out_writes": "mdi6.lock-outline",
    "locks_out_nobody": "mdi6.lock-open-variant-outline",
}

_KIND_COLOURS = {
    "locks_out_reads": "#c0392b",
    "locks_out_writes": "#c77700",
    "locks_out_nobody": "#2a9d8f",
    "table": "#2e7dd7",
    "primary_key": "#c99a06",
    "foreign_key": "#8e5bd6",
    "view": "#2a9d8f",
    "materialized_view": "#2a9d8f",
}

ACTION_ICONS = {
    "connect": "mdi6.lan-connect",
    "refresh": "mdi6.database-refresh",
    "cancel": "mdi6.cancel",
    "timeouts": "mdi6.timer-outline",
    "quit": "mdi6.exit-to-app",
    "filter": "mdi6.magnify",
    "about": "mdi6.information-outline",
    "getting_started": "mdi6.school-outline",
    "recent": "mdi6.history",
    "demo": "mdi6.database-cog-outline",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "remove": "mdi6.delete-outline",
    "online": "mdi6.lan-connect",
    "fit": "mdi6.fit-to-screen-outline",
    "zoom_in": "mdi6.magnify-plus-outline",
    "zoom_out": "mdi6.magnify-minus-outline",
    "diagram": "mdi6.sitemap-outline",
    "copy": "mdi6.content-copy",
    "new_table": "mdi6.table-plus",
    "new_view": "mdi6.table-eye",
    "new_enum": "mdi6.format-list-bulleted-type",
    "edit_view": "mdi6.pencil-box-outline",
    "new_sequence": "mdi6.counter",
    "edit_sequence": "mdi6.pencil-box-outline",
    "new_routine": "mdi6.function-variant",
    "new_domain": "mdi6.shape-outline",
    "edit_values": "mdi6.format-list-bulleted-type",
    "edit_domain": "mdi6.pencil-box-outline",
    "add_trigger": "mdi6.lightning-bolt",
    "edit_trigger": "mdi6.pencil-box-outline",
    "switch_trigger": "mdi6.flash-off",
    "edit_routine": "mdi6.pencil-box-outline",
    "add_column": "mdi6.table-column-plus-after",
    "edit_column": "mdi6.pencil-box-outline",
    "rename": "mdi6.rename-box",
    "comment": "mdi6.comment-text-outline",
    "add_index": "mdi6.sort-variant",
    "add_key": "mdi6.key-plus",
    "add_constraint": "mdi6.format-list-checks",
    "drop_table": "mdi6.table-remove",
    "drop_column": "mdi6.table-column-remove",
    "drop": "mdi6.minus-box-outline",
    "sql_step": "mdi6.code-braces-box",
    "insert_rows": "mdi6.table-row-plus-after",
    "history": "mdi6.history",
    "apply": "mdi6.database-check-outline",
    "project": "mdi6.source-branch",
    "open_script": "mdi6.file-code-outline",
    "save": "mdi6.content-save-outline",
    "export": "mdi6.file-export-outline",
    "compare": "mdi6.compare-horizontal",
}

OPERATION_ICONS = {
    "create": ("mdi6.plus-box-outline", "#2e9d4a"),
    "add": ("mdi6.plus-box-outline", "#2e9d4a"),
    "drop": ("mdi6.minus-box-outline", "#c0392b"),
    "alter": ("mdi6.pencil-box-outline", "#c77700"),
    "rename": ("mdi6.rename-box", "#c77700"),
    "execute": ("mdi6.code-braces-box", "#5b6bd6"),
    "replace": ("mdi6.pencil-box-outline", "#c77700"),
    "refresh": ("mdi6.refresh", "#5b6bd6"),
    "remove": ("mdi6.minus-box-outline", "#c0392b"),
    "bulk": ("mdi6.table-row-plus-after", "#5b6bd6"),
    "set": ("mdi6.pencil-box-outline", "#c77700"),
    "disable": ("mdi6.flash-off", "#c77700"),
    "enable": ("mdi6.flash", "#2e9d4a"),
}


def _text_colour() -> str:
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    return palette.color(QPalette.ColorRole.WindowText).name()


def _drawn_once(icon: QIcon) -> QIcon:
    """The icon as pixmaps at the sizes views ask for (16 and 24 points, at 1x and 2x).

    A glyph icon calls into Python at every paint (its engine); the tree and the pending list
    paint one per row on every repaint, holding the interpreter lock each time, which a
    background render also wants. Pixmaps are drawn by Qt alone (and only with a GUI application,
    which item models used without a view, in tests and scripts, may not have)."""
    if not isinstance(QApplication.instance(), QGuiApplication):
        return icon
    drawn = QIcon()
    for size in (16, 24, 32, 48):
        drawn.addPixmap(icon.pixmap(QSize(size, size), 1.0))
    return drawn


@cache
def for_kind(kind: str) -> QIcon:
    return _drawn_once(glyph_icon(_KIND_ICONS[kind], _KIND_COLOURS.get(kind, _text_colour())))


@cache
def for_action(name: str) -> QIcon:
    return glyph_icon(ACTION_ICONS[name], _text_colour())


@cache
def for_operation(verb: str) -> QIcon:
    """Icon for a pending operation by the first word of its name (``create``, ``drop``...)."""
    name, colour = OPERATION_ICONS.get(verb, ("mdi6.pencil-box-outline", "#c77700"))
    return _drawn_once(glyph_icon(name, colour))


def forget_colours() -> None:
    """The palette changed (light/dark appearance): icons are drawn again in its text colour."""
    for_kind.cache_clear()
    for_action.cache_clear()


_waiting: list[tuple[Callable[[QIcon], Any], str]] | None = None
"""While the main window is being built and not yet painted: where each action's icon goes."""


def defer_drawing() -> None:
    """Icons set with ``set_action_icon`` from now on are drawn by ``draw_deferred``."""
    global _waiting
    if _waiting is None:
        _waiting = []


def set_action_icon(apply: Callable[[QIcon], Any], name: str) -> None:
    """``apply(for_action(name))`` now, or an empty icon of the same size now and the real one
    once the window has been painted."""
    if _waiting is None:
        apply(for_action(name))
        return
    apply(_placeholder())
    _waiting.append((apply, name))


def draw_deferred() -> None:
    global _waiting
    waiting, _waiting = _waiting or [], None
    for apply, name in waiting:
        try:
            apply(for_action(name))
        except RuntimeError:  # its widget was deleted before the window was painted
            continue


@cache
def _placeholder() -> QIcon:
    """Transparent, so a toolbar lays its buttons out as they will be once the icons are drawn."""
    blank = QPixmap(16, 16)
    blank.fill(QColor(0, 0, 0, 0))
    return QIcon(blank)
