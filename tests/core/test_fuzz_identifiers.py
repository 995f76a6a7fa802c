"""Hostile names and defaults are refused with a message or quoted correctly — never run as SQL.

Each accepted edit is rendered to SQLite SQL and executed on a copy of the demo
database; the result must hold exactly the named column with exactly that
default, and every table must still be there.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gui_app.core import edits, render
from gui_app.core.demo import ensure_demo_database
from gui_app.core.plan import Plan, PlanError
from gui_app.core.reflect import reflect
from gui_app.core.sa_build import default_text
from gui_app.core.schema import Schema

HOSTILE = ["'); DROP TABLE books; --", 'a"b', "select", "order", "table", "Ünïcödé ñame", "with space",
           "x; DROP TABLE authors", "`tick`", "[bracket]", "--comment", "/*c*/", "%s", "%(x)s", "null", "\u0131"]

names = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=0, max_size=40))
defaults = st.one_of(st.none(), st.sampled_from(HOSTILE), st.text(max_size=30))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_demo_database(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def demo(demo_file: Path) -> Schema:
    return reflect(f"sqlite:///{demo_file}")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, literal=defaults)
def test_column_name_and_literal_default(tmp_path_factory: pytest.TempPathFactory, demo_file: Path, demo: Schema,
                                         name: str, literal: str | None) -> None:
    plan = Plan(demo, "sqlite")
    default = default_text(literal, sa.dialects.sqlite.dialect()) if literal is not None else None
    try:
        plan.append(edits.add_column(demo.table("books"), edits.ColumnSpec(name, sa.Text(), default_literal=literal)))
    except PlanError as refused:
        assert str(refused)  # a message, not a crash
        return
    copy = tmp_path_factory.mktemp("run") / "db.sqlite"
    shutil.copy(demo_file, copy)
    conn = sqlite3.connect(copy)
    conn.executescript(render.render_sql(plan.operations, "sqlite", demo))
    columns = {row[1]: row[4] for row in conn.execute("SELECT * FROM pragma_table_info('books')")}
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if literal is not None:
        quoted = '"' + name.replace('"', '""') + '"'
        stored = conn.execute(f"INSERT INTO books (title, isbn) VALUES ('t', 'x') RETURNING {quoted}").fetchone()[0]
        assert stored == literal
    conn.close()
    assert name in columns
    assert columns[name] == default
    assert {t.name for t in demo.tables} <= tables


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expression=st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)))
def test_expression_defaults_with_statements_are_refused(demo: Schema, expression: str) -> None:
    plan = Plan(demo, "postgresql")
    try:
        plan.append(edits.add_column(demo.table("books"), edits.ColumnSpec("c", sa.Text(), default=expression)))
    except PlanError as refused:
        assert str(refused)
        return
    sql = render.render_sql(plan.operations, "postgresql", demo)
    assert sql.count(";") == 1, "one statement only"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_table_names_render_quoted_in_every_dialect(demo: Schema, name: str) -> None:
    plan = Plan(demo, "postgresql")
    try:
        for op in edits.create_table(edits.TableSpec(name, columns=[
                edits.ColumnSpec("id", sa.Integer(), primary_key=True, nullable=False)])):
            plan.append(op)
    except PlanError as refused:
        assert str(refused)
        return
    for dialect in render.DIALECTS:
        sql = render.render_sql(plan.operations, dialect, demo)
        preparer = render.dialect_for(dialect).identifier_preparer
        assert f"CREATE TABLE {preparer.quote(name)} (" in sql
