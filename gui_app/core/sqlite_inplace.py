"""SQLite alterations that leave the stored rows valid, made without rebuilding the table.

SQLite's documentation describes this procedure for changes that do not touch the
on-disk content (defaults, dropping NOT NULL, and here also a declared type with
the same affinity): rewrite the table's CREATE text in ``sqlite_master`` under
``PRAGMA writable_schema`` and make every connection reload the schema. Dropping a
named CHECK is such a change too. Adding NOT NULL or a CHECK leaves the stored rows
as they are, provided none breaks it: a guard reads the table first and aborts with
SQLite's own NOT NULL or CHECK message, as the rebuild's copy would. Renames use
SQLite's own RENAME COLUMN, which also follows the name into indexes, views,
triggers and foreign keys (a rebuild would leave those pointing at the old name).
It all runs inside the plan's transaction, so a failure rolls it back with
everything else. Anything else goes through Alembic's table rebuild.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alembic.operations import ops

from gui_app.core import sa_build, sqlite_ddl
from gui_app.core.schema import Table

_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
                     "GENERATED", "AS"}
_SIMPLE_DEFAULT = re.compile(r"^(?:'(?:[^']|'')*'|[-+]?\d+(?:\.\d*)?|NULL|TRUE|FALSE|CURRENT_TIMESTAMP|CURRENT_DATE|"
                             r"CURRENT_TIME)$", re.IGNORECASE)
BUMP_TABLE = "_alembic_studio_schema_reload"
GUARD_TABLE = "_alembic_studio_row_guard"


def affinity(declared: str) -> str:
    """SQLite's column affinity rules (section 3.1 of its datatype documentation)."""
    text = declared.upper()
    if "INT" in text:
        return "INTEGER"
    if any(word in text for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in text or not text.strip():
        return "BLOB"
    if any(word in text for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


@dataclass(frozen=True)
class InPlaceChange:
    """How one table's group of alterations is made without rebuilding the table."""

    renames: tuple[tuple[str, str], ...]
    """(old, new) column names, renamed with SQLite's own RENAME COLUMN, in order; that also
    follows the name into indexes, views, triggers and other tables' foreign keys."""
    new_sql: str
    """The table's CREATE text afterwards."""
    rewrite: bool
    """Whether the CREATE text needs rewriting beyond what the renames do."""
    not_null: tuple[str, ...]
    """Columns (as named afterwards) that become NOT NULL, so the stored rows are checked first."""
    checks: tuple[tuple[str | None, str], ...] = ()
    """(name, condition) of CHECK constraints added: the stored rows are checked against them first."""


def eligible(group: Sequence[ops.MigrateOperation], table: Table, dialect: Any) -> bool:
    """Whether every operation only changes what the stored rows do not depend on."""
    return in_place(group, table, dialect) is not None


def in_place(group: Sequence[ops.MigrateOperation], table: Table, dialect: Any) -> InPlaceChange | None:
    """The in-place form of ``group`` on ``table``, or None when the table must be rebuilt."""
    if table.definition is None or table.schema is not None or not group:
        return None
    columns = {c.name: c for c in table.columns}  # current name -> the column as reflected
    nullable = {c.name: c.nullable for c in table.columns}  # keyed by the reflected name
    renames: list[tuple[str, str]] = []
    sql = renamed_only = table.definition
    checks: list[tuple[str | None, str]] = []
    try:
        for op in group:
            if isinstance(op, ops.CreateCheckConstraintOp):
                condition = sa_build.sql_text(op.condition)
                name = op.constraint_name if isinstance(op.constraint_name, str) else None
                sql = _with_check(sql, name, condition, dialect)
                checks.append((name, condition))
                continue
            if isinstance(op, ops.DropConstraintOp) and op.constraint_type == "check":
                if not isinstance(op.constraint_name, str):
                    return None
                sql = _without_check(sql, op.constraint_name)
                continue
            if not isinstance(op, ops.AlterColumnOp) or "autoincrement" in op.kw:
                return None
            column = columns.get(op.column_name)
            if column is None:
                return None
            if _changes_definition(op):
                if column.computed is not None or column.name in table.primary_key_columns:
                    return None
                if op.modify_type is not None and affinity(sa_build.type_name(op.modify_type, dialect)) != affinity(
                        column.type_name):
                    return None
                sql = _rewrite_column(sql, op, dialect)
                if op.modify_nullable is not None:
                    nullable[column.name] = op.modify_nullable
            if op.modify_name and op.modify_name != op.column_name:
                statement = rename_statement(table.name, op.column_name, op.modify_name, dialect)
                sql, renamed_only = _renamed(sql, statement), _renamed(renamed_only, statement)
                renames.append((op.column_name, op.modify_name))
                columns[op.modify_name] = columns.pop(op.column_name)
    except ValueError:
        return None
    not_null = tuple(name for name, column in columns.items() if column.nullable and not nullable[column.name])
    return InPlaceChange(tuple(renames), sql, sql != renamed_only, not_null, tuple(checks))


def _with_check(sql: str, name: str | None, condition: str, dialect: Any) -> str:
    """The CREATE text with a table CHECK constraint added after the last element."""
    tokens = sqlite_ddl.tokenize(sql)
    close = tokens[sqlite_ddl.elements(tokens)[1]]
    named = f"CONSTRAINT {dialect.identifier_preparer.quote(name)} " if name else ""
    head = sql[:close.start]
    body = head.rstrip()
    indent = "\n    " if "\n" in head else " "
    return f"{body},{indent}{named}CHECK ({condition}){head[len(body):]}{sql[close.start:]}"


def _without_check(sql: str, name: str) -> str:
    """The CREATE text without the CHECK constraint called ``name`` (a column's or the table's);
    SQLite's documentation counts removing a CHECK among the changes the stored rows allow."""
    tokens = sqlite_ddl.tokenize(sql)
    open_at, _close, parts = sqlite_ddl.elements(tokens)
    for begin, end in parts:
        for i in range(begin, end - 3):
            if tokens[i].upper != "CONSTRAINT" or tokens[i + 1].identifier != name or tokens[i + 2].upper != "CHECK":
                continue
            if i > begin:  # a column's constraint: the column stays
                return sql[:tokens[i - 1].end] + sql[tokens[sqlite_ddl._closing(tokens, i + 3)].end:]
            if begin > open_at + 1:  # a table constraint: it goes with the comma before it
                return sql[:tokens[begin - 1].start].rstrip() + sql[tokens[end - 1].end:]
            return sql[:tokens[begin].start] + sql[tokens[end].end:].lstrip()
    raise ValueError(f"CHECK constraint {name} not found in the CREATE text")


def _changes_definition(op: ops.AlterColumnOp) -> bool:
    return op.modify_type is not None or op.modify_nullable is not None or op.modify_server_default is not False


def rename_statement(table: str, old: str, new: str, dialect: Any) -> str:
    quote = dialect.identifier_preparer.quote
    return f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)}"


