"""Peak memory of the GUI process with MusicBrainz (375 tables) read and shown, offscreen.

    python -m tests.benchmarks.bench_memory

Then the memory the ER diagram adds (its Diagram tab chosen, every table drawn), against the same
process showing the tree alone.

Goal (issue): at most 130 MiB peak resident; the reference is a bare PySide6 ``QMainWindow``
shown by a process of its own in the same run, and beside it the floor: that window with the
libraries the app is built on loaded and connected.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

from tests.benchmarks.bench_reflect import CORPUS
from tests.benchmarks.timing import corpus_database, installed_env

BARE = r"""
import resource
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1200, 800)
window.show()
app.processEvents()
window.repaint()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# What the libraries the app is built on hold before any of its own code: the bare window with
# SQLAlchemy, psycopg and Alembic imported and one connection made, and one icon drawn from the
# icon font the app uses (qtawesome's Material Design Icons 6, drawn without importing qtawesome;
# importing the app's icons also stops PySide6 keeping the sources it reads in linecache).
FLOOR = BARE.replace("print(", """
import sqlalchemy, sqlalchemy.dialects.postgresql, psycopg, alembic.operations, alembic.autogenerate
from sqlalchemy import create_engine
with create_engine(sys.argv[1]).connect():
    pass
from gui_app.ui import icons
icons.for_action("undo").pixmap(16, 16)
print(""").replace("import resource", "import resource, sys")

APP = r"""
import resource, sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui_app.ui.application import create_window
window = create_window()
window.files.ask_autosave = lambda _found: ("later", None)
window.resize(1200, 800)
window.show()
window.connecting.open_url_text(sys.argv[1])
loop = QEventLoop()
def check():
    if window.context.database is not None and window.context.pending is not None:
        loop.quit()
    else:
        QTimer.singleShot(20, check)
check()
QTimer.singleShot(120_000, loop.quit)
loop.exec()
assert window.context.database is not None, "not loaded"
window.repaint()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


# The same, then the Diagram tab chosen: all 375 tables laid out, drawn, panned once at 100 %.
DIAGRAM = APP.replace("window.repaint()\nprint(", """window.views.setCurrentIndex(1)
panel = window.diagram
def drawn():
    if not panel.laying_out and panel.view.diagram.items_by_table:
        loop.quit()
    else:
        QTimer.singleShot(20, drawn)
drawn()
QTimer.singleShot(120_000, loop.quit)
loop.exec()
assert panel.view.diagram.items_by_table, "not drawn"
panel.view.fit()
window.repaint()
panel.view.zoom(1 / panel.view.transform().m11())
panel.view.horizontalScrollBar().setValue(panel.view.horizontalScrollBar().value() + 400)
panel.view.viewport().repaint()
print(""")


def _peak(code: str, *args: str) -> float:
    env = installed_env(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=tempfile.mkdtemp(),
                        XDG_CONFIG_HOME=tempfile.mkdtemp())
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True,
                         timeout=300).stdout.split()
    return int(out[-1]) / 1024  # KiB -> MiB


def main() -> None:
    with corpus_database("musicbrainz", CORPUS) as database:
        if database is None:
            return
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
        bare = min(_peak(BARE) for _ in range(3))
        floor = min(_peak(FLOOR, url) for _ in range(3))
        _peak(APP, url)  # writes the bytecode, as installing does
        ours = [_peak(APP, url) for _ in range(3)]
        print(f"{'bare PySide6 QMainWindow, peak resident (reference)':<58} {bare:9.1f} MiB")
        print(f"{'the same with the libraries loaded, connected (floor)':<58} {floor:9.1f} MiB")
        for figure in ours:
            print(f"{'MusicBrainz read and shown, peak resident':<58} {figure:9.1f} MiB"
                  f"   {figure / bare:5.2f}x the bare window, {figure - floor:+5.1f} MiB over the floor"
                  "   (goal <= 130 MiB)")
        _peak(DIAGRAM, url)
        for figure in (_peak(DIAGRAM, url) for _ in range(3)):
            print(f"{'the same with its ER diagram drawn, peak resident':<58} {figure:9.1f} MiB"
                  f"   {figure / min(ours):5.2f}x the tree alone: {figure - min(ours):+5.1f} MiB added by the diagram")

if __name__ == "__main__":
    main()
