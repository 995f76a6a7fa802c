"""The plan as Python (``upgrade()`` / ``downgrade()`` bodies) and as offline SQL per dialect.

SQLite cannot ALTER most things in place, so its table-changing operations are
grouped into one ``batch_alter_table`` per run of operations on a table; the
offline rebuild is handed the table's definition from the projected snapshot.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable, Sequence
from functools import cache

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core import op_renderers, sa_build
from gui_app.core.batch_block import BatchBlockOp, app_table_group
from gui_app.core.op_facts import table_of
from gui_app.core.projection import find_table, project
from gui_app.core.schema import Schema, Table
from gui_app.core.script_code import ScriptCodeOp, where_in

DIALECTS = ("sqlite", "postgresql", "mysql")
assert op_renderers  # registers the renderers Alembic lacks

BATCH_OPS = (
    ops.AddColumnOp, ops.DropColumnOp, ops.AlterColumnOp, ops.CreatePrimaryKeyOp, ops.CreateForeignKeyOp,
    ops.CreateUniqueConstraintOp, ops.CreateCheckConstraintOp, ops.DropConstraintOp,
)
"""Operations SQLite carries out by rebuilding the table (add_column only when it must)."""


@cache
def dialect_for(name: str) -> sa.Dialect:
    return MigrationContext.configure(dialect_name=name).dialect


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


def downgrade_ops(plan: Sequence[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """The reverse of each operation, last first. Rows inserted into, and indexes created on, a
    table the plan creates need no undoing: dropping the table removes them."""
    created = {(op.schema, op.table_name) for op in plan if isinstance(op, ops.CreateTableOp)}
    reversed_ops: list[ops.MigrateOperation] = []
    for op in reversed(plan):
        if isinstance(op, ops.BulkInsertOp) and isinstance(op.table, sa.TableClause) \
                and (op.table.schema, op.table.name) in created:
            continue
        if isinstance(op, ops.CreateIndexOp) and (op.schema, op.table_name) in created:
            continue  # dropping the table drops its indexes (MySQL refuses to drop one a foreign key uses)
        steps = getattr(op, "reverse_steps", None)
        reversed_ops.extend(steps() if steps is not None else [op.reverse()])
    return reversed_ops


def render_python(plan: Sequence[ops.MigrateOperation], dialect: str, downgrade: bool = False,
                  base: Schema | None = None) -> str:
    """The body of ``upgrade()`` (or ``downgrade()``), four-space indented as Alembic writes it.

    On SQLite with ``base`` (the schema the plan starts from), each table rebuild carries the
    table's full definition as ``copy_from``."""
    steps = downgrade_ops(plan) if downgrade else list(plan)
    batch = dialect == "sqlite"
    items = batch_groups(steps) if batch else steps
    if batch and base is not None:
        items = _attach_definitions(items, _fold(base, plan, dialect_for(dialect)) if downgrade else base,
                                    dialect_for(dialect))
    container: ops.UpgradeOps | ops.DowngradeOps = (ops.DowngradeOps if downgrade else ops.UpgradeOps)(
        ops=_with_view_guard(items) if batch else items)
    context = MigrationContext.configure(dialect_name=dialect)
    return render_python_code(container, render_as_batch=batch, migration_context=context)


def _attach_definitions(items: list[ops.MigrateOperation], state: Schema,
                        dialect: sa.Dialect) -> list[ops.MigrateOperation]:
    """The items with each rebuild given its table as ``copy_from``, followed by its triggers."""
    result: list[ops.MigrateOperation] = []
    for item in items:
        result.append(item)
        if app_table_group(item):
            changes = list(item.ops)
            rebuild = sqlite_rebuilds(changes)
            if rebuild:
                source, generated = sa_build.rebuild_source(find_table(state, item.table_name, item.schema),
                                                            column_renames(changes))
                item.copy_from = source  # type: ignore[attr-defined]
                item.ops = generated + changes
            state = _fold(state, changes, dialect)
            if rebuild:
                result.extend(ops.ExecuteSQLOp(sql) for sql in _triggers_lost(state, item))
        else:
            state = project(state, item, dialect)
    return result


LEGACY_ALTER_ON = "PRAGMA legacy_alter_table = ON"
LEGACY_ALTER_OFF = "PRAGMA legacy_alter_table = OFF"


