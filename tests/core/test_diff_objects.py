"""Compare sees views, sequences, enum values, functions and triggers: two Pagila databases, one
edited by hand (a view's body, a new view, a value added to ``mpaa_rating``, a function replaced
and one added, a trigger disabled, one dropped, one added, a sequence added and one altered, a new
table drawing from a new sequence and using the enum), and the diff applied to the other makes
their catalogs equal (``pg_get_viewdef``, ``pg_enum``, ``pg_get_functiondef``,
``pg_get_triggerdef``, ``pg_sequences``); a second diff finds nothing. The same on MariaDB, whose
views name their database."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from gui_app.core.apply import apply_plan
from gui_app.core.diff import diff_databases
from gui_app.core.diff_objects import object_changes
from gui_app.core.op_facts import describe
from gui_app.core.reflect import reflect
from gui_app.core.schema import Namespace, Schema, View
from tests.conftest import ServerDatabases, load_corpus

PG_CATALOG = {
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1",
    "materialized": "SELECT matviewname, definition FROM pg_matviews WHERE schemaname = 'public' ORDER BY 1",
    "enums": """SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_type t
                JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1""",
    "routines": """SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') ORDER BY 1""",
    "triggers": """SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger
                   WHERE NOT tgisinternal ORDER BY 1, 2""",
    "sequences": """SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle,
                    cache_size FROM pg_sequences ORDER BY 1""",
}

PAGILA_EDITS = (
    "ALTER TYPE mpaa_rating ADD VALUE 'U' BEFORE 'PG'",
    "CREATE SEQUENCE ticket_seq START 7 INCREMENT 2",
    "ALTER SEQUENCE actor_actor_id_seq CACHE 5",
    "CREATE TABLE coupon (id integer PRIMARY KEY DEFAULT nextval('ticket_seq'), rating mpaa_rating DEFAULT 'U')",
    "ALTER SEQUENCE ticket_seq OWNED BY coupon.id",
    "DROP VIEW sales_by_store",
    "CREATE VIEW sales_by_store AS SELECT s.store_id, sum(p.amount) AS total_sales "
    "FROM payment p JOIN staff s ON s.staff_id = p.staff_id GROUP BY s.store_id",
    "CREATE VIEW long_films AS SELECT film_id, title FROM film WHERE length > 150",
    "CREATE VIEW long_film_titles AS SELECT title FROM long_films",
    "CREATE OR REPLACE FUNCTION last_day(timestamp with time zone) RETURNS date LANGUAGE sql IMMUTABLE STRICT "
    "AS $$ SELECT (date_trunc('month', $1) + interval '1 month' - interval '1 day')::date $$",
    "CREATE FUNCTION add_tax(amount numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT amount * 1.2 $$",
    "ALTER TABLE actor DISABLE TRIGGER last_updated",
    "DROP TRIGGER last_updated ON city",
    "CREATE TRIGGER category_touched BEFORE INSERT ON category FOR EACH ROW EXECUTE FUNCTION last_updated()",
    "DROP FUNCTION rewards_report(integer, numeric)",
)


def _catalog(url: str, queries: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {name: [tuple(r) for r in conn.execute(sa.text(sql))] for name, sql in queries.items()}
    engine.dispose()
    return found


def _run(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement.replace(":", "\\:")))
    engine.dispose()


def test_two_pagilas_made_equal_in_every_object(pg_databases: ServerDatabases) -> None:
    names = pg_databases.create(), pg_databases.create()
    for name in names:
        load_corpus("pagila", "postgresql", name)
    edited, original = (pg_databases.url(name) for name in names)
    for statement in PAGILA_EDITS:  # ADD VALUE cannot be used in the transaction that adds it
        _run(edited, statement)
    wanted = _catalog(edited, PG_CATALOG)
    notes: list[str] = []
    operations = diff_databases(original, edited, notes)
    labels = [describe(op) for op in operations]
    assert labels.index("create sequence ticket_seq") < labels.index("create_table coupon") < \
        labels.index("alter sequence ticket_seq")  # drawn from by the new table, then owned by it
    assert labels.index("add enum value mpaa_rating 'U'") < labels.index("create_table coupon")
    assert labels.index("create view long_films") < labels.index("create view long_film_titles")
    assert "drop trigger last_updated on city" in labels and "disable trigger last_updated on actor" in labels
    base = reflect(original)
    apply_plan(sa.make_url(original), operations, base)
    assert _catalog(original, PG_CATALOG) == wanted
    assert [describe(op) for op in diff_databases(original, edited)] == []  # nothing left to carry over


