from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from gui_app.ui import icons


def _drawn(icon: QIcon) -> int:
    """How many pixels of the icon at 16 by 16 are not transparent."""
    image = icon.pixmap(QSize(16, 16), 1.0).toImage()
    return sum(image.pixelColor(x, y).alpha() > 0 for x in range(16) for y in range(16))


def test_every_named_icon_is_drawn_from_one_font(qtbot: QtBot) -> None:
    """Each name the app uses exists in Material Design Icons 6 and draws something; only that
    font is loaded (qtawesome's own ``icon`` loads all eleven it bundles)."""
    drawn = {f"kind {kind}": _drawn(icons.for_kind(kind)) for kind in icons._KIND_ICONS}
    drawn |= {f"action {name}": _drawn(icons.for_action(name)) for name in icons.ACTION_ICONS}
    drawn |= {f"operation {verb}": _drawn(icons.for_operation(verb)) for verb in icons.OPERATION_ICONS}
    assert len(drawn) > 50
    assert [what for what, pixels in drawn.items() if pixels < 10] == []
    assert set(icons._icon_font().fontname) == {"mdi6"}
