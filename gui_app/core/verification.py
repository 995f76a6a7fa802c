"""Compare two snapshots in the terms a database can be held to.

Type names are compared as the dialect compiles each side's SQLAlchemy type, so
``character varying(120)`` and ``VARCHAR(120)`` agree; defaults, comments and
constraint texts are compared where the dialect reports them back unchanged.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

import sqlalchemy as sa

from gui_app.core import sa_build
from gui_app.core.dialects import is_mysql
from gui_app.core.schema import Schema, Table

_DISPLAY_WIDTH = re.compile(r"^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)\(\d+\)")


_MYSQL_DECIMAL = re.compile(r"^(?:NUMERIC|DECIMAL)(?:\((\d+)(?:,(\d+))?\))?$")
_PG_FLOAT = re.compile(r"^FLOAT(?:\((\d+)\))?$")


def _type(column: Any, dialect: sa.Dialect) -> str:
    text = sa_build.type_name(column.sa_type, dialect) if column.sa_type is not None else column.type_name
    text = text.upper().replace(" ", "")
    if dialect.name == "postgresql" and (match := _PG_FLOAT.match(text)):
        # PostgreSQL stores FLOAT(1..24) as REAL and FLOAT, FLOAT(25..53) as DOUBLE PRECISION.
        return "REAL" if match.group(1) and int(match.group(1)) <= 24 else "DOUBLEPRECISION"
    if not is_mysql(dialect.name):
        return text
    if text == "JSON" and getattr(dialect, "is_mariadb", False):
        # MariaDB's JSON is binary-collated LONGTEXT with a column CHECK (json_valid(...)).
        return "LONGTEXTCHARACTERSETUTF8MB4COLLATEUTF8MB4_BIN"
    if text in ("BOOL", "BOOLEAN"):
        return "TINYINT"  # MySQL's BOOL is a synonym: it stores and reports TINYINT(1)
    if match := _MYSQL_DECIMAL.match(text):  # NUMERIC is DECIMAL, whose precision defaults to (10,0)
        return f"DECIMAL({match.group(1) or 10},{match.group(2) or 0})"
    # MySQL reports an integer's display width, which means nothing to its storage.
    return _DISPLAY_WIDTH.sub(r"\1", text)


_CAST = re.compile(r"::[\w .\"\[\]]+(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?$")
# MariaDB keeps a default holding a character beyond U+FFFF intact, but reports it (SHOW CREATE
# TABLE, information_schema) with a '?' in its place.
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_NUMBER = re.compile(r"^'?(-?\d+(?:\.\d+)?)'?$")
_SAME_MEANING = {"NOW()": "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP()": "CURRENT_TIMESTAMP",
                 "LOCALTIMESTAMP": "CURRENT_TIMESTAMP", "TRUE": "1", "FALSE": "0"}


def _default(column: Any, dialect: sa.Dialect) -> str | None:
    """A server default in the terms each database reports it back: without PostgreSQL's casts
    (``'a'::character varying``) and a serial's ``nextval()``, MySQL's quoted numbers and its
    ``current_timestamp()``, outer parentheses, and with booleans as 1 and 0."""
    text: str | None = column.default
    if text is None or column.computed is not None or getattr(column, "identity", None) is not None:
        return None
    text = text.strip()
    while True:
        before = text
        if dialect.name == "postgresql":
            text = _CAST.sub("", text).strip()
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        if text == before:
            break
    if dialect.name == "postgresql" and text.lower().startswith("nextval("):
        return None  # the sequence behind a serial column: its autoincrement, compared as the type
    if is_mysql(dialect.name) and text.upper() == "NULL":
        return None
    if is_mysql(dialect.name):
        text = _mysql_literal(text)
    if getattr(dialect, "is_mariadb", False):
        text = _ASTRAL.sub("?", text)
    if match := _NUMBER.match(text):
        return str(decimal.Decimal(match.group(1)).normalize())
    return _SAME_MEANING.get(text.upper(), text)


_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}


def _mysql_literal(text: str) -> str:
    """A MySQL string literal in one spelling: the server reports a newline in a default as
    ``\\n`` where SQLAlchemy wrote the character itself (the MySQL manual, "String Literals")."""
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return text
    value, i, body = [], 0, text[1:-1]
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            value.append(_MYSQL_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        elif char == "'" and body[i + 1:i + 2] == "'":
            value.append("'")
            i += 2
        elif char == "'":
            return text  # not one literal: 'a' 'b', or an expression
        else:
            value.append(char)
            i += 1
    return "'" + "".join(value).replace("'", "''") + "'"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _implicit_key_index(table: Table, index: Any) -> bool:
    """MySQL indexes a foreign key's columns itself, naming the index after the key (or after its
    first column when the key had no name): the database's doing, not the migration's."""
    return not index.unique and any(
        index.elements == fk.columns and index.name in (fk.name, fk.columns[0]) for fk in table.foreign_keys)


def table_shape(table: Table, dialect: sa.Dialect) -> dict[str, Any]:
    indexes, uniques = list(table.indexes), [(u.name or "", u.columns) for u in table.unique_constraints]
    if is_mysql(dialect.name):  # there, a unique index and a unique constraint are one thing
        uniques += [(ix.name or "", ix.elements) for ix in indexes if ix.unique]
        indexes = [ix for ix in indexes if not ix.unique and not _implicit_key_index(table, ix)]
    return {
        "columns": [(c.name, _type(c, dialect), c.nullable) for c in table.columns],
        "defaults": [(c.name, _default(c, dialect)) for c in table.columns],
        "primary key": table.primary_key.columns if table.primary_key else (),
        "foreign keys": sorted((fk.columns, fk.referred_table, fk.referred_columns, fk.on_delete or "",
                                fk.on_update or "") for fk in table.foreign_keys),
        "indexes": sorted((ix.name or "", ix.elements, ix.unique, _sorting(ix, dialect)) for ix in indexes),
        "unique constraints": sorted(uniques),
        "check constraints": sorted((c.name or "",) for c in table.check_constraints),
        "triggers": sorted(t.name for t in table.triggers),
    }


_SERVER_NAMED = ("unique constraints", "check constraints")
"""Aspects whose unnamed items the server names itself (``tag_name_key``): an expected item
without a name matches a found one with any name and the same content."""


def _unmatched(expected: list[Any], found: list[Any]) -> tuple[list[Any], list[Any]]:
    """(expected items not found, found items not expected); the first field is the name."""
    left = list(found)
    missing = []
    for item in sorted(expected, key=lambda i: i[0] == ""):  # named ones claim theirs first
        match = next((f for f in left if f == item or (item[0] == "" and f[1:] == item[1:])), None)
        if match is None:
            missing.append(item)
        else:
            left.remove(match)
    return missing, left


def _sorting(ix: Any, dialect: sa.Dialect) -> tuple[str, ...]:
    """Index element order, without what is each database's default (PostgreSQL puts NULLs
    last when ascending and first when descending)."""
    orders = []
    for order in ix.sorting:
        if dialect.name == "postgresql":
            order = {"NULLS LAST": "", "DESC NULLS FIRST": "DESC"}.get(order, order)
        orders.append(order)
    return tuple(orders) if any(orders) else ()


BOOKKEEPING = {"alembic_version"}
"""Alembic's own table: it comes and goes with stamping, not with the schema being compared."""


