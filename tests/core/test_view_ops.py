"""Views as operations on the three databases: created, given a new body, renamed, dropped (and on
PostgreSQL materialized views created, refreshed, dropped); projected; written into a revision
that runs under plain ``alembic upgrade`` and ``downgrade``, the downgrade restoring every view's
definition exactly as the server held it; and read back from that revision as the same operations."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.marked_ops import gathered
from gui_app.core.op_facts import describe
from gui_app.core.plan import Plan
from gui_app.core.project import AlembicProject
from gui_app.core.projection import ProjectionError, project
from gui_app.core.reflect import reflect
from gui_app.core.render import render_python, render_sql
from gui_app.core.schema import Schema
from gui_app.core.script_reader import load_script, reversible
from gui_app.core.view_ops import (
    CreateViewOp,
    DropViewOp,
    RefreshViewOp,
    RenameViewOp,
    ReplaceViewOp,
)
from tests.conftest import ServerDatabases
from tests.core.test_project import alembic, make_project

SETUP = (
    "CREATE TABLE film (id integer PRIMARY KEY, title varchar(80) NOT NULL, length integer)",
    "INSERT INTO film VALUES (1, 'Short', 50), (2, 'Long', 130), (3, 'Epic', 200)",
    "CREATE VIEW long_films AS SELECT id, title FROM film WHERE length > 100",
    "CREATE VIEW film_ids AS SELECT id FROM film",
)


def _views(schema: Schema) -> dict[str, tuple[str | None, bool]]:
    return {v.name: (v.definition, v.materialized) for v in schema.views}


def _plan(base: Schema, dialect: str) -> Plan:
    """Every operation kind: a new body, a new view renamed, a view dropped (each from the
    definitions as reflected)."""
    views = {v.name: v for v in base.views}
    where = views["long_films"].schema if dialect != "sqlite" else None
    plan = Plan(base, dialect)
    plan.append(ReplaceViewOp("long_films", "SELECT id, title, length FROM film WHERE length > 120",
                              views["long_films"].definition or "", where))
    plan.append(CreateViewOp("short_films", "SELECT id, title FROM film WHERE length < 60 AND title <> ':x'", where))
    plan.append(RenameViewOp("short_films", "brief_films", "SELECT id, title FROM film WHERE length < 60 AND "
                             "title <> ':x'", where))
    plan.append(DropViewOp("film_ids", views["film_ids"].definition or "", where))
    return plan


def _round_trip(url: str, dialect: str, tmp_path: Path, extra: list[ops.MigrateOperation] | None = None) -> None:
    base = reflect(url)
    plan = _plan(base, dialect)
    for op in extra or []:
        plan.append(op)
    assert set(_views(plan.projected)) == {"long_films", "brief_films"} | {
        getattr(op, "name", "") for op in extra or [] if isinstance(op, CreateViewOp)}
    ini = make_project(tmp_path, url)
    written = AlembicProject(ini).write_revision(plan.operations, dialect, "views", None, base=base)
    text = Path(written.path).read_text()
    assert "/* alembic-studio replace view" in text and "op.create_view" not in text  # runs without the app
    read = load_script(written.path)
    back = reversible(read.upgrade, base, dialect, read.downgrade)
    assert back == plan.operations  # the same structured operations, drop bodies filled in from the schema
    assert render_sql(back, dialect, None) == render_sql(plan.operations, dialect, None)
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    after = reflect(url)
    assert {k: v[1] for k, v in _views(after).items()} == {k: v[1] for k, v in _views(plan.projected).items()}
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, title, length FROM long_films ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(2, "Long", 130), (3, "Epic", 200)]
        assert conn.execute(sa.text("SELECT title FROM brief_films")).scalars().all() == ["Short"]
    engine.dispose()
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert _views(reflect(url)) == _views(base)  # every definition exactly as the server held it


def test_sqlite(tmp_path: Path) -> None:
    target = tmp_path / "films.db"
    engine = sa.create_engine(f"sqlite:///{target}")
    with engine.begin() as conn:
        for statement in SETUP:
            conn.exec_driver_sql(statement)
    engine.dispose()
    _round_trip(f"sqlite:///{target}", "sqlite", tmp_path)


def test_postgresql_with_materialized_views(pg_databases: ServerDatabases, tmp_path: Path) -> None:
    url = pg_databases.create_with(*SETUP, "CREATE MATERIALIZED VIEW film_count AS SELECT count(*) AS n FROM film")
    extra: list[ops.MigrateOperation] = [
        RefreshViewOp("film_count", "public"),
        CreateViewOp("titles", "SELECT title FROM film ORDER BY title", "public", materialized=True),
        DropViewOp("film_count", "SELECT count(*) AS n FROM film", "public", materialized=True),
    ]
    base = reflect(url)
    extra[2] = DropViewOp("film_count", next(v.definition for v in base.views if v.name == "film_count") or "",
                          "public", materialized=True)
    _round_trip(url, "postgresql", tmp_path, extra)


def test_mariadb(mysql_databases: ServerDatabases, tmp_path: Path) -> None:
    url = mysql_databases.create_with(*SETUP)
    _round_trip(url, "mysql", tmp_path)


def test_projection_refuses_what_does_not_fit() -> None:
    base = Schema.empty("postgresql") if hasattr(Schema, "empty") else None
    if base is None:
        from gui_app.core.schema import Namespace, View

        base = Schema("postgresql", "15", "public", (Namespace("public", views=(View("v", "public", "SELECT 1"),)),))
    with pytest.raises(ProjectionError, match="there is no view w"):
        project(base, DropViewOp("w", "SELECT 1"))
    with pytest.raises(ProjectionError, match="v already exists"):
        project(base, CreateViewOp("v", "SELECT 2"))
    with pytest.raises(ProjectionError, match=r"there is no materialized view v: it is a view"):
        project(base, RefreshViewOp("v"))
    renamed = project(base, RenameViewOp("v", "w", "SELECT 1"))
    assert [v.name for v in renamed.views] == ["w"]
    replaced = project(base, ReplaceViewOp("v", "SELECT 3;", "SELECT 1"))
    assert replaced.views[0].definition == "SELECT 3"


def test_labels_reverses_and_what_stays_custom_sql() -> None:
    op = RenameViewOp("a", "b", "SELECT 1", "sales")
    assert describe(op) == "rename view sales.a → b"
    assert describe(DropViewOp("m", "SELECT 1", materialized=True)) == "drop materialized view m"
    assert op.reverse().reverse() == op
    assert ReplaceViewOp("v", "new", "old").reverse() == ReplaceViewOp("v", "old", "new")
    # A statement this app did not write, or one whose mark does not match its text, stays custom SQL.
    plain = ops.ExecuteSQLOp("CREATE VIEW x AS SELECT 1")
    forged = ops.ExecuteSQLOp("/* alembic-studio create view */ DROP TABLE film")
    half = ops.ExecuteSQLOp("/* alembic-studio replace view (1 of 2) */ DROP VIEW v")
    assert gathered([plain, forged, half]) == [plain, forged, half]


def test_quoted_names_and_sql_in_the_body_render_and_read_back() -> None:
    op = CreateViewOp('odd "name"', "SELECT ':not_a_parameter' AS t, 50 % 7 AS m", "my schema")
    text = render_python([op], "postgresql")
    assert '"my schema"."odd ""name"""' in text and "\\\\:not_a_parameter" in text
    sql = render_sql([op], "postgresql", None)
    assert "':not_a_parameter'" in sql
    recorded = ops.ExecuteSQLOp(sa.text(op.marked(sa.create_engine("postgresql://").dialect)[0].replace(":", "\\:")))
    assert gathered([recorded]) == [op]


