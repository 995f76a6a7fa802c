"""The one-line text that changes at every edit without re-laying out its window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from gui_app.ui.widgets.text_strip import TextStrip
from tests.ui.editing import hover_tip


def test_a_new_text_repaints_the_strip_and_asks_no_layout(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    strip = TextStrip(holder)
    QHBoxLayout(holder).addWidget(strip)
    holder.resize(300, 40)
    holder.show()
    qtbot.waitExposed(holder)
    qtbot.wait(50)  # what showing it asked for is done
    size = strip.size()
    requests: list[QEvent.Type] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            requests.append(event.type())
            return False

    watch = Watch()
    holder.installEventFilter(watch)
    for text in ("Rendering…", "201 operations", "a much longer text than the one before it"):
        strip.setText(text)
        qtbot.wait(10)
        assert strip.text() == text and strip.accessibleName() == text
    assert QEvent.Type.LayoutRequest not in requests
    assert QEvent.Type.UpdateRequest in requests  # the strip was repainted (on its window's backing store)
    assert strip.size() == size


def test_a_text_cut_short_is_whole_in_its_tooltip(qtbot: QtBot) -> None:
    strip = TextStrip()
    qtbot.addWidget(strip)
    strip.resize(60, strip.sizeHint().height())
    strip.show()
    qtbot.waitExposed(strip)
    strip.setText("ok")
    assert hover_tip(qtbot, strip) == ""
    whole = "1,204 pending operations, 3 of them destructive"
    strip.setText(whole)
    assert hover_tip(qtbot, strip) == whole
    image = strip.grab().toImage()
    assert any(image.pixelColor(x, y) != image.pixelColor(0, 0)
               for x in range(image.width()) for y in range(image.height())), "something is drawn"
