"""SQLite's table alterations, a table at a time: grouped, then made in place or by one rebuild.

SQLite cannot ALTER most things in place, so consecutive table-changing operations on one table
become one ``ModifyTableOps``; each group is emitted in place when the stored rows stay valid
(:mod:`gui_app.core.sqlite_inplace`) and otherwise as one ``batch_alter_table`` rebuild handed
the table's definition from the projected snapshot. The preview and the apply both emit through
here, so the confirmation shows exactly what runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import sa_build, sqlite_inplace
from gui_app.core.batch_block import app_table_group
from gui_app.core.op_facts import table_of
from gui_app.core.projection import find_table, project
from gui_app.core.schema import Schema, Table

BATCH_OPS = (
    ops.AddColumnOp, ops.DropColumnOp, ops.AlterColumnOp, ops.CreatePrimaryKeyOp, ops.CreateForeignKeyOp,
    ops.CreateUniqueConstraintOp, ops.CreateCheckConstraintOp, ops.DropConstraintOp,
)
"""Operations SQLite carries out by rebuilding the table (add_column only when it must)."""

LEGACY_ALTER_ON = "PRAGMA legacy_alter_table = ON"
LEGACY_ALTER_OFF = "PRAGMA legacy_alter_table = OFF"


def sqlite_rebuilds(group: Sequence[ops.MigrateOperation]) -> bool:
    """Whether Alembic's batch mode rebuilds the table for these operations: it adds a plain
    column with ALTER TABLE and rebuilds for everything else."""
    for op in group:
        if not isinstance(op, ops.AddColumnOp):
            return True
        default = op.column.server_default
        if isinstance(default, sa.DefaultClause) and isinstance(default.arg, sa.ClauseElement):
            return True
        if isinstance(op.column.computed, sa.Computed) and op.column.computed.persisted:
            return True
    return False


def column_renames(group: Sequence[ops.MigrateOperation]) -> list[tuple[str, str]]:
    """(old, new) for each column the group renames, in order."""
    return [(op.column_name, op.modify_name) for op in group
            if isinstance(op, ops.AlterColumnOp) and op.modify_name and op.modify_name != op.column_name]


def batch_groups(plan: Sequence[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """Consecutive table-changing operations on one table become one ``ModifyTableOps``."""
    grouped: list[ops.MigrateOperation] = []
    for op in plan:
        if isinstance(op, BATCH_OPS):
            where, name = table_of(op)  # type: ignore[misc]
            last = grouped[-1] if grouped else None
            if app_table_group(last) \
                    and (last.schema, last.table_name) == (where, name) and not _alters_added(last, op):
                last.ops.append(op)
            else:
                grouped.append(ops.ModifyTableOps(name, [op], schema=where))
        else:
            grouped.append(op)
    return grouped


def _alters_added(group: ops.ModifyTableOps, op: ops.MigrateOperation) -> bool:
    """Whether ``op`` alters a column the group adds. One rebuild would create the column with
    its final default, filling the existing rows with it; added first and altered after, the
    rows keep what adding gave them (NULL, or the default it had then)."""
    return isinstance(op, ops.AlterColumnOp) and any(
        isinstance(added, ops.AddColumnOp) and added.column.name == op.column_name for added in group.ops)


def emit_table_group(operations: Operations, item: ops.ModifyTableOps, state: Schema, dialect: sa.Dialect) -> Schema:
    """One SQLite table's alterations: in place when the stored rows stay valid, else one rebuild.
    Used for the preview and for applying, so the confirmation shows exactly what runs."""
    table = find_table(state, item.table_name, item.schema)
    change = sqlite_inplace.in_place(item.ops, table, dialect)
    if change is not None:
        for statement in sqlite_inplace.statements(table, change, dialect):
            operations.execute(statement)
        after = _fold(state, item.ops, dialect)
        return _with_definition(after, item.table_name, item.schema, change.new_sql)
    rebuild = sqlite_rebuilds(item.ops)
    copy_from, generated = sa_build.rebuild_source(table, column_renames(item.ops)) if rebuild \
        else (sa_build.table_to_sa(table), [])
    if rebuild:
        # Renaming the rebuilt table back would otherwise fail on every view that names it.
        operations.execute(LEGACY_ALTER_ON)
    with operations.batch_alter_table(item.table_name, schema=item.schema, copy_from=copy_from) as batch:
        for op in [*generated, *item.ops]:
            batch.invoke(op)
    after = _fold(state, item.ops, dialect)
    if rebuild:
        after = _generated_last(after, item.table_name, item.schema)
        operations.execute(LEGACY_ALTER_OFF)
        for trigger in triggers_lost(after, item):
            operations.execute(trigger)
    return after


def _generated_last(state: Schema, name: str, where: str | None) -> Schema:
    """A rebuild adds generated columns back after the copy (see ``rebuild_source``): last."""
    table = find_table(state, name, where)
    generated = [c for c in table.columns if c.computed is not None]
    if not generated or table.columns[-len(generated):] == tuple(generated):
        return state
    return _with_table(state, dataclasses.replace(
        table, columns=tuple(c for c in table.columns if c.computed is None) + tuple(generated)))


def triggers_lost(after: Schema, item: ops.ModifyTableOps) -> list[str]:
    """A rebuild drops the old table and its triggers with it: their CREATE texts, to run again."""
    return [t.definition for t in find_table(after, item.table_name, item.schema).triggers]


def _with_definition(state: Schema, name: str, where: str | None, sql: str) -> Schema:
    return _with_table(state, dataclasses.replace(find_table(state, name, where), definition=sql))


def _with_table(state: Schema, table: Table) -> Schema:
    """``state`` with the table of that name and schema replaced by ``table``."""
    namespaces = []
    for ns in state.namespaces:
        if ns.holds(table.schema):
            ns = dataclasses.replace(ns, tables=tuple(table if t.name == table.name else t for t in ns.tables))
        namespaces.append(ns)
    return dataclasses.replace(state, namespaces=tuple(namespaces))


def fold_keeping_definitions(state: Schema, plan: Sequence[ops.MigrateOperation], dialect: sa.Dialect) -> Schema:
    """The schema after ``plan`` on SQLite, with the CREATE texts its in-place changes leave
    (so that the way back can be made in place too)."""
    for item in batch_groups(list(plan)):
        if not app_table_group(item):
            state = project(state, item, dialect)
            continue
        change = sqlite_inplace.in_place(item.ops, find_table(state, item.table_name, item.schema), dialect)
        state = _fold(state, item.ops, dialect)
        if change is not None:
            state = _with_definition(state, item.table_name, item.schema, change.new_sql)
    return state


def _fold(state: Schema, steps: Iterable[ops.MigrateOperation], dialect: sa.Dialect) -> Schema:
    for op in steps:
        state = project(state, op, dialect)
    return state