@pytest.mark.parametrize("server", ["sqlite", "postgresql", "mariadb"])
def test_applied_by_the_app_with_dry_run_predictions_and_labels(
        server: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The app's own apply (not only ``alembic``): a dry run changes nothing, the apply leaves
    the views the plan projects; each operation is labelled and, where a model exists, predicted."""
    from sqlalchemy.engine import make_url

    from gui_app.core.apply import apply_plan

    if server == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'films.db'}")
        with engine.begin() as conn:
            for statement in SETUP:
                conn.exec_driver_sql(statement)
        engine.dispose()
        url, dialect = f"sqlite:///{tmp_path / 'films.db'}", "sqlite"
    else:
        databases: ServerDatabases = request.getfixturevalue("pg_databases" if server == "postgresql"
                                                             else "mysql_databases")
        url, dialect = databases.create_with(*SETUP), "postgresql" if server == "postgresql" else "mysql"
    base = reflect(url)
    plan = _plan(base, dialect)
    labels = [describe(op) for op in plan.operations]
    assert labels[0].startswith("replace view ") and labels[2].endswith("→ brief_films"), labels
    assert all(plan.risks(i) == [] for i in range(len(plan)))  # a view holds no data to lose
    for index, op in enumerate(plan.operations):
        prediction = plan.lock(index)
        if server == "sqlite":
            assert prediction is None
        else:
            assert prediction is not None and prediction.cost == "catalog", (op, prediction)
            if index == 2:  # renaming the view the plan made: nobody else sees it, nobody waits
                assert prediction.locks == ()
            elif not isinstance(op, CreateViewOp):
                assert prediction.locks and prediction.locks[0][0][1] == op.name, (op, prediction)
    apply_plan(make_url(url), plan.operations, base, dry_run=True)
    assert _views(reflect(url)) == _views(base)
    apply_plan(make_url(url), plan.operations, base)
    assert {v.name for v in reflect(url).views} == {"long_films", "brief_films"}
