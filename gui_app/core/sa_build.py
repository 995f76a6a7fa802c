"""Snapshot objects <-> SQLAlchemy schema objects.

Alembic's drop operations reverse only when built from the original object,
and SQLite's offline batch rebuild needs the table's definition: both are made
here from the snapshot. The other direction turns the objects an operation
carries into snapshot objects for the projection.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ClauseElement, ColumnClause, UnaryExpression
from sqlalchemy.types import NullType
from sqlalchemy.util import OrderedSet

from gui_app.core import schema as s


def column_to_sa(col: s.Column) -> sa.Column[Any]:
    args: list[Any] = []
    if col.computed is not None:
        args.append(sa.Computed(sa.text(col.computed.sqltext), persisted=col.computed.persisted))
    if col.identity is not None:
        args.append(sa.Identity(always=col.identity.always, start=col.identity.start,
                                increment=col.identity.increment))
    return sa.Column(
        col.name,
        col.sa_type if col.sa_type is not None else NullType(),
        *args,
        nullable=col.nullable,
        server_default=sa.text(col.default) if col.default is not None and col.computed is None else None,
        autoincrement=bool(col.autoincrement) if col.autoincrement is not None else "auto",
        comment=col.comment,
    )


def _referent(fk: s.ForeignKey, column: str) -> str:
    return ".".join(p for p in (fk.referred_schema, fk.referred_table, column) if p)


def foreign_key_to_sa(fk: s.ForeignKey) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        list(fk.columns), [_referent(fk, c) for c in fk.referred_columns], name=fk.name,
        ondelete=fk.on_delete, onupdate=fk.on_update, deferrable=fk.deferrable, initially=fk.initially,
    )


def index_to_sa(ix: s.Index, table: sa.Table) -> sa.Index:
    flags = ix.expression_flags or (False,) * len(ix.elements)
    orders = ix.sorting or ("",) * len(ix.elements)
    elements: list[Any] = [_sorted_element(sa.text(e) if is_expr else table.c[e], order)
                           for e, is_expr, order in zip(ix.elements, flags, orders, strict=True)]
    kw: dict[str, Any] = {}
    if ix.where:
        kw["postgresql_where"] = sa.text(ix.where)
        kw["sqlite_where"] = sa.text(ix.where)
    if ix.method:
        if ix.method.upper() in ("FULLTEXT", "SPATIAL"):
            kw["mysql_prefix"] = ix.method.upper()
        else:
            kw["postgresql_using"] = ix.method
    if ix.include:
        kw["postgresql_include"] = list(ix.include)
    return sa.Index(ix.name, *elements, unique=ix.unique, _table=table, **kw)


def _sorted_element(element: Any, order: str) -> Any:
    if not order:
        return element
    if isinstance(element, sa.TextClause):  # an expression keeps its order as text
        return sa.text(f"{element.text} {order}")
    words = order.upper().split()
    if "DESC" in words:
        element = element.desc()
    if "FIRST" in words:
        element = element.nulls_first()
    elif "LAST" in words:
        element = element.nulls_last()
    return element


STUB = "gui_app_stub"
"""``Table.info`` key marking a table made only as a foreign key's target."""


def table_to_sa(table: s.Table, metadata: sa.MetaData | None = None) -> sa.Table:
    """A detached SQLAlchemy table equal to the snapshot (indexes included)."""
    metadata = metadata if metadata is not None else sa.MetaData()
    known = metadata.tables.get(f"{table.schema}.{table.name}" if table.schema else table.name)
    if known is not None and known.info.get(STUB):
        metadata.remove(known)  # made for a foreign key of a table built earlier: the real one replaces it
    items: list[Any] = [column_to_sa(c) for c in table.columns]
    if table.primary_key is not None:
        items.append(sa.PrimaryKeyConstraint(*table.primary_key.columns, name=table.primary_key.name))
    items.extend(foreign_key_to_sa(fk) for fk in table.foreign_keys)
    items.extend(sa.UniqueConstraint(*u.columns, name=u.name) for u in table.unique_constraints)
    items.extend(sa.CheckConstraint(sa.text(c.sqltext), name=c.name) for c in table.check_constraints)
    result = sa.Table(table.name, metadata, *items, schema=table.schema, comment=table.comment)
    for ix in table.indexes:
        index_to_sa(ix, result)
    for fk in table.foreign_keys:
        _stub_referred_table(metadata, table, fk)
    return result


