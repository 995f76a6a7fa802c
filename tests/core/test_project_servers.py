"""Every operation type as a revision on PostgreSQL and MariaDB, run by the real ``alembic`` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core.plan import Plan, PlanError
from gui_app.core.project import AlembicProject
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from gui_app.core.verification import differences
from tests.conftest import ServerDatabases
from tests.core.test_plan import CASES
from tests.core.test_project import alembic, make_project
from tests.data import portable_demo

BACKENDS = ("postgresql", "mysql")
REFUSED = {("mysql", "drop_primary_key"): "MySQL needs an index on (book_id) for foreign key fk_book_authors_book"}


def _demo_project(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, Path, Schema]:
    """A new database on ``backend`` holding the demo schema, an Alembic project pointed at it,
    and the schema as read: (URL, alembic.ini, schema)."""
    databases: ServerDatabases = request.getfixturevalue("pg_databases" if backend == "postgresql"
                                                         else "mysql_databases")
    url = databases.url(databases.create())
    portable_demo.build(url)
    return url, make_project(tmp_path, url), reflect(url)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_revision_round_trip_on_a_server(case: str, backend: str, tmp_path: Path,
                                         request: pytest.FixtureRequest) -> None:
    url, ini, base = _demo_project(backend, tmp_path, request)
    plan = Plan(base, base.dialect)
    if (backend, case) in REFUSED:  # the database would refuse it; the plan says so up front
        with pytest.raises(PlanError, match=re.escape(REFUSED[(backend, case)])):
            for op in CASES[case][0](plan.projected):
                plan.append(op)
        return
    for op in CASES[case][0](plan.projected):
        plan.append(op)
    AlembicProject(ini).write_revision(plan.operations, base.dialect, f"test {case}", None, base=base)
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    dialect = sa.create_engine(url).dialect
    assert differences(plan.projected, reflect(url), dialect) == []
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert differences(base, reflect(url), dialect) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_revision_with_one_alter_table_per_table_runs_and_reverses_under_alembic(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The revision option that writes each table's run of alterations as the one statement the
    app sends: plain ``alembic`` runs it (colons and percent signs in literals intact) and its
    downgrade restores the table exactly."""
    import sqlalchemy as sa

    from gui_app.core import edits

    url, ini, base = _demo_project(backend, tmp_path, request)
    plan = Plan(base, base.dialect)
    plan.append(edits.alter_column(base.table("books"), "pages", type_=sa.BigInteger()))
    plan.append(edits.add_column(plan.projected.table("books"),
                                 edits.ColumnSpec("note", sa.String(40), default_literal="50%: x::y")))
    plan.append(edits.alter_column(plan.projected.table("books"), "title", type_=sa.String(300)))
    plan.append(edits.rename_table(plan.projected.table("reviews"), "critiques"))
    written = AlembicProject(ini).write_revision(plan.operations, base.dialect, "combined", None, base=base,
                                                 combine=True)
    text = Path(written.path).read_text()
    assert text.count("op.execute(sa.text(") == 2 and text.count("'ALTER TABLE books\\n'") == 2, text
    assert "op.rename_table('reviews', 'critiques')" in text and "op.alter_column" not in text
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    dialect = sa.create_engine(url).dialect
    assert differences(plan.projected, reflect(url), dialect) == []
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO publishers (id, name) VALUES (900, 'p')"))
        conn.execute(sa.text("INSERT INTO books (id, title, isbn, publisher_id, price) "
                             "VALUES (900, 't', '9780000000001', 900, 1)"))
        assert conn.execute(sa.text("SELECT note FROM books WHERE id = 900")).scalar() == "50%: x::y"
        conn.execute(sa.text("DELETE FROM books WHERE id = 900"))
        conn.execute(sa.text("DELETE FROM publishers WHERE id = 900"))
    engine.dispose()
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert differences(base, reflect(url), dialect) == []