def _tables(schema: Schema) -> dict[tuple[str | None, str], Table]:
    return {(t.schema, t.name): t for t in schema.tables if t.name not in BOOKKEEPING}


def differences(expected: Schema, actual: Schema, dialect: sa.Dialect,
                only: set[tuple[str | None, str]] | None = None) -> list[str]:
    """Human sentences for each way ``actual`` differs from ``expected`` (restricted to ``only``)."""
    want, have = _tables(expected), _tables(actual)
    keys = set(want) | set(have)
    if only is not None:
        keys &= only
    found = []
    for key in sorted(keys, key=lambda k: (k[0] or "", k[1])):
        label = f"{key[0]}.{key[1]}" if key[0] else key[1]
        if key not in have:
            found.append(f"table {label} is missing")
            continue
        if key not in want:
            found.append(f"table {label} exists but was not expected")
            continue
        expected_shape, actual_shape = table_shape(want[key], dialect), table_shape(have[key], dialect)
        for aspect, value in expected_shape.items():
            if aspect in _SERVER_NAMED:
                missing, extra = _unmatched(value, actual_shape[aspect])
                if missing or extra:
                    found.append(f"table {label}: {aspect} differ: expected {missing} not found, found {extra}")
            elif actual_shape[aspect] != value:
                found.append(f"table {label}: {aspect} differ: expected {value}, found {actual_shape[aspect]}")
    return found
