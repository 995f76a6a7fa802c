"""A schema read from one kind of database, restated for another before the two are compared.

``diff`` from SQLite to a PostgreSQL database (or any other pair) compares the first database
with tables reflected from the second; those carry the second server's own spellings
(``'x'::character varying``, ``nextval('t_id_seq'::regclass)``, ``JSONB``, ``INET``), which the
first could not run. Each column type becomes its generic SQLAlchemy form (or the nearest type
the database has), each server default and CHECK the source's spelling of the same expression.
An expression is kept only when the source database can compile it (``EXPLAIN SELECT``, which
resolves functions without running anything); what has no form there is left out with a note,
never written as SQL that fails when the revision runs.
"""

from __future__ import annotations

import copy
import re
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gui_app.core.dialects import family

_SQLGLOT = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
_NOW = {"sqlite": "CURRENT_TIMESTAMP", "postgresql": "CURRENT_TIMESTAMP", "mysql": "CURRENT_TIMESTAMP"}
_NOW_SPELLINGS = re.compile(r"^\(?\s*(now\(\)|current_timestamp(\(\s*\d*\s*\))?|localtimestamp(\(\))?|"
                            r"datetime\(\s*'now'\s*\)|transaction_timestamp\(\)|statement_timestamp\(\))\s*\)?$",
                            re.IGNORECASE)
_ON_UPDATE = re.compile(r"\s+ON\s+UPDATE\s+(.*)$", re.IGNORECASE | re.DOTALL)
_SEQUENCE_DEFAULT = re.compile(r"^\(?\s*nextval\(", re.IGNORECASE)

Compiles = Callable[[str, "sa.Table | None"], bool]
"""Whether the source database compiles an expression (over a table's columns, if given)."""


def port_metadata(metadata: sa.MetaData, source: sa.Connection) -> list[str]:
    """Restate ``metadata`` (reflected from a database of another kind, ``metadata.info["dialect"]``)
    for the database ``source`` is connected to; returns notes on what was left out or changed."""
    written_for = family(str(metadata.info.get("dialect", "")))
    target = family(source.dialect.name)
    if not written_for or written_for == target:
        return []
    compiles = _compiler(source)
    notes: list[str] = []
    for table in metadata.tables.values():
        for column in table.columns:
            where = f"{table.name}.{column.name}"
            column.type = _ported_type(column.type, target, where, notes)
            if column.server_default is not None:
                column.server_default = _ported_default(column, written_for, target, compiles, where, notes)
            if column.computed is not None:
                notes.append(f"{where}: a generated column is compared as a plain column on {target}")
                column.computed = None
                column.server_default = None
        key = list(table.primary_key.columns)
        if len(key) > 1 and target != "postgresql":
            for column in key:
                if column.autoincrement is True:
                    notes.append(f"{table.name}.{column.name}: {target} numbers only a single-column key "
                                 "by itself; compared without autoincrement")
                    column.autoincrement = False
        for constraint in list(table.constraints):
            if isinstance(constraint, sa.CheckConstraint):
                sql = _ported_expression(str(constraint.sqltext), written_for, target, compiles, table)
                if sql is None:
                    notes.append(f"{table.name}: check {constraint.name or str(constraint.sqltext)!r} has no "
                                 f"{target} form and is left out")
                    table.constraints.discard(constraint)
                else:
                    constraint.sqltext = sa.text(sql)
        for index in list(table.indexes):
            _port_index(index, written_for, target, compiles, notes)
            _drop_options_of_others(index, target)
        _drop_options_of_others(table, target)
    if target != "mysql":
        _rename_shared_index_names(metadata, target, notes)
    return notes


