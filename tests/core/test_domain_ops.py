"""PostgreSQL domains on Pagila (``year``, and one named with dotless i's): a domain created with a default,
NOT NULL and a check; ``year`` given a default, NOT NULL and a second check; a domain dropped;
applied under plain ``alembic`` and by the app, read back as the same operations, the downgrade
giving back the catalog exactly; and the diff of two such databases making them equal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gui_app.core.apply import apply_plan
from gui_app.core.diff import diff_databases
from gui_app.core.domain_ops import (
    AddDomainCheckOp,
    CreateDomainOp,
    DropDomainCheckOp,
    SetDomainDefaultOp,
    dropped,
    edited,
)
from gui_app.core.op_facts import NEEDS_DATA, describe
from gui_app.core.plan import Plan, PlanError
from gui_app.core.reflect import reflect
from gui_app.core.schema import Domain, Schema
from tests.conftest import ServerDatabases, load_corpus
from tests.core.objects_support import round_trip, rows
from tests.core.test_project import alembic

HOSTILE = "b\u0131g\u0131nt"
CATALOG = """
    SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
           (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), '; ' ORDER BY c.conname)
            FROM pg_constraint c WHERE c.contypid = t.oid)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'd' AND n.nspname = 'public' ORDER BY 1
"""


def _rows(url: str) -> list[tuple[Any, ...]]:
    return rows(url, CATALOG)


def _domains(schema: Schema) -> dict[str, Domain]:
    return {d.name: d for ns in schema.namespaces for d in ns.domains}




def _plan(base: Schema) -> Plan:
    plan = Plan(base, "postgresql")
    plan.append(CreateDomainOp("score", "numeric(3,1)", False, "5.0",
                               [("score_range", "VALUE >= 0 AND VALUE <= 10")]))
    year = _domains(base)["year"]
    for op in edited(year, None, "2006", False, [(c.name, c.sqltext) for c in year.checks]
                     + [("year_not_2000", "VALUE <> 2000")]):
        plan.append(op)
    plan.append(dropped(_domains(base)[HOSTILE], None))
    return plan


def test_under_alembic_and_the_downgrade(pagila: str, tmp_path: Path) -> None:
    base = reflect(pagila)
    before = _rows(pagila)
    plan = _plan(base)
    assert [describe(op) for op in plan.operations] == [
        "create domain score", "set domain default year", "set domain not null year",
        "add domain check year year_not_2000", f"drop domain {HOSTILE}"]
    assert plan.risks(2) == [NEEDS_DATA] and plan.risks(3) == [NEEDS_DATA]
    check = plan.lock(3)
    assert check is not None and check.locks == (((None, "film"), "SHARE"),) and check.cost == "scan"
    ini = round_trip(pagila, "postgresql", plan, tmp_path)
    after = _domains(reflect(pagila))
    projected = _domains(plan.projected)
    assert {k: (d.nullable, d.default, [c.name for c in d.checks]) for k, d in after.items()} == \
        {k: (d.nullable, d.default, [c.name for c in d.checks]) for k, d in projected.items()}
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert _rows(pagila) == before


def test_refusals_the_dry_run_and_a_row_that_breaks_a_check(pagila: str) -> None:
    base = reflect(pagila)
    plan = Plan(base, "postgresql")
    with pytest.raises(PlanError, match=r"The columns film\.release_year are of the domain year"):
        plan.append(dropped(_domains(base)["year"], None))
    with pytest.raises(PlanError, match="more than one statement"):
        plan.append(SetDomainDefaultOp("year", "2006; DROP TABLE film", None))
    with pytest.raises(PlanError, match="has a check year_check already"):
        plan.append(AddDomainCheckOp("year", "year_check", "VALUE > 0"))
    with pytest.raises(PlanError, match="has no check nothing"):
        plan.append(DropDomainCheckOp("year", "nothing"))
    engine = sa.create_engine(pagila)
    with engine.begin() as conn:
        made = conn.execute(sa.text("INSERT INTO language (name) VALUES ('English') RETURNING language_id"))
        conn.execute(sa.text("INSERT INTO film (title, language_id, release_year, fulltext) "
                             "VALUES ('Old', :language, 2000, '')"), {"language": made.scalar()})
    engine.dispose()
    plan.append(AddDomainCheckOp("year", "year_not_2000", "VALUE <> 2000"))
    from gui_app.core.apply_runner import ApplyFailed

    with pytest.raises(ApplyFailed, match="year_not_2000"):
        apply_plan(sa.make_url(pagila), plan.operations, base, dry_run=True)
    assert _domains(reflect(pagila)) == _domains(base)


def test_diff_makes_two_databases_equal_in_domains(pg_databases: ServerDatabases) -> None:
    names = pg_databases.create(), pg_databases.create()
    for name in names:
        load_corpus("pagila", "postgresql", name)
    edited_url, original = (pg_databases.url(name) for name in names)
    base = reflect(edited_url)
    apply_plan(sa.make_url(edited_url), _plan(base).operations, base)
    wanted = _rows(edited_url)
    operations = diff_databases(original, edited_url)
    # the domain's new default and NOT NULL are not given to its column as its own (SQLAlchemy
    # reads them as the column's)
    assert [describe(op) for op in operations] == [
        "create domain score", "set domain default year", "set domain not null year",
        "add domain check year year_not_2000", f"drop domain {HOSTILE}"]
    apply_plan(sa.make_url(original), operations, reflect(original))
    assert _rows(original) == wanted
    assert diff_databases(original, edited_url) == []