MARIADB_SETUP = (
    "CREATE TABLE films (id INT PRIMARY KEY, title VARCHAR(40), length INT, checked INT DEFAULT 0)",
    "CREATE VIEW long_films AS SELECT id, title FROM films WHERE length > 120",
    "CREATE FUNCTION minutes(h INT) RETURNS INT DETERMINISTIC RETURN h * 60",
    "CREATE TRIGGER films_checked BEFORE UPDATE ON films FOR EACH ROW SET NEW.checked = NEW.checked + 1",
    "CREATE SEQUENCE ticket_seq START WITH 7 CACHE 5",
)
MARIADB_EDITS = (
    "CREATE OR REPLACE VIEW long_films AS SELECT id, title, length FROM films WHERE length > 150",
    "CREATE VIEW long_titles AS SELECT title FROM long_films",
    "DROP FUNCTION minutes",
    "CREATE FUNCTION minutes(h INT) RETURNS INT DETERMINISTIC RETURN h * 60 + 1",
    "CREATE PROCEDURE shortest() READS SQL DATA SELECT MIN(length) FROM films",
    "DROP TRIGGER films_checked",
    "CREATE TRIGGER films_added AFTER INSERT ON films FOR EACH ROW SET @added = NEW.id",
    "ALTER SEQUENCE ticket_seq INCREMENT BY 3",
    "CREATE SEQUENCE batch_seq START WITH 100",
)
MARIADB_CATALOG = {
    "views": "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() "
             "ORDER BY 1",
    "routines": "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM information_schema.ROUTINES "
                "WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1, 2",
    "triggers": "SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT "
                "FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1, 2",
    "sequences": "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                 "AND TABLE_TYPE = 'SEQUENCE' ORDER BY 1",
}


def test_two_mariadb_databases_made_equal_in_every_object(mysql_databases: ServerDatabases) -> None:
    edited, original = mysql_databases.create_with(*MARIADB_SETUP), mysql_databases.create_with(*MARIADB_SETUP)
    if reflect(original).dialect != "mariadb":
        pytest.skip("MariaDB's sequences")
    _run(edited, *MARIADB_EDITS)
    wanted = _catalog(edited, MARIADB_CATALOG)
    operations = diff_databases(original, edited)
    base = reflect(original)
    apply_plan(sa.make_url(original), operations, base)
    found = _catalog(original, MARIADB_CATALOG)
    database, other = sa.make_url(original).database, sa.make_url(edited).database
    assert found["views"] == [(name, text.replace(f"`{other}`", f"`{database}`")) for name, text in wanted["views"]]
    assert {k: v for k, v in found.items() if k != "views"} == {k: v for k, v in wanted.items() if k != "views"}
    assert [describe(op) for op in diff_databases(original, edited)] == []


def test_views_in_the_way_of_a_retyped_column_go_and_come_back_in_order() -> None:
    """Changed views are dropped with those built on them, last built first, and made again in the
    order they read each other; a view reading a column that gets another type goes too."""
    def view(name: str, definition: str, uses: tuple[tuple[str, str, str | None], ...] = ()) -> View:
        return View(name, None, definition, uses=uses)

    here = Namespace("public", views=(view("a", "SELECT id FROM t", (("public", "t", "id"),)),
                                      view("b", "SELECT id FROM a", (("public", "a", "id"),)),
                                      view("c", "SELECT 1")))
    there = Namespace("public", views=(view("a", "SELECT id FROM t"), view("b", "SELECT id FROM a"),
                                       view("c", "SELECT 2"), view("d", "SELECT id FROM b")))
    changes = object_changes(Schema("postgresql", "15", "public", (here,)),
                             Schema("postgresql", "15", "public", (there,)), retyped={(None, "t", "id")})
    assert [describe(op) for op in changes.first] == ["drop view b", "drop view c", "drop view a"]
    assert [describe(op) for op in changes.last] == ["create view a", "create view c", "create view b",
                                                     "create view d"]  # each after the views it reads
    other = object_changes(Schema("sqlite", "3", "main", (here,)), Schema("postgresql", "15", "public", (there,)))
    assert other.first == other.last == [] and "not carried over" in other.notes[0]
