"""What each operation would destroy or trip over, counted in the live database.

Counts run against the database as it is (before the plan), read-only, for the
confirmation dialog: rows in a table to drop, values in a column to drop, rows
that would break a new NOT NULL, unique, check or foreign key, values too long
for a narrower type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import render
from gui_app.core.errors import describe_error
from gui_app.core.plan import describe
from gui_app.core.projection import ProjectionError, find_table
from gui_app.core.schema import Schema


@dataclass(frozen=True)
class Impact:
    index: int
    operation: str
    what: str
    """``"rows destroyed"``, ``"values destroyed"``, ``"rows that would fail"``..."""
    count: int | None
    """None when the count was given up: :attr:`reason` says why."""
    reason: str = ""

    @property
    def text(self) -> str:
        return f"{self.count} {self.what}" if self.count is not None else f"{self.what}: {self.reason}"


def _ident(conn: sa.Connection, *parts: str | None) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return ".".join(quote(p) for p in parts if p)


def _scalar(conn: sa.Connection, sql: str) -> int:
    return int(conn.exec_driver_sql(sql).scalar() or 0)


def count_impacts(conn: sa.Connection, base: Schema, plan: Sequence[ops.MigrateOperation],
                  seconds: float | None = None) -> list[Impact]:
    """Counts for the operations whose table still stands as ``base`` has it (not created or
    renamed earlier in the plan); the others touch no existing rows.

    Each count stands alone: one that fails, or runs past ``seconds`` (its lock waits included),
    is reported as not counted with the reason, and the others are still counted. An operation
    on a column the plan adds before it is not counted against the database (the column is not
    there yet; its rows hold what adding it gave them)."""
    from gui_app.core import timeouts

    seconds = seconds if seconds is not None else timeouts.current().count
    timeouts.limit_statements(conn, seconds)
    impacts = []
    renamed_or_created: set[tuple[str | None, str]] = set()
    added: set[tuple[str | None, str, str]] = set()
    for index, op in enumerate(plan):
        target = render.table_of(op)
        if isinstance(op, ops.AddColumnOp) and target is not None:
            added.add((*target, op.column.name))
        if target is None or target in renamed_or_created:
            continue
        try:
            find_table(base, target[1], target[0])
        except ProjectionError:
            continue
        if any((*target, column) in added for column in _columns_read(op)):
            continue
        try:
            with conn.begin():  # alone: a failed count must not abort the others' transaction
                counted = _count(conn, op, target)
        except sa.exc.DBAPIError as error:
            what = _what(op) or "rows affected"
            why = f"not counted (timed out after {seconds:g} s)" if timeouts.timed_out(error) else \
                f"not counted ({describe_error(error)})"
            impacts.append(Impact(index, describe(op), what, None, why))
            continue
        if counted is not None and counted[1] > 0:
            impacts.append(Impact(index, describe(op), counted[0], counted[1]))
        if isinstance(op, ops.RenameTableOp):
            renamed_or_created.add((op.schema, op.new_table_name))
            renamed_or_created.add(target)
    return impacts


def _columns_read(op: ops.MigrateOperation) -> list[str]:
    if isinstance(op, ops.AlterColumnOp | ops.DropColumnOp):
        return [op.column_name]
    if isinstance(op, ops.CreateForeignKeyOp):
        return list(op.local_cols)
    if isinstance(op, ops.CreateUniqueConstraintOp | ops.CreatePrimaryKeyOp | ops.CreateIndexOp):
        return [c for c in op.columns if isinstance(c, str)]
    return []


def _what(op: ops.MigrateOperation) -> str | None:
    """What a count of ``op`` would have been called, for a count given up."""
    if isinstance(op, ops.DropTableOp):
        return "rows destroyed"
    if isinstance(op, ops.DropColumnOp):
        return "non-null values destroyed"
    return None


def _count(conn: sa.Connection, op: ops.MigrateOperation, target: tuple[str | None, str]) -> tuple[str, int] | None:
    table = _ident(conn, *target)
    if isinstance(op, ops.DropTableOp):
        return "rows destroyed", _scalar(conn, f"SELECT count(*) FROM {table}")
    if isinstance(op, ops.DropColumnOp):
        column = _ident(conn, op.column_name)
        return "non-null values destroyed", _scalar(conn, f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL")
    if isinstance(op, ops.AlterColumnOp):
        column = _ident(conn, op.column_name)
        if op.modify_nullable is False:
            return "rows hold NULL (NOT NULL would fail)", _scalar(
                conn, f"SELECT count(*) FROM {table} WHERE {column} IS NULL")
        length = getattr(op.modify_type, "length", None)
        if length is not None and getattr(op.existing_type, "length", None) != length:
            function = "length" if conn.dialect.name == "sqlite" else "char_length"
            return f"values longer than {length} characters", _scalar(
                conn, f"SELECT count(*) FROM {table} WHERE {function}({column}) > {int(length)}")
    if isinstance(op, ops.AddColumnOp) and not op.column.nullable and op.column.server_default is None:
        return "rows get no value (NOT NULL without default would fail)", _scalar(conn, f"SELECT count(*) FROM {table}")
    if isinstance(op, ops.CreateUniqueConstraintOp | ops.CreatePrimaryKeyOp) or (
            isinstance(op, ops.CreateIndexOp) and op.unique):
        names = [c if isinstance(c, str) else getattr(c, "name", None) for c in op.columns]
        if not names or any(not isinstance(n, str) for n in names):
            return None
        columns = ", ".join(_ident(conn, n) for n in names if n)
        not_null = " AND ".join(f"{_ident(conn, n)} IS NOT NULL" for n in names if n)
        return "duplicate groups (unique would fail)", _scalar(
            conn, f"SELECT count(*) FROM (SELECT {columns} FROM {table} WHERE {not_null} "
                  f"GROUP BY {columns} HAVING count(*) > 1) AS duplicates")
    if isinstance(op, ops.CreateCheckConstraintOp) and isinstance(op.condition, str):
        return "rows break the check", _scalar(conn, f"SELECT count(*) FROM {table} WHERE NOT ({op.condition})")
    if isinstance(op, ops.CreateForeignKeyOp):
        parent = _ident(conn, op.kw.get("referent_schema"), op.referent_table)
        joined = " AND ".join(f"p.{_ident(conn, remote)} = c.{_ident(conn, local)}"
                              for local, remote in zip(op.local_cols, op.remote_cols, strict=True))
        present = " AND ".join(f"c.{_ident(conn, local)} IS NOT NULL" for local in op.local_cols)
        return "rows refer to nothing (foreign key would fail)", _scalar(
            conn, f"SELECT count(*) FROM {table} c WHERE {present} AND NOT EXISTS "
                  f"(SELECT 1 FROM {parent} p WHERE {joined})")
    return None
