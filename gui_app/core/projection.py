"""``project(op, schema) -> schema``: what the schema looks like after one Alembic operation.

A pure function per operation type, so the projected schema is a fold over the
plan. Only the touched table is rebuilt; every other object is shared with the
previous snapshot.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache, singledispatch
from typing import Any

import sqlalchemy as sa
from alembic.ddl.postgresql import CreateExcludeConstraintOp
from alembic.operations import ops

from gui_app.core import sa_build, sqlite_triggers
from gui_app.core.batch_block import BatchBlockOp
from gui_app.core.dialects import is_mysql
from gui_app.core.expressions import index_uses_column, references_column, with_column_renamed
from gui_app.core.schema import (
    CheckConstraint,
    ExclusionConstraint,
    ForeignKey,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Table,
    Trigger,
    UniqueConstraint,
)
from gui_app.core.script_code import ScriptCodeOp


class ProjectionError(ValueError):
    """The operation does not fit the schema (a table or column that is not there)."""


def project(schema: Schema, op: ops.MigrateOperation, dialect: sa.Dialect | None = None) -> Schema:
    return _project(op, schema, dialect)


@singledispatch
def _project(op: ops.MigrateOperation, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    raise ProjectionError(f"{type(op).__name__} is not supported")


# --- helpers ------------------------------------------------------------------------------


def _namespace_index(schema: Schema, name: str | None) -> int:
    for i, ns in enumerate(schema.namespaces):
        if ns.holds(name):
            return i
    raise ProjectionError(f"there is no schema {name!r}")


def dialect_of(schema: Schema, dialect: sa.Dialect | None) -> str:
    """The dialect an operation is projected for: the one given, else the snapshot's."""
    return dialect.name if dialect is not None else schema.dialect


def namespace_of(schema: Schema, name: str | None) -> tuple[int, Namespace]:
    """The namespace ``name`` names (None: the default one) and its place; a
    :class:`ProjectionError` where there is none."""
    index = _namespace_index(schema, name)
    return index, schema.namespaces[index]


def _replace_namespace(schema: Schema, index: int, namespace: Namespace) -> Schema:
    spaces = list(schema.namespaces)
    spaces[index] = namespace
    return dataclasses.replace(schema, namespaces=tuple(spaces))


def find_table(schema: Schema, name: str, table_schema: str | None) -> Table:
    """:meth:`Schema.find_table` for an operation that needs the table: a missing one (or a missing
    schema) is a :class:`ProjectionError` that names it."""
    found = schema.find_table(name, table_schema)
    if found is None:
        _namespace_index(schema, table_schema)  # raises when the schema itself is missing
        raise ProjectionError(f"there is no table {qualified_name(name, table_schema)}")
    return found


def qualified_name(name: str, table_schema: str | None) -> str:
    """``schema.name`` as messages show it, ``name`` in the default schema."""
    return f"{table_schema}.{name}" if table_schema else name


def _change_table(schema: Schema, name: str, table_schema: str | None,
                  change: Callable[[Table], Table | None]) -> Schema:
    """Replace (or, when ``change`` returns None, remove) one table."""
    index = _namespace_index(schema, table_schema)
    ns = schema.namespaces[index]
    tables = list(ns.tables)
    for i, table in enumerate(tables):
        if table.name == name:
            new = change(table)
            if new is None:
                del tables[i]
            else:  # the stored CREATE text no longer describes the table
                tables[i] = dataclasses.replace(new, definition=None) if new.definition is not None else new
            return _replace_namespace(schema, index, dataclasses.replace(ns, tables=tuple(tables)))
    raise ProjectionError(f"there is no table {qualified_name(name, table_schema)}")


def _change_referencing(schema: Schema, change: Callable[[ForeignKey], ForeignKey]) -> Schema:
    """Apply ``change`` to every foreign key of every table, rebuilding only tables it alters."""
    spaces = []
    for ns in schema.namespaces:
        tables = []
        for table in ns.tables:
            fks = tuple(change(fk) for fk in table.foreign_keys)
            # SQLite rewrites the referencing table's CREATE text too, so the stored one is stale.
            tables.append(table if fks == table.foreign_keys
                          else dataclasses.replace(table, foreign_keys=fks, definition=None))
        spaces.append(dataclasses.replace(ns, tables=tuple(tables)))
    return dataclasses.replace(schema, namespaces=tuple(spaces))


