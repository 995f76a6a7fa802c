"""Process start to the main window's first paint, and to the demo tree shown.

    python -m tests.benchmarks.bench_startup

The reference is a bare PySide6 ``QMainWindow`` shown by a process of its own, measured in the
same run the same way (goal in the issue: the app's first paint within 2x of it).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

from tests.benchmarks.timing import installed_env

FIRST_PAINT = r"""
import time, sys
from PySide6.QtCore import QObject, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    painted = None
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and self.painted is None:
            self.painted = time.perf_counter()
        return False

start = float(sys.argv[1])
app = QApplication([])
probe = FirstPaint()
"""

APP = FIRST_PAINT + r"""
app.setOrganizationName("AlembicStudioBench")
app.setApplicationName("bench")
import gui_app.ui.application as application
window = application.create_window()
window.installEventFilter(probe)
window.show()
app.processEvents()
window.repaint()
QTimer.singleShot(0, lambda: application.open_initial(window, None))
def done():
    if window.context.database is None:
        QTimer.singleShot(5, done); return
    app.processEvents()
    print(f"{probe.painted - start:.4f} {time.perf_counter() - start:.4f}")
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""

BARE = FIRST_PAINT + r"""
window = QMainWindow()
window.resize(1200, 800)
window.installEventFilter(probe)
window.show()
app.processEvents()
window.repaint()
print(f"{probe.painted - start:.4f}")
"""


def _timing(code: str, env: dict[str, str]) -> list[float]:
    """One run's printed figures: seconds from the process's start."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, repr(start)], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return [float(figure) for figure in out]


def main(rounds: int = 9) -> None:
    env = installed_env(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=tempfile.mkdtemp(),
                        XDG_CONFIG_HOME=tempfile.mkdtemp())
    _timing(APP, env)  # writes the bytecode, as installing does
    app, bares = [], []
    for _ in range(rounds):  # alternated, so that a busy spell of the machine weighs on both
        bares.append(_timing(BARE, env)[0])
        app.append(_timing(APP, env))
    bare = min(bares)
    paint, shown = min(figures[0] for figures in app), min(figures[1] for figures in app)
    print(f"{'bare PySide6 QMainWindow first paint (reference)':<58} {bare * 1000:9.1f} ms")
    print(f"{'main window first paint after process start':<58} {paint * 1000:9.1f} ms"
          f"   {paint / bare:5.2f}x the bare window   (goal <= 2x)")
    print(f"{'demo database tree shown after process start':<58} {shown * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
