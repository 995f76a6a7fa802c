"""The Diagram tab on MusicBrainz (375 tables): first paint, and the time to paint one frame while
panning at the whole-schema view and at 100 %, against one frame at 60 Hz (16.7 ms).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_diagram_view
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from sqlalchemy import create_engine

from gui_app.core.diagram_layout import layout, tables_to_draw
from gui_app.core.reflect import reflect
from tests.benchmarks.timing import corpus_database, report

CORPUS = Path(os.environ.get("ALEMBIC_STUDIO_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
FRAME = 1 / 60


def _frames(view: object, steps: int = 40) -> float:
    """The median time to repaint the viewport after a scroll of 40 pixels, right then back."""
    from PySide6.QtWidgets import QGraphicsView

    assert isinstance(view, QGraphicsView)
    bar = view.horizontalScrollBar()
    times = []
    for step in range(steps):
        bar.setValue(bar.value() + (40 if (step // 10) % 2 == 0 else -40))
        start = time.perf_counter()
        view.viewport().repaint()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from gui_app.ui.widgets.diagram_view import DiagramView

    app = QApplication.instance() or QApplication([])
    with corpus_database("musicbrainz", CORPUS) as database:
        if database is None:
            return
        engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}")
        schema = reflect(engine)
        engine.dispose()
        tables = tables_to_draw(schema, "musicbrainz")
        placed = layout(tables)
        view = DiagramView(lambda *_a: None, lambda *_a: None, lambda *_a: None)
        view.resize(1600, 1000)
        view.show()
        app.processEvents()
        start = time.perf_counter()
        view.show_layout(placed, tables, {})
        view.fit()
        view.viewport().repaint()
        report(f"first paint of the diagram ({len(tables)} tables, {len(placed.links)} keys)",
               time.perf_counter() - start, FRAME, "one frame")
        view.zoom(1.5)  # the whole width no longer fits: there is room to pan
        report("frame while panning, whole-schema view", _frames(view), FRAME, "one frame", "< 1x")
        view.zoom(1 / view.transform().m11())  # 100 %, lines smooth again
        report("frame while panning, 100 %", _frames(view), FRAME, "one frame", "< 1x")


if __name__ == "__main__":
    main()