def _renamed(sql: str, statement: str) -> str:
    """The CREATE text after ``statement`` (a RENAME COLUMN), as SQLite itself rewrites it: the
    name changes in the column, its constraints, CHECKs and generated expressions alike."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(sql)
        conn.execute(statement)
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").fetchone()
        return str(row[0])
    except sqlite3.Error as error:
        raise ValueError(str(error)) from error
    finally:
        conn.close()


def _column_span(tokens: list[sqlite_ddl.Token], column: str) -> tuple[int, int]:
    for begin, end in sqlite_ddl.elements(tokens)[2]:
        if begin < end and tokens[begin].identifier == column and tokens[begin].upper not in _CONSTRAINT_WORDS:
            return begin, end
    raise ValueError(f"column {column} not found in the CREATE text")


def _rewrite_column(sql: str, op: ops.AlterColumnOp, dialect: Any) -> str:
    tokens = sqlite_ddl.tokenize(sql)
    begin, end = _column_span(tokens, op.column_name)
    edits: list[tuple[int, int, str]] = []  # (start offset, end offset, replacement)
    type_end = begin + 1
    while type_end < end and tokens[type_end].upper not in _CONSTRAINT_WORDS:
        type_end += 1
    after_type = tokens[type_end - 1].end
    if op.modify_type is not None:
        new_type = sa_build.type_name(op.modify_type, dialect)
        if type_end > begin + 1:
            edits.append((tokens[begin + 1].start, after_type, new_type))
        else:
            edits.append((after_type, after_type, f" {new_type}"))
    default_at = next((i for i in range(type_end, end) if tokens[i].upper == "DEFAULT"), None)
    if op.modify_server_default is not False:
        new_default = op.modify_server_default
        clause = "" if new_default is None else f" DEFAULT {_default_text(sa_build.default_text(new_default, dialect))}"
        if default_at is not None:
            value_end = _default_end(tokens, default_at, end)
            edits.append((tokens[default_at - 1].end, tokens[value_end - 1].end, clause))
        else:
            edits.append((after_type, after_type, clause))
    not_null_at = next((i for i in range(type_end, end - 1)
                        if tokens[i].upper == "NOT" and tokens[i + 1].upper == "NULL"), None)
    if op.modify_nullable is True and not_null_at is not None:
        last = not_null_at + 1
        if last + 2 < end and tokens[last + 1].upper == "ON" and tokens[last + 2].upper == "CONFLICT":
            last += 3
        edits.append((tokens[not_null_at - 1].end, tokens[last].end, ""))
    if op.modify_nullable is False and not_null_at is None:
        edits.append((after_type, after_type, " NOT NULL"))
    for start, stop, text in sorted(edits, reverse=True):
        sql = sql[:start] + text + sql[stop:]
    return sql


def _default_end(tokens: list[sqlite_ddl.Token], default_at: int, end: int) -> int:
    """Index after the DEFAULT clause's value: a literal, a signed number, a word or a parenthesised expression."""
    i = default_at + 1
    if i < end and tokens[i].text in ("+", "-"):
        i += 1
    if i < end and tokens[i].text == "(":
        return sqlite_ddl._closing(tokens, i) + 1
    return i + 1


