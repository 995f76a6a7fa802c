"""Functions and procedures on PostgreSQL (Pagila's) and MariaDB: created (bodies holding
semicolons and quotes), given a new definition, dropped; applied under plain ``alembic`` and by
the app, read back from the revision as the same operations, and the downgrade giving back every
definition exactly as the server printed it (``pg_get_functiondef``, ``SHOW CREATE``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.apply import apply_plan
from gui_app.core.marked_ops import one_statement
from gui_app.core.op_facts import describe
from gui_app.core.plan import Plan, PlanError
from gui_app.core.reflect import reflect
from gui_app.core.routine_ops import (
    CreateRoutineOp,
    DropRoutineOp,
    ReplaceRoutineOp,
    created,
    dropped,
    head,
)
from gui_app.core.schema import Routine, Schema
from tests.conftest import ServerDatabases
from tests.core.objects_support import round_trip, rows
from tests.core.test_project import alembic

PG_CATALOG = """
    SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') ORDER BY 1
"""

ADD_TAX = """CREATE FUNCTION add_tax(amount numeric, rate numeric DEFAULT 0.2) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE
    AS $$
DECLARE
    total numeric;  -- a semicolon, a quote: 'it''s taxed'
BEGIN
    total := amount * (1 + rate);
    RETURN round(total, 2);
END;
$$;"""

NOTE_IT = """CREATE PROCEDURE note_it(IN p text)
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE NOTICE 'noted: %', p; END $$"""

LAST_DAY = """CREATE OR REPLACE FUNCTION public.last_day(timestamp with time zone)
 RETURNS date
 LANGUAGE sql
 IMMUTABLE STRICT
AS $function$ SELECT (date_trunc('month', $1) + interval '1 month' - interval '1 day')::date $function$"""




def _routines(schema: Schema) -> dict[str, Routine]:
    return {f"{r.kind} {r.signature}": r for ns in schema.namespaces for r in ns.routines}






def _pagila_plan(base: Schema) -> Plan:
    routines = _routines(base)
    plan = Plan(base, "postgresql")
    plan.append(created(ADD_TAX, None, "postgresql"))
    plan.append(created(NOTE_IT, None, "postgresql"))
    last_day = routines["function last_day(timestamp with time zone)"]
    plan.append(ReplaceRoutineOp("last_day", "function", last_day.arguments, LAST_DAY, last_day.definition))
    plan.append(dropped(routines["function rewards_report(min_monthly_purchases integer, "
                                 "min_dollar_amount_purchased numeric)"], None))
    return plan


def test_postgresql_under_alembic_and_the_downgrade(pagila: str, tmp_path: Path) -> None:
    base = reflect(pagila)
    before = rows(pagila, PG_CATALOG)
    routines = _routines(base)
    assert "function film_in_stock(p_film_id integer, p_store_id integer, OUT p_film_count integer)" in routines
    assert not any(name.startswith("function group_concat") for name in routines)  # an aggregate
    plan = _pagila_plan(base)
    assert [describe(op) for op in plan.operations] == [
        "create function add_tax(amount numeric, rate numeric)", "create procedure note_it(IN p text)",
        "replace function last_day(timestamp with time zone)",
        "drop function rewards_report(min_monthly_purchases integer, min_dollar_amount_purchased numeric)"]
    assert all(plan.lock(i) is not None and plan.lock(i).locks == () for i in range(4))  # type: ignore[union-attr]
    ini = round_trip(pagila, "postgresql", plan, tmp_path)
    after = _routines(reflect(pagila))
    assert set(after) == set(_routines(plan.projected))
    engine = sa.create_engine(pagila)
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT add_tax(100), add_tax(10, 0.5)")).one() == (120, 15)
        conn.execute(sa.text("CALL note_it('x')"))
        assert str(conn.execute(sa.text("SELECT last_day('2024-02-10'::timestamptz)")).scalar()) == "2024-02-29"
    engine.dispose()
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert rows(pagila, PG_CATALOG) == before  # every definition exactly as pg_get_functiondef printed it


def test_postgresql_applied_by_the_app_with_a_dry_run(pagila: str) -> None:
    base = reflect(pagila)
    plan = _pagila_plan(base)
    before = rows(pagila, PG_CATALOG)
    apply_plan(sa.make_url(pagila), plan.operations, base, dry_run=True)
    assert rows(pagila, PG_CATALOG) == before
    apply_plan(sa.make_url(pagila), plan.operations, base)
    assert set(_routines(reflect(pagila))) == set(_routines(plan.projected))


MARIADB_SETUP = (
    "CREATE TABLE films (id INT PRIMARY KEY, title VARCHAR(40), length INT)",
    "INSERT INTO films VALUES (1, 'Short', 50), (2, 'Long', 130)",
    """CREATE FUNCTION film_count(min_length INT) RETURNS INT READS SQL DATA