def _stub_referred_table(metadata: sa.MetaData, table: s.Table, fk: s.ForeignKey) -> None:
    """SQLAlchemy resolves a foreign key's target when it compiles or reverses it: give it one.
    The stub holds only the referred columns, typed like the local ones."""
    key = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    if key in metadata.tables:
        return
    local_types = {c.name: c.sa_type for c in table.columns}
    sa.Table(fk.referred_table, metadata, *(
        sa.Column(remote, local_types.get(local) if local_types.get(local) is not None else NullType())
        for local, remote in zip(fk.columns, fk.referred_columns, strict=True)), schema=fk.referred_schema,
        info={STUB: True})


def rebuild_source(table: s.Table, renames: Sequence[tuple[str, str]] = ()) -> tuple[sa.Table, list[Any]]:
    """What a SQLite batch rebuild copies from, and the generated columns to add back.

    Alembic's rebuild copies every column of ``copy_from`` with INSERT ... SELECT, which SQLite
    refuses for generated columns; they are left out of the copy and added to the new table
    instead (they move to its end). The texts only the new table uses (CHECKs, generated and
    index expressions) already carry the ``renames`` the rebuild makes: Alembic renames columns
    but copies those texts as they are."""
    from alembic.operations import ops
    from sqlalchemy.dialects import sqlite

    from gui_app.core.expressions import with_column_renamed

    quote = sqlite.dialect().identifier_preparer.quote
    for old, new in renames:
        table = with_column_renamed(table, old, quote(new))

    plain = dataclasses.replace(table, columns=tuple(c for c in table.columns if c.computed is None))
    generated = [ops.AddColumnOp(table.name, column_to_sa(c), schema=table.schema)
                 for c in table.columns if c.computed is not None]
    source = table_to_sa(plain)
    # Alembic's rebuild copies the constraints and indexes in the order it iterates the table's
    # sets, which is by memory address: the same plan wrote its CREATE TABLE and CREATE INDEX
    # statements in a different order from one render to the next. Constraints in the order made
    # and indexes by name, it is the same.
    source.constraints = OrderedSet(sorted(source.constraints, key=lambda c: c._creation_order))
    source.indexes = OrderedSet(sorted(source.indexes, key=lambda i: str(i.name)))
    return source, generated


# --- SQLAlchemy -> snapshot --------------------------------------------------------------


def sql_text(value: Any) -> str:
    """SQL text of a server default, condition or expression as a user wrote it."""
    if isinstance(value, str):
        return value
    if isinstance(value, sa.DefaultClause):
        value = value.arg
    if isinstance(value, sa.TextClause):
        return value.text
    if isinstance(value, ClauseElement):
        return str(value.compile(compile_kwargs={"literal_binds": True}))
    return str(value)


def default_text(value: Any, dialect: sa.Dialect | None) -> str:
    """SQL of a server default as SQLAlchemy's DDL writes it: a Python string is a quoted literal
    (``server_default="0"`` is ``DEFAULT '0'``), anything else is SQL."""
    if isinstance(value, sa.DefaultClause):
        value = value.arg
    if isinstance(value, str):
        dialect = dialect or sa.engine.default.DefaultDialect()
        literal = str(dialect.statement_compiler(dialect, None).render_literal_value(value, sa.String()))
        # For a driver with %-parameters the literal is written with every % doubled, which the
        # driver takes back out: the database stores (and reports) the single %.
        return literal.replace("%%", "%") if dialect.identifier_preparer._double_percents else literal
    return sql_text(value)


def type_name(sa_type: Any, dialect: sa.Dialect | None) -> str:
    if sa_type is None or isinstance(sa_type, NullType):
        return "NULL"
    try:
        return str(sa_type.compile(dialect=dialect))
    except Exception:  # a type this dialect cannot spell: show the generic name
        return str(sa_type.compile())


def column_from_sa(col: sa.Column[Any], dialect: sa.Dialect | None) -> s.Column:
    computed = None
    if isinstance(col.computed, sa.Computed):
        computed = s.Computed(sql_text(col.computed.sqltext), col.computed.persisted)
    identity = None
    if isinstance(col.identity, sa.Identity):
        identity = s.Identity(bool(col.identity.always), col.identity.start, col.identity.increment)
    default = default_text(col.server_default, dialect) if col.server_default is not None else None
    return s.Column(
        name=col.name,
        type_name=type_name(col.type, dialect),
        nullable=bool(col.nullable),
        default=default,
        autoincrement=col.autoincrement is True,
        identity=identity,
        computed=computed,
        comment=col.comment,
        sa_type=col.type,
    )


