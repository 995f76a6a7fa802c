"""Tree population and filtering on a ~41,000-node tree, offscreen.

    python -m tests.benchmarks.bench_tree [--tables 1750]

The goals are absolute (the tree must keep up with typing), so each line shows
its figure against its goal.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from gui_app.core.long_lived import settle_long_lived
from gui_app.core.reflect import reflect
from gui_app.ui.models.tree_index import build_tree_index
from gui_app.ui.widgets.schema_browser import SchemaBrowser
from tests.benchmarks.generated_schema import build_sqlite
from tests.benchmarks.timing import report


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1750)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    path = os.path.join(tempfile.mkdtemp(), "tree.sqlite")
    build_sqlite(path, args.tables)
    schema = reflect(f"sqlite:///{path}")
    start = time.perf_counter()
    tree = build_tree_index(schema)
    report(f"build the tree index ({len(tree)} nodes, worker thread)", time.perf_counter() - start)
    start = time.perf_counter()
    settle_long_lived()  # as the loading worker does
    report("settle the collector after loading (worker thread)", time.perf_counter() - start)

    browser = SchemaBrowser()
    browser.resize(900, 700)
    browser.show()
    app.processEvents()

    def populate() -> None:
        browser.set_tree(tree)
        browser.repaint()
        app.processEvents()

    report("tree populated and painted after reflection", _timed(populate), goal="< 100 ms")
    # The user opened 50 tables and selected a column.
    for table in list(schema.tables)[:50]:
        node = tree.find_path(("main", "Tables", table.name))
        browser.view.setExpanded(browser.model.index_of_node(node), True)  # type: ignore[arg-type]
    browser.select_path(("main", "Tables", schema.tables[3].name, "title"))

    keystrokes = []
    for text in ("c", "co", "cod", "code", "code_x"[:5]):
        keystrokes.append(_timed(lambda text=text: (browser.filter_edit.setText(text), browser.repaint())))
    ours = max(keystrokes)
    report("filter keystroke (worst of c, co, cod, code, code_)", ours, goal="< 50 ms")
    clear = _timed(lambda: (browser.filter_edit.clear(), browser.repaint()))
    report("clear the filter, 50 tables expanded again", clear, goal="< 50 ms")
    assert browser.selected_path() == ("main", "Tables", schema.tables[3].name, "title")
    first = tree.find_path(("main", "Tables", schema.tables[0].name))
    assert first is not None and browser.view.isExpanded(browser.model.index_of_node(first))

    browser.close()



if __name__ == "__main__":
    main()
