"""What a custom SQL step does to existing data, read per dialect; counted on the real servers."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core import edits
from gui_app.core.impact import count_impacts
from gui_app.core.op_facts import CONSENT, DESTRUCTIVE, UNKNOWN_EFFECT
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.sql_effects import effects
from tests.side_by_side import database_with


@pytest.mark.parametrize(("sql", "dialect", "expected"), [
    ("DROP TABLE x", "postgresql", [("rows destroyed", (None, "x"), None, None)]),
    ("drop table if exists s.a, b", "mysql", [("rows destroyed", ("s", "a"), None, None),
                                              ("rows destroyed", (None, "b"), None, None)]),
    ("TRUNCATE x", "postgresql", [("rows destroyed", (None, "x"), None, None)]),
    ("DELETE FROM x", "sqlite", [("rows deleted", (None, "x"), None, None)]),
    ("delete from x where a > 1 and b = 'it''s'", "mysql",
     [("rows deleted", (None, "x"), "a > 1 AND b = 'it''s'", None)]),
    ("UPDATE x SET a = 1", "postgresql", [("rows overwritten", (None, "x"), None, None)]),
    ("UPDATE x SET a = 1 FROM y WHERE x.id = y.id", "postgresql", [("rows overwritten", None, "x.id = y.id", None)]),
    ("DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id", "mysql", [("rows deleted", None, None, None)]),
    ("ALTER TABLE x DROP COLUMN y", "postgresql", [("non-null values destroyed", (None, "x"), None, "y")]),
    ("drop schema s cascade", "postgresql", [("destroyed", None, None, None)]),
    ("SELECT 1; DROP TABLE y", "mysql", [("rows destroyed", (None, "y"), None, None)]),
    ("DO $$ BEGIN DELETE FROM x; END $$", "postgresql", [("unknown effect", None, None, None)]),
    ("CALL cleanup()", "mysql", [("unknown effect", None, None, None)]),
    ("this is not sql", "sqlite", [("unknown effect", None, None, None)]),
    ("CREATE INDEX i ON x (a); INSERT INTO x VALUES (1); ALTER TABLE x ADD COLUMN z INT", "postgresql", []),
    ("ALTER TABLE x RENAME COLUMN a TO b; COMMENT ON TABLE x IS 'a'; DROP VIEW v; DROP INDEX i", "postgresql", []),
])
def test_statements_are_read_for_what_they_destroy(sql: str, dialect: str,
                                                   expected: list[tuple[object, ...]]) -> None:
    assert [(e.what, e.table, e.where, e.column) for e in effects(sql, dialect)] == expected


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_custom_destructive_sql_needs_consent_and_is_counted(request: pytest.FixtureRequest, tmp_path: Path,
                                                             dialect: str) -> None:
    url = database_with(dialect, [
        "CREATE TABLE logs (id INTEGER PRIMARY KEY, level VARCHAR(10), body VARCHAR(20))",
        "INSERT INTO logs VALUES (1, 'debug', 'a'), (2, 'debug', NULL), (3, 'error', 'c')",
        "CREATE TABLE keep (id INTEGER PRIMARY KEY)", "INSERT INTO keep VALUES (1)"], tmp_path, request)
    base = reflect(url)
    plan = Plan(base, base.dialect)
    for sql in ("DELETE FROM logs WHERE level = 'debug'", "UPDATE keep SET id = id",
                "ALTER TABLE logs DROP COLUMN body", "CREATE INDEX ix_logs_level ON logs (level)"):
        plan.append(edits.execute_sql(sql, None))
    for op in edits.create_table(edits.TableSpec("fresh", columns=[
            edits.ColumnSpec("id", sa.Integer(), primary_key=True, nullable=False)])):
        plan.append(op)
    plan.append(edits.execute_sql("DELETE FROM fresh", None))  # only what the plan itself put there
    labels = [plan.risks(i) for i in range(len(plan))]
    assert [DESTRUCTIVE in r for r in labels] == [True, True, True, False, False, False]
    assert not any(set(r) & set(CONSENT) for r in labels[3:])
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        impacts = count_impacts(conn, base, plan.operations)
        rows = conn.exec_driver_sql("SELECT count(*) FROM logs").scalar()
    engine.dispose()
    assert [(i.index, i.text) for i in impacts] == [
        (0, "2 rows deleted"), (1, "1 row overwritten"), (2, "2 non-null values destroyed")]
    assert rows == 3  # counting changed nothing


def test_code_and_unreadable_sql_are_an_unknown_effect_that_needs_consent(tmp_path: Path) -> None:
    url = database_with("sqlite", ["CREATE TABLE t (id INTEGER PRIMARY KEY)"], tmp_path, None)
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.execute_sql("VACUUM", None))
    assert UNKNOWN_EFFECT in plan.risks(0)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        (impact,) = count_impacts(conn, base, plan.operations)
    engine.dispose()
    assert (impact.count, impact.text) == (None, "unknown effect: not counted: VACUUM")



def test_the_unknown_effect_label_is_the_plans() -> None:
    from gui_app.core import op_facts, sql_effects

    assert sql_effects.UNKNOWN == op_facts.UNKNOWN_EFFECT


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_a_statement_with_percent_signs_is_counted(request: pytest.FixtureRequest, tmp_path: Path,
                                                   dialect: str) -> None:
    """``LIKE 'a%'`` in a script's ``op.execute``: the count read the ``%`` as a placeholder (on
    PostgreSQL "not counted", on MySQL/MariaDB a crash of the whole apply before it ran)."""
    url = database_with(dialect, ["CREATE TABLE note (id INTEGER PRIMARY KEY, pattern VARCHAR(20))"], tmp_path,
                        request)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO note VALUES (:id, :pattern)"), [
            {"id": 1, "pattern": "a%"}, {"id": 2, "pattern": "ab"}, {"id": 3, "pattern": "b%s"},
            {"id": 4, "pattern": "%(x)s"}])
    base = reflect(url)
    plan = Plan(base, base.dialect)
    for sql in ("UPDATE note SET pattern = 'b%' WHERE pattern LIKE 'a%'",
                "DELETE FROM note WHERE pattern = 'b%s' OR pattern = '%(x)s'"):
        plan.append(edits.execute_sql(sql, None))
    with engine.connect() as conn:
        impacts = count_impacts(conn, base, plan.operations)
    engine.dispose()
    assert [(i.index, i.text) for i in impacts] == [(0, "2 rows overwritten"), (1, "2 rows deleted")]
