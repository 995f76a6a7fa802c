"""Sakila on MariaDB: its views, its triggers on ``film`` (bodies of several statements) and its
routines (DECLAREs, cursors of rows, OUT arguments) read, edited by hand on one copy, and the
diff's operations written as a revision that runs under plain ``alembic``: the upgrade makes the
other copy's views, routines and triggers those of the edited one, the downgrade gives its own
back exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gui_app.core.diff import diff_databases
from gui_app.core.op_facts import describe
from gui_app.core.project import AlembicProject
from gui_app.core.reflect import reflect
from gui_app.core.script_reader import load_script, reversible
from tests.conftest import ServerDatabases, load_corpus
from tests.core.test_project import alembic, make_project

CATALOG = {
    "views": "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() "
             "ORDER BY 1",
    "routines": "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION FROM "
                "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1, 2",
    "parameters": "SELECT SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER FROM "
                  "information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = DATABASE() ORDER BY 1, 2",
    "triggers": "SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT "
                "FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1, 2",
}

EDITS = (
    "DROP TRIGGER del_film",
    "DROP TRIGGER upd_film",
    """CREATE TRIGGER upd_film AFTER UPDATE ON film FOR EACH ROW BEGIN
    IF (old.title != new.title) OR (old.description != new.description) THEN
        UPDATE film_text SET title = new.title, description = new.description WHERE film_id = old.film_id;
    END IF;
  END""",
    "DROP FUNCTION inventory_held_by_customer",
    """CREATE FUNCTION inventory_held_by_customer(p_inventory_id INT) RETURNS INT
READS SQL DATA
BEGIN
  DECLARE v_customer_id INT;
  DECLARE EXIT HANDLER FOR NOT FOUND RETURN NULL;
  SELECT customer_id INTO v_customer_id FROM rental
  WHERE return_date IS NULL AND inventory_id = p_inventory_id LIMIT 1;
  RETURN v_customer_id;
END""",
    "DROP PROCEDURE film_not_in_stock",
    "CREATE VIEW short_films AS SELECT film_id, title FROM film WHERE length < 60",
)


def _catalog(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    database = sa.make_url(url).database
    with engine.connect() as conn:
        found = {name: [tuple(str(v).replace(f"`{database}`.", "") if isinstance(v, str) else v for v in row)
                        for row in conn.execute(sa.text(sql))] for name, sql in CATALOG.items()}
    engine.dispose()
    return found


def test_sakila_objects_carried_over_by_a_revision_and_back(mysql_databases: ServerDatabases,
                                                           tmp_path: Path) -> None:
    names = mysql_databases.create(), mysql_databases.create()
    for name in names:
        load_corpus("sakila", "mysql", name)
    edited, original = (mysql_databases.url(name) for name in names)
    base = reflect(original)
    if base.dialect != "mariadb":
        pytest.skip("written for MariaDB's catalog")
    film = base.table("film")
    assert {t.name for t in film.triggers} == {"ins_film", "upd_film", "del_film"}
    routines = {(r.kind, r.name) for r in base.namespaces[0].routines}
    assert {("function", "get_customer_balance"), ("procedure", "rewards_report"),
            ("procedure", "film_in_stock")} <= routines
    engine = sa.create_engine(edited)
    with engine.begin() as conn:
        for statement in EDITS:
            conn.exec_driver_sql(statement)
    engine.dispose()
    before, wanted = _catalog(original), _catalog(edited)
    operations = diff_databases(original, edited)
    labels = {describe(op) for op in operations}
    assert {"drop trigger del_film on film", "replace trigger upd_film on film", "create view short_films",
            "replace function inventory_held_by_customer()", "drop procedure film_not_in_stock()"} <= labels
    ini = make_project(tmp_path, original)
    written = AlembicProject(ini).write_revision(operations, "mysql", "sakila objects", None, base=base)
    read = load_script(written.path)
    back = reversible(read.upgrade, base, "mysql", read.downgrade)
    assert [describe(op) for op in back] == [describe(op) for op in operations]
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert _catalog(original) == wanted
    assert [describe(op) for op in diff_databases(original, edited)] == []
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert _catalog(original) == before
