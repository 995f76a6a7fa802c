"""User intent -> Alembic operation, built from the reflected objects so every one reverses.

Drops and alterations carry the original object (``from_table``,
``from_column_and_tablename``, ``existing_*``), which is what lets Alembic
write the ``downgrade()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from alembic.ddl.postgresql import CreateExcludeConstraintOp
from alembic.operations import ops

from gui_app.core import sa_build
from gui_app.core import schema as s
from gui_app.core.app_ops import (
    DropExclusionOp,
    ReversibleAlterColumnOp,
    ReversibleBulkInsertOp,
    ReversibleDropTableOp,
    ReversibleExecuteSQLOp,
    ReversibleRenameTableOp,
)
from gui_app.core.settle import create_table_op

UNCHANGED: Literal[False] = False
"""Alembic's marker for an attribute an alteration leaves alone."""


# --- tables -------------------------------------------------------------------------------


@dataclass
class ColumnSpec:
    name: str
    type_: sa.types.TypeEngine[Any] | type[sa.types.TypeEngine[Any]]
    nullable: bool = True
    default: str | None = None
    """A SQL expression (``CURRENT_TIMESTAMP``, ``0``, ``'text'``)."""
    default_literal: str | None = None
    """A plain value SQLAlchemy quotes itself; used when ``default`` is None."""
    primary_key: bool = False
    autoincrement: bool | None = None
    comment: str | None = None

    def to_sa(self) -> sa.Column[Any]:
        return sa.Column(
            self.name, self.type_, primary_key=self.primary_key, nullable=self.nullable,
            server_default=sa.text(self.default) if self.default else self.default_literal,
            autoincrement=self.autoincrement if self.autoincrement is not None else "auto",
            comment=self.comment or None,
        )


@dataclass
class TableSpec:
    name: str
    schema: str | None = None
    columns: list[ColumnSpec] = field(default_factory=list)
    foreign_keys: list[s.ForeignKey] = field(default_factory=list)
    unique_constraints: list[s.UniqueConstraint] = field(default_factory=list)
    check_constraints: list[s.CheckConstraint] = field(default_factory=list)
    indexes: list[s.Index] = field(default_factory=list)
    comment: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    primary_key_name: str | None = None
    """The primary key's constraint name (MySQL/MariaDB always call it PRIMARY)."""


def create_table(spec: TableSpec) -> list[ops.MigrateOperation]:
    """``create_table``, then ``create_index`` per index and ``bulk_insert`` for initial rows."""
    items: list[Any] = [c.to_sa() for c in spec.columns]
    key = [c.name for c in spec.columns if c.primary_key]
    if key and spec.primary_key_name:
        items.append(sa.PrimaryKeyConstraint(*key, name=spec.primary_key_name))
    items.extend(sa_build.foreign_key_to_sa(fk) for fk in spec.foreign_keys)
    items.extend(sa.UniqueConstraint(*u.columns, name=u.name) for u in spec.unique_constraints)
    items.extend(sa.CheckConstraint(sa.text(c.sqltext), name=c.name) for c in spec.check_constraints)
    created: list[ops.MigrateOperation] = [
        ops.CreateTableOp(spec.name, items, schema=spec.schema, comment=spec.comment or None)]
    table = sa.Table(spec.name, sa.MetaData(), *[c.to_sa() for c in spec.columns], schema=spec.schema)
    created.extend(create_index(table, ix) for ix in spec.indexes)
    if spec.rows:
        created.append(ReversibleBulkInsertOp(table, spec.rows))
    return created


def drop_table(table: s.Table) -> ReversibleDropTableOp:
    sa_table = sa_build.table_to_sa(table)
    op = ReversibleDropTableOp(sa_table.name, schema=sa_table.schema, table_kw={"comment": sa_table.comment},
                               _reverse=create_table_op(sa_table))
    op.snapshot = table
    return op


def rename_table(table: s.Table, new_name: str) -> ReversibleRenameTableOp:
    return ReversibleRenameTableOp(table.name, new_name, schema=table.schema)


def set_table_comment(table: s.Table, comment: str) -> ops.CreateTableCommentOp:
    return ops.CreateTableCommentOp(table.name, comment, schema=table.schema, existing_comment=table.comment)


def drop_table_comment(table: s.Table) -> ops.DropTableCommentOp:
    return ops.DropTableCommentOp(table.name, schema=table.schema, existing_comment=table.comment)


def bulk_insert(table: s.Table, rows: list[dict[str, Any]]) -> ReversibleBulkInsertOp:
    return ReversibleBulkInsertOp(sa_build.table_to_sa(table), rows)


def execute_sql(upgrade_sql: str, downgrade_sql: str | None) -> ReversibleExecuteSQLOp:
    return ReversibleExecuteSQLOp(upgrade_sql, downgrade_sql)


# --- columns ------------------------------------------------------------------------------


def add_column(table: s.Table, column: ColumnSpec) -> ops.AddColumnOp:
    return ops.AddColumnOp(table.name, column.to_sa(), schema=table.schema)


def drop_column(table: s.Table, column_name: str) -> ops.DropColumnOp:
    return ops.DropColumnOp.from_column_and_tablename(
        table.schema, table.name, sa_build.column_to_sa(table.column(column_name)))


