"""Pagila on PostgreSQL: ``film.length`` read by two views. Its type change is refused by the
server as it stands, labelled as such, and made with those views dropped and created again around
it: applied by the app and by a revision under plain ``alembic``, every view as it was after, and
the downgrade back to the database as read."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core import edits
from gui_app.core.apply import apply_plan
from gui_app.core.apply_runner import ApplyFailed
from gui_app.core.op_facts import VIEWS_IN_THE_WAY, describe
from gui_app.core.plan import Plan
from gui_app.core.project import AlembicProject
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from gui_app.core.verification import differences
from gui_app.core.view_deps import AroundViewsOp, dependent_views
from tests.conftest import ServerDatabases, load_corpus
from tests.core.test_project import alembic, make_project


@pytest.fixture
def pagila(pg_databases: ServerDatabases) -> str:
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    return pg_databases.url(name)


def _length_to_integer(base: Schema) -> Plan:
    plan = Plan(base, "postgresql")
    film = base.table("film")
    plan.append(edits.alter_column(film, "length", type_=sa.Integer()))
    return plan


def _views(schema: Schema) -> dict[str, str | None]:
    return {v.name: v.definition for v in schema.views}


def test_the_views_that_read_a_column_in_the_order_they_are_built(pagila: str) -> None:
    base = reflect(pagila)
    film_list = next(v for v in base.views if v.name == "film_list")
    assert ("public", "film", "length") in film_list.uses and ("public", "film", "title") in film_list.uses
    names = [v.name for v in dependent_views(base, (None, "film"), "length")]
    assert names == ["film_list", "nicer_but_slower_film_list"]
    assert dependent_views(base, (None, "film"), "rental_rate") != []  # price is read too
    assert dependent_views(base, (None, "language"), "last_update") == []


def test_refused_as_it_stands_labelled_and_made_with_the_views_recreated(pagila: str, tmp_path: Path) -> None:
    base = reflect(pagila)
    plan = _length_to_integer(base)
    assert VIEWS_IN_THE_WAY in plan.risks(0)
    with pytest.raises(ApplyFailed, match="used by a view or rule"):
        apply_plan(sa.make_url(pagila), plan.operations, base, dry_run=True)
    around = plan.views_form(0)
    assert isinstance(around, AroundViewsOp)
    plan.replace(0, around)
    assert VIEWS_IN_THE_WAY not in plan.risks(0)
    assert describe(around).endswith("(views re-created: film_list, nicer_but_slower_film_list)")
    lock = plan.lock(0)
    assert lock is not None and ((None, "film_list"), "ACCESS EXCLUSIVE") in lock.locks
    ini = make_project(tmp_path, pagila)
    written = AlembicProject(ini).write_revision(plan.operations, "postgresql", "film length", None, base=base)
    text = Path(written.path).read_text()
    assert text.index("DROP VIEW nicer_but_slower_film_list") < text.index("DROP VIEW film_list") \
        < text.index("op.alter_column('film', 'length'") < text.index("CREATE VIEW film_list")
    apply_plan(sa.make_url(pagila), plan.operations, base, dry_run=True)  # now it goes through
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    after = reflect(pagila)
    assert after.table("film").column("length").type_name == "integer"
    assert set(_views(after)) == set(_views(base))
    dialect = sa.create_engine(pagila).dialect
    assert differences(plan.projected, after, dialect) == []
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    again = reflect(pagila)
    assert _views(again) == _views(base) and differences(base, again, dialect) == []
    # The app's own apply does the same.
    apply_plan(sa.make_url(pagila), plan.operations, base)
    assert reflect(pagila).table("film").column("length").type_name == "integer"
