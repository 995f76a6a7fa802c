"""Compare two snapshots in the terms a database can be held to.

Type names are compared as the dialect compiles each side's SQLAlchemy type, so
``character varying(120)`` and ``VARCHAR(120)`` agree; defaults, comments and
constraint texts are compared where the dialect reports them back unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from gui_app.core import sa_build
from gui_app.core.schema import Schema, Table

_DISPLAY_WIDTH = re.compile(r"^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)\(\d+\)")


def _type(column: Any, dialect: sa.Dialect) -> str:
    text = sa_build.type_name(column.sa_type, dialect) if column.sa_type is not None else column.type_name
    text = text.upper().replace(" ", "")
    # MySQL reports an integer's display width, which means nothing to its storage.
    return _DISPLAY_WIDTH.sub(r"\1", text) if dialect.name in ("mysql", "mariadb") else text


def table_shape(table: Table, dialect: sa.Dialect) -> dict[str, Any]:
    indexes, uniques = list(table.indexes), [(u.name or "", u.columns) for u in table.unique_constraints]
    if dialect.name in ("mysql", "mariadb"):  # there, a unique index and a unique constraint are one thing
        uniques += [(ix.name or "", ix.elements) for ix in indexes if ix.unique]
        indexes = [ix for ix in indexes if not ix.unique]
    return {
        "columns": [(c.name, _type(c, dialect), c.nullable) for c in table.columns],
        "primary key": table.primary_key.columns if table.primary_key else (),
        "foreign keys": sorted((fk.columns, fk.referred_table, fk.referred_columns, fk.on_delete or "",
                                fk.on_update or "") for fk in table.foreign_keys),
        "indexes": sorted((ix.name or "", ix.elements, ix.unique, _sorting(ix, dialect)) for ix in indexes),
        "unique constraints": sorted(uniques),
        "check constraints": sorted(c.name or "" for c in table.check_constraints),
        "triggers": sorted(t.name for t in table.triggers),
    }


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
            if actual_shape[aspect] != value:
                found.append(f"table {label}: {aspect} differ: expected {value}, found {actual_shape[aspect]}")
    return found
