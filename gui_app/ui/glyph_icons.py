"""Icons drawn from the Material Design Icons 6 font that qtawesome ships, without importing it.

Importing qtawesome imports qtpy, whose ``from PySide6.QtGui import *`` (and the same for
QtCore and QtWidgets) creates every class and enum of those modules, where PySide6 otherwise
creates each on first use: measured with MusicBrainz shown, 19 MiB resident and ~0.2 s of start.
The app draws glyphs of that one font, so it reads the font file and its charmap from
qtawesome's package folder and paints them with an icon engine of its own, as qtawesome does
(the glyph at 7/8 of the icon's height, centred; disabled in the palette's disabled text colour).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

FONT = "materialdesignicons6-webfont-[0-9]*.ttf"
CHARMAP = "materialdesignicons6-webfont-charmap-*.json"
PREFIX = "mdi6."


def font_folders() -> list[Path]:
    """Where qtawesome's fonts are: its installed package, or a bundle that carries them as data."""
    folders = []
    spec = importlib.util.find_spec("qtawesome")  # finds the package without running it
    if spec is not None and spec.submodule_search_locations:
        folders += [Path(location) / "fonts" for location in spec.submodule_search_locations]
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller's folder, where the spec puts qtawesome's data
    if bundle:
        folders.append(Path(bundle) / "qtawesome" / "fonts")
    return folders


def _one(pattern: str) -> Path:
    for folder in font_folders():
        found = sorted(folder.glob(pattern))
        if len(found) == 1:
            return found[0]
        if found:
            raise RuntimeError(f"{folder} holds more than one file named like {pattern}")
    raise RuntimeError(f"no {pattern} found in qtawesome's fonts ({', '.join(map(str, font_folders()))})")


@cache
def _font() -> tuple[str, str]:
    """The font's family as Qt registered it, and its charmap as the file has it: the app asks
    for ~60 of its 7,000 names, which parsed would hold 1 MiB."""
    font_file = _one(FONT)
    families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(font_file)))
    if not families:
        raise RuntimeError(f"Qt could not load {font_file}")
    return families[0], _one(CHARMAP).read_text(encoding="utf-8")


@cache
def character(name: str) -> str:
    """The glyph of ``mdi6.name``; a KeyError names an icon the font does not have."""
    if not name.startswith(PREFIX):
        raise KeyError(f"{name}: only {PREFIX}* icons are drawn")
    found = re.search(rf'"{re.escape(name.removeprefix(PREFIX))}"\s*:\s*"((?:0x)?[0-9a-fA-F]+)"', _font()[1])
    if found is None:
        raise KeyError(f"{name}: not in Material Design Icons 6")
    return chr(int(found.group(1), 16))


class GlyphEngine(QIconEngine):
    """One glyph in one colour, drawn at whatever size is asked (the palette's disabled text
    colour for a disabled icon)."""

    def __init__(self, glyph: str, colour: QColor) -> None:
        super().__init__()
        self.glyph = glyph
        self.colour = QColor(colour)
        self._drawn: dict[tuple[int, int, int], QPixmap] = {}
        """Pixmaps drawn, by size and mode: a toolbar button asks again at each repaint (the
        undo button at every edit), and drawing a glyph costs about a millisecond."""

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        painter.setPen(self._colour(mode))
        font = QFont(_font()[0])
        font.setPixelSize(max(1, round(0.875 * rect.height())))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.glyph)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode.value)  # one glyph whatever the state
        pixmap = self._drawn.get(key)
        if pixmap is None:
            pixmap = QPixmap(size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
            painter.end()
            self._drawn[key] = pixmap
        return pixmap

    def clone(self) -> QIconEngine:
        return GlyphEngine(self.glyph, self.colour)

    def _colour(self, mode: QIcon.Mode) -> QColor:
        if mode != QIcon.Mode.Disabled:
            return self.colour
        app = QGuiApplication.instance()
        palette = app.palette() if isinstance(app, QGuiApplication) else QPalette()
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


def glyph_icon(name: str, colour: str) -> QIcon:
    """``mdi6.name`` in ``colour`` (any name QColor reads)."""
    return QIcon(GlyphEngine(character(name), QColor(colour)))
