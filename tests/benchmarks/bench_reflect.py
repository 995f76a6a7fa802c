"""Reflection speed against pg_dump and sqlite_master reads, measured in the same run.

    python -m tests.benchmarks.bench_reflect [--tables 2000] [--skip-postgresql]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine

from gui_app.core.reflect import reflect
from tests.benchmarks.generated_schema import build_postgresql, build_sqlite
from tests.benchmarks.timing import admin, best_of, best_process, corpus_database, report

CORPUS = Path(os.environ.get("ALEMBIC_STUDIO_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))



def _pg_case(label: str, database: str, schema_arg: list[str], goal: str, with_cli: bool) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    dump = best_process(["pg_dump", "--schema-only", *schema_arg, "-h", "127.0.0.1", "-U", "postgres", database])
    report(f"{label}: pg_dump --schema-only", dump)
    engine = create_engine(url)
    reflect(engine)  # warm the connection pool and SQLAlchemy's caches
    ours = best_of(lambda: reflect(engine))
    engine.dispose()
    report(f"{label}: full reflection into the snapshot", ours, dump, "pg_dump", goal)
    if with_cli:
        cli = best_process([sys.executable, "-m", "gui_app", "inspect", url, "--json"])
        report(f"{label}: alembic-studio inspect --json (process)", cli, dump, "pg_dump", "<= 1.5x")


def bench_postgresql(tables: int) -> None:
    database = f"as_bench_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{database}"')
    try:
        build_postgresql(database, tables)
        _pg_case(f"PostgreSQL {tables} tables", database, [], "<= 1.0x", with_cli=True)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    with corpus_database("musicbrainz", CORPUS) as musicbrainz:
        if musicbrainz is not None:
            _pg_case("MusicBrainz (375 tables)", musicbrainz, ["-n", "musicbrainz"], "<= 0.5x", with_cli=False)


def bench_sqlite(tables: int) -> None:
    folder = tempfile.mkdtemp()
    timings = {}
    for count in (tables // 2, tables):
        path = f"{folder}/bench_{count}.sqlite"
        build_sqlite(path, count)

        def read_master(path: str = path) -> None:
            conn = sqlite3.connect(path)
            conn.execute("SELECT sql FROM sqlite_master").fetchall()
            conn.close()

        master = best_of(read_master)
        engine = create_engine(f"sqlite:///{path}")
        ours = best_of(lambda engine=engine: reflect(engine))  # type: ignore[misc]
        engine.dispose()
        report(f"SQLite {count} tables: SELECT sql FROM sqlite_master", master)
        report(f"SQLite {count} tables: full reflection into the snapshot", ours, master, "sqlite_master", "<= 15x")
        timings[count] = ours
    half, full = timings[tables // 2], timings[tables]
    print(f"SQLite growth from {tables // 2} to {tables} tables: {full / half:.2f}x (linear is 2.0x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()
    bench_sqlite(args.tables)
    if not args.skip_postgresql:
        bench_postgresql(args.tables)


if __name__ == "__main__":
    main()
