"""Every operation type as a revision on PostgreSQL and MariaDB, run by the real ``alembic`` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core.plan import Plan, PlanError
from gui_app.core.project import AlembicProject
from gui_app.core.reflect import reflect
from gui_app.core.verification import differences
from tests.conftest import ServerDatabases
from tests.core.test_plan import CASES
from tests.core.test_project import alembic, make_project
from tests.data import portable_demo

BACKENDS = ("postgresql", "mysql")
REFUSED = {("mysql", "drop_primary_key"): "MySQL needs an index on (book_id) for foreign key fk_book_authors_book"}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_revision_round_trip_on_a_server(case: str, backend: str, tmp_path: Path,
                                         request: pytest.FixtureRequest) -> None:
    databases: ServerDatabases = request.getfixturevalue("pg_databases" if backend == "postgresql"
                                                         else "mysql_databases")
    url = databases.url(databases.create())
    portable_demo.build(url)
    ini = make_project(tmp_path, url)
    base = reflect(url)
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
