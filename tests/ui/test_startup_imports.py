"""The window paints before SQLAlchemy and Alembic are imported (they cost ~0.4 s), and before
sqlglot (0.12 s), which only the SQL highlighter of a line with quotes needs."""

import os
import subprocess
import sys
from pathlib import Path


def test_main_window_is_built_without_sqlalchemy_alembic_or_sqlglot(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui_app.ui.application import create_window\n"
        "window = create_window()\n"
        "window.show()\n"
        "app.processEvents()\n"
        "loaded = sorted(m for m in ('sqlalchemy', 'alembic', 'sqlglot') if m in sys.modules)\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}  # its settings file is not the user's
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


ICONS_AFTER_PAINT = r"""
import sys
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([])
from gui_app.ui import glyph_icons
from gui_app.ui.application import create_window

window = create_window()
seen = {}


class AtFirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen["font"] = glyph_icons._font.cache_info().currsize
            image = window.refresh_action.icon().pixmap(16, 16).toImage()
            seen["ink"] = any(image.pixelColor(x, y).alpha() for x in range(16) for y in range(16))
        return False


probe = AtFirstPaint()
window.installEventFilter(probe)
window.show()
loop = QEventLoop()
QTimer.singleShot(1500, loop.quit)
loop.exec()
image = window.refresh_action.icon().pixmap(16, 16).toImage()
inked = any(image.pixelColor(x, y).alpha() for x in range(16) for y in range(16))
loaded = sorted(name for name in ("qtawesome", "qtpy") if name in sys.modules)
print(seen, inked, loaded)
sys.exit(0 if seen == {"font": 0, "ink": False} and inked and not loaded else 1)
"""


def test_icons_are_drawn_just_after_the_first_paint(tmp_path: Path) -> None:
    """The window is painted first, with blank icons of the same size, and drawn with its icons
    right after, from qtawesome's font; qtawesome itself is never imported (its qtpy creates every
    class of three PySide6 modules: 19 MiB and ~0.2 s)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", ICONS_AFTER_PAINT], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
