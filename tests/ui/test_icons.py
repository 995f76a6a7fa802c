from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage
from pytestqt.qtbot import QtBot

from gui_app.ui import glyph_icons, icons


def _drawn(icon: QIcon) -> int:
    """How many pixels of the icon at 16 by 16 are not transparent."""
    image = icon.pixmap(QSize(16, 16), 1.0).toImage()
    return sum(image.pixelColor(x, y).alpha() > 0 for x in range(16) for y in range(16))


def test_every_named_icon_is_drawn(qtbot: QtBot) -> None:
    """Each name the app uses exists in Material Design Icons 6 and draws something."""
    drawn = {f"kind {kind}": _drawn(icons.for_kind(kind)) for kind in icons._KIND_ICONS}
    drawn |= {f"action {name}": _drawn(icons.for_action(name)) for name in icons.ACTION_ICONS}
    drawn |= {f"operation {verb}": _drawn(icons.for_operation(verb)) for verb in icons.OPERATION_ICONS}
    assert len(drawn) > 50
    assert [what for what, pixels in drawn.items() if pixels < 10] == []


def _pixels(icon: QIcon, size: int, mode: QIcon.Mode) -> list[tuple[int, int, int, int]]:
    image = icon.pixmap(QSize(size, size), 1.0, mode).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return [image.pixelColor(x, y).getRgb() for y in range(size) for x in range(size)]  # type: ignore[misc]


@pytest.mark.parametrize("name, colour", [("mdi6.table", "#2e7dd7"), ("mdi6.key-link", "#8e5bd6"),
                                          ("mdi6.database-refresh", "#202020"), ("mdi6.lightning-bolt", "#c77700")])
def test_a_glyph_is_drawn_as_qtawesome_draws_it(qtbot: QtBot, name: str, colour: str) -> None:
    """The app's engine paints qtawesome's glyph pixel for pixel as qtawesome would, enabled
    and disabled, at the sizes views ask for."""
    qtawesome = pytest.importorskip("qtawesome")
    ours, theirs = glyph_icons.glyph_icon(name, colour), qtawesome.icon(name, color=colour)
    for size in (16, 24, 48):
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled):
            assert _pixels(ours, size, mode) == _pixels(theirs, size, mode), (size, mode)


def test_an_unknown_name_is_refused(qtbot: QtBot) -> None:
    with pytest.raises(KeyError, match="no-such-icon"):
        glyph_icons.glyph_icon("mdi6.no-such-icon", "#000000")
    with pytest.raises(KeyError, match="fa5s"):
        glyph_icons.glyph_icon("fa5s.table", "#000000")
