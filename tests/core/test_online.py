""""Make it online" on PostgreSQL: each online form reaches the plain operation's schema, no phase
that reads the table holds a lock that blocks writes (measured), writes go on while an index is
built CONCURRENTLY (a second session writes during the build), a failure is taken back, and a
saved revision runs under the real ``alembic`` command."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core import lock_report, locks
from gui_app.core.apply import ApplyFailed, apply_plan
from gui_app.core.lock_probe import PostgresProbe
from gui_app.core.online import (
    ConcurrentIndexOp,
    NotNullViaCheckOp,
    OnlineOp,
    UniqueViaIndexOp,
    ValidateLaterOp,
    online_form,
)
from gui_app.core.op_facts import describe
from gui_app.core.plan import Plan
from gui_app.core.project import AlembicProject
from gui_app.core.reflect import reflect
from gui_app.core.render import render_python, render_sql
from gui_app.core.schema import Schema
from gui_app.core.script_reader import load_script, online_from_block
from gui_app.core.verification import differences
from tests.conftest import ServerDatabases
from tests.core.test_project import alembic, make_project

SETUP = """
CREATE TABLE artist (id integer PRIMARY KEY, name varchar(40) NOT NULL);
CREATE TABLE album (id integer PRIMARY KEY, artist_id integer, title varchar(60), price numeric(8, 2),
                    code varchar(12));
INSERT INTO artist SELECT g, 'artist ' || g FROM generate_series(1, 500) g;
INSERT INTO album SELECT g, 1 + mod(g, 500), 'album ' || g, mod(g, 50), 'c' || g FROM generate_series(1, 20000) g;
"""

ALBUM, ARTIST = (None, "album"), (None, "artist")

PLAIN: dict[str, ops.MigrateOperation] = {
    "index": ops.CreateIndexOp("ix_album_title", "album", ["title"]),
    "unique": ops.CreateUniqueConstraintOp("uq_album_code", "album", ["code"]),
    "foreign key": ops.CreateForeignKeyOp("fk_album_artist", "album", "artist", ["artist_id"], ["id"]),
    "check": ops.CreateCheckConstraintOp("ck_album_price", "album", "price >= 0"),
    "not null": ops.AlterColumnOp("album", "title", modify_nullable=False, existing_type=sa.String(60),
                                  existing_nullable=True),
}
KINDS = {"index": ConcurrentIndexOp, "unique": UniqueViaIndexOp, "foreign key": ValidateLaterOp,
         "check": ValidateLaterOp, "not null": NotNullViaCheckOp}


def _database(databases: ServerDatabases) -> str:
    return databases.create_with(SETUP)


def _online(name: str, schema: Schema) -> OnlineOp:
    found = online_form(PLAIN[name], schema)
    assert isinstance(found, KINDS[name]), found
    return found


def _catalog(url: str) -> list[tuple[Any, ...]]:
    """Constraints with their validity, indexes with theirs: what reflection does not compare."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        constraints = conn.exec_driver_sql(
            "SELECT conname, contype, convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'album'::regclass ORDER BY conname").all()
        indexes = conn.exec_driver_sql(
            "SELECT c.relname, i.indisvalid, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = 'album'::regclass ORDER BY c.relname").all()
        nullable = conn.exec_driver_sql("SELECT is_nullable FROM information_schema.columns "
                                        "WHERE table_name = 'album' AND column_name = 'title'").scalar()
    engine.dispose()
    return [*(tuple(row) for row in constraints), *(tuple(row) for row in indexes), ("title nullable", nullable)]


@pytest.mark.parametrize("name", list(PLAIN))
def test_the_online_form_leaves_the_schema_the_plain_operation_leaves(pg_databases: ServerDatabases,
                                                                      name: str) -> None:
    plain_url, online_url = _database(pg_databases), _database(pg_databases)
    _apply_both_ways(plain_url, online_url, PLAIN[name], KINDS[name])
    assert _catalog(online_url) == _catalog(plain_url)  # valid constraints and indexes, the CHECK gone


