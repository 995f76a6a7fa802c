"""One line of text that changes at every edit (a count, a state), without re-laying out the window.

A ``QLabel`` given a new text asks its layout to lay out again (``QWidget.updateGeometry``), and
every layout above it does the same, up to the main window, which then places its docks again
(one animation each) and repaints their separators: several milliseconds of the GUI thread per
edit for a few changed characters. This strip keeps one size whatever it says; a new text
repaints the strip alone, elided to its width, the whole text in its tooltip when cut.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class TextStrip(QWidget):
    def __init__(self, parent: QWidget | None = None, wide_as: str = "0" * 20) -> None:
        super().__init__(parent)
        self._text = ""
        self._wide_as = wide_as
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setAccessibleName(text)
            self.update()

    def sizeHint(self) -> QSize:
        metrics, margins = self.fontMetrics(), self.contentsMargins()
        return QSize(metrics.horizontalAdvance(self._wide_as) + margins.left() + margins.right(),
                     metrics.height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), self.sizeHint().height())

    def _shown(self) -> str:
        return self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(_ALIGN), self.palette(), self.isEnabled(),
                                  self._shown(), QPalette.ColorRole.WindowText)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            if self._shown() != self._text:  # cut short: the whole text on hover
                QToolTip.showText(event.globalPos(), self._text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
