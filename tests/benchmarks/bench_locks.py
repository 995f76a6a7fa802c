"""Lock-and-cost predictions: for a 500-operation plan, and ``check`` on a 2,000-table database.

    python -m tests.benchmarks.bench_locks [--tables 2000] [--operations 500]

Goals (issue): the predictions of a 500-operation plan in under 100 ms (they refresh as the user
edits), against building the same plan (validation and projection, which every edit already
pays); ``alembic-studio check`` on a 2,000-table PostgreSQL database in under 2 s, against
``pg_dump --schema-only`` of the same database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid

import sqlalchemy as sa

from gui_app.core import edits
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from gui_app.core.schema import Index
from tests.benchmarks.generated_schema import build_postgresql
from tests.benchmarks.timing import admin, best_of, best_process, report

SCRIPT = '''"""bench

Revision ID: be4c00000001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "be4c00000001"
down_revision = None


def upgrade():
{body}


def downgrade():
    pass
'''


def _plan(schema: object, operations: int, tables: int) -> Plan:
    plan = Plan(schema, "postgresql")  # type: ignore[arg-type]
    for i in range(operations):
        table = plan.projected.table(f"t{i % tables:05d}")
        if i % 4 == 0:
            plan.append(edits.add_column(table, edits.ColumnSpec(f"c{i}", sa.String(40))))
        elif i % 4 == 1:
            plan.append(edits.alter_column(table, "quantity", type_=sa.BigInteger()))
        elif i % 4 == 2:
            plan.append(edits.create_index(table, Index(f"ix_bench_{i}", ("code", "amount"))))
        else:
            plan.append(edits.alter_column(table, "title", type_=sa.String(300 + i)))
    return plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--operations", type=int, default=500)
    args = parser.parse_args()
    database = f"as_bench_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{database}"')
    try:
        build_postgresql(database, args.tables)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
        engine = sa.create_engine(url)
        schema = reflect(engine)
        engine.dispose()

        built = best_of(lambda: _plan(schema, args.operations, args.tables), repeat=3)
        report(f"build a plan of {args.operations} operations (validate and project)", built)
        plans = [_plan(schema, args.operations, args.tables) for _ in range(5)]

        def predict_all() -> None:
            plan = plans.pop()
            for index in range(len(plan)):
                plan.lock(index)

        predicted = best_of(predict_all, repeat=5)
        report(f"predictions for {args.operations} operations", predicted, built, "of building the plan",
               "< 100 ms")

        body = "\n".join(
            f"    op.alter_column('t{i:05d}', 'quantity', existing_type=sa.Integer(), type_=sa.BigInteger())\n"
            f"    op.create_index('ix_check_{i}', 't{i:05d}', ['code', 'amount'])" for i in range(0, 100))
        folder = tempfile.mkdtemp()
        script = os.path.join(folder, "be4c00000001_bench.py")
        with open(script, "w", encoding="utf-8") as file:
            file.write(SCRIPT.format(body=body))
        dump = best_process(["pg_dump", "--schema-only", "-h", "127.0.0.1", "-U", "postgres", database])
        report(f"pg_dump --schema-only, {args.tables} tables (reference)", dump)
        check = best_process([sys.executable, "-m", "gui_app", "check", script, url, "--json"])
        report(f"alembic-studio check, 200 operations, {args.tables} tables (process)", check, dump, "pg_dump",
               "< 2 s")
    finally:
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
