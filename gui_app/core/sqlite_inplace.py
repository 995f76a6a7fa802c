"""SQLite alterations that leave the stored rows valid, made without rebuilding the table.

SQLite's documentation describes this procedure for changes that do not touch the
on-disk content (defaults, dropping NOT NULL, and here also a declared type with
the same affinity): rewrite the table's CREATE text in ``sqlite_master`` under
``PRAGMA writable_schema`` and make every connection reload the schema. It runs
inside the plan's transaction, so a failure rolls it back with everything else.
Anything else goes through Alembic's table rebuild.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from alembic.operations import ops

from gui_app.core import sa_build, sqlite_ddl
from gui_app.core.schema import Table

_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
                     "GENERATED", "AS"}
_SIMPLE_DEFAULT = re.compile(r"^(?:'(?:[^']|'')*'|[-+]?\d+(?:\.\d*)?|NULL|TRUE|FALSE|CURRENT_TIMESTAMP|CURRENT_DATE|"
                             r"CURRENT_TIME)$", re.IGNORECASE)
BUMP_TABLE = "_alembic_studio_schema_reload"


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


def eligible(group: Sequence[ops.MigrateOperation], table: Table, dialect: Any) -> bool:
    """Whether every operation only changes what the stored rows do not depend on."""
    if table.definition is None or not group:
        return False
    for op in group:
        if not isinstance(op, ops.AlterColumnOp) or op.modify_name or op.modify_nullable is False:
            return False
        if "autoincrement" in op.kw:
            return False
        column = next((c for c in table.columns if c.name == op.column_name), None)
        if column is None or column.computed is not None or column.name in table.primary_key_columns:
            return False
        if op.modify_type is not None and affinity(sa_build.type_name(op.modify_type, dialect)) != affinity(
                column.type_name):
            return False
    return True


def rewritten(table: Table, group: Sequence[ops.AlterColumnOp], dialect: Any) -> str:
    """The table's CREATE text with the group's changes; raises ValueError if it cannot tell how."""
    sql = table.definition or ""
    for op in group:
        sql = _rewrite_column(sql, op, dialect)
    return sql


def _column_span(tokens: list[sqlite_ddl.Token], column: str) -> tuple[int, int]:
    open_at = next(i for i, t in enumerate(tokens) if t.text == "(")
    close = sqlite_ddl._closing(tokens, open_at)
    for begin, end in sqlite_ddl._split_commas(tokens, open_at + 1, close):
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
        clause = "" if new_default is None else f" DEFAULT {_default_text(sa_build.sql_text(new_default))}"
        if default_at is not None:
            value_end = _default_end(tokens, default_at, end)
            edits.append((tokens[default_at - 1].end, tokens[value_end - 1].end, clause))
        else:
            edits.append((after_type, after_type, clause))
    if op.modify_nullable is True:
        for i in range(type_end, end - 1):
            if tokens[i].upper == "NOT" and tokens[i + 1].upper == "NULL":
                last = i + 1
                if last + 2 < end and tokens[last + 1].upper == "ON" and tokens[last + 2].upper == "CONFLICT":
                    last += 3
                edits.append((tokens[i - 1].end, tokens[last].end, ""))
                break
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


def statements(table: Table, new_sql: str) -> list[str]:
    """The SQL that swaps the CREATE text and makes every connection read the schema again."""
    quoted_sql = new_sql.replace("'", "''")
    quoted_name = table.name.replace("'", "''")
    return [
        "PRAGMA writable_schema = ON",
        f"UPDATE sqlite_master SET sql = '{quoted_sql}' WHERE type = 'table' AND name = '{quoted_name}'",
        "PRAGMA writable_schema = RESET",
        # Any DDL moves the schema cookie, so other connections reload the schema too.
        f"CREATE TABLE {BUMP_TABLE} (x INTEGER)",
        f"DROP TABLE {BUMP_TABLE}",
    ]