def _apply_both_ways(plain_url: str, online_url: str, plain: ops.MigrateOperation, kind: type[OnlineOp]) -> None:
    """``plain`` applied to one database, its online form to the other: the same schema, no mismatch."""
    base = reflect(online_url)
    plan = Plan(base, "postgresql")
    plan.append(plain)
    online = plan.online_form(0)
    assert isinstance(online, kind)
    apply_plan(sa.engine.make_url(plain_url), plan.operations, base)
    report = apply_plan(sa.engine.make_url(online_url), [online], base)
    assert report.mismatches == []
    assert differences(reflect(plain_url), reflect(online_url), sa.create_engine(online_url).dialect) == []


HOSTILE_SETUP = """
CREATE TABLE artist (id integer PRIMARY KEY);
CREATE TABLE "al%%b :um" (id integer PRIMARY KEY, artist_id integer, "ti%%t :le" varchar(60), price numeric,
                          "co%%d:e" varchar(12));
INSERT INTO "al%%b :um" VALUES (1, 1, 'x', 2, 'c1'), (2, NULL, 'y', 0, 'c2');
INSERT INTO artist VALUES (1);
"""  # run by the driver: %% is one %
HOSTILE_TABLE = "al%b :um"
HOSTILE: dict[str, ops.MigrateOperation] = {
    "index": ops.CreateIndexOp("ix_%s :t", HOSTILE_TABLE, ["ti%t :le"]),
    "unique": ops.CreateUniqueConstraintOp("uq_%(x)s :c", HOSTILE_TABLE, ["co%d:e"]),
    "foreign key": ops.CreateForeignKeyOp("fk_a%b :c", HOSTILE_TABLE, "artist", ["artist_id"], ["id"]),
    "check": ops.CreateCheckConstraintOp("ck_a%b :p", HOSTILE_TABLE, "price >= 0"),
    "not null": ops.AlterColumnOp(HOSTILE_TABLE, "ti%t :le", modify_nullable=False, existing_type=sa.String(60),
                                  existing_nullable=True),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_names_with_percent_signs_and_colons_go_online(pg_databases: ServerDatabases, name: str) -> None:
    """The phases' SQL quoted names for a driver that takes ``%`` as a placeholder, and then went
    through ``text()``, which doubles ``%`` again and reads ``:x`` as a parameter: four of the five
    forms failed on such a name ("relation "al%%b :um" does not exist")."""
    plain_url, online_url = (pg_databases.create_with(HOSTILE_SETUP) for _ in range(2))
    _apply_both_ways(plain_url, online_url, HOSTILE[name], KINDS[name])


@pytest.fixture(scope="module")
def measured_database(pg_module_databases: ServerDatabases) -> Iterator[tuple[sa.Engine, Schema]]:
    engine = sa.create_engine(pg_module_databases.create_with(SETUP))
    yield engine, reflect(engine)
    engine.dispose()


@pytest.mark.parametrize("name", ["foreign key", "check", "not null", "unique"])
def test_no_phase_that_reads_the_table_blocks_writes(measured_database: tuple[sa.Engine, Schema], name: str) -> None:
    """Each phase measured on its own in a transaction (as it commits on its own when applied):
    a phase that reads every row holds nothing that blocks writes; one that holds such a lock
    only changes the catalog (no scan, no rewrite: SET NOT NULL after the validated CHECK too).
    Phases built CONCURRENTLY cannot run in a transaction: the next test writes during one."""
    engine, schema = measured_database
    online = _online(name, schema)
    measured = []
    with engine.connect() as conn:
        conn.begin()
        operations = Operations(MigrationContext.configure(conn))
        for phase in online.phases():
            if phase.op.kw.get("postgresql_concurrently") if isinstance(phase.op, ops.CreateIndexOp) else False:
                operations.invoke(phase.stand_in)  # for the phases after it; not measured here
                conn.commit()
                conn.begin()
                continue
            probe = PostgresProbe(conn, "public")
            step = probe.measure(lambda op=phase.op: operations.invoke(op))  # type: ignore[misc]
            measured.append((phase.label, step))
            conn.commit()  # as applied: each phase commits, and lets its locks go
            conn.begin()
        conn.rollback()
        _undo(conn, name)
    reading = [(label, step) for label, step in measured if step.scans or step.rewrites]
    assert reading or name == "unique", measured  # the long phase was measured (unique: built CONCURRENTLY)
    for label, step in reading:
        assert not step.rewrites, label
        assert all(locks.blocks(mode) not in ("writes", "reads and writes") for _t, mode in step.locks), (label, step)
    for label, step in measured:
        if any(locks.blocks(mode) in ("writes", "reads and writes") for _t, mode in step.locks):
            assert not step.scans and not step.rewrites, (label, step)
    prediction = locks.predict_postgresql(online, schema, engine.dialect.server_version_info or ())
    assert prediction.online and prediction.cost == locks.SCAN
    if reading:
        long_locks = {t: mode for _label, step in reading for t, mode in step.locks}
        assert dict(prediction.locks) == long_locks
    brief = {t: mode for _label, step in measured for t, mode in step.locks
             if locks.blocks(mode) in ("writes", "reads and writes")}
    assert dict(prediction.brief) == brief


def _undo(conn: sa.Connection, name: str) -> None:
    """The module's database back as it was after a measured test committed its phases."""
    statements = {"foreign key": ["ALTER TABLE album DROP CONSTRAINT fk_album_artist"],
                  "check": ["ALTER TABLE album DROP CONSTRAINT ck_album_price"],
                  "not null": ["ALTER TABLE album ALTER COLUMN title DROP NOT NULL"],
                  "unique": ["ALTER TABLE album DROP CONSTRAINT uq_album_code"]}[name]
    with conn.begin():
        for statement in statements:
            conn.exec_driver_sql(statement)


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("name", ["index", "unique"])
def test_writes_go_on_while_the_index_is_built_concurrently(pg_databases: ServerDatabases, name: str) -> None:
    """A session with a write in flight keeps the build waiting (CONCURRENTLY waits for the
    transactions that wrote the table); meanwhile the apply's session holds no lock that blocks
    writes, and a third session inserts into the table without waiting."""
    url = _database(pg_databases)
    base = reflect(url)
    online = _online(name, base)
    engine = sa.create_engine(url)
    application = "as_test_online_apply"
    applying = sa.engine.make_url(url).update_query_dict({"application_name": application})
    failure: list[BaseException] = []

    def run() -> None:
        try:
            apply_plan(applying, [online], base)
        except BaseException as error:  # reported by the test below
            failure.append(error)

    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")  # no snapshot the build would wait for
    with engine.connect() as writer, autocommit.connect() as observer, autocommit.connect() as third:
        writer.begin()
        writer.exec_driver_sql("INSERT INTO album (id, title, code) VALUES (100001, 'in flight', 'x100001')")
        thread = threading.Thread(target=run)
        thread.start()
        try:
            def building() -> bool:
                return observer.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %(a)s AND query LIKE "
                    "'CREATE %%INDEX CONCURRENTLY%%' AND wait_event_type = 'Lock'", {"a": application}).scalar() == 1

            _wait_for(building, "the concurrent build to wait for the writer")
            held = observer.exec_driver_sql(
                "SELECT l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = "
                "%(a)s AND l.relation = 'album'::regclass AND l.granted", {"a": application}).scalars().all()
            assert held == ["ShareUpdateExclusiveLock"], held
            third.exec_driver_sql("SET lock_timeout = '2s'")  # a write is not blocked by the build
            third.exec_driver_sql("INSERT INTO album (id, title, code) VALUES (100002, 'during', 'x100002')")
        finally:
            writer.commit()
            thread.join(60)
    engine.dispose()
    assert not thread.is_alive() and not failure, failure
    assert ("ix_album_title" if name == "index" else "uq_album_code", True) in \
        [(row[0], row[1]) for row in _catalog(url) if len(row) == 3]


