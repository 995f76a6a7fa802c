"""Pending-list speed on a 2,000-table schema, offscreen.

    python -m tests.benchmarks.bench_plan [--tables 2000] [--operations 500]

Goals (issue): adding an operation and refreshing the projected tree under 50 ms;
the SQL preview of a 500-operation plan under 1 s; after one more edit, rendering again costs a
small part of the first render (each operation's output is cached).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlalchemy as sa
from PySide6.QtWidgets import QApplication

from gui_app.core import edits, render
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.ui.models.tree_index import build_tree_index
from gui_app.ui.pending import PendingPlan
from gui_app.ui.widgets.schema_browser import SchemaBrowser
from tests.benchmarks.generated_schema import build_sqlite
from tests.benchmarks.timing import best_of, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--operations", type=int, default=500)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    path = os.path.join(tempfile.mkdtemp(), "plan.sqlite")
    build_sqlite(path, args.tables)
    schema = reflect(f"sqlite:///{path}")
    pending = PendingPlan(schema, "sqlite")
    browser = SchemaBrowser()
    browser.resize(900, 700)
    browser.show()
    browser.set_tree(build_tree_index(schema))
    app.processEvents()

    counter = iter(range(10**6))

    def add_and_refresh() -> None:
        n = next(counter)
        table = pending.plan.projected.table(f"t{n % args.tables:05d}")
        pending.add([edits.add_column(table, edits.ColumnSpec(f"extra_{n}", sa.Integer()))])
        browser.show_projection(pending.plan.projected, pending.plan.base)  # as the main window does
        browser.repaint()

    figure = best_of(add_and_refresh, repeat=10)
    report(f"add an operation + refresh the projected tree ({args.tables} tables)", figure, goal="< 50 ms")

    plan = Plan(schema, "postgresql")
    for i in range(args.operations):
        table = plan.projected.table(f"t{i % args.tables:05d}")
        if i % 3 == 0:
            plan.append(edits.add_column(table, edits.ColumnSpec(f"c{i}", sa.String(40))))
        elif i % 3 == 1:
            plan.append(edits.alter_column(table, "title", type_=sa.String(300 + i)))
        else:
            plan.append(edits.create_index(table, __import__("gui_app.core.schema", fromlist=["Index"]).Index(
                f"ix_bench_{i}", ("code", "amount"))))
    # One more edit, as the preview and the autosave then render again: only the new piece is new.
    one_more = Plan(schema, "postgresql", list(plan.operations))
    one_more.append(edits.add_column(one_more.projected.table("t00001"), edits.ColumnSpec("one_more", sa.Integer())))
    for dialect in ("postgresql", "mysql", "sqlite"):
        render.forget_cached()
        start = time.perf_counter()
        render.render_sql(plan.operations, dialect, schema, as_sent=True)
        cold = time.perf_counter() - start
        report(f"SQL preview of {args.operations} operations ({dialect})", cold, goal="< 1000 ms")
        start = time.perf_counter()
        render.render_sql(one_more.operations, dialect, schema, as_sent=True)
        report("  the same after one more operation", time.perf_counter() - start, cold, "of the first render")
    render.forget_cached()
    start = time.perf_counter()
    render.render_python(plan.operations, "postgresql")
    render.render_python(plan.operations, "postgresql", downgrade=True)
    cold = time.perf_counter() - start
    report(f"upgrade() + downgrade() of {args.operations} operations", cold)
    start = time.perf_counter()
    render.render_python(one_more.operations, "postgresql")
    render.render_python(one_more.operations, "postgresql", downgrade=True)
    report("  the same after one more operation", time.perf_counter() - start, cold, "of the first render")
    browser.close()


if __name__ == "__main__":
    main()
