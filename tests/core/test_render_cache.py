"""Rendering reuses what an edit did not touch: a render with every cache warm is the same text,
line for line, as one from nothing, after each edit, a removal from the middle and an undo."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import edits, render
from gui_app.core.demo import ensure_demo_database
from gui_app.core.identity_cache import IdentityCache
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.schema import Index, Schema

TRIGGER = """CREATE TRIGGER trg_books_title AFTER UPDATE OF title ON books
BEGIN
    UPDATE books SET pages = pages WHERE id = NEW.id;
END;"""

Step = Callable[[Schema], ops.MigrateOperation | list[ops.MigrateOperation]]
STEPS: list[Step] = [
    lambda p: edits.add_column(p.table("books"), edits.ColumnSpec("subtitle", sa.String(120))),
    lambda p: edits.alter_column(p.table("books"), "pages", type_=sa.String(10)),  # SQLite: a rebuild
    lambda p: edits.alter_column(p.table("books"), "title", nullable=True),  # the same table again: one group
    lambda p: edits.add_column(p.table("orders"), edits.ColumnSpec("note", sa.Text())),
    lambda p: edits.drop_column(p.table("books"), "subtitle"),
    lambda p: edits.rename_table(p.table("reviews"), "critiques"),
    lambda p: edits.create_index(p.table("orders"), Index("ix_orders_note", ("note",))),
    lambda p: edits.alter_column(p.table("orders"), "note", comment="Said at checkout"),
]


def _texts(plan: Plan) -> list[str]:
    operations, base, dialect = plan.operations, plan.base, plan.dialect
    return [render.render_python(operations, dialect, base=base),
            render.render_python(operations, dialect, downgrade=True, base=base),
            render.render_sql(operations, dialect, base, as_sent=True),
            render.render_sql(operations, dialect, base, downgrade=True)]


def _cold(plan: Plan) -> list[str]:
    render.forget_cached()
    return _texts(plan)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_a_warm_render_is_the_cold_render_after_every_edit(tmp_path: Path, dialect: str) -> None:
    path = ensure_demo_database(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.executescript(TRIGGER)  # rebuilt with the table, created again after it
    base = reflect(f"sqlite:///{path}")
    plan = Plan(base, dialect)
    _cold(plan)
    for step in STEPS:
        made = step(plan.projected)
        for op in made if isinstance(made, list) else [made]:
            plan.append(op)
        warm = _texts(plan)
        assert warm == _cold(plan)
        assert _texts(plan) == warm  # and again from what the cold render cached
    if dialect == "sqlite":
        assert "copy_from=" in warm[0] and "CREATE TRIGGER trg_books_title" in warm[2]
    _texts(plan)
    removed = Plan(base, dialect, [*plan.operations[:2], *plan.operations[3:]])  # one from the middle
    warm = _texts(removed)
    assert warm == _cold(removed)
    undone = Plan(base, dialect, plan.operations[:-2])
    _texts(plan)
    assert _texts(undone) == _cold(undone)


def test_a_sqlite_rebuild_writes_its_constraints_and_indexes_in_one_order(tmp_path: Path) -> None:
    """Alembic copies them in the order of a set of objects, which follows memory addresses: the
    same plan gave ten different scripts in thirty renders."""
    base = reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "pages", type_=sa.String(10)))
    seen = set()
    ballast = []
    for size in range(1, 301, 10):
        ballast.append([object() for _ in range(size)])  # other addresses each time
        render.forget_cached()
        seen.add(render.render_sql(plan.operations, "sqlite", base, downgrade=True))
    assert len(seen) == 1


def test_the_cache_is_bounded_and_tells_objects_apart_by_identity() -> None:
    cache: IdentityCache[str] = IdentityCache(3)
    first, twin = [1], [1]  # equal, not the same
    calls: list[str] = []

    def compute(text: str) -> Callable[[], str]:
        return lambda: calls.append(text) or text

    assert cache.get((first,), compute("a")) == "a"
    assert cache.get((first,), compute("again")) == "a"
    assert cache.get((twin,), compute("b")) == "b"
    assert cache.get((first,), compute("c"), extra="other") == "c"
    assert cache.get((None,), compute("d")) == "d"
    assert len(cache) == 3 and calls == ["a", "b", "c", "d"]
    assert cache.get((first,), compute("e")) == "e"  # the oldest went first