def _with_view_guard(items: list[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """SQLite renames the rebuilt table back into place; with views naming the table that
    rename fails unless legacy_alter_table is on, so each rebuild is wrapped in it."""
    guarded: list[ops.MigrateOperation] = []
    for item in items:
        if app_table_group(item) \
                and sqlite_rebuilds(item.ops):
            guarded.extend([ops.ExecuteSQLOp(LEGACY_ALTER_ON), item, ops.ExecuteSQLOp(LEGACY_ALTER_OFF)])
        else:
            guarded.append(item)
    return guarded


def render_sql(plan: Sequence[ops.MigrateOperation], dialect: str, base: Schema | None,
               downgrade: bool = False, strict: bool = False) -> str:
    """Offline SQL, no connection needed. ``base`` is the schema the plan starts from; without it
    (a script read from disk) the operations render as they stand, as ``alembic upgrade --sql`` does.
    A script's own code that cannot run offline is noted in a comment, or with ``strict`` raises
    :class:`OfflineError` (as ``alembic upgrade --sql`` stops)."""
    buffer = io.StringIO()
    context = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True})
    operations = Operations(context)
    state: Schema | None = base
    if downgrade and base is not None:
        state = _fold_keeping_definitions(base, plan, context.dialect) if dialect == "sqlite" \
            else _fold(base, plan, context.dialect)
    steps = downgrade_ops(plan) if downgrade else list(plan)
    items = batch_groups(steps) if dialect == "sqlite" else steps
    for item in items:
        try:
            state = _emit(operations, item, state, context.dialect, strict)
        except OfflineError as error:
            if strict:
                raise
            buffer.write(f"-- {error}. It runs as it is, on the database, in the same transaction.\n\n")
    return buffer.getvalue()


def _emit(operations: Operations, item: ops.MigrateOperation, state: Schema | None,
          dialect: sa.Dialect, strict: bool) -> Schema | None:
    if state is None:
        if app_table_group(item):
            with operations.batch_alter_table(item.table_name, schema=item.schema) as batch:
                for op in item.ops:
                    batch.invoke(op)
        else:
            _invoke_offline(operations, item, strict)
        return None
    if app_table_group(item):
        return emit_table_group(operations, item, state, dialect)
    _invoke_offline(operations, item, strict)
    return project(state, item, dialect)


class OfflineError(Exception):
    """A script's own code stopped when run offline (it reads rows, say): its SQL is known only
    when it runs on the database."""


def _invoke_offline(operations: Operations, item: ops.MigrateOperation, strict: bool) -> None:
    """Offline SQL writes values as literals; a statement whose values have no literal form for
    their type (``sa.column("flag")`` set to ``False``) is shown with its parameters instead, as
    it runs on a live connection (with ``strict``, that is an :class:`OfflineError`, as ``alembic
    upgrade --sql`` stops there: SQL with placeholders in a file would not run)."""
    if isinstance(item, ScriptCodeOp | BatchBlockOp):
        if isinstance(item, ScriptCodeOp) and not strict:  # the confirmation says what kind of step this is
            operations.migration_context.impl.static_output(
                f"-- {item.label} runs Python code against the database: it {item.reason}.\n")
        try:
            operations.invoke(item)
        except Exception as error:  # code that reads rows; a SQLite rebuild with no table to copy from
            where = f"{item.label}{where_in(error, item.path)}" if isinstance(item, ScriptCodeOp) else \
                f"batch_alter_table({item.table_name!r}) with {', '.join(item.options)}"
            raise OfflineError(f"{where} cannot run without a database: {type(error).__name__}: "
                               f"{' '.join(str(error).split())}") from error
        return
    try:
        operations.invoke(item)
    except sa.exc.CompileError as error:
        if not isinstance(item, ops.ExecuteSQLOp) or not isinstance(item.sqltext, sa.sql.ClauseElement):
            raise
        if strict:
            raise OfflineError(f"a statement has values without a literal form in SQL: {error}") from error
        compiled = item.sqltext.compile(dialect=operations.migration_context.dialect)
        operations.migration_context.impl.static_output(
            f"-- Values without a literal form in SQL; they are sent as parameters: {compiled.params!r}\n"
            f"{str(compiled).strip()};\n")


def emit_table_group(operations: Operations, item: ops.ModifyTableOps, state: Schema, dialect: sa.Dialect) -> Schema:
    """One SQLite table's alterations: in place when the stored rows stay valid, else one rebuild.
    Used for the preview and for applying, so the confirmation shows exactly what runs."""
    from gui_app.core import sqlite_inplace

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
        for trigger in _triggers_lost(after, item):
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


def _triggers_lost(after: Schema, item: ops.ModifyTableOps) -> list[str]:
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


def _fold_keeping_definitions(state: Schema, plan: Sequence[ops.MigrateOperation], dialect: sa.Dialect) -> Schema:
    """The schema after ``plan`` on SQLite, with the CREATE texts its in-place changes leave
    (so that the way back can be made in place too)."""
    from gui_app.core import sqlite_inplace

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