BEGIN
    DECLARE found INT;  -- 'quoted; text'
    SELECT COUNT(*) INTO found FROM films WHERE length >= min_length;
    RETURN found;
END""",
    "CREATE PROCEDURE purge_short() MODIFIES SQL DATA DELETE FROM films WHERE length < 60",
)


def test_mariadb_under_alembic_and_by_the_app(mysql_databases: ServerDatabases, tmp_path: Path) -> None:
    url = mysql_databases.create_with(*MARIADB_SETUP)
    catalog = "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM information_schema.ROUTINES " \
              "WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1, 2"
    before = rows(url, catalog)
    base = reflect(url)
    routines = _routines(base)
    count = routines["function film_count()"]
    assert count.definition.startswith("CREATE FUNCTION `film_count`(min_length INT)")  # no DEFINER
    plan = Plan(base, "mysql")
    plan.append(ReplaceRoutineOp("film_count", "function", "", count.definition.replace(">=", ">"),
                                 count.definition))
    plan.append(created("CREATE PROCEDURE long_ones() READS SQL DATA\nBEGIN\n  SELECT id FROM films WHERE "
                        "length > 120;\nEND;", None, "mysql"))
    plan.append(dropped(routines["procedure purge_short()"], None))
    assert plan.lock(0) is not None and "calls to it fail" in plan.lock(0).why  # type: ignore[union-attr]
    apply_plan(sa.make_url(url), plan.operations, base, dry_run=True)
    assert rows(url, catalog) == before
    ini = round_trip(url, "mysql", plan, tmp_path)
    assert rows(url, "SELECT film_count(130)") == [(0,)]
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert rows(url, catalog) == before
    assert _routines(reflect(url)) == routines
    apply_plan(sa.make_url(url), plan.operations, base)
    assert set(_routines(reflect(url))) == {"function film_count()", "procedure long_ones()"}


def test_definitions_are_one_statement_and_what_projection_refuses() -> None:
    with pytest.raises(ValueError, match="more than one statement"):
        one_statement("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$; DROP TABLE film", "postgresql")
    assert one_statement("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1;';", "postgresql") == \
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1;'"
    assert head('CREATE OR REPLACE PROCEDURE "Odd"."p q"(IN a int DEFAULT 3, OUT b text)', "postgresql") == \
        head('CREATE PROCEDURE "Odd"."p q"(a int = 3, OUT b text)', "postgresql")
    assert head("CREATE FUNCTION f(a numeric(10, 2) DEFAULT 1.5, OUT b int) RETURNS int", "postgresql").arguments \
        == "a numeric(10, 2), OUT b int"
    with pytest.raises(ValueError, match="CREATE FUNCTION or CREATE PROCEDURE"):
        created("SELECT 1", None, "postgresql")
    from gui_app.core.schema import Namespace

    base = Schema("postgresql", "15", "public", (Namespace("public", routines=(
        Routine("f", "public", "function", "a integer", "CREATE OR REPLACE FUNCTION public.f(a integer) ..."),)),))
    plan = Plan(base, "postgresql")
    with pytest.raises(PlanError, match="already exists"):
        plan.append(CreateRoutineOp("f", "function", "a integer", "CREATE FUNCTION f(a integer) RETURNS int AS 'x'"))
    plan.append(CreateRoutineOp("f", "function", "a text", "CREATE FUNCTION f(a text) RETURNS int AS 'x'"))  # overload
    with pytest.raises(PlanError, match="The definition makes the function g, not the function f"):
        plan.append(ReplaceRoutineOp("f", "function", "a text", "CREATE FUNCTION g(a text) RETURNS int AS 'x'", ""))
    with pytest.raises(PlanError, match=r"There is no procedure f\(a integer\): it is a function"):
        plan.append(DropRoutineOp("f", "procedure", "a integer", ""))
    recorded = [ops.ExecuteSQLOp(sa.text(sql)) for sql in plan.operations[0].marked(
        sa.create_engine("postgresql://").dialect)]
    from gui_app.core.marked_ops import gathered

    assert gathered(recorded) == plan.operations