def _default_text(text: str) -> str:
    return text if _SIMPLE_DEFAULT.match(text.strip()) else f"({text})"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _row_guard(table: Table, failures: Sequence[tuple[str, str]]) -> list[str]:
    """SQL that reads the table once and fails with the first ``(message, condition)`` whose
    condition a stored row meets. RAISE() exists only inside triggers, hence the throw-away
    temporary table whose insert trigger raises."""
    if not failures:
        return []
    sql = [f"CREATE TEMP TABLE {GUARD_TABLE} (failed INTEGER)"]
    for number, (message, _condition) in enumerate(failures):
        sql.append(f"CREATE TEMP TRIGGER {GUARD_TABLE}_{number} BEFORE INSERT ON {GUARD_TABLE} "
                   f"WHEN NEW.failed = {number} BEGIN SELECT RAISE(ABORT, {_literal(message)}); END")
    which = " ".join(f"WHEN {condition} THEN {number}" for number, (_message, condition) in enumerate(failures))
    anywhere = " OR ".join(f"({condition})" for _message, condition in failures)
    sql.append(f"INSERT INTO {GUARD_TABLE} SELECT CASE {which} END FROM {sqlite_ddl.quoted(table.name)} "
               f"WHERE {anywhere} LIMIT 1")
    sql.append(f"DROP TABLE {GUARD_TABLE}")
    return sql


def _failures(table: Table, change: InPlaceChange) -> list[tuple[str, str]]:
    """What the stored rows must not hold for the change: NULLs in new NOT NULL columns, rows a
    new CHECK rejects (false, not NULL: as SQLite judges a CHECK). Messages are SQLite's own."""
    found = [(f"NOT NULL constraint failed: {table.name}.{column}", f"{sqlite_ddl.quoted(column)} IS NULL")
             for column in change.not_null]
    found += [(f"CHECK constraint failed: {name or condition}", f"NOT ({condition})")
              for name, condition in change.checks]
    return found


def statements(table: Table, change: InPlaceChange, dialect: Any) -> list[str]:
    """The SQL that renames columns, checks the rows for new NOT NULL columns, swaps the CREATE
    text and makes every connection read the schema again."""
    renames = [rename_statement(table.name, old, new, dialect) for old, new in change.renames]
    guard = _row_guard(table, _failures(table, change))
    if not change.rewrite:
        return [*renames, *guard]
    return [
        *renames,
        *guard,
        "PRAGMA writable_schema = ON",
        f"UPDATE sqlite_master SET sql = {_literal(change.new_sql)} "
        f"WHERE type = 'table' AND name = {_literal(table.name)}",
        "PRAGMA writable_schema = RESET",
        # Any DDL moves the schema cookie, so other connections reload the schema too.
        f"CREATE TABLE {BUMP_TABLE} (x INTEGER)",
        f"DROP TABLE {BUMP_TABLE}",
    ]
