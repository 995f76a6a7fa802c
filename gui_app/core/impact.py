"""What each operation would destroy or trip over, counted in the live database.

Counts run against the database as it is (before the plan), read-only, for the
confirmation dialog: rows in a table to drop, values in a column to drop, rows
that would break a new NOT NULL, unique, check or foreign key, values too long
for a narrower type.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.dialects import takes_percent_placeholders
from gui_app.core.errors import describe_error
from gui_app.core.op_facts import describe, existed, table_of
from gui_app.core.projection import ProjectionError, find_table
from gui_app.core.schema import Schema
from gui_app.core.script_code import ScriptCodeOp


@dataclass(frozen=True)
class Impact:
    """What one operation of a plan destroys or may break, counted in the live database."""

    index: int
    operation: str
    what: str
    """``"rows destroyed"``, ``"values destroyed"``, ``"rows that would fail"``..."""
    count: int | None
    """None when the count was given up: :attr:`reason` says why."""
    reason: str = ""

    @property
    def text(self) -> str:
        if self.count is None:
            return f"{self.what}: {self.reason}"
        return f"{self.count} {self.what if self.count != 1 else _singular(self.what)}"


_SINGULAR = {"rows": "row", "values": "value", "groups": "group", "hold": "holds", "get": "gets",
             "break": "breaks", "refer": "refers"}


def _singular(what: str) -> str:
    """``rows hold NULL`` → ``row holds NULL``: the first words, where they are a noun and its verb."""
    words = what.split(" ")
    return " ".join(_SINGULAR.get(w, w) if i < 3 else w for i, w in enumerate(words))


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
        if isinstance(op, ops.ExecuteSQLOp | ScriptCodeOp) and not isinstance(op, ops.BulkInsertOp):
            impacts.extend(_custom_impacts(conn, index, op, seconds, base))
            continue
        target = table_of(op)
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
            with _alone(conn):
                counted = _count(conn, op, target)
        except sa.exc.DBAPIError as error:
            impacts.append(Impact(index, describe(op), _what(op) or "rows affected", None, _given_up(error, seconds)))
            continue
        if counted is not None and counted[1] > 0:
            impacts.append(Impact(index, describe(op), counted[0], counted[1]))
        if isinstance(op, ops.RenameTableOp):
            renamed_or_created.add((op.schema, op.new_table_name))
            renamed_or_created.add(target)
    return impacts


@contextlib.contextmanager
def _alone(conn: sa.Connection) -> Iterator[None]:
    """A count in a transaction of its own, always rolled back: a failed count must not abort
    the others, and a custom step's own WHERE, counted here, must never change anything."""
    transaction = conn.begin()
    try:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        yield
    finally:
        transaction.rollback()


def _given_up(error: BaseException, seconds: float) -> str:
    from gui_app.core import timeouts

    if timeouts.timed_out(error):
        return f"not counted (timed out after {seconds:g} s)"
    return f"not counted ({describe_error(error)})"


def _custom_impacts(conn: sa.Connection, index: int, op: ops.MigrateOperation, seconds: float,
                    base: Schema) -> list[Impact]:
    """What a custom SQL step destroys, read from its SQL and counted where one table's rows can
    be; what code or unreadable SQL does is said to be unknown."""
    from gui_app.core.sql_effects import UNKNOWN, effects

    label = describe(op)
    if isinstance(op, ScriptCodeOp):
        return [Impact(index, label, UNKNOWN, None, "Python code: what it does is known only when it runs")]
    assert isinstance(op, ops.ExecuteSQLOp)
    if not isinstance(op.sqltext, str):
        kind = type(op.sqltext).__name__.lower()
        if isinstance(op.sqltext, sa.sql.Insert | sa.sql.Select):
            return []
        return [Impact(index, label, f"{kind} statement", None, "an expression from a script: not counted")]
    found = []
    for effect in effects(op.sqltext, conn.dialect.name):
        if effect.table is not None and not existed(base, effect.table):
            continue  # a table the plan creates: it holds only what the plan put there
        if not effect.destructive:
            found.append(Impact(index, label, UNKNOWN, None, f"not counted: {effect.statement}"))
            continue
        sql = effect.count_sql(conn.dialect.identifier_preparer.quote,
                               doubled_percents=takes_percent_placeholders(conn.dialect))
        if sql is None:
            found.append(Impact(index, label, effect.what, None, f"cannot be counted: {effect.statement}"))
            continue
        try:
            with _alone(conn):
                found.append(Impact(index, label, effect.what, _scalar(conn, sql)))
        except sa.exc.DBAPIError as error:
            found.append(Impact(index, label, effect.what, None, _given_up(error, seconds)))
    return found


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
