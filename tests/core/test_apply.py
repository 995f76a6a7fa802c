"""Applying the pending list on real SQLite, PostgreSQL and MariaDB databases."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from gui_app.core import apply, edits
from gui_app.core.apply_mysql import DATA_NOTE
from gui_app.core.demo import ensure_demo_database
from gui_app.core.impact import count_impacts
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.schema import Index, Schema
from gui_app.core.verification import table_shape
from tests.conftest import ServerDatabases

PORTABLE = [
    "CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)",
    "CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, author_id INTEGER, pages INTEGER, "
    "CONSTRAINT fk_books_author FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE)",
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(50))",
    "CREATE INDEX ix_books_title ON books (title)",
    "INSERT INTO authors VALUES (1, 'Austen'), (2, 'Orwell')",
    "INSERT INTO books VALUES (1, 'Emma', 1, 474), (2, 'Persuasion', 1, 249), (3, 'Animal Farm', 2, NULL)",
    "INSERT INTO notes VALUES (1, 'short'), (2, NULL), (3, 'a rather long note that goes on')",
]


def fingerprint(url: URL) -> tuple[Any, str]:
    """The schema's shape and a checksum of every row: equal means byte-for-byte unchanged data."""
    engine = sa.create_engine(url)
    schema = reflect(engine)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(schema.tables, key=lambda t: t.name):
            quoted = conn.dialect.identifier_preparer.quote(table.name)
            rows = sorted(repr(tuple(r)) for r in conn.exec_driver_sql(f"SELECT * FROM {quoted}"))
            digest.update(table.name.encode() + "\n".join(rows).encode())
        shape = {t.name: table_shape(t, engine.dialect) for t in schema.tables}
    engine.dispose()
    return shape, digest.hexdigest()


def build(url: str) -> URL:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in PORTABLE:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return make_url(url)


def working_plan(base: Schema, dialect: str) -> Plan:
    plan = Plan(base, dialect)
    plan.append(edits.add_column(base.table("books"), edits.ColumnSpec("isbn", sa.String(13), default_literal="?")))
    plan.append(edits.alter_column(plan.projected.table("books"), "title", type_=sa.String(300)))
    plan.append(edits.create_index(plan.projected.table("books"), Index("ix_books_isbn", ("isbn",))))
    plan.append(edits.rename_table(plan.projected.table("notes"), "remarks"))
    return plan


@pytest.fixture
def sqlite_url(tmp_path: Path) -> URL:
    return build(f"sqlite:///{tmp_path / 'apply.sqlite'}")


@pytest.fixture
def pg_url(pg_databases: ServerDatabases) -> URL:
    return build(pg_databases.url(pg_databases.create()))


@pytest.fixture
def mysql_url(mysql_databases: ServerDatabases) -> URL:
    return build(mysql_databases.url(mysql_databases.create()))


def _dialect(url: URL) -> str:
    return url.get_backend_name()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_failing_last_operation_changes_nothing(backend: str, request: pytest.FixtureRequest) -> None:
    url: URL = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    base = reflect(url)
    before = fingerprint(url)
    plan = working_plan(base, backend)
    plan.append(edits.execute_sql("UPDATE no_such_table SET x = 1", "SELECT 1"))
    operations = list(plan.operations)
    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(url, plan.operations, base)
    assert failed.value.index == 4 and failed.value.rolled_back and failed.value.applied == 0
    assert "no_such_table" in failed.value.message
    assert fingerprint(url) == before
    assert plan.operations == operations


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_apply_succeeds_and_the_database_equals_the_projection(backend: str, request: pytest.FixtureRequest) -> None:
    url: URL = request.getfixturevalue(f"{backend}_url" if backend != "postgresql" else "pg_url")
    base = reflect(url)
    plan = working_plan(base, reflect(url).dialect)
    report = apply.apply_plan(url, plan.operations, base)
    assert report.applied == 4 and report.mismatches == []
    after = reflect(url)
    assert after.table("books").column("isbn").default is not None
    assert {t.name for t in after.tables} == {"authors", "books", "remarks"}
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM books").scalar() == 3
        assert conn.exec_driver_sql("SELECT count(*) FROM remarks").scalar() == 3
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_dry_run_leaves_everything_unchanged(backend: str, request: pytest.FixtureRequest) -> None:
    url: URL = request.getfixturevalue(f"{backend}_url" if backend != "postgresql" else "pg_url")
    base = reflect(url)
    before = fingerprint(url)
    report = apply.apply_plan(url, working_plan(base, base.dialect).operations, base, dry_run=True)
    assert report.dry_run and report.applied == 4
    assert fingerprint(url) == before
    if backend == "mysql":
        assert report.notes == [DATA_NOTE]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_dry_run_reports_the_first_failure_with_the_database_message(backend: str,
                                                                    request: pytest.FixtureRequest) -> None:
    url: URL = request.getfixturevalue(f"{backend}_url" if backend != "postgresql" else "pg_url")
    base = reflect(url)
    plan = working_plan(base, base.dialect)
    plan.append(edits.execute_sql("INSERT INTO no_such_table VALUES (1)", "SELECT 1"))
    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(url, plan.operations, base, dry_run=True)
    assert failed.value.index == 4 and "no_such_table" in failed.value.message


