"""Colours for messages and marked cells that stay legible on a light and on a dark palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette


def is_dark() -> bool:
    """Whether the application's windows are drawn dark (the system's or the user's dark theme)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def error_text() -> str:
    return "#ff7b72" if is_dark() else "#c0392b"


def caution_text() -> str:
    return "#e3a03a" if is_dark() else "#c77700"


def problem_background() -> QColor:
    """Behind a cell that cannot be used: a red the cell's own text stays readable on."""
    return QColor("#6b2a2e") if is_dark() else QColor("#f8d7da")
