"""``alembic-studio inspect --json`` as a process on Chinook (PostgreSQL) against ``pg_dump
--schema-only`` of the same database, in the same run.

    python -m tests.benchmarks.bench_inspect

Goal (issue): within 3x of pg_dump. Beside it the floor: a process that only imports SQLAlchemy
with its PostgreSQL dialect and psycopg, connects and runs one query, which every headless
command that reads a database does before any of the app's own work.
"""

from __future__ import annotations

import sys

from tests.benchmarks.bench_reflect import CORPUS
from tests.benchmarks.timing import best_process, corpus_database, report

FLOOR = """
import sys
import sqlalchemy
engine = sqlalchemy.create_engine(sys.argv[1])
with engine.connect() as conn:
    conn.exec_driver_sql("SELECT 1")
"""


def main(runs: int = 3) -> None:
    with corpus_database("chinook", CORPUS) as database:
        if database is None:
            return
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
        dump_command = ["pg_dump", "--schema-only", "-h", "127.0.0.1", "-U", "postgres", database]
        for _ in range(runs):  # each run measures all three, so a busy spell weighs on each
            dump = best_process(dump_command, repeat=5)
            floor = best_process([sys.executable, "-c", FLOOR, url], repeat=5)
            ours = best_process([sys.executable, "-m", "gui_app", "inspect", url, "--json"], repeat=5)
            report("Chinook: pg_dump --schema-only (reference)", dump)
            report("Chinook: import SQLAlchemy + psycopg, connect (floor)", floor, dump, "pg_dump")
            report("Chinook: alembic-studio inspect --json", ours, dump, "pg_dump", "<= 3x")


if __name__ == "__main__":
    main()