def _rename_shared_index_names(metadata: sa.MetaData, target: str, notes: list[str]) -> None:
    """MySQL names indexes per table (Sakila has three ``idx_fk_address_id``); PostgreSQL and
    SQLite per schema: a name used by several tables becomes the conventional one."""
    from gui_app.core.naming import index_name

    tables_using: dict[tuple[str | None, str], int] = {}
    for table in metadata.tables.values():
        for index in table.indexes:
            if index.name:
                tables_using[(table.schema, index.name)] = tables_using.get((table.schema, index.name), 0) + 1
    for table in metadata.tables.values():
        for index in table.indexes:
            if index.name and tables_using[(table.schema, index.name)] > 1:
                columns = [c.name for c in index.columns]
                renamed = index_name(table.name, columns, target, bool(index.unique))
                notes.append(f"{table.name}: index {index.name} is named {renamed} on {target}, where index "
                             "names are shared by all tables of a schema")
                index.name = renamed  # type: ignore[assignment]


def _compiler(source: sa.Connection) -> Compiles:
    """Whether the source database can compile an expression, without running it: ``EXPLAIN``
    over a row of typed NULLs standing for the table's columns."""
    def statement(sql: str, table: sa.Table | None) -> str:
        if table is None:
            return f"EXPLAIN SELECT {sql}"
        preparer = source.dialect.identifier_preparer
        row = ", ".join(f"CAST(NULL AS {c.type.compile(dialect=source.dialect)}) AS {preparer.quote(c.name)}"
                        for c in table.columns)
        return f"EXPLAIN SELECT {sql} FROM (SELECT {row}) AS {preparer.quote(table.name)}"

    if source.dialect.name == "sqlite":
        scratch = sqlite3.connect(":memory:")  # same library, same functions; nothing of the user's touched

        def compiles_here(sql: str, table: sa.Table | None) -> bool:
            try:
                scratch.execute(statement(sql, table))
            except (sqlite3.Error, sa.exc.CompileError):
                return False
            return True

        return compiles_here

    def compiles_on_server(sql: str, table: sa.Table | None) -> bool:
        try:
            text = statement(sql, table)
            with source.begin_nested():
                source.exec_driver_sql(text.replace("%", "%%"))
        except (sa.exc.DBAPIError, sa.exc.CompileError):
            return False
        return True

    return compiles_on_server


def _ported_default(column: sa.Column[Any], written_for: str, target: str, compiles: Compiles, where: str,
                    notes: list[str]) -> Any:
    default = column.server_default
    sql = default.arg if isinstance(default, sa.DefaultClause) else None
    if isinstance(sql, sa.TextClause):
        sql = sql.text
    if not isinstance(sql, str):
        return default
    if _SEQUENCE_DEFAULT.match(sql) and target != "postgresql":
        return None  # a serial column: the key's own autoincrement on this database
    on_update = _ON_UPDATE.search(sql)
    if on_update and target != "mysql":
        notes.append(f"{where}: ON UPDATE {on_update.group(1)} has no {target} form (a trigger would do it); "
                     "left out")
        sql = sql[:on_update.start()]
    ported = _ported_expression(sql, written_for, target, compiles)
    if ported is None:
        notes.append(f"{where}: the default {sql} has no {target} form and is left out")
        return None
    return sa.DefaultClause(sa.text(ported))


