"""What SQLAlchemy's MySQL/MariaDB reflection gets wrong, put right from the catalog.

SQLAlchemy reads MySQL tables by parsing ``SHOW CREATE TABLE``. Three gaps matter here:
descending index columns are not reported; a name holding a backtick comes back escaped
(```` a``b ````) for columns, indexes and constraints; and a foreign key whose name, columns or
referred table hold a backtick is not recognised at all (its pattern excludes the character),
so it silently disappears.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine.reflection import Inspector

from gui_app.core.progress import Steps

TableKey = tuple[str | None, str]


def add_sorting(insp: Inspector, database: str, indexes: dict[TableKey, Any]) -> None:
    """SQLAlchemy's MySQL reflection leaves out descending index columns; the catalog has them."""
    rows = insp.bind.execute(text(  # type: ignore[union-attr]
        "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
        "WHERE TABLE_SCHEMA = :db AND COLLATION = 'D'"), {"db": database}).all()
    descending: dict[tuple[str, str], set[str]] = {}
    for table_name, index_name, column in rows:
        descending.setdefault((table_name, index_name), set()).add(column)
    if not descending:
        return
    for (_schema, table_name), found in indexes.items():
        for ix in found:
            columns = descending.get((table_name, ix.get("name")))
            if columns:
                ix["column_sorting"] = {c: ("desc",) for c in columns}


def partition_keys(insp: Inspector, database: str) -> dict[str, str]:
    """Table -> how it is partitioned (``RANGE (year(`created`))``), from the catalog: SQLAlchemy
    keeps partitioning only as dialect options of its CREATE TABLE parse."""
    rows = insp.bind.execute(text(  # type: ignore[union-attr]
        "SELECT DISTINCT TABLE_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, SUBPARTITION_METHOD, "
        "SUBPARTITION_EXPRESSION FROM information_schema.PARTITIONS "
        "WHERE TABLE_SCHEMA = :db AND PARTITION_NAME IS NOT NULL"), {"db": database}).all()
    keys = {}
    for table_name, method, expression, sub_method, sub_expression in rows:
        key = f"{method} ({expression or ''})"
        if sub_method:
            key += f" SUBPARTITION BY {sub_method} ({sub_expression or ''})"
        keys[table_name] = key
    return keys


def _plain(name: Any) -> Any:
    return name.replace("``", "`") if isinstance(name, str) else name


def unescape_names(columns: dict[TableKey, Any], pks: dict[TableKey, Any], indexes: dict[TableKey, Any],
                   uniques: dict[TableKey, Any], checks: dict[TableKey, Any]) -> None:
    """Names as the database holds them, where SQLAlchemy left them as ``SHOW CREATE TABLE``
    spells them (a check's SQL stays as it is: there the escaped form is the right one)."""
    for found in columns.values():
        for col in found:
            col["name"] = _plain(col["name"])
    for pk in pks.values():
        if pk:
            pk["name"] = _plain(pk.get("name"))
            pk["constrained_columns"] = [_plain(c) for c in pk.get("constrained_columns") or ()]
    for found in (*indexes.values(), *uniques.values()):
        for item in found:
            item["name"] = _plain(item.get("name"))
            item["column_names"] = [_plain(c) for c in item.get("column_names") or ()]
            for key in ("duplicates_index", "duplicates_constraint"):
                if item.get(key):
                    item[key] = _plain(item[key])
    for found in checks.values():
        for check in found:
            check["name"] = _plain(check.get("name"))


_KEYS_WITH_BACKTICKS = (
    "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, "
    "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE "
    "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
    "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
    "AND r.TABLE_NAME = k.TABLE_NAME "
    "WHERE k.TABLE_SCHEMA = :db AND k.REFERENCED_TABLE_NAME IS NOT NULL AND k.TABLE_NAME IN ("
    "  SELECT TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = :db"
    "  AND REFERENCED_TABLE_NAME IS NOT NULL AND CONCAT(CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME,"
    "  REFERENCED_COLUMN_NAME, REFERENCED_TABLE_SCHEMA) LIKE '%`%') "
    "ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"
)


def restore_foreign_keys(insp: Inspector, database: str, schema: str | None, fks: dict[TableKey, Any]) -> None:
    """The foreign keys of every table that has one with a backtick in a name, from the catalog
    (the table's other keys are read there too, so its list keeps the catalog's one order)."""
    rows = insp.bind.execute(text(_KEYS_WITH_BACKTICKS), {"db": database}).all()  # type: ignore[union-attr]
    read: dict[TableKey, dict[str, dict[str, Any]]] = {}
    for table_name, name, column, referred_schema, referred_table, referred_column, on_update, on_delete in rows:
        key = read.setdefault((schema, table_name), {}).setdefault(name, {
            "name": name, "constrained_columns": [], "referred_table": referred_table, "referred_columns": [],
            "referred_schema": None if referred_schema == database else referred_schema,
            "options": {k: v for k, v in (("onupdate", on_update), ("ondelete", on_delete))
                        if v not in ("RESTRICT", "NO ACTION")}})
        key["constrained_columns"].append(column)
        key["referred_columns"].append(referred_column)
    for table, keys in read.items():
        if table in fks:
            fks[table] = list(keys.values())


_VIEW_HEAD = re.compile(r"^\s*CREATE\b.*?\bVIEW\s+(?:`(?:[^`]|``)*`\.)?`(?:[^`]|``)*`\s+AS\s+",
                        re.IGNORECASE | re.DOTALL)


