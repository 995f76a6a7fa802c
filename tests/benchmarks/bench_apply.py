"""Apply speed against the plain database doing the same work, measured in the same run.

    python -m tests.benchmarks.bench_apply [--rows 1000000] [--columns 200] [--skip-postgresql]
        [--skip-mariadb] [--only-combined]

Goals (issue): SQLite, 20 column alterations on one table of 1,000,000 rows cost at most 1.3x
one plain copy of that table (CREATE TABLE ... AS SELECT), and a rebuild at most 1.1x the same
rebuild written by hand; PostgreSQL, 200 add_column
operations in one transaction at most 1.5x psql running the same SQL in one transaction;
PostgreSQL and MariaDB, 20 type changes on one table of 1,000,000 rows at most 1.2x one
combined ALTER TABLE written by hand and run by the server's own client.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from gui_app.core import edits, render
from gui_app.core.apply import apply_plan
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from tests.benchmarks.timing import ADMIN, admin, report


def _sqlite_table(path: str, rows: int) -> None:
    conn = sqlite3.connect(path)
    columns = ", ".join(f"c{i} VARCHAR(40)" for i in range(20))
    conn.execute(f"CREATE TABLE big (id INTEGER PRIMARY KEY, {columns}, amount NUMERIC(12, 2) NOT NULL DEFAULT 0)")
    values = ", ".join(f"'value {i}' || (n % 1000)" for i in range(20))
    conn.execute(f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {rows}) "
                 f"INSERT INTO big SELECT n, {values}, n % 97 FROM s")
    conn.execute("CREATE INDEX ix_big_c0 ON big (c0)")
    conn.commit()
    conn.close()


SQLITE_CASES: tuple[tuple[str, Callable[[int], dict[str, Any]]], ...] = (
    ("20 type widenings (same affinity: in place)", lambda i: {"type_": sa.String(80)}),
    ("20 alterations incl. 5 NOT NULL (in place, rows checked)",
     lambda i: {"type_": sa.String(120), "nullable": i % 4 != 0}),
    ("20 renames and widenings (in place)", lambda i: {"new_name": f"renamed_{i}", "type_": sa.String(120)}),
    ("20 alterations incl. one affinity change (rebuild)",
     lambda i: {"type_": sa.Integer() if i == 19 else sa.String(160), "nullable": i != 0}),
)


def _plain_copy(path: str) -> float:
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute("CREATE TABLE big_copy AS SELECT * FROM big")
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.execute("DROP TABLE big_copy")
    conn.commit()
    conn.close()
    return elapsed


def _rebuild_by_hand(path: str) -> float:
    """The last case's rebuild as SQLite documents it (``ALTER TABLE``, "Making Other Kinds Of
    Table Schema Changes"): new table, copy, drop, rename, indexes, foreign key check, one
    transaction, with the ``secure_delete`` the app chooses for a plan that discards nothing."""
    conn = sqlite3.connect(path, isolation_level=None)
    columns = ", ".join(f"c{i} VARCHAR(160){' NOT NULL' if i == 0 else ''}" for i in range(19))
    copied = ", ".join(f"c{i}" for i in range(19))
    start = time.perf_counter()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA secure_delete = FAST")
    conn.execute("BEGIN")
    conn.execute(f"CREATE TABLE big_new (id INTEGER PRIMARY KEY, {columns}, c19 INTEGER, "
                 "amount NUMERIC(12, 2) NOT NULL DEFAULT 0)")
    conn.execute(f"INSERT INTO big_new (id, {copied}, c19, amount) "
                 f"SELECT id, {copied}, CAST(c19 AS INTEGER), amount FROM big")
    conn.execute("DROP TABLE big")
    conn.execute("ALTER TABLE big_new RENAME TO big")
    conn.execute("CREATE INDEX ix_big_c0 ON big (c0)")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _plain_alembic(path: str, plan: Plan) -> float:
    """The same alterations through Alembic alone: one batch block, table reflected by Alembic."""
    engine = sa.create_engine(f"sqlite:///{path}")
    start = time.perf_counter()
    with engine.begin() as conn:
        operations = Operations(MigrationContext.configure(conn))
        with operations.batch_alter_table("big") as batch:
            for op in plan.operations:
                batch.invoke(op)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def bench_sqlite(rows: int) -> None:
    folder = tempfile.mkdtemp()
    source = os.path.join(folder, "big.sqlite")
    _sqlite_table(source, rows)
    copy = min(_plain_copy(source) for _ in range(2))
    report(f"SQLite {rows:,} rows: CREATE TABLE ... AS SELECT", copy)
    work = os.path.join(folder, "work.sqlite")
    for label, change in SQLITE_CASES:
        rebuild = "rebuild" in label
        timings: dict[str, list[float]] = {"Alembic alone": [], "applied": [], "by hand": []}
        # A rebuild is timed three times each, alternating with the same rebuild written by hand.
        for who in ("Alembic alone", *(("by hand", "applied") * 3 if rebuild else ("applied",))):
            shutil.copyfile(source, work)
            if who == "by hand":
                timings[who].append(_rebuild_by_hand(work))
                continue
            url = make_url(f"sqlite:///{work}")
            base = reflect(url)
            plan = Plan(base, "sqlite")
            for i in range(20):
                plan.append(edits.alter_column(plan.projected.table("big"), f"c{i}", **change(i)))
            if who == "applied":
                start = time.perf_counter()
                result = apply_plan(url, plan.operations, base)
                timings[who].append(time.perf_counter() - start)
                assert result.mismatches == [], result.mismatches
            else:
                timings[who].append(_plain_alembic(work, plan))
        report(f"SQLite: {label}, Alembic alone", min(timings["Alembic alone"]), copy, "plain copy")
        report(f"SQLite: {label}, applied", min(timings["applied"]), copy, "plain copy", "<= 1.3x")
        if rebuild:
            report(f"SQLite: {label}, written by hand", min(timings["by hand"]))
            report(f"SQLite: {label}, applied", min(timings["applied"]), min(timings["by hand"]), "by hand",
                   "<= 1.1x")
    shutil.rmtree(folder)


def bench_postgresql(columns: int, repeat: int = 3) -> None:
    results: dict[str, float] = {}
    for who in ("psql", "alembic-studio") * repeat:
        name = f"as_bench_{uuid.uuid4().hex[:8]}"
        admin(f'CREATE DATABASE "{name}"')
        url = make_url(ADMIN).set(database=name)
        try:
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE wide (id INTEGER PRIMARY KEY)")
            engine.dispose()
            base = reflect(url)
            plan = Plan(base, "postgresql")
            for i in range(columns):
                plan.append(edits.add_column(plan.projected.table("wide"),
                                             edits.ColumnSpec(f"c{i}", sa.String(40), default_literal="x")))
            if who == "psql":
                sql = "BEGIN;\n" + render.render_sql(plan.operations, "postgresql", base) + "COMMIT;\n"
                start = time.perf_counter()
                subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", name],
                               input=sql, text=True, check=True, capture_output=True)
                elapsed = time.perf_counter() - start
            else:
                start = time.perf_counter()
                apply_plan(url, plan.operations, base)
                elapsed = time.perf_counter() - start
            results[who] = min(results.get(who, elapsed), elapsed)
        finally:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(f"PostgreSQL: psql, {columns} ADD COLUMN in one transaction (best of {repeat})", results["psql"])
    report(f"PostgreSQL: {columns} add_column applied, drift check and verification included (best of {repeat})",
           results["alembic-studio"], results["psql"], "psql", "<= 1.5x")


def _combined_reference(server: str, name: str, columns: int) -> float:
    """One hand-written ALTER TABLE changing every column, through the server's own client."""
    if server == "postgresql":
        sql = "ALTER TABLE big " + ", ".join(f"ALTER COLUMN c{i} TYPE BIGINT" for i in range(columns))
        command = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-c", sql]
    else:
        sql = "ALTER TABLE big " + ", ".join(f"MODIFY c{i} BIGINT NULL" for i in range(columns))
        command = ["mariadb", "-h", "127.0.0.1", "-u", "root", name, "-e", sql]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def bench_combined(server: str, rows: int, columns: int = 20, repeat: int = 3) -> None:
    """20 type changes on one large table: applied (one combined ALTER TABLE) vs the same
    statement written by hand; each run on a fresh copy of the table."""
    results: dict[str, float] = {}
    for who in ("by hand", "applied") * repeat:
        name = f"as_bench_{uuid.uuid4().hex[:8]}"
        if server == "postgresql":
            admin(f'CREATE DATABASE "{name}"')
            url = make_url(ADMIN).set(database=name)
            fill = (f"INSERT INTO big SELECT n, {', '.join('n %% 1000' for _ in range(columns))} "
                    f"FROM generate_series(1, {rows}) AS n")
        else:
            url = make_url(f"mysql+pymysql://root@127.0.0.1/{name}")
            server_admin = sa.create_engine("mysql+pymysql://root@127.0.0.1/")
            with server_admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE `{name}`")
            server_admin.dispose()
            values = ", ".join("seq %% 1000" for _ in range(columns))
            fill = f"INSERT INTO big SELECT seq, {values} FROM seq_1_to_{rows}"
        try:
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"CREATE TABLE big (id INTEGER PRIMARY KEY, "
                                     f"{', '.join(f'c{i} INTEGER' for i in range(columns))})")
                conn.exec_driver_sql(fill)
            engine.dispose()
            if who == "by hand":
                elapsed = _combined_reference(server, name, columns)
            else:
                base = reflect(url)
                plan = Plan(base, base.dialect)
                for i in range(columns):
                    plan.append(edits.alter_column(plan.projected.table("big"), f"c{i}", type_=sa.BigInteger()))
                start = time.perf_counter()
                result = apply_plan(url, plan.operations, base)
                elapsed = time.perf_counter() - start
                assert result.mismatches == [], result.mismatches
            results[who] = min(results.get(who, elapsed), elapsed)
        finally:
            if server == "postgresql":
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                server_admin = sa.create_engine("mysql+pymysql://root@127.0.0.1/")
                with server_admin.connect() as conn:
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
                server_admin.dispose()
    label = "PostgreSQL" if server == "postgresql" else "MariaDB"
    report(f"{label}: one ALTER TABLE by hand, {columns} type changes, {rows:,} rows (best of {repeat})",
           results["by hand"])
    report(f"{label}: {columns} alter_column applied, checks and verification included (best of {repeat})",
           results["applied"], results["by hand"], "by hand", "<= 1.2x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=200)
    parser.add_argument("--skip-postgresql", action="store_true")
    parser.add_argument("--skip-mariadb", action="store_true")
    parser.add_argument("--only-combined", action="store_true", help="only the 20 type changes on the servers")
    args = parser.parse_args()
    if not args.only_combined:
        bench_sqlite(args.rows)
    if not args.skip_postgresql:
        if not args.only_combined:
            bench_postgresql(args.columns)
        bench_combined("postgresql", args.rows)
    if not args.skip_mariadb:
        bench_combined("mariadb", args.rows)


if __name__ == "__main__":
    main()