def _ported_expression(sql: str, written_for: str, target: str, compiles: Compiles,
                       table: sa.Table | None = None) -> str | None:
    import sqlglot
    from sqlglot import exp

    if _NOW_SPELLINGS.match(sql.strip()):
        return _NOW[target]
    try:
        tree = sqlglot.parse_one(sql, read=_SQLGLOT[written_for])
    except sqlglot.errors.SqlglotError:
        return None
    while isinstance(tree, exp.Paren):
        tree = tree.this
    # A literal cast to a type ('x'::character varying, lower('ABC'::text)) is the literal itself
    # where the spelling of the type is the server's own.
    def literal(node: exp.Expression) -> exp.Expression | None:
        while isinstance(node, exp.Paren):
            node = node.this
        return node if isinstance(node, exp.Literal | exp.Null | exp.Boolean) else None

    tree = tree.transform(lambda node: literal(node.this) or node if isinstance(node, exp.Cast) else node)
    try:
        ported = tree.sql(dialect=_SQLGLOT[target], unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError:
        return None
    return ported if compiles(ported, table) else None


def _port_index(index: sa.Index, written_for: str, target: str, compiles: Compiles, notes: list[str]) -> None:
    table = index.table
    assert table is not None
    where_key = {"postgresql": "postgresql_where", "sqlite": "sqlite_where"}
    options = index.dialect_options[written_for] if written_for in ("postgresql", "sqlite", "mysql") else {}
    where = options.get("where") if written_for in where_key else None
    if where is not None:
        ported = _ported_expression(str(where), written_for, target, compiles, table) if target in where_key \
            else None
        if ported is None:
            notes.append(f"{table.name}: index {index.name} is partial (WHERE {where}), which {target} cannot "
                         "express; it is left out")
            table.indexes.discard(index)
            return
        index.dialect_kwargs[where_key[target]] = sa.text(ported)
    elements: list[Any] = []
    for expression in index.expressions:
        if isinstance(expression, sa.Column | str):
            elements.append(expression)
            continue
        text = str(expression)
        ported = _ported_expression(text, written_for, target, compiles, table)
        if ported is None:
            notes.append(f"{table.name}: index {index.name} uses {text}, which {target} cannot compile; "
                         "it is left out")
            table.indexes.discard(index)
            return
        elements.append(sa.text(ported))
    if any(not isinstance(e, sa.Column | str) for e in elements):  # expressions restated: a new index
        table.indexes.discard(index)
        sa.Index(index.name, *elements, unique=index.unique, _table=table, **index.dialect_kwargs)


def _drop_options_of_others(item: sa.Table | sa.Index, target: str) -> None:
    """``postgresql_include=[]`` or ``mysql_engine='InnoDB'`` mean nothing on another database."""
    for key in [k for k in item.dialect_kwargs if not k.startswith(f"{target}_")]:
        del item.dialect_kwargs[key]


_NEAREST: dict[str, Callable[[Any], sa.types.TypeEngine[Any]]] = {
    "INET": lambda _t: sa.String(43), "CIDR": lambda _t: sa.String(43), "MACADDR": lambda _t: sa.String(17),
    "MACADDR8": lambda _t: sa.String(23), "MONEY": lambda _t: sa.Numeric(19, 2), "TSVECTOR": lambda _t: sa.Text(),
    "YEAR": lambda _t: sa.SmallInteger(), "BIT": lambda t: sa.Boolean() if getattr(t, "length", 1) == 1
    else sa.LargeBinary(), "SET": lambda t: sa.String(max(1, len(",".join(getattr(t, "values", ()))))),
    "CITEXT": lambda _t: sa.Text(), "XML": lambda _t: sa.Text(), "HSTORE": lambda _t: sa.JSON(),
}


def _ported_type(type_: Any, target: str, where: str, notes: list[str]) -> Any:
    module = type(type_).__module__
    if module.startswith("sqlalchemy.dialects.") and module.split(".")[2] == target:
        return _named_enum(type_, target, where)
    name = type(type_).__name__
    if name == "DOMAIN":  # a PostgreSQL domain is its base type elsewhere
        notes.append(f"{where}: domain {type_.name} is compared as its base type {type_.data_type}")
        return _ported_type(type_.data_type, target, where, notes)
    nearest = _NEAREST.get(name)
    if nearest is not None:
        ported = nearest(type_)
        notes.append(f"{where}: {name} has no {target} type; compared as {ported}")
        return ported
    try:
        generic = type_.as_generic()
    except NotImplementedError:
        notes.append(f"{where}: {name} has no {target} type; compared as TEXT")
        return sa.Text()
    if isinstance(generic, sa.String) and generic.collation:  # collations are named per server
        generic = copy.copy(generic)
        generic.collation = None
    if isinstance(generic, sa.ARRAY) and target != "postgresql":
        notes.append(f"{where}: arrays exist only on PostgreSQL; compared as JSON")
        return sa.JSON()
    return _named_enum(generic, target, where)


def _named_enum(type_: Any, target: str, where: str) -> Any:
    """PostgreSQL makes a named type for an ENUM: one from MySQL or SQLite gets its column's name."""
    if target == "postgresql" and isinstance(type_, sa.Enum) and not type_.name:
        return sa.Enum(*type_.enums, name=where.replace(".", "_"))
    return type_