def alter_column(
    table: s.Table,
    column_name: str,
    *,
    new_name: str | None = None,
    type_: sa.types.TypeEngine[Any] | None = None,
    nullable: bool | None = None,
    server_default: str | sa.TextClause | bool | None = UNCHANGED,
    default_literal: str | None = None,
    comment: str | bool | None = UNCHANGED,
    autoincrement: bool | None = None,
) -> ReversibleAlterColumnOp:
    """Only what differs from the reflected column is altered; every ``existing_*`` is filled.

    ``server_default`` as a string is SQL (``CURRENT_TIMESTAMP``, ``'text'``); ``default_literal``
    is a plain value, handed to Alembic as a Python string so that the dialect's own literal
    rendering quotes it (MySQL treats a backslash as an escape: doubling quotes is not enough).
    """
    col = table.column(column_name)
    if default_literal is not None:
        server_default = default_literal
        if sa_build.default_text(default_literal, None) == col.default:
            server_default = UNCHANGED
    elif server_default is not UNCHANGED and server_default == col.default:
        server_default = UNCHANGED
    new_comment: str | Literal[False] | None = UNCHANGED
    if isinstance(comment, str) or comment is None:
        new_comment = (comment or None) if (comment or None) != col.comment else UNCHANGED
    kw: dict[str, Any] = {}
    if autoincrement is not None and autoincrement != bool(col.autoincrement):
        # Only MySQL spells AUTO_INCREMENT in ALTER; the other dialects warn about it.
        kw["autoincrement"] = autoincrement
        kw["existing_autoincrement"] = bool(col.autoincrement)
    return ReversibleAlterColumnOp(
        table.name,
        column_name,
        schema=table.schema,
        existing_type=col.sa_type,
        # A DefaultClause, as reflection gives it: Alembic's renderer tests it for truth.
        existing_server_default=sa.DefaultClause(sa.text(col.default)) if col.default is not None else None,
        existing_nullable=col.nullable,
        existing_comment=col.comment,
        modify_name=new_name if new_name and new_name != column_name else None,
        modify_type=type_ if type_ is not None and not _same_type(type_, col) else None,
        modify_nullable=nullable if nullable is not None and nullable != col.nullable else None,
        modify_server_default=sa.text(server_default) if isinstance(server_default, str)
        and default_literal is None else server_default,
        modify_comment=new_comment,
        **kw,
    )


def _same_type(type_: Any, col: s.Column) -> bool:
    return col.sa_type is not None and repr(type_) == repr(col.sa_type)


# --- indexes and constraints --------------------------------------------------------------


def create_index(table: s.Table | sa.Table, index: s.Index) -> ops.CreateIndexOp:
    sa_table = table if isinstance(table, sa.Table) else sa_build.table_to_sa(table)
    return ops.CreateIndexOp.from_index(sa_build.index_to_sa(index, sa_table))


def drop_index(table: s.Table, index_name: str) -> ops.DropIndexOp:
    """Built from the reflected index; on MySQL a unique index is reflected as the unique
    constraint it also is, and its downgrade re-creates it as the unique index it was."""
    sa_table = sa_build.table_to_sa(table)
    found = [i for i in sa_table.indexes if i.name == index_name]
    if not found:
        (unique,) = [u for u in table.unique_constraints if u.name == index_name]
        found = [sa.Index(index_name, *(sa_table.c[c] for c in unique.columns), unique=True)]
    return ops.DropIndexOp.from_index(found[0])


def create_primary_key(table: s.Table, name: str | None, columns: Sequence[str]) -> ops.CreatePrimaryKeyOp:
    return ops.CreatePrimaryKeyOp(name, table.name, list(columns), schema=table.schema)


def create_foreign_key(table: s.Table, fk: s.ForeignKey) -> ops.CreateForeignKeyOp:
    return ops.CreateForeignKeyOp(
        fk.name, table.name, fk.referred_table, list(fk.columns), list(fk.referred_columns),
        source_schema=table.schema, referent_schema=fk.referred_schema,
        ondelete=fk.on_delete, onupdate=fk.on_update, deferrable=fk.deferrable, initially=fk.initially,
    )


def create_unique_constraint(table: s.Table, name: str | None, columns: Sequence[str]) -> ops.CreateUniqueConstraintOp:
    return ops.CreateUniqueConstraintOp(name, table.name, list(columns), schema=table.schema)


def create_check_constraint(table: s.Table, name: str | None, condition: str) -> ops.CreateCheckConstraintOp:
    return ops.CreateCheckConstraintOp(name, table.name, condition, schema=table.schema)


def drop_constraint(table: s.Table, kind: str, name: str) -> ops.DropConstraintOp:
    """``kind``: primary, foreignkey, unique or check; built from the reflected constraint."""
    sa_table = sa_build.table_to_sa(table)
    wanted = {"primary": sa.PrimaryKeyConstraint, "foreignkey": sa.ForeignKeyConstraint,
              "unique": sa.UniqueConstraint, "check": sa.CheckConstraint}[kind]
    for constraint in sa_table.constraints:
        # A table has one primary key; MySQL names every one PRIMARY, whatever it was created as.
        if type(constraint) is wanted and (constraint.name == name or kind == "primary"):
            return ops.DropConstraintOp.from_constraint(constraint)
    raise KeyError(f"no {kind} constraint named {name!r} on {table.name}")


# --- PostgreSQL exclusion constraints ------------------------------------------------------


def create_exclusion(table: s.Table, name: str | None, elements: Sequence[tuple[str, str]], using: str = "gist",
                     where: str | None = None) -> CreateExcludeConstraintOp:
    items: list[Any] = [(sa.column(c) if c.isidentifier() else sa.text(c), o) for c, o in elements]
    condition: Any = sa.text(where) if where else None
    return CreateExcludeConstraintOp(name, table.name, items, where=condition, schema=table.schema, using=using)


def drop_exclusion(table: s.Table, name: str) -> DropExclusionOp:
    (found,) = [x for x in table.exclusions if x.name == name]
    return DropExclusionOp(name, table.name, found.definition, schema=table.schema)
