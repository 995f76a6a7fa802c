"""Hostile values reach the database byte for byte through every path that takes a literal, on
the real servers: a column added with a default, a default changed, a new table with a default
and initial rows, rows inserted into an existing table, and the downgrade that deletes them.

MySQL and MariaDB read a backslash in a string literal as an escape: a literal quoted by
doubling ``'`` alone let ``\\', DROP COLUMN secret #`` end the string and drop a column.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from gui_app.core import apply, edits
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.render import downgrade_ops

HOSTILE = ["\\', DROP COLUMN secret #", "C:\\new\\table", "trailing\\", "'", "''", "\\", "%s", "%(x)s",
           "a\nb\r\nc", "Ünïcödé ñ 漢字 🙂", "--", "/* x */", "$$ $1 $$", ":name", "\"`[]"]
# NUL and TAB are refused with a message by validation (SQL text cannot carry them unchanged).
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(
    st.characters(blacklist_characters="\x00\t", blacklist_categories=("Cs",)), max_size=24))
COUNTER = itertools.count()


@pytest.fixture(scope="module", params=[
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgresql),
    pytest.param("mysql", marks=pytest.mark.mysql)])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('literals') / 'db.sqlite'}"
        return
    servers = request.getfixturevalue("pg_module_databases" if request.param == "postgresql"
                                      else "mysql_module_databases")
    yield servers.url(servers.create())


def _run(url: str, plan: list[sa.Any], base: sa.Any) -> None:
    report = apply.apply_plan(make_url(url), plan, base)
    assert report.mismatches == []  # the check after apply compares defaults exactly


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES)
@example(value="\\', DROP COLUMN secret #")
@example(value="C:\\new\\table")
@example(value="trailing\\")
def test_hostile_literals_round_trip_through_every_path(database: str, value: str) -> None:
    number = next(COUNTER)
    old, new = f"base_{number}", f"made_{number}"
    engine = sa.create_engine(database, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE {old} (id INTEGER PRIMARY KEY, c VARCHAR(200), secret VARCHAR(200))"))
        conn.execute(sa.text(f"INSERT INTO {old} (id, c, secret) VALUES (0, 'kept', 'kept')"))
    base = reflect(database)
    plan = Plan(base, base.dialect)
    plan.append(edits.add_column(base.table(old), edits.ColumnSpec("a", sa.String(200), default_literal=value)))
    plan.append(edits.alter_column(plan.projected.table(old), "c", default_literal=value))
    plan.append(edits.bulk_insert(plan.projected.table(old), [{"id": 1, "c": value, "secret": value}]))
    for op in edits.create_table(edits.TableSpec(new, columns=[
            edits.ColumnSpec("id", sa.Integer(), primary_key=True, nullable=False),
            edits.ColumnSpec("v", sa.String(200), default_literal=value)], rows=[{"id": 1, "v": value}])):
        plan.append(op)
    _run(database, plan.operations, base)

    with engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO {old} (id) VALUES (2)"))
        conn.execute(sa.text(f"INSERT INTO {new} (id) VALUES (2)"))
        rows = conn.execute(sa.text(f"SELECT id, a, c, secret FROM {old} ORDER BY id")).all()
        made = conn.execute(sa.text(f"SELECT id, v FROM {new} ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(0, value, "kept", "kept"), (1, value, value, value), (2, value, value, None)]
    assert [tuple(r) for r in made] == [(1, value), (2, value)]

    _run(database, downgrade_ops(plan.operations), reflect(database))  # deletes row 1 by its key, no other
    with engine.connect() as conn:
        left = conn.execute(sa.text(f"SELECT * FROM {old} ORDER BY id")).all()
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert [tuple(r) for r in left] == [(0, "kept", "kept"), (2, value, None)]
    assert new not in tables


def test_a_literal_default_is_quoted_by_the_dialect_in_the_preview(tmp_path: Path) -> None:
    """The MySQL preview doubles the backslash as well as the quote (the SQL shown is what runs)."""
    from gui_app.core import render

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE base (id INTEGER PRIMARY KEY, c VARCHAR(50))"))
    engine.dispose()
    base = reflect(url)
    op = edits.alter_column(base.table("base"), "c", default_literal="\\', DROP COLUMN secret #")
    sql = render.render_sql([op], "mysql", base)
    assert "SET DEFAULT '\\\\'', DROP COLUMN secret #'" in sql
    assert render.render_sql([op], "postgresql", base).count("'") == 4


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_percent_signs_and_colons_survive_a_saved_script_and_exported_sql(
        backend: str, request: pytest.FixtureRequest) -> None:
    """A statement read from a script as ``sa.text`` is saved compiled for the dialect; on a driver
    that takes %s parameters every % came out doubled, and the saved ``sa.text`` was doubled again
    when it ran: '50%' was stored as '50%%'. Exported SQL is what psql or mysql receive as typed."""
    from alembic.operations import Operations, ops
    from alembic.runtime.migration import MigrationContext

    from gui_app.core.render import render_python, render_sql

    servers = request.getfixturevalue("pg_databases" if backend == "postgresql" else "mysql_databases")
    url = servers.url(servers.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(40))"))
    values = ["50%", "%%", "a:b", "%(x)s", "100%%s"]
    statement = "INSERT INTO t VALUES " + ", ".join(f"({i}, '{v}')" for i, v in enumerate(values))
    saved = render_python([ops.ExecuteSQLOp(sa.text(statement))], backend)
    exported = render_sql([ops.ExecuteSQLOp(sa.text(statement.replace("INSERT INTO t", "INSERT INTO u")))],
                          backend, None, as_sent=True)
    with engine.begin() as conn:
        code = "\n".join(line.strip() for line in saved.splitlines())  # one statement: no nesting
        exec(code, {"op": Operations(MigrationContext.configure(conn)), "sa": sa})
        conn.execute(sa.text("CREATE TABLE u (id INTEGER PRIMARY KEY, v VARCHAR(40))"))
        conn.connection.driver_connection.cursor().execute(exported.strip().rstrip(";"))  # as a client sends it
        stored = conn.execute(sa.text("SELECT v FROM t ORDER BY id")).scalars().all()
        typed = conn.execute(sa.text("SELECT v FROM u ORDER BY id")).scalars().all()
    engine.dispose()
    assert stored == values and typed == values
