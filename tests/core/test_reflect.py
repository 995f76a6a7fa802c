"""How a server database is read: which connection runs which query, what is skipped, progress."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.exc import OperationalError

from gui_app.core import reflect_postgresql
from gui_app.core.progress import Cancelled, CancelToken
from gui_app.core.reflect import reflect
from tests.conftest import ServerDatabases, unique_name

# Statements that tell the two sides apart: SQLAlchemy's column read and the catalog's triggers.
_INSPECTOR_COLUMNS = "pg_catalog.format_type(pg_catalog.pg_attribute.atttypid"
_CATALOG_TRIGGERS = "pg_get_triggerdef"

_SHOP = (
    "CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL, price numeric(8, 2))",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch()",
    # A schema without tables: a view over the default schema's table and a function.
    "CREATE SCHEMA reports",
    "CREATE VIEW reports.priced AS SELECT id, price FROM public.item WHERE price IS NOT NULL",
    "CREATE FUNCTION reports.total() RETURNS numeric LANGUAGE sql AS $$ SELECT sum(price) FROM public.item $$",
    # A schema whose only table is partitioned (and its partition): read like any other.
    "CREATE SCHEMA history",
    "CREATE TABLE history.sale (id int NOT NULL, sold date NOT NULL) PARTITION BY RANGE (sold)",
    "CREATE TABLE history.sale_2026 PARTITION OF history.sale FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
)


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, int, str]]]:
    """Each statement the engine runs, with the DBAPI connection and the thread that ran it."""
    seen: list[tuple[str, int, str]] = []

    def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append((statement, id(conn.connection.dbapi_connection), threading.current_thread().name))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def shop(pg_databases: ServerDatabases) -> Iterator[Engine]:
    """An engine on a new database holding ``_SHOP``."""
    engine = create_engine(pg_databases.create_with(*_SHOP))
    yield engine
    engine.dispose()


def test_catalog_is_read_on_a_connection_of_its_own_and_the_result_is_the_same(shop: Engine) -> None:
    with _statements(shop) as seen:
        alongside = reflect(shop)
    with shop.connect() as conn:
        one_connection = reflect(conn)
    assert alongside == one_connection
    columns_read = next((conn, thread) for sql, conn, thread in seen if _INSPECTOR_COLUMNS in sql)
    (catalog_read,) = [(conn, thread) for sql, conn, thread in seen if _CATALOG_TRIGGERS in sql]
    assert columns_read[0] != catalog_read[0]
    assert columns_read[1] != catalog_read[1] and catalog_read[1].startswith("catalog")
    item = alongside.table("item")
    assert [t.name for t in item.triggers] == ["item_touch"]
    assert item.columns[2].type_name == "numeric(8,2)"
    assert not any(t.name.startswith("catalog") for t in threading.enumerate())


def test_a_schema_without_tables_keeps_its_views_and_routines_without_the_table_reads(shop: Engine) -> None:
    with _statements(shop) as seen:
        schema = reflect(shop)
    reports = next(n for n in schema.namespaces if n.name == "reports")
    assert reports.tables == ()
    assert [v.name for v in reports.views] == ["priced"]
    assert [r.name for r in reports.routines] == ["total"]
    history = next(n for n in schema.namespaces if n.name == "history")
    assert sorted(t.name for t in history.tables) == ["sale", "sale_2026"]
    assert history.table("sale_2026").partition_of == "sale"
    # SQLAlchemy reads columns once per schema it is asked about: public and history, not reports.
    assert sum(_INSPECTOR_COLUMNS in sql for sql, _, _ in seen) == 2


def test_an_error_of_either_side_is_the_reflections_and_leaves_no_thread(
        shop: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_catalog(*_: Any) -> None:
        raise RuntimeError("the catalog read failed")

    with monkeypatch.context() as patched:
        patched.setattr(reflect_postgresql, "read_extras", failing_catalog)
        with pytest.raises(RuntimeError, match="the catalog read failed"):
            reflect(shop)

    def failing_columns(*_: Any, **__: Any) -> None:
        raise RuntimeError("the column read failed")

    with monkeypatch.context() as patched:
        patched.setattr(Inspector, "get_multi_columns", failing_columns)
        with pytest.raises(RuntimeError, match="the column read failed"):
            reflect(shop)
    assert not any(t.name.startswith("catalog") for t in threading.enumerate())
    assert reflect(shop).table("item").columns


def test_a_role_allowed_one_connection_reads_everything_on_it(pg_databases: ServerDatabases) -> None:
    """The server refuses the catalog's connection (the role's connection limit): the first
    connection reads the catalog too, and the schema is the same."""
    url = make_url(pg_databases.create_with(*_SHOP))
    role = unique_name("as_test_role")
    admin = create_engine(pg_databases.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1')
    engine = create_engine(url.set(username=role))
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'GRANT ALL ON DATABASE "{url.database}" TO "{role}"')
        # The role's one connection, while a second is refused.
        with engine.connect(), pytest.raises(OperationalError, match="too many connections"):
            engine.connect()
        with _statements(engine) as seen:
            limited = reflect(engine)
        assert len({conn for _, conn, _ in seen}) == 1
        with create_engine(url).connect() as conn:
            assert limited == reflect(conn)
        assert [t.name for t in limited.table("item").triggers] == ["item_touch"]
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()


def _progress_of(bind: Any, **options: Any) -> list[tuple[str, int, int]]:
    reported: list[tuple[str, int, int]] = []
    reflect(bind, progress=lambda label, done, total: reported.append((label, done, total)), **options)
    return reported


def _check_progress(reported: list[tuple[str, int, int]]) -> None:
    *steps, finished = reported
    assert finished == ("Done", 1, 1)
    assert [done for _, done, _ in steps] == list(range(len(steps)))
    assert {total for _, _, total in steps} == {len(steps)}, "every step taken, none past the total"


def test_progress_counts_every_step_once_on_postgresql(shop: Engine) -> None:
    _check_progress(_progress_of(shop))
    with shop.connect() as conn:
        _check_progress(_progress_of(conn, tables_only=True))
    _check_progress(_progress_of(shop, only={(None, "item")}))


def test_progress_counts_every_step_once_on_mariadb(mysql_databases: ServerDatabases) -> None:
    engine = create_engine(mysql_databases.url(mysql_databases.create()))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE item (id int PRIMARY KEY, name varchar(40))")
            conn.exec_driver_sql("CREATE VIEW named AS SELECT name FROM item")
        _check_progress(_progress_of(engine))
        with engine.connect() as conn:
            _check_progress(_progress_of(conn, tables_only=True))
    finally:
        engine.dispose()


def test_cancelling_stops_the_read_and_its_catalog_thread(shop: Engine) -> None:
    token = CancelToken()

    def cancel_after_the_columns(label: str, done: int, total: int) -> None:
        if label.endswith("primary keys"):
            token.cancel()

    with pytest.raises(Cancelled):
        reflect(shop, progress=cancel_after_the_columns, cancel=token)
    assert not any(t.name.startswith("catalog") for t in threading.enumerate())
