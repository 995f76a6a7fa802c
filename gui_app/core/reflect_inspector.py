"""PostgreSQL and MySQL/MariaDB reflection through SQLAlchemy's batched inspector.

Each ``get_multi_*`` call reads one kind of object for a whole schema in one
go. PostgreSQL facts the inspector does not hand out (the database's own type
names, partitions, view definitions, sequences) come from
:mod:`reflect_postgresql` in a few catalog queries.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.exc import SAWarning

from gui_app.core import reflect_mysql
from gui_app.core.dialects import spelled
from gui_app.core.progress import Steps
from gui_app.core.reflect_postgresql import PostgresExtras, read_extras
from gui_app.core.schema import (
    CheckConstraint,
    Column,
    Computed,
    ForeignKey,
    Identity,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)

_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "pg_toast"}
_PER_SCHEMA_STEPS = 8
TableKey = tuple[str | None, str]

# The inspector's schema names (``get_schema_names``), each with whether it holds a table the
# inspector reads (plain, partitioned or foreign): a schema without one needs none of its reads.
_SCHEMAS = text("""
    SELECT n.nspname, EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid
                                                         AND c.relkind IN ('r', 'p', 'f'))
    FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' ORDER BY n.nspname
""")


def reflect_with_inspector(conn: Connection, steps: Steps, only: set[tuple[str | None, str]] | None = None,
                           tables_only: bool = False,
                           catalog: Callable[[], PostgresExtras | None] | None = None) -> Schema:
    """``catalog``: PostgreSQL's facts beyond the inspector's, when another connection reads them
    meanwhile (see :func:`gui_app.core.reflect.reflect`); read here on ``conn`` otherwise, or
    where it gives None (no second connection to be had)."""
    insp = inspect(conn)
    default = insp.default_schema_name
    postgres = conn.dialect.name == "postgresql"
    mariadb = bool(getattr(conn.dialect, "is_mariadb", False))
    holding_tables: set[str] | None = None
    if postgres:
        found = {name: has_tables for name, has_tables in conn.execute(_SCHEMAS)}
        names = [n for n in found if n not in _SYSTEM_SCHEMAS and not n.startswith(("pg_temp", "pg_toast"))]
        holding_tables = {n for n in names if found[n]}
    elif default is None:
        raise ValueError("the URL names no database to read; add one, as in mysql://user@host/shop")
    else:
        names = [default]
    steps.grow(len(names) * _PER_SCHEMA_STEPS + (2 if postgres else 1))
    extras: PostgresExtras | None = None

    def postgres_extras() -> PostgresExtras:
        nonlocal extras
        if extras is None:
            steps.advance("Reading PostgreSQL catalog")
            extras = catalog() if catalog is not None else None
            if extras is None:
                extras = read_extras(conn, insp, tables_only)
        return extras

    if postgres and catalog is None:
        postgres_extras()
    namespaces = []
    for name in names:
        schema = None if name == default else name
        wanted = None if only is None else [t for s, t in only if s == schema]
        reads_tables = (wanted is None or bool(wanted)) and (holding_tables is None or name in holding_tables)
        if postgres:
            tables = _tables(insp, schema, name, steps, lambda: postgres_extras().type_names, wanted) \
                if reads_tables else _skipped(steps, name)
            steps.advance(f"{name}: views and types")
            namespaces.append(postgres_extras().namespace(name, name == default, schema, tables))
        else:
            tables = _tables(insp, schema, name, steps, lambda: None, wanted) if reads_tables \
                else _skipped(steps, name)
            if tables_only:
                steps.advance(f"{name}: no views")
            views = reflect_mysql.views(insp, schema, steps) if not tables_only else ()
            sequences = reflect_mysql.sequences(conn, name, schema) if mariadb and not tables_only else ()
            routines = reflect_mysql.routines(conn, name, schema) if not tables_only else ()
            tables = reflect_mysql.with_triggers(tables, reflect_mysql.triggers(conn, name))
            namespaces.append(Namespace(name, tables, views, sequences=sequences, is_default=name == default,
                                        routines=routines))
    if postgres:
        postgres_extras()  # its step, and its read's error, with no schema to ask for it
    steps.advance("Finishing")
    version = ".".join(str(p) for p in conn.dialect.server_version_info or ())
    dialect = "mariadb" if mariadb else conn.dialect.name
    unsupported = frozenset() if postgres else frozenset(
        {"enums", "domains", "index_where"} | (set() if mariadb else {"sequences"}))
    return Schema(dialect, version, default, tuple(namespaces), unsupported)


def _skipped(steps: Steps, label: str) -> tuple[Table, ...]:
    """A schema without tables: its steps pass without the seven reads that would find nothing."""
    for _ in range(_PER_SCHEMA_STEPS - 1):
        steps.advance(f"{label}: no tables")
    return ()


def _tables(insp: Inspector, schema: str | None, label: str, steps: Steps,
            type_names_of: Callable[[], dict[tuple[str, str, str], str] | None],
            only: list[str] | None = None) -> tuple[Table, ...]:
    def read(what: str, call: Callable[..., Any]) -> dict[TableKey, Any]:
        steps.advance(f"{label}: {what}")
        with warnings.catch_warnings():
            # Unknown extension types (cube, point) are kept under their database name.
            warnings.simplefilter("ignore", SAWarning)
            return dict(call(schema=schema, filter_names=only))

    columns = read("columns", insp.get_multi_columns)
    pks = read("primary keys", insp.get_multi_pk_constraint)
    fks = read("foreign keys", insp.get_multi_foreign_keys)
    indexes = read("indexes", insp.get_multi_indexes)
    uniques = read("unique constraints", insp.get_multi_unique_constraints)
    checks = read("check constraints", insp.get_multi_check_constraints)
    if insp.dialect.name != "postgresql":
        reflect_mysql.unescape_names(columns, pks, indexes, uniques, checks)
        reflect_mysql.add_sorting(insp, label, indexes)
        reflect_mysql.restore_foreign_keys(insp, label, schema, fks)
        reflect_mysql.restore_defaults(insp, label, schema, columns)
    partition_keys = reflect_mysql.partition_keys(insp, label) if insp.dialect.name != "postgresql" else {}
    comments = read("comments", insp.get_multi_table_comment)
    dialect = insp.dialect
    postgres = dialect.name == "postgresql"
    namespace = label
    type_names = type_names_of()
    tables = []
    for key in sorted(columns, key=lambda k: k[1]):
        table_name = key[1]
        # MySQL reports a unique constraint a second time as a unique index of the same name.
        unique_indexes = {u["duplicates_index"] for u in uniques.get(key, ()) if u.get("duplicates_index")}

        def type_name(col: dict[str, Any], table: str = table_name) -> str:
            if type_names is not None:
                found = type_names.get((namespace, table, col["name"]))
                if found:
                    return found
            return spelled(col["type"], dialect)

        table_indexes = tuple(_index(i) for i in indexes.get(key, ())
                              if "duplicates_constraint" not in i and i.get("name") not in unique_indexes)
        if not postgres:
            # The index MySQL makes for a key is named after the key, or after its first column
            # when the key was created without a name.
            fk_names = {(name, tuple(f["constrained_columns"])) for f in fks.get(key, ())
                        for name in (f.get("name"), f["constrained_columns"][0])}
            table_indexes = tuple(dataclasses.replace(ix, for_foreign_key=True) if (ix.name, ix.elements) in fk_names
                                  else ix for ix in table_indexes)
        tables.append(Table(
            name=table_name,
            schema=schema,
            columns=tuple(_column(c, type_name(c)) for c in columns[key]),
            primary_key=_primary_key(pks.get(key)),
            foreign_keys=tuple(_foreign_key(f, schema) for f in fks.get(key, ())),
            indexes=table_indexes,
            unique_constraints=tuple(UniqueConstraint(u["name"], tuple(u["column_names"]))
                                     for u in uniques.get(key, ())),
            check_constraints=tuple(CheckConstraint(c["name"], c["sqltext"]) for c in checks.get(key, ())),
            comment=(comments.get(key) or {}).get("text"),
            partition_key=partition_keys.get(table_name),
        ))
    return tuple(tables)


def _column(col: dict[str, Any], type_name: str) -> Column:
    identity = col.get("identity")
    computed = col.get("computed")
    return Column(
        name=col["name"],
        type_name=type_name,
        nullable=bool(col["nullable"]),
        default=col.get("default"),
        autoincrement=col.get("autoincrement") is True,
        identity=Identity(bool(identity.get("always")), identity.get("start"), identity.get("increment"))
        if identity else None,
        computed=Computed(str(computed["sqltext"]), computed.get("persisted")) if computed else None,
        comment=col.get("comment"),
        sa_type=col["type"],
    )


def _primary_key(pk: dict[str, Any] | None) -> PrimaryKey | None:
    if not pk or not pk.get("constrained_columns"):
        return None
    return PrimaryKey(pk.get("name"), tuple(pk["constrained_columns"]))


def _foreign_key(fk: dict[str, Any], schema: str | None) -> ForeignKey:
    options = fk.get("options") or {}
    return ForeignKey(
        name=fk.get("name"),
        columns=tuple(fk["constrained_columns"]),
        referred_schema=fk.get("referred_schema"),
        referred_table=fk["referred_table"],
        referred_columns=tuple(fk["referred_columns"]),
        on_delete=_rule(options.get("ondelete")),
        on_update=_rule(options.get("onupdate")),
        deferrable=options.get("deferrable"),
        initially=options.get("initially"),
    )


def _rule(value: str | None) -> str | None:
    return None if value is None or value.upper() in ("NO ACTION", "RESTRICT_DEFAULT") else value.upper()


def _index(ix: dict[str, Any]) -> Index:
    names = ix.get("column_names") or []
    expressions = ix.get("expressions") or names
    options = ix.get("dialect_options") or {}
    elements = tuple(str(e) for e in expressions)
    flags = tuple(n is None for n in names) if names else (False,) * len(elements)
    order_of = ix.get("column_sorting") or {}
    sorting = tuple(" ".join(_SORT_WORDS[w] for w in order_of.get(e, ())) for e in elements)
    return Index(
        name=ix.get("name"),
        elements=elements,
        unique=bool(ix.get("unique")),
        expression_flags=flags,
        where=options.get("postgresql_where"),
        method=options.get("postgresql_using") or options.get("mysql_prefix") or options.get("mariadb_prefix"),
        include=tuple(ix.get("include_columns") or options.get("postgresql_include") or ()),
        sorting=sorting if any(sorting) else (),
    )


_SORT_WORDS = {"asc": "", "desc": "DESC", "nulls_first": "NULLS FIRST", "nulls_last": "NULLS LAST"}
