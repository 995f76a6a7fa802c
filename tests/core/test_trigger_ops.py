"""Triggers on the three databases (Pagila's on PostgreSQL): created, given a new definition,
dropped, disabled and enabled (PostgreSQL), following a renamed table; applied under plain
``alembic`` and by the app, read back from the revision as the same operations, and the downgrade
giving back every trigger exactly as the server printed it (``pg_get_triggerdef``, SHOW CREATE
TRIGGER, SQLite's stored text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gui_app.core.app_ops import ReversibleRenameTableOp
from gui_app.core.apply import apply_plan
from gui_app.core.op_facts import describe
from gui_app.core.plan import Plan, PlanError
from gui_app.core.reflect import reflect
from gui_app.core.routine_ops import dropped as routine_dropped
from gui_app.core.schema import Schema
from gui_app.core.trigger_ops import CreateTriggerOp, ReplaceTriggerOp, SwitchTriggerOp, created, dropped
from tests.conftest import ServerDatabases
from tests.core.objects_support import round_trip, rows
from tests.core.test_project import alembic

PG_CATALOG = """SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger
                WHERE NOT tgisinternal ORDER BY 1, 2"""
MARIADB_CATALOG = """SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT
                     FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1, 2"""




def _triggers(schema: Schema, definitions: bool = False) -> set[tuple[Any, ...]]:
    return {(t.name, tr.name, tr.enabled, tr.definition if definitions else "") for t in schema.tables
            for tr in t.triggers}


def _trigger(schema: Schema, table: str, name: str) -> Any:
    return next(tr for tr in schema.table(table).triggers if tr.name == name)








def _pagila_plan(base: Schema) -> Plan:
    plan = Plan(base, "postgresql")
    plan.append(SwitchTriggerOp("actor", "last_updated", False))
    fulltext = _trigger(base, "film", "film_fulltext_trigger")
    plan.append(ReplaceTriggerOp("film", "film_fulltext_trigger", fulltext.definition.replace(
        "INSERT OR UPDATE ON", "INSERT OR UPDATE OF title, description ON"), fulltext.definition))
    plan.append(created("CREATE TRIGGER category_touched AFTER INSERT ON category FOR EACH ROW "
                        "EXECUTE FUNCTION last_updated()", base.table("category"), "postgresql", "public"))
    plan.append(dropped(_trigger(base, "city", "last_updated"), base.table("city")))
    plan.append(ReversibleRenameTableOp("country", "nation"))
    return plan


def test_postgresql_under_alembic_and_the_downgrade(pagila: str, tmp_path: Path) -> None:
    base = reflect(pagila)
    before = rows(pagila, PG_CATALOG)
    assert _trigger(base, "actor", "last_updated").definition == \
        "CREATE TRIGGER last_updated BEFORE UPDATE ON public.actor FOR EACH ROW EXECUTE FUNCTION last_updated()"
    assert not any(t.triggers for t in base.tables if t.partition_of)  # a partition's copies are its parent's
    plan = _pagila_plan(base)
    assert [describe(op) for op in plan.operations[:4]] == [
        "disable trigger last_updated on actor", "replace trigger film_fulltext_trigger on film",
        "create trigger category_touched on category", "drop trigger last_updated on city"]
    modes = [plan.lock(i).locks for i in range(4)]  # type: ignore[union-attr]
    assert modes == [(((None, "actor"), "SHARE ROW EXCLUSIVE"),), (((None, "film"), "ACCESS EXCLUSIVE"),),
                     (((None, "category"), "SHARE ROW EXCLUSIVE"),), (((None, "city"), "ACCESS EXCLUSIVE"),)]
    # the renamed table's trigger names it by its new name, as the server will print it
    assert _trigger(plan.projected, "nation", "last_updated").definition == \
        "CREATE TRIGGER last_updated BEFORE UPDATE ON public.nation FOR EACH ROW EXECUTE FUNCTION last_updated()"
    with pytest.raises(PlanError, match="call last_updated"):
        plan.append(routine_dropped(next(r for r in base.namespaces[0].routines if r.name == "last_updated"), None))
    ini = round_trip(pagila, "postgresql", plan, tmp_path)
    after = reflect(pagila)
    assert _triggers(after) == _triggers(plan.projected)
    assert _trigger(after, "nation", "last_updated") == _trigger(plan.projected, "nation", "last_updated")
    assert not _trigger(after, "actor", "last_updated").enabled
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert rows(pagila, PG_CATALOG) == before


def test_postgresql_applied_by_the_app_and_a_dropped_disabled_trigger_comes_back_disabled(pagila: str) -> None:
    base = reflect(pagila)
    plan = _pagila_plan(base)
    before = rows(pagila, PG_CATALOG)
    apply_plan(sa.make_url(pagila), plan.operations, base, dry_run=True)
    assert rows(pagila, PG_CATALOG) == before
    apply_plan(sa.make_url(pagila), plan.operations, base)
    after = reflect(pagila)
    assert _triggers(after) == _triggers(plan.projected)
    drop = dropped(_trigger(after, "actor", "last_updated"), after.table("actor"))
    apply_plan(sa.make_url(pagila), [drop], after)
    apply_plan(sa.make_url(pagila), [drop.reverse()], reflect(pagila))
    assert not _trigger(reflect(pagila), "actor", "last_updated").enabled


MARIADB_SETUP = (
    "CREATE TABLE films (id INT PRIMARY KEY, title VARCHAR(40), length INT, checked INT DEFAULT 0)",
    "CREATE TABLE audit (film INT, note VARCHAR(40))",
    "CREATE TRIGGER films_checked BEFORE UPDATE ON films FOR EACH ROW SET NEW.checked = NEW.checked + 1",
)


def test_mariadb_under_alembic_and_by_the_app(mysql_databases: ServerDatabases, tmp_path: Path) -> None:
    url = mysql_databases.create_with(*MARIADB_SETUP)
    before = rows(url, MARIADB_CATALOG)
    base = reflect(url)
    checked = _trigger(base, "films", "films_checked")
    assert checked.definition == ("CREATE TRIGGER films_checked BEFORE UPDATE ON films FOR EACH ROW "
                                  "SET NEW.checked = NEW.checked + 1")
    plan = Plan(base, "mysql")
    plan.append(created("CREATE TRIGGER films_audited AFTER INSERT ON films FOR EACH ROW\nBEGIN\n"
                        "  INSERT INTO audit VALUES (NEW.id, 'added; checked');\nEND;", base.table("films"), "mysql"))
    plan.append(ReplaceTriggerOp("films", "films_checked", checked.definition.replace("+ 1", "+ 2"),
                                 checked.definition))
    plan.append(ReversibleRenameTableOp("films", "movies"))
    with pytest.raises(PlanError, match="Only PostgreSQL disables a trigger"):
        plan.append(SwitchTriggerOp("movies", "films_checked", False))
    apply_plan(sa.make_url(url), plan.operations, base, dry_run=True)  # the scratch copy holds the triggers
    assert rows(url, MARIADB_CATALOG) == before
    ini = round_trip(url, "mysql", plan, tmp_path)
    after = reflect(url)
    assert _triggers(after, definitions=True) == _triggers(plan.projected, definitions=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO movies (id, title, length) VALUES (1, 'Long', 130)"))
        conn.execute(sa.text("UPDATE movies SET length = 131"))
        assert conn.execute(sa.text("SELECT checked FROM movies")).scalar() == 2
        assert conn.execute(sa.text("SELECT note FROM audit")).scalar() == "added; checked"
    engine.dispose()
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert rows(url, MARIADB_CATALOG) == before
    base = reflect(url)
    drop = dropped(_trigger(base, "films", "films_checked"), base.table("films"))
    apply_plan(sa.make_url(url), [drop], base)
    assert _triggers(reflect(url)) == set()


def test_sqlite_created_dropped_and_kept_through_a_rebuild(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'films.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE films (id INTEGER PRIMARY KEY, title TEXT, touched INTEGER DEFAULT 0)")
    engine.dispose()
    base = reflect(url)
    plan = Plan(base, "sqlite")
    definition = ("CREATE TRIGGER films_touched AFTER UPDATE OF title ON films\nBEGIN\n"
                  "  UPDATE films SET touched = touched + 1 WHERE id = NEW.id;\nEND")
    plan.append(created(definition + ";", base.table("films"), "sqlite"))
    ini = round_trip(url, "sqlite", plan, tmp_path)
    assert _triggers(reflect(url), definitions=True) == {("films", "films_touched", True, definition)}
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert _triggers(reflect(url)) == set()
    apply_plan(sa.make_url(url), plan.operations, reflect(url))  # and by the app
    assert _triggers(reflect(url), definitions=True) == _triggers(plan.projected, definitions=True)


def test_a_definition_ending_in_a_line_comment_keeps_the_offline_sql_runnable(tmp_path: Path) -> None:
    """Offline SQL (``alembic upgrade --sql``) puts ``;`` right after each statement: after a
    closing ``-- note`` it would sit inside the comment and join the next statement to it."""
    import sqlite3

    from gui_app.core.render import render_sql
    from gui_app.core.view_ops import CreateViewOp

    trigger = CreateTriggerOp("films", "films_touched", "CREATE TRIGGER films_touched AFTER UPDATE ON films\n"
                              "BEGIN SELECT 1; END -- touched; keep it")
    view = CreateViewOp("titles", "SELECT title FROM films -- the titles")
    script = render_sql([trigger, view], "sqlite", None)
    assert "END /* touched; keep it */;" in script and "FROM films /* the titles */;" in script
    conn = sqlite3.connect(tmp_path / "films.db")
    conn.execute("CREATE TABLE films (id INTEGER PRIMARY KEY, title TEXT)")
    conn.executescript(script)
    made = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view')")}
    conn.close()
    assert made == {"films_touched", "titles"}