def _follow_owners(schema: Schema, where: str | None,
                   change: Callable[[tuple[str, str]], tuple[str, str] | None]) -> Schema:
    """PostgreSQL drops a sequence with the column (or table) it belongs to and follows that
    column's renames: ``change`` maps each owner to its new one (None: the sequence goes)."""
    index = _namespace_index(schema, where)
    ns = schema.namespaces[index]
    kept = []
    for sequence in ns.sequences:
        owner = sequence.owned_by and change(sequence.owned_by)
        if sequence.owned_by is None or owner == sequence.owned_by:
            kept.append(sequence)
        elif owner is not None:
            kept.append(dataclasses.replace(sequence, owned_by=owner))
    if len(kept) == len(ns.sequences) and all(a is b for a, b in zip(kept, ns.sequences, strict=True)):
        return schema
    return _replace_namespace(schema, index, dataclasses.replace(ns, sequences=tuple(kept)))


def _require_column(table: Table, name: str) -> None:
    if all(c.name != name for c in table.columns):
        raise ProjectionError(f"there is no column {name!r} in table {table.name}")


# --- tables -------------------------------------------------------------------------------


@_project.register
def _(op: ops.CreateTableOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    index = _namespace_index(schema, op.schema)
    ns = schema.namespaces[index]
    if any(t.name == op.table_name for t in ns.tables):
        raise ProjectionError(f"table {qualified_name(op.table_name, op.schema)} already exists")
    table = sa_build.table_from_sa(op.to_table(), dialect)
    tables = tuple(sorted((*ns.tables, table), key=lambda t: t.name))
    return _replace_namespace(schema, index, dataclasses.replace(ns, tables=tables))


@_project.register
def _(op: ops.DropTableOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    schema = _change_table(schema, op.table_name, op.schema, lambda t: None)
    return _follow_owners(schema, op.schema, lambda owner: None if owner[0] == op.table_name else owner)


@_project.register
def _(op: ops.RenameTableOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    old, new, where = op.table_name, op.new_table_name, op.schema
    triggers = _triggers_after(schema, where, f"ALTER TABLE {_quote(old)} RENAME TO {_quote(new)}")
    schema = _change_table(schema, old, where, lambda t: _triggers_on_renamed(
        dataclasses.replace(t, name=new), new, schema.dialect))
    schema = _follow_owners(schema, where, lambda owner: (new, owner[1]) if owner[0] == old else owner)
    index = _namespace_index(schema, where)
    ns = schema.namespaces[index]
    schema = _replace_namespace(schema, index, dataclasses.replace(
        ns, tables=tuple(sorted(ns.tables, key=lambda t: t.name))))

    def follow(fk: ForeignKey) -> ForeignKey:
        if fk.referred_table == old and fk.referred_schema == where:
            return dataclasses.replace(fk, referred_table=new)
        return fk

    return sqlite_triggers.with_triggers(_change_referencing(schema, follow), triggers)


def _quote(name: str) -> str:
    """Quoted as the statements that run are (SQLite writes a rename's new name the same way)."""
    return str(_sqlite_preparer().quote(name))


@cache
def _sqlite_preparer() -> Any:
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect().identifier_preparer


def _triggers_after(schema: Schema, where: str | None, rename: str) -> dict[str, tuple[Trigger, ...]]:
    """SQLite rewrites trigger bodies on renames (the others keep a trigger's body as it is)."""
    return sqlite_triggers.after_rename(schema, rename) if where is None and schema.dialect == "sqlite" else {}


def printed_name(name: str, dialect: str) -> str:
    """A name as the server prints it in a definition (PostgreSQL quotes only what needs it,
    MySQL/MariaDB quote every name)."""
    if dialect == "postgresql":
        return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'
    return "`" + name.replace("`", "``") + "`"


def _triggers_on_renamed(table: Table, new: str, dialect: str) -> Table:
    """PostgreSQL and MySQL/MariaDB print a trigger's table by its name now: the definitions of
    ``table``'s triggers, renamed ``new``, name it so."""
    if not table.triggers or dialect == "sqlite":
        return table
    from gui_app.core.marked_ops import target

    def follow(trigger: Trigger) -> Trigger:
        on = re.search(r"\sON\s+", trigger.definition, re.IGNORECASE)
        if on is None:
            return trigger
        try:
            where, _old, rest = target(trigger.definition[on.end():])
        except ValueError:
            return trigger
        qualifier = trigger.definition[on.end():len(trigger.definition) - len(rest)].rsplit(".", 1)[0] + "." \
            if where is not None else ""
        return dataclasses.replace(trigger, definition=trigger.definition[:on.end()] + qualifier
                                   + printed_name(new, dialect) + rest)

    return dataclasses.replace(table, triggers=tuple(follow(t) for t in table.triggers))


@_project.register
def _(op: ops.CreateTableCommentOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    return _change_table(schema, op.table_name, op.schema, lambda t: dataclasses.replace(t, comment=op.comment))


@_project.register
def _(op: ops.DropTableCommentOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    return _change_table(schema, op.table_name, op.schema, lambda t: dataclasses.replace(t, comment=None))


# --- columns ------------------------------------------------------------------------------


@_project.register
def _(op: ops.AddColumnOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    column = sa_build.column_from_sa(op.column, dialect)

    def add(table: Table) -> Table:
        if any(c.name == column.name for c in table.columns):
            raise ProjectionError(f"column {column.name!r} already exists in table {table.name}")
        fks = tuple(sa_build.foreign_key_from_sa(sa.ForeignKeyConstraint([column.name], [fk.target_fullname]))
                    for fk in op.column.foreign_keys)
        return dataclasses.replace(table, columns=(*table.columns, column), foreign_keys=table.foreign_keys + fks)

    return _change_table(schema, op.table_name, op.schema, add)


@_project.register
def _(op: ops.DropColumnOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    name = op.column_name
    family = dialect.name if dialect is not None else "sqlite"

    def drop(table: Table) -> Table:
        _require_column(table, name)
        table = dataclasses.replace(table, columns=tuple(c for c in table.columns if c.name != name))
        if family == "postgresql":
            return _without_users_of(table, name)
        if is_mysql(family):
            return _narrowed_without(table, name)
        return table

    schema = _change_table(schema, op.table_name, op.schema, drop)
    return _follow_owners(schema, op.schema, lambda owner: None if owner == (op.table_name, name) else owner)


def _without_users_of(table: Table, column: str) -> Table:
    """PostgreSQL drops every index and table constraint that involves a dropped column with it."""
    pk = table.primary_key
    return dataclasses.replace(
        table,
        primary_key=None if pk is not None and column in pk.columns else pk,
        indexes=tuple(ix for ix in table.indexes if not index_uses_column(ix.elements, ix.expression_flags, column)
                      and not (ix.where and references_column(ix.where, column))),
        unique_constraints=tuple(u for u in table.unique_constraints if column not in u.columns),
        check_constraints=tuple(c for c in table.check_constraints if not references_column(c.sqltext, column)),
        foreign_keys=tuple(fk for fk in table.foreign_keys if column not in fk.columns),
        exclusions=tuple(x for x in table.exclusions if not references_column(x.definition, column)),
    )


def _narrowed_without(table: Table, column: str) -> Table:
    """MySQL takes a dropped column out of every index and key (dropping those left empty) and
    drops a CHECK on that column alone; what else uses it makes the server refuse (validation)."""

    def index(ix: Index) -> Index | None:
        flags = ix.expression_flags or (False,) * len(ix.elements)
        kept = [(e, f, o) for e, f, o in zip(ix.elements, flags, ix.sorting or ("",) * len(ix.elements), strict=True)
                if f or e != column]
        if not kept:
            return None
        return dataclasses.replace(ix, elements=tuple(k[0] for k in kept), expression_flags=tuple(k[1] for k in kept),
                                   sorting=tuple(k[2] for k in kept) if ix.sorting else ix.sorting)

    pk = table.primary_key
    pk_columns = tuple(c for c in pk.columns if c != column) if pk is not None else ()
    uniques = (dataclasses.replace(u, columns=tuple(c for c in u.columns if c != column))
               for u in table.unique_constraints)
    return dataclasses.replace(
        table,
        primary_key=dataclasses.replace(pk, columns=pk_columns) if pk is not None and pk_columns else None,
        indexes=tuple(ix for ix in map(index, table.indexes) if ix is not None),
        unique_constraints=tuple(u for u in uniques if u.columns),
        check_constraints=tuple(c for c in table.check_constraints if not references_column(c.sqltext, column)),
    )


def _renamed(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if n == old else n for n in names)


@_project.register
def _(op: ops.AlterColumnOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    old, new = op.column_name, op.modify_name or op.column_name
    changes: dict[str, Any] = {}
    if op.modify_name:
        changes["name"] = op.modify_name
    if op.modify_type is not None:
        changes["sa_type"] = op.modify_type
        changes["type_name"] = sa_build.type_name(op.modify_type, dialect)
    if op.modify_nullable is not None:
        changes["nullable"] = op.modify_nullable
    # Alembic's convention: False leaves the attribute as it is, None removes it.
    if op.modify_server_default is not False:
        default = op.modify_server_default
        changes["default"] = None if default is None else sa_build.default_text(default, dialect)
    if op.modify_comment is not False:
        changes["comment"] = op.modify_comment
    if op.kw.get("autoincrement") is not None:
        changes["autoincrement"] = bool(op.kw["autoincrement"])
    if dialect is not None and is_mysql(dialect.name) and _mysql_restates(op):
        changes.update(_mysql_restated(op, dialect))

    def alter(table: Table) -> Table:
        _require_column(table, old)
        columns = []
        for col in table.columns:
            columns.append(dataclasses.replace(col, **changes) if col.name == old else col)
        table = dataclasses.replace(table, columns=tuple(columns))
        if new != old:
            table = _rename_in_table(table, old, new, dialect)
        return table

    triggers = {} if new == old else _triggers_after(
        schema, op.schema, f"ALTER TABLE {_quote(op.table_name)} RENAME COLUMN {_quote(old)} TO {_quote(new)}")
    schema = _change_table(schema, op.table_name, op.schema, alter)
    if new == old:
        return schema
    schema = _follow_owners(schema, op.schema,
                            lambda owner: (owner[0], new) if owner == (op.table_name, old) else owner)

    def follow(fk: ForeignKey) -> ForeignKey:
        if fk.referred_table == op.table_name and fk.referred_schema == op.schema and old in fk.referred_columns:
            return dataclasses.replace(fk, referred_columns=_renamed(fk.referred_columns, old, new))
        return fk

    return sqlite_triggers.with_triggers(_change_referencing(schema, follow), triggers)


def _mysql_restates(op: ops.AlterColumnOp) -> bool:
    """Whether Alembic writes the alteration as MySQL's CHANGE or MODIFY, which restate the whole
    column (a default change alone is ``ALTER ... SET DEFAULT``)."""
    return bool(op.modify_name) or op.modify_nullable is not None or op.modify_type is not None \
        or op.kw.get("autoincrement") is not None or op.modify_comment is not False


def _mysql_restated(op: ops.AlterColumnOp, dialect: sa.Dialect) -> dict[str, Any]:
    """What CHANGE/MODIFY leaves of the attributes the operation does not set: Alembic fills them
    from ``existing_*``, and what is not given there is lost (NULL allowed, no default, no comment)."""
    changes: dict[str, Any] = {}
    if op.modify_nullable is None:
        changes["nullable"] = op.existing_nullable if op.existing_nullable is not None else True
    if op.modify_server_default is False:
        default = op.existing_server_default
        changes["default"] = None if default is None or default is False else sa_build.default_text(default, dialect)
    if op.modify_comment is False:
        changes["comment"] = op.existing_comment
    return changes


def _rename_in_table(table: Table, old: str, new: str, dialect: sa.Dialect | None) -> Table:
    pk = table.primary_key
    quoted = (dialect.identifier_preparer if dialect is not None else _sqlite_preparer()).quote(new)
    table = with_column_renamed(table, old, quoted)
    return dataclasses.replace(
        table,
        primary_key=dataclasses.replace(pk, columns=_renamed(pk.columns, old, new)) if pk else None,
        foreign_keys=tuple(dataclasses.replace(fk, columns=_renamed(fk.columns, old, new))
                           for fk in table.foreign_keys),
        indexes=tuple(dataclasses.replace(ix, elements=tuple(
            new if e == old and not flag else e
            for e, flag in zip(ix.elements, ix.expression_flags or (False,) * len(ix.elements), strict=True)))
            for ix in table.indexes),
        unique_constraints=tuple(dataclasses.replace(u, columns=_renamed(u.columns, old, new))
                                 for u in table.unique_constraints),
    )


# --- indexes and constraints --------------------------------------------------------------


@_project.register
def _(op: ops.CreateIndexOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    index = sa_build.index_from_sa(op.to_index())

    def add(table: Table) -> Table:
        for name in index.columns:
            _require_column(table, name)
        return dataclasses.replace(table, indexes=tuple(sorted((*table.indexes, index), key=lambda i: i.name or "")))

    return _change_table(schema, op.table_name, op.schema, add)


@_project.register
def _(op: ops.DropIndexOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    def drop(table: Table) -> Table:
        if all(i.name != op.index_name for i in table.indexes):
            # MySQL's unique index is its unique constraint (reflected as one): DROP INDEX drops it.
            if dialect is not None and is_mysql(dialect.name) and \
                    any(u.name == op.index_name for u in table.unique_constraints):
                return dataclasses.replace(table, unique_constraints=tuple(
                    u for u in table.unique_constraints if u.name != op.index_name))
            raise ProjectionError(f"there is no index {op.index_name!r} on table {table.name}")
        return dataclasses.replace(table, indexes=tuple(i for i in table.indexes if i.name != op.index_name))

    return _change_table(schema, op.table_name or "", op.schema, drop)


@_project.register
def _(op: ops.CreatePrimaryKeyOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    def add(table: Table) -> Table:
        if table.primary_key is not None:
            raise ProjectionError(f"table {table.name} already has a primary key")
        for name in op.columns:
            _require_column(table, name)
        table = dataclasses.replace(table, primary_key=PrimaryKey(_name(op.constraint_name), tuple(op.columns)))
        if dialect is None or dialect.name == "sqlite":
            return table  # SQLite lets a (non-INTEGER) key column hold NULL
        # PostgreSQL and MySQL make the key's columns NOT NULL.
        return dataclasses.replace(table, columns=tuple(
            dataclasses.replace(c, nullable=False) if c.name in op.columns else c for c in table.columns))

    return _change_table(schema, op.table_name, op.schema, add)


@_project.register
def _(op: ops.CreateForeignKeyOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    fk = ForeignKey(
        name=_name(op.constraint_name), columns=tuple(op.local_cols),
        referred_schema=op.kw.get("referent_schema"), referred_table=op.referent_table,
        referred_columns=tuple(op.remote_cols),
        on_delete=(op.kw.get("ondelete") or "").upper() or None,
        on_update=(op.kw.get("onupdate") or "").upper() or None,
        deferrable=op.kw.get("deferrable"), initially=op.kw.get("initially"),
    )
    mysql = dialect is not None and is_mysql(dialect.name)

    def add(table: Table) -> Table:
        table = dataclasses.replace(table, foreign_keys=(*table.foreign_keys, fk))
        return _with_foreign_key_index(table, fk) if mysql else table

    return _change_table(schema, op.source_table, op.kw.get("source_schema"), add)


def _with_foreign_key_index(table: Table, fk: ForeignKey) -> Table:
    """MySQL and MariaDB index a foreign key's columns themselves, naming the index after the key,
    unless an index already leads with them; an index they made for a key dropped since is renamed."""
    width = len(fk.columns)
    keys = [u.columns for u in table.unique_constraints] + ([table.primary_key.columns] if table.primary_key else [])
    if any(columns[:width] == fk.columns for columns in keys):
        return table  # a unique key or the primary key already leads with the columns
    for i, index in enumerate(table.indexes):
        if index.elements[:width] == fk.columns and not any(index.expression_flags[:width]):
            key_dropped = index.name not in {other.name for other in table.foreign_keys if other is not fk}
            if index.for_foreign_key and key_dropped and index.elements == fk.columns:
                renamed = dataclasses.replace(index, name=fk.name)
                return dataclasses.replace(table, indexes=tuple(
                    sorted((*table.indexes[:i], renamed, *table.indexes[i + 1:]), key=lambda x: x.name or "")))
            return table
    implicit = Index(fk.name, fk.columns, False, (False,) * width, for_foreign_key=True)
    return dataclasses.replace(table, indexes=tuple(sorted((*table.indexes, implicit), key=lambda x: x.name or "")))


@_project.register
def _(op: ops.CreateUniqueConstraintOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    unique = UniqueConstraint(_name(op.constraint_name), tuple(op.columns))
    return _change_table(schema, op.table_name, op.schema,
                         lambda t: dataclasses.replace(t, unique_constraints=(*t.unique_constraints, unique)))


@_project.register
def _(op: ops.CreateCheckConstraintOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    check = CheckConstraint(_name(op.constraint_name), sa_build.sql_text(op.condition))
    return _change_table(schema, op.table_name, op.schema,
                         lambda t: dataclasses.replace(t, check_constraints=(*t.check_constraints, check)))


@_project.register
def _(op: ops.DropConstraintOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    name, kind = op.constraint_name, op.constraint_type
    if name is None:
        raise ProjectionError("drop_constraint() has no constraint name, and a constraint is dropped by its name")

    def drop(table: Table) -> Table:
        if kind == "primary" or (kind is None and table.primary_key and table.primary_key.name == name):
            if table.primary_key is None:
                raise ProjectionError(f"table {table.name} has no primary key")
            return dataclasses.replace(table, primary_key=None)
        for attribute in ("foreign_keys", "unique_constraints", "check_constraints", "exclusions"):
            items: tuple[Any, ...] = getattr(table, attribute)
            kept = tuple(item for item in items if item.name != name)
            if len(kept) != len(items):
                return dataclasses.replace(table, **{attribute: kept})  # type: ignore[arg-type]
        raise ProjectionError(f"there is no constraint {name!r} on table {table.name}")

    return _change_table(schema, op.table_name, op.schema, drop)


@_project.register
def _(op: CreateExcludeConstraintOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    exclusion = ExclusionConstraint(_name(op.constraint_name), exclusion_definition(op))
    return _change_table(schema, op.table_name, op.schema,
                         lambda t: dataclasses.replace(t, exclusions=(*t.exclusions, exclusion)))


def exclusion_definition(op: CreateExcludeConstraintOp) -> str:
    """``EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (...)`` as PostgreSQL spells it."""
    elements = ", ".join(f"{sa_build.sql_text(expr)} WITH {operator}" for expr, operator in op.elements)
    text = f"EXCLUDE USING {op.kw.get('using') or 'gist'} ({elements})"
    if op.where is not None:
        text += f" WHERE ({sa_build.sql_text(op.where)})"
    return text


def _name(name: Any) -> str | None:
    return name if isinstance(name, str) else None


# --- operations that leave the schema as it is ----------------------------------------------


@_project.register(ops.ExecuteSQLOp)
@_project.register(ops.BulkInsertOp)
@_project.register(ScriptCodeOp)  # what it does is known only once it ran: the apply reads the database again
def _(op: ops.MigrateOperation, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    return schema


@_project.register(BatchBlockOp)
def _(op: BatchBlockOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    """As far as the operations tell; how the options shape the rebuild is read back after it ran."""
    for inner in op.ops:
        schema = project(schema, inner, dialect)
    return schema


register = _project.register
"""How a module of the app's own operations adds the projection of one (``@register``)."""
replace_namespace = _replace_namespace