def view_query(statement: str | None) -> str | None:
    """A view's query, as PostgreSQL and SQLite give it: MySQL and MariaDB hand back the whole
    ``CREATE ALGORITHM=… DEFINER=… VIEW `name` AS select …``."""
    if statement is None:
        return None
    head = _VIEW_HEAD.match(statement)
    return statement[head.end():] if head else statement


def views(insp: Inspector, schema: str | None, steps: Steps) -> tuple[Any, ...]:
    from gui_app.core.dialects import spelled
    from gui_app.core.schema import Column, View

    steps.advance("views")
    names = sorted(insp.get_view_names(schema))
    columns = insp.get_multi_columns(schema=schema, filter_names=names, kind=sa.engine.ObjectKind.VIEW) \
        if names else {}
    return tuple(View(name, schema, view_query(insp.get_view_definition(name, schema)),
                      columns=tuple(Column(c["name"], spelled(c["type"], insp.dialect), c.get("nullable", True))
                                    for c in columns.get((schema, name), ())))
                 for name in names)


_SEQUENCE_NAMES = text("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = :database AND table_type = 'SEQUENCE' ORDER BY table_name")


def sequences(conn: sa.Connection, database: str, schema: str | None) -> tuple[Any, ...]:
    """MariaDB's sequences with their options. Each is a one-row table; its
    ``next_not_cached_value`` is past every value handed out or cached."""
    from gui_app.core.schema import Sequence

    quote = conn.dialect.identifier_preparer.quote
    found = []
    for name in conn.execute(_SEQUENCE_NAMES, {"database": database}).scalars().all():
        row = conn.execute(text(f"SELECT start_value, minimum_value, maximum_value, increment, cache_size, "
                                f"cycle_option, next_not_cached_value FROM {quote(database)}.{quote(name)}")).one()
        found.append(Sequence(name, schema, None, row.start_value, row.increment, row.minimum_value,
                              row.maximum_value, row.cache_size, bool(row.cycle_option),
                              next_value=row.next_not_cached_value))
    return tuple(found)


_DEFAULTS = text("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS "
                 "WHERE TABLE_SCHEMA = :database AND COLUMN_DEFAULT IS NOT NULL AND COLUMN_DEFAULT <> 'NULL'")


def restore_defaults(insp: Inspector, database: str, schema: str | None, columns: dict[TableKey, Any]) -> None:
    """MariaDB: put back the defaults SQLAlchemy cannot read from ``SHOW CREATE TABLE``, those that
    name something in backticks (``nextval(`shop`.`order_no`)``, ``(`price` * 2)``): it reports
    them as no default at all. The catalog holds them as the server prints them."""
    if not getattr(insp.dialect, "is_mariadb", False):
        return
    lost = {(key[1], col["name"]): col for key, cols in columns.items() for col in cols
            if col.get("default") is None and col.get("computed") is None}
    if not lost:
        return
    with insp.bind.connect() if isinstance(insp.bind, sa.Engine) else nullcontext(insp.bind) as conn:
        found = conn.execute(_DEFAULTS, {"database": database}).all()
    for table, column, default in found:
        col = lost.get((table, column))
        if col is not None and "`" in default:
            col["default"] = default


_ROUTINE_NAMES = text("SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER FROM information_schema.ROUTINES "
                      "WHERE ROUTINE_SCHEMA = :database ORDER BY ROUTINE_NAME, ROUTINE_TYPE")
# SHOW CREATE writes who made it; a statement run again makes the applying user the definer.
_DEFINER = re.compile(r"^(\s*CREATE\s+)DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^@\s]+)"
                      r"(?:@(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s]+))?\s+", re.IGNORECASE)


def without_definer(statement: str) -> str:
    """A CREATE statement from SHOW CREATE without its ``DEFINER=`user`@`host```."""
    return _DEFINER.sub(r"\1", statement, count=1)


def routines(conn: sa.Connection, database: str, schema: str | None) -> tuple[Any, ...]:
    """The database's functions and procedures, each with its CREATE statement (one the user may
    not read, SHOW CREATE gives none, is left out)."""
    from gui_app.core.schema import Routine

    quote = conn.dialect.identifier_preparer.quote
    found = []
    for name, kind, returns in conn.execute(_ROUTINE_NAMES, {"database": database}).all():
        row = conn.exec_driver_sql(f"SHOW CREATE {kind} {quote(database)}.{quote(name)}").mappings().one()
        definition = row.get(f"Create {kind.capitalize()}")
        if definition:
            found.append(Routine(name, schema, kind.lower(), "", without_definer(definition),
                                 returns if kind == "FUNCTION" else None))
    return tuple(found)


_TRIGGER_NAMES = text("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
                      "WHERE TRIGGER_SCHEMA = :database ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, "
                      "EVENT_MANIPULATION, ACTION_ORDER")


def triggers(conn: sa.Connection, database: str) -> dict[str, tuple[Any, ...]]:
    """Each table's triggers (by table name), with their CREATE TRIGGER statements."""
    from gui_app.core.schema import Trigger

    quote = conn.dialect.identifier_preparer.quote
    found: dict[str, list[Trigger]] = {}
    for name, table in conn.execute(_TRIGGER_NAMES, {"database": database}).all():
        row = conn.exec_driver_sql(f"SHOW CREATE TRIGGER {quote(database)}.{quote(name)}").mappings().one()
        statement = row.get("SQL Original Statement")
        if statement:
            found.setdefault(table, []).append(Trigger(name, without_definer(statement)))
    return {table: tuple(items) for table, items in found.items()}


def with_triggers(tables: tuple[Any, ...], found: dict[str, tuple[Any, ...]]) -> tuple[Any, ...]:
    import dataclasses

    return tuple(dataclasses.replace(t, triggers=found[t.name]) if t.name in found else t for t in tables)