def test_a_saved_revision_runs_online_under_alembic(pg_databases: ServerDatabases, tmp_path: Path) -> None:
    """Every online form in one revision: ``alembic upgrade`` leaves what the plan projects, with
    valid constraints and indexes, and ``downgrade`` returns to the database as read."""
    url = _database(pg_databases)
    base = reflect(url)
    plan = Plan(base, "postgresql")
    for name in PLAIN:
        plan.append(PLAIN[name])
    for index in range(len(plan)):
        online = plan.online_form(index)
        assert online is not None
        plan.replace(index, online)
    ini = make_project(tmp_path, url)
    written = AlembicProject(ini).write_revision(plan.operations, "postgresql", "online", None, base=base)
    text = Path(written.path).read_text()
    assert text.count("with op.get_context().autocommit_block():") == 5
    assert "op.create_index('ix_album_title', 'album', ['title'], unique=False, postgresql_concurrently=True)" in text
    assert "postgresql_not_valid=True" in text and "VALIDATE CONSTRAINT" in text
    read_back = load_script(written.path).upgrade  # Open migration script: the same online operations
    assert [type(op) for op in read_back] == [type(op) for op in plan.operations]
    assert render_sql(read_back, "postgresql", None) == render_sql(plan.operations, "postgresql", None)
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    dialect = sa.create_engine(url).dialect
    assert differences(plan.projected, reflect(url), dialect) == []
    catalog = _catalog(url)
    assert all(row[2] is True for row in catalog if len(row) == 4), catalog  # every constraint validated
    assert not any(row[0] == "album_title_not_null" for row in catalog), catalog  # the CHECK was dropped
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr[-3000:]
    assert differences(base, reflect(url), dialect) == []


