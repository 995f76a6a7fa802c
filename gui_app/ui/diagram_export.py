"""A diagram's SVG drawn into a PNG with Qt's SVG renderer (the command line needs no display:
without one Qt draws offscreen)."""

from __future__ import annotations

import os
from pathlib import Path

SCALE = 1.0
"""Pixels per diagram unit."""


def svg_to_png(svg: str, path: Path, scale: float = SCALE) -> None:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("the diagram's SVG could not be read back")
    size = renderer.defaultSize()
    image = QImage(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)),
                   QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    if not image.save(str(path)):  # the format from the suffix (.png)
        raise OSError(f"Qt could not write {path}")