def test_mariadb_failure_at_k_leaves_exactly_k_minus_one_applied(mysql_url: URL) -> None:
    base = reflect(mysql_url)
    plan = working_plan(base, base.dialect)
    plan.append(edits.execute_sql("INSERT INTO no_such_table VALUES (1)", "SELECT 1"))
    plan.append(edits.drop_table(plan.projected.table("remarks")))
    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(mysql_url, plan.operations, base)
    assert failed.value.index == 4 and failed.value.applied == 4 and not failed.value.rolled_back
    assert "The first 4 operation(s) were applied." in str(failed.value)
    after = reflect(mysql_url)
    assert "isbn" in [c.name for c in after.table("books").columns]
    assert {t.name for t in after.tables} == {"authors", "books", "remarks"}


def test_drift_is_detected_before_anything_runs(pg_url: URL) -> None:
    base = reflect(pg_url)
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE books ADD COLUMN sneaky INTEGER")
    engine.dispose()
    before = fingerprint(pg_url)
    with pytest.raises(apply.Drifted) as drifted:
        apply.apply_plan(pg_url, working_plan(base, "postgresql").operations, base)
    assert any("table books: columns differ" in change for change in drifted.value.changes)
    assert fingerprint(pg_url) == before


def test_killed_postgresql_backend_rolls_back(pg_url: URL) -> None:
    base = reflect(pg_url)
    before = fingerprint(pg_url)
    killer = sa.create_engine(pg_url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def kill_after_second(done: int) -> None:
        if done == 2:
            with killer.connect() as conn:
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": pg_url.database})

    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(pg_url, working_plan(base, "postgresql").operations, base, after_each=kill_after_second)
    killer.dispose()
    # Statements are pipelined: the loss shows at whichever operation was being sent when it was seen.
    assert failed.value.index >= 2 and failed.value.rolled_back
    assert "connection to the server was lost" in failed.value.message
    assert "terminat" in failed.value.message.lower() or "closed" in failed.value.message.lower()
    assert fingerprint(pg_url) == before


def test_a_postgresql_failure_mid_pipeline_is_pinned_on_its_operation(pg_url: URL) -> None:
    # The statements stream to the server, so its error arrives late; the report still names the operation.
    base = reflect(pg_url)
    before = fingerprint(pg_url)
    plan = Plan(base, "postgresql")
    for i in range(30):
        plan.append(edits.add_column(plan.projected.table("notes"), edits.ColumnSpec(f"extra_{i}", sa.Integer())))
    operations = list(plan.operations)
    operations.insert(12, edits.execute_sql("UPDATE no_such_table SET x = 1", "SELECT 1"))
    with pytest.raises(apply.ApplyFailed) as failed:
        apply.apply_plan(pg_url, operations, base)
    assert failed.value.index == 12 and failed.value.rolled_back and failed.value.applied == 0
    assert 'relation "no_such_table" does not exist' in failed.value.message
    assert fingerprint(pg_url) == before


def test_two_statements_in_one_execute_run_as_under_alembic(pg_url: URL) -> None:
    """``op.execute("UPDATE …; ALTER TABLE …")`` runs under ``alembic`` (a statement without
    parameters goes to the server as one simple query); in the pipeline, which sends every
    statement prepared, it failed ("cannot insert multiple commands into a prepared statement").
    Its second statement may change the schema: the schema is read after it, not assumed."""
    base = reflect(pg_url)
    plan = Plan(base, "postgresql")
    plan.append(edits.add_column(base.table("books"), edits.ColumnSpec("isbn", sa.String(13))))
    plan.append(edits.execute_sql("UPDATE notes SET body = 'x'; ALTER TABLE notes ADD COLUMN seen boolean", None))
    plan.append(edits.add_column(plan.projected.table("books"), edits.ColumnSpec("edition", sa.Integer())))
    report = apply.apply_plan(pg_url, plan.operations, base)
    assert report.mismatches == []
    after = reflect(pg_url)
    assert [c.name for c in after.table("notes").columns] == ["id", "body", "seen"]
    assert [c.name for c in after.table("books").columns][-2:] == ["isbn", "edition"]


def test_stamping_in_the_same_transaction(pg_url: URL) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('aaa111')")
    base = reflect(pg_url)
    plan = working_plan(base, "postgresql")
    plan.append(edits.execute_sql("SELECT no_such_column FROM books", "SELECT 1"))
    with pytest.raises(apply.ApplyFailed):
        apply.apply_plan(pg_url, plan.operations, base, stamp="bbb222")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "aaa111"
    plan.pop()
    report = apply.apply_plan(pg_url, plan.operations, base, stamp="bbb222")
    assert report.stamped == "bbb222"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "bbb222"
    engine.dispose()


def test_sqlite_rebuild_of_a_parent_keeps_every_child_row_and_all_constraints(tmp_path: Path) -> None:
    path = ensure_demo_database(tmp_path)
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {t.name: conn.exec_driver_sql(f'SELECT count(*) FROM "{t.name}"').scalar() for t in base.tables}
    plan = Plan(base, "sqlite")
    for table in ("books", "orders", "customers", "categories"):  # parents with CASCADE children
        column = {"books": "title", "orders": "status", "customers": "full_name", "categories": "name"}[table]
        plan.append(edits.alter_column(plan.projected.table(table), column, type_=sa.String(250)))
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    with engine.connect() as conn:
        after = {t.name: conn.exec_driver_sql(f'SELECT count(*) FROM "{t.name}"').scalar() for t in base.tables}
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()
    assert after == counts
    reflected = reflect(url)
    for name in ("books", "orders", "customers", "categories"):
        old, new = base.table(name), reflected.table(name)
        assert new.check_constraints == old.check_constraints
        assert new.unique_constraints == old.unique_constraints
        assert new.foreign_keys == old.foreign_keys
        assert [i.name for i in new.indexes] == [i.name for i in old.indexes]


def test_destructive_counts(sqlite_url: URL) -> None:
    base = reflect(sqlite_url)
    plan = Plan(base, "sqlite")
    plan.append(edits.drop_column(base.table("books"), "pages"))
    plan.append(edits.alter_column(plan.projected.table("notes"), "body", nullable=False, type_=sa.String(10)))
    plan.append(edits.create_unique_constraint(plan.projected.table("books"), "uq_books_author", ["author_id"]))
    plan.append(edits.create_check_constraint(plan.projected.table("authors"), "ck_short", "length(name) < 6"))
    plan.append(edits.drop_table(plan.projected.table("notes")))
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        impacts = count_impacts(conn, base, plan.operations)
    engine.dispose()
    assert [(i.index, i.text) for i in impacts] == [
        (0, "2 non-null values destroyed"),
        (1, "1 row holds NULL (NOT NULL would fail)"),
        (2, "1 duplicate group (unique would fail)"),
        (3, "2 rows break the check"),
        (4, "3 rows destroyed"),
    ]



def test_sqlite_survives_the_applying_process_being_killed(sqlite_url: URL, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    before = fingerprint(sqlite_url)
    marker = tmp_path / "mid-apply"
    script = f"""
import time, pathlib, sqlalchemy as sa
from gui_app.core import apply, edits
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
url = sa.engine.make_url({str(sqlite_url)!r})
base = reflect(url)
plan = Plan(base, "sqlite")
plan.append(edits.alter_column(base.table("books"), "title", type_=sa.String(300)))
plan.append(edits.rename_table(plan.projected.table("notes"), "remarks"))
plan.append(edits.alter_column(plan.projected.table("authors"), "name", type_=sa.String(300)))
def pause(done):
    if done == 2:
        pathlib.Path({str(marker)!r}).write_text("x")
        time.sleep(60)
apply.apply_plan(url, plan.operations, base, after_each=pause)
"""
    child = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the child never reached the middle of the plan"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    with sqlite3.connect(str(sqlite_url.database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert fingerprint(sqlite_url) == before