def test_a_failed_validation_is_taken_back_and_said(pg_databases: ServerDatabases) -> None:
    """Rows that break the foreign key: VALIDATE fails, the NOT VALID constraint is dropped again,
    and the operation before it, committed when the online one began, stays applied."""
    url = pg_databases.create_with(SETUP, "UPDATE album SET artist_id = 9999 WHERE id = 7")
    base = reflect(url)
    plan = Plan(base, "postgresql")
    plan.append(ops.AddColumnOp("album", sa.Column("rating", sa.Integer)))
    plan.append(PLAIN["foreign key"])
    online = plan.online_form(1)
    assert online is not None
    plan.replace(1, online)
    with pytest.raises(ApplyFailed) as failed:
        apply_plan(sa.engine.make_url(url), plan.operations, base)
    text = str(failed.value)
    assert "VALIDATE CONSTRAINT failed" in text and "violates foreign key constraint" in text
    assert 'Taken back: ALTER TABLE album DROP CONSTRAINT IF EXISTS fk_album_artist' in text
    assert failed.value.applied == 1 and not failed.value.rolled_back
    after = reflect(url)
    assert not after.table("album").foreign_keys
    assert "rating" in [c.name for c in after.table("album").columns]


def test_a_failed_concurrent_unique_index_is_dropped(pg_databases: ServerDatabases) -> None:
    url = pg_databases.create_with(SETUP, "UPDATE album SET code = 'dup' WHERE id IN (3, 4)")
    base = reflect(url)
    with pytest.raises(ApplyFailed) as failed:
        apply_plan(sa.engine.make_url(url), [_online("unique", base)], base)
    text = str(failed.value)
    assert "CREATE UNIQUE INDEX CONCURRENTLY failed" in text and "could not create unique index" in text
    assert "Taken back: DROP INDEX CONCURRENTLY IF EXISTS uq_album_code" in text
    assert not [row for row in _catalog(url) if row[0] == "uq_album_code"]


