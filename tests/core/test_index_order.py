"""The order of index elements (DESC, NULLS FIRST/LAST) is read, kept, written and compared."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from gui_app.core import apply, edits, render
from gui_app.core.demo import ensure_demo_database
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.sa_build import index_from_sa
from gui_app.core.schema import Index
from gui_app.core.script_reader import load_script
from gui_app.core.script_writer import write_standalone
from gui_app.core.serialize import to_text
from tests.conftest import ServerDatabases


def test_ordering_is_read_from_every_way_sqlalchemy_spells_it() -> None:
    table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer), sa.Column("b", sa.Integer))
    cases = [
        ([sa.desc(table.c.a).nulls_last(), table.c.b], ("a", "b"), ("DESC NULLS LAST", "")),
        ([sa.literal_column("a DESC"), "b"], ("a", "b"), ("DESC", "")),  # as Alembic writes a script
        ([sa.text('"a" asc nulls first')], ("a",), ("NULLS FIRST",)),
        ([table.c.a, table.c.b], ("a", "b"), ()),
    ]
    for elements, names, sorting in cases:
        index = index_from_sa(sa.Index("ix", *elements, _table=table))
        assert (index.elements, index.sorting, index.expression_flags) == (names, sorting, (False,) * len(names))
    expression = index_from_sa(sa.Index("ix", sa.text("lower(a) DESC"), _table=table))
    assert (expression.elements, expression.expression_flags) == (("lower(a) DESC",), (True,))


def test_a_sqlite_rebuild_keeps_a_descending_index(tmp_path: Path) -> None:
    path = ensure_demo_database(tmp_path)
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    index = {ix.name: ix for ix in base.table("books").indexes}["ix_books_publisher_published"]
    assert index.labelled_elements == ("publisher_id", "published DESC")
    assert "index ix_books_publisher_published (publisher_id, published DESC)" in to_text(base)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("books"), "pages", type_=sa.String(10)))  # rebuilds books
    assert "CREATE INDEX ix_books_publisher_published ON books (publisher_id, published DESC)" in render.render_sql(
        plan.operations, "sqlite", base)
    assert "sa.text('published DESC')" in render.render_python(plan.operations, "sqlite", base=base)
    assert apply.apply_plan(url, plan.operations, base).mismatches == []
    sql = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = 'ix_books_publisher_published'")
    assert sql.fetchone()[0].endswith("(publisher_id, published DESC)")


def test_a_script_keeps_the_order_it_was_saved_with(tmp_path: Path) -> None:
    base = reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")
    plan = Plan(base, "sqlite")
    plan.append(edits.create_index(base.table("books"), Index("ix_books_recent", ("published", "title"),
                                                             sorting=("DESC", ""))))
    saved = tmp_path / "order.py"
    write_standalone(saved, plan.operations, "sqlite", "recent first", base=base)
    again = load_script(saved)
    recorded = Plan(base, "sqlite")
    for op in again.upgrade:
        recorded.append(op)
    assert recorded.projected == plan.projected


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
def test_server_databases_read_create_and_compare_the_order(backend: str, pg_databases: ServerDatabases,
                                                              mysql_databases: ServerDatabases) -> None:
    servers = pg_databases if backend == "postgresql" else mysql_databases
    url: URL = make_url(servers.url(servers.create()))
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, at TIMESTAMP NULL, kind VARCHAR(20))")
        last = " NULLS LAST" if backend == "postgresql" else ""
        conn.exec_driver_sql(f"CREATE INDEX ix_events_at ON events (at DESC{last}, kind)")
    engine.dispose()
    base = reflect(url)
    index = {ix.name: ix for ix in base.table("events").indexes}["ix_events_at"]
    assert index.labelled_elements == (f"at DESC{last}", "kind")
    plan = Plan(base, "postgresql" if backend == "postgresql" else "mysql")
    plan.append(edits.create_index(base.table("events"), Index("ix_events_kind", ("kind", "id"),
                                                              sorting=("DESC", ""))))
    assert apply.apply_plan(url, plan.operations, base).mismatches == []
    after = {ix.name: ix for ix in reflect(url).table("events").indexes}
    assert after["ix_events_kind"].labelled_elements == ("kind DESC", "id")