def foreign_key_from_sa(fk: sa.ForeignKeyConstraint) -> s.ForeignKey:
    targets = [e.target_fullname.split(".") for e in fk.elements]  # "schema.table.col" or "table.col"
    first = targets[0]
    return s.ForeignKey(
        name=fk.name if isinstance(fk.name, str) else None,
        columns=tuple(fk.column_keys),
        referred_schema=first[0] if len(first) == 3 else None,
        referred_table=first[-2],
        referred_columns=tuple(t[-1] for t in targets),
        on_delete=fk.ondelete.upper() if fk.ondelete else None,
        on_update=fk.onupdate.upper() if fk.onupdate else None,
        deferrable=fk.deferrable,
        initially=fk.initially,
    )


_ORDER_MODIFIERS = {"desc_op": "DESC", "asc_op": "", "nulls_first_op": "NULLS FIRST", "nulls_last_op": "NULLS LAST"}
_SORTED_NAME = re.compile(r"^\s*([^\W\d]\w*|\"(?:[^\"]|\"\")+\")\s+((?:ASC|DESC)(?:\s+NULLS\s+(?:FIRST|LAST))?"
                          r"|NULLS\s+(?:FIRST|LAST))\s*$", re.IGNORECASE)


def _unsorted(expr: Any) -> tuple[Any, str]:
    """An index element without its ordering (``sa.desc(col).nulls_last()``, or ``text('col DESC')``
    as Alembic writes it in a script), and that ordering as SQL."""
    words: list[str] = []
    while isinstance(expr, UnaryExpression) and getattr(expr.modifier, "__name__", "") in _ORDER_MODIFIERS:
        words.insert(0, _ORDER_MODIFIERS[expr.modifier.__name__])  # type: ignore[union-attr]
        expr = expr.element
    text = _written(expr)
    if text is not None and not words:
        found = _SORTED_NAME.match(text)
        if found:
            name = found.group(1)
            name = name[1:-1].replace('""', '"') if name.startswith('"') else name
            return name, " ".join(found.group(2).upper().split()).replace("ASC", "").strip()
    return expr, " ".join(w for w in words if w)


def _written(expr: Any) -> str | None:
    """The SQL text of an element given as text (``text()``, ``literal_column()``, a string)."""
    if isinstance(expr, sa.TextClause):
        return expr.text
    if isinstance(expr, ColumnClause) and expr.is_literal:
        return expr.name
    return expr if isinstance(expr, str) else None


def index_from_sa(ix: sa.Index) -> s.Index:
    elements, flags, sorting = [], [], []
    for raw in ix.expressions:
        expr, order = _unsorted(raw)
        sorting.append(order)
        if isinstance(expr, ColumnClause) and not expr.is_literal:
            elements.append(expr.name)
            flags.append(False)
        elif isinstance(expr, str):
            elements.append(expr)
            flags.append(False)
        else:
            elements.append(sql_text(expr))
            flags.append(True)
    options = ix.dialect_kwargs
    where = next((w for w in (options.get("postgresql_where"), options.get("sqlite_where")) if w is not None), None)
    method = options.get("postgresql_using") or options.get("mysql_prefix")
    include = options.get("postgresql_include") or ()
    return s.Index(
        name=ix.name if isinstance(ix.name, str) else None,
        elements=tuple(elements),
        unique=bool(ix.unique),
        expression_flags=tuple(flags),
        where=sql_text(where) if where is not None else None,
        method=method,
        include=tuple(str(c) for c in include),
        sorting=tuple(sorting) if any(sorting) else (),
    )


def table_from_sa(table: sa.Table, dialect: sa.Dialect | None) -> s.Table:
    pk = table.primary_key
    pk_cols = tuple(c.name for c in pk.columns)
    return s.Table(
        name=table.name,
        schema=table.schema,
        columns=tuple(column_from_sa(c, dialect) for c in table.columns),
        primary_key=s.PrimaryKey(pk.name if isinstance(pk.name, str) else None, pk_cols) if pk_cols else None,
        foreign_keys=tuple(foreign_key_from_sa(fk) for fk in table.foreign_key_constraints),
        indexes=tuple(index_from_sa(ix) for ix in sorted(table.indexes, key=lambda i: i.name or "")),
        unique_constraints=tuple(
            s.UniqueConstraint(c.name if isinstance(c.name, str) else None, tuple(col.name for col in c.columns))
            for c in table.constraints if isinstance(c, sa.UniqueConstraint)),
        check_constraints=tuple(
            s.CheckConstraint(c.name if isinstance(c.name, str) else None, sql_text(c.sqltext))
            for c in table.constraints if isinstance(c, sa.CheckConstraint)),
        comment=table.comment,
    )