def test_a_clashing_name_is_not_dropped_as_a_leftover(pg_databases: ServerDatabases) -> None:
    """An index of that name already there makes the build fail at once: it is not the app's
    leftover, so it stays."""
    url = pg_databases.create_with(SETUP, "CREATE INDEX ix_album_title ON album (price)")
    base = reflect(url)
    op = ConcurrentIndexOp(ops.CreateIndexOp("ix_album_title", "album", ["title"]))
    with pytest.raises(ApplyFailed) as failed:
        apply_plan(sa.engine.make_url(url), [op], base)
    assert "already exists" in str(failed.value) and "Taken back" not in str(failed.value)
    assert [row for row in _catalog(url) if row[0] == "ix_album_title"] == [("ix_album_title", True, False)]


def test_the_dry_run_runs_it_inside_its_transaction_and_says_so(pg_databases: ServerDatabases) -> None:
    url = _database(pg_databases)
    base = reflect(url)
    plan = Plan(base, "postgresql")
    for name in ("index", "foreign key"):
        plan.append(PLAIN[name])
        plan.replace(len(plan) - 1, plan.online_form(len(plan) - 1))  # type: ignore[arg-type]
    report = apply_plan(sa.engine.make_url(url), plan.operations, base, dry_run=True)
    checks = lock_report.compare([plan.lock(i) for i in range(len(plan))], [describe(op) for op in plan.operations],
                                 report.measured)
    assert [c.differences for c in checks] == [None, None]
    assert all(c.text().endswith(lock_report.OUTSIDE_DRY_RUN) for c in checks)
    assert any("autocommit_block() ran inside the dry run's transaction" in note for note in report.notes)
    assert differences(base, reflect(url), sa.create_engine(url).dialect) == []  # nothing kept


def test_the_preview_shows_where_it_commits() -> None:
    online = ConcurrentIndexOp(PLAIN["index"])
    assert render_sql([online], "postgresql", None, as_sent=True) == (
        "COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_album_title ON album (title);\n\nBEGIN;\n\n")
    not_null = NotNullViaCheckOp(PLAIN["not null"], "album_title_not_null")
    assert render_sql([not_null], "postgresql", None) == (
        "COMMIT;\n\n"
        "ALTER TABLE album ADD CONSTRAINT album_title_not_null CHECK (title IS NOT NULL) NOT VALID;\n\n"
        "ALTER TABLE album VALIDATE CONSTRAINT album_title_not_null;\n\n"
        "ALTER TABLE album ALTER COLUMN title SET NOT NULL;\n\n"
        "ALTER TABLE album DROP CONSTRAINT album_title_not_null;\n\n"
        "BEGIN;\n\n")
    assert render_python([online], "postgresql") == (
        "# ### commands auto generated by Alembic - please adjust! ###\n"
        "    # Made online (CONCURRENTLY): each statement commits on its own; if the build fails (a duplicate in a "
        "unique index, a lock timeout, a cancel) it leaves the index ix_album_title invalid: the app drops it again; "
        "under alembic, DROP INDEX CONCURRENTLY ix_album_title is left to you.\n"
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index('ix_album_title', 'album', ['title'], unique=False, postgresql_concurrently=True)\n"
        "\n"
        "    # ### end Alembic commands ###")
    assert render_python([online], "postgresql", downgrade=True).count("op.drop_index('ix_album_title'") == 1


def test_an_online_form_only_where_it_helps(tmp_path: Path) -> None:
    import dataclasses

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'album.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE album (id integer PRIMARY KEY, title varchar(60))")
    read = reflect(engine)
    engine.dispose()
    pg15 = dataclasses.replace(read, dialect="postgresql", server_version="15.4")
    pg11 = dataclasses.replace(read, dialect="postgresql", server_version="11.2")
    assert isinstance(online_form(PLAIN["not null"], pg15), NotNullViaCheckOp)
    assert online_form(PLAIN["not null"], pg11) is None  # SET NOT NULL scans anyway before 12
    assert isinstance(online_form(PLAIN["index"], pg11), ConcurrentIndexOp)
    assert online_form(PLAIN["index"], read) is None  # SQLite
    assert online_form(ops.CreateIndexOp("ix_x", "other", ["a"]), pg15) is None  # no such table seen
    assert online_form(ops.CreateCheckConstraintOp(None, "album", "id > 0"), pg15) is None  # no name to validate
    renamed = ops.AlterColumnOp("album", "title", modify_nullable=False, modify_name="name")
    assert online_form(renamed, pg15) is None  # more than SET NOT NULL
    concurrent = ops.CreateIndexOp("ix_y", "album", ["title"], postgresql_concurrently=True)
    assert online_form(concurrent, pg15) is None  # already online


