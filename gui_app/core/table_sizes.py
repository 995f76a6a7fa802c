"""How big each table is, as the server estimates it: what a lock or a rewrite will cost.

PostgreSQL: ``pg_class.reltuples`` (the planner's row estimate, -1 for a table never analysed
or vacuumed) and ``pg_total_relation_size`` (table, indexes and TOAST). MySQL/MariaDB:
``information_schema.TABLES`` (``TABLE_ROWS`` is an estimate for InnoDB). SQLite keeps no such
statistics: nothing is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

TableName = tuple[str | None, str]

_POSTGRESQL = sa.text(
    "SELECT n.nspname, c.relname, c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'")
_MYSQL = sa.text(
    "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) "
    "FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
    "AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")


@dataclass(frozen=True)
class TableSize:
    rows: int | None
    """The server's estimate; None when it has none (a PostgreSQL table never analysed)."""
    bytes: int
    """The table with its indexes."""


def read_sizes(conn: sa.Connection, default_schema: str | None) -> dict[TableName, TableSize]:
    """Every table's size, keyed as the snapshot names tables (None for the default schema)."""
    name = conn.dialect.name
    if name == "postgresql":
        query = _POSTGRESQL
    elif name in ("mysql", "mariadb"):
        query = _MYSQL
    else:
        return {}
    found = {}
    for schema, table, rows, size in conn.execute(query):
        estimate = None if rows is None or rows < 0 else int(rows)
        found[(None if schema == default_schema else schema, table)] = TableSize(estimate, int(size or 0))
    return found


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" or value >= 10 else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_rows(rows: int) -> str:
    if rows >= 1_000_000:
        return f"{rows / 1_000_000:.1f}M rows"
    if rows >= 10_000:
        return f"{rows / 1000:.0f}k rows"
    return f"{rows:,} row{'' if rows == 1 else 's'}"
