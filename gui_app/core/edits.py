"""User intent -> Alembic operation, built from the reflected objects so every one reverses.

Drops and alterations carry the original object (``from_table``,
``from_column_and_tablename``, ``existing_*``), which is what lets Alembic
write the ``downgrade()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import sa_build
from gui_app.core import schema as s
from gui_app.core.settle import create_table_op

UNCHANGED: Any = False
"""Alembic's marker for an attribute an alteration leaves alone."""


class MissingDowngradeOp(ops.MigrateOperation):
    """Where a custom SQL step (read from a script) has no known undo: the downgrade says so
    instead of inventing one. Renders as a comment; runs as nothing."""

    def __init__(self, upgrade_sql: str | sa.sql.Executable) -> None:
        self.upgrade_sql = upgrade_sql

    @property
    def note(self) -> str:
        first = " ".join(str(self.upgrade_sql).split())[:100]
        return f"No downgrade was given for: {first}"

    def reverse(self) -> ops.MigrateOperation:
        return ReversibleExecuteSQLOp(self.upgrade_sql, None)


@Operations.implementation_for(MissingDowngradeOp)
def _missing_downgrade(operations: Operations, operation: MissingDowngradeOp) -> None:
    if operations.migration_context.as_sql:
        operations.migration_context.impl.static_output(f"-- {operation.note}\n")


class ReversibleExecuteSQLOp(ops.ExecuteSQLOp):
    """A custom SQL step with the SQL that undoes it (if known)."""

    def __init__(self, sqltext: str | sa.sql.Executable, downgrade_sql: str | sa.sql.Executable | None,
                 **kw: Any) -> None:
        # An expression (``op.execute(t.update().values(...))``) stays one: its values are parameters.
        super().__init__(sqltext, **kw)
        self.downgrade_sql = downgrade_sql

    def reverse(self) -> ops.MigrateOperation:
        if self.downgrade_sql is None or (isinstance(self.downgrade_sql, str) and not self.downgrade_sql.strip()):
            return MissingDowngradeOp(self.sqltext)
        return ReversibleExecuteSQLOp(self.downgrade_sql, self.sqltext)


class ReversibleBulkInsertOp(ops.BulkInsertOp):
    """Rows inserted into a table; the downgrade deletes them by primary key."""

    def reverse(self) -> ops.MigrateOperation:
        table = self.table
        assert isinstance(table, sa.Table)
        pk = [c for c in table.primary_key.columns]
        if not pk or any(c.name not in row for row in self.rows for c in pk):
            raise ValueError(f"rows inserted into {table.name} without primary key values cannot be deleted "
                             "by the downgrade")
        return DeleteRowsOp(table, [{c.name: row[c.name] for c in pk} for row in self.rows])


class DeleteRowsOp(ops.ExecuteSQLOp):
    """``DELETE`` of the rows with these primary keys, kept as an expression: the values are
    bound parameters when applied and the target dialect's literals in SQL text (a string
    written by hand, or by the default dialect, misreads a backslash on MySQL)."""

    def __init__(self, table: sa.Table, keys: list[dict[str, Any]]) -> None:
        columns = [table.c[name] for name in keys[0]] if keys else []
        conditions = [sa.and_(*(c == key[c.name] for c in columns)) for key in keys]
        super().__init__(sa.delete(table).where(sa.or_(*conditions)))
        self.table, self.keys = table, keys


class ReversibleRenameTableOp(ops.RenameTableOp):
    """Alembic's rename has no reverse; renaming back is one."""

    def reverse(self) -> ops.MigrateOperation:
        return ReversibleRenameTableOp(self.new_table_name, self.table_name, schema=self.schema)


class ReversibleAlterColumnOp(ops.AlterColumnOp):
    """Alembic's reverse of an alteration forgets a rename; this one renames back too."""

    def reverse(self) -> ops.AlterColumnOp:
        reverse = super().reverse()
        if self.modify_name:
            reverse.column_name, reverse.modify_name = self.modify_name, self.column_name
        return reverse


# --- tables -------------------------------------------------------------------------------


@dataclass
class ColumnSpec:
    name: str
    type_: Any
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


def create_table(spec: TableSpec) -> list[ops.MigrateOperation]:
    """``create_table``, then ``create_index`` per index and ``bulk_insert`` for initial rows."""
    items: list[Any] = [c.to_sa() for c in spec.columns]
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


class ReversibleDropTableOp(ops.DropTableOp):
    """A dropped table whose undo restores all that the drop took with it: the table with its
    keys and comment (Alembic's own reverse), its indexes, PostgreSQL exclusion constraints and
    SQLite triggers."""

    snapshot: s.Table

    def reverse_steps(self) -> list[ops.MigrateOperation]:
        table = self.snapshot
        steps: list[ops.MigrateOperation] = [self.reverse()]
        # MySQL makes a foreign key's index with the table; creating it again would collide.
        steps.extend(create_index(table, ix) for ix in sorted(table.indexes, key=lambda i: i.name or "")
                     if not ix.for_foreign_key and ix.name)
        steps.extend(DropExclusionOp(x.name, table.name, x.definition, schema=table.schema).reverse()
                     for x in table.exclusions if x.name)
        steps.extend(ReversibleExecuteSQLOp(t.definition, None) for t in table.triggers if t.definition)
        return steps


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
    type_: Any = None,
    nullable: bool | None = None,
    server_default: Any = UNCHANGED,
    default_literal: str | None = None,
    comment: Any = UNCHANGED,
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
    if comment is not UNCHANGED and (comment or None) == col.comment:
        comment = UNCHANGED
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
        modify_comment=comment if comment is UNCHANGED else (comment or None),
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


class DropExclusionOp(ops.DropConstraintOp):
    """Dropping a reflected exclusion constraint: the downgrade re-adds it from its definition."""

    def __init__(self, constraint_name: str, table_name: str, definition: str, schema: str | None = None) -> None:
        super().__init__(constraint_name, table_name, schema=schema)
        self.definition = definition

    def reverse(self) -> Any:
        from sqlalchemy.dialects import postgresql

        preparer = postgresql.dialect().identifier_preparer  # type: ignore[no-untyped-call]
        quoted = ".".join(preparer.quote(str(p)) for p in (self.schema, self.table_name) if p)
        name = preparer.quote(str(self.constraint_name))
        return ReversibleExecuteSQLOp(f"ALTER TABLE {quoted} ADD CONSTRAINT {name} {self.definition}",
                                      f"ALTER TABLE {quoted} DROP CONSTRAINT {name}")


def create_exclusion(table: s.Table, name: str | None, elements: Sequence[tuple[str, str]], using: str = "gist",
                     where: str | None = None) -> Any:
    from alembic.ddl.postgresql import CreateExcludeConstraintOp

    items: list[Any] = [(sa.column(c) if c.isidentifier() else sa.text(c), o) for c, o in elements]
    condition: Any = sa.text(where) if where else None
    return CreateExcludeConstraintOp(name, table.name, items, where=condition, schema=table.schema, using=using)


def drop_exclusion(table: s.Table, name: str) -> DropExclusionOp:
    (found,) = [x for x in table.exclusions if x.name == name]
    return DropExclusionOp(name, table.name, found.definition, schema=table.schema)