def test_the_timeline_lets_go_at_an_online_operation() -> None:
    steps = [locks.Prediction(((ALBUM, "ACCESS EXCLUSIVE"),), locks.CATALOG),
             locks.Prediction(((ALBUM, "SHARE UPDATE EXCLUSIVE"), (ARTIST, "ROW SHARE")), locks.SCAN,
                              scans=(ALBUM, ARTIST), online=True,
                              brief=((ALBUM, "SHARE ROW EXCLUSIVE"), (ARTIST, "SHARE ROW EXCLUSIVE"))),
             locks.Prediction(((ARTIST, "SHARE"),), locks.SCAN)]
    assert lock_report.blocked_from(steps) == [
        lock_report.Blocked(ALBUM, 1, 1, until=2),
        lock_report.Blocked(ALBUM, 2, None, until=2, brief=True),
        lock_report.Blocked(ARTIST, 2, None, until=2, brief=True),
        lock_report.Blocked(ARTIST, 3, None)]
    assert locks.summary(steps[1], {}) == "reads album, artist · online: writes go on, brief locks committed at once"


def test_a_block_holding_other_statements_stays_code() -> None:
    """Only the exact statements of an online form are read as one; a block that does more (or
    other) is kept as the script's own code, as before."""
    index = ops.CreateIndexOp("ix_album_title", "album", ["title"], postgresql_concurrently=True)
    assert isinstance(online_from_block([index]), ConcurrentIndexOp)
    assert online_from_block([index, ops.ExecuteSQLOp("ANALYZE album")]) is None
    not_valid = ops.CreateForeignKeyOp("fk_a", "album", "artist", ["artist_id"], ["id"], postgresql_not_valid=True)
    assert isinstance(online_from_block([not_valid, ops.ExecuteSQLOp("ALTER TABLE album VALIDATE CONSTRAINT fk_a")]),
                      ValidateLaterOp)
    assert online_from_block([not_valid, ops.ExecuteSQLOp("ALTER TABLE album VALIDATE CONSTRAINT other")]) is None
    assert online_from_block([ops.ExecuteSQLOp("ALTER TYPE mood ADD VALUE 'meh'")]) is None


def test_the_command_line_asks_consent_for_committing_part_way_not_for_destroying(
        pg_databases: ServerDatabases, tmp_path: Path) -> None:
    from tests.test_cli import run_cli

    url = _database(pg_databases)
    script = tmp_path / "a1_online.py"
    script.write_text("from alembic import op\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n"
                      "    with op.get_context().autocommit_block():\n"
                      "        op.create_index('ix_album_title', 'album', ['title'],\n"
                      "                        postgresql_concurrently=True)\n\n\n"
                      "def downgrade():\n    op.drop_index('ix_album_title', 'album')\n")
    refused = run_cli("apply", str(script), url, "--yes")
    assert refused.returncode == 1
    assert "This commits part-way: a later failure leaves what ran before its commit applied:\n  operation 1 " \
           "(create_index album.ix_album_title (online)): commits part-way" in refused.stderr
    assert "destroys" not in refused.stderr
    applied = run_cli("apply", str(script), url, "--yes", "--accept-data-loss")
    assert applied.returncode == 0, applied.stderr
    assert ("ix_album_title", True, False) in _catalog(url)
