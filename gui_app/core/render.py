"""The plan as Python (``upgrade()`` / ``downgrade()`` bodies) and as offline SQL per dialect.

SQLite's table-changing operations are emitted a table at a time by
:mod:`gui_app.core.sqlite_groups`, the same way here as when applying.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from functools import cache

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core import combined_alter, op_renderers, sa_build, sqlite_groups
from gui_app.core.batch_block import BatchBlockOp, app_table_group
from gui_app.core.projection import find_table, project
from gui_app.core.schema import Schema
from gui_app.core.script_code import ScriptCodeOp, where_in

DIALECTS = ("sqlite", "postgresql", "mysql")
assert op_renderers  # registers the renderers Alembic lacks

@cache
def dialect_for(name: str) -> sa.Dialect:
    return MigrationContext.configure(dialect_name=name).dialect


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
    items = sqlite_groups.batch_groups(steps) if batch else steps
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
            rebuild = sqlite_groups.sqlite_rebuilds(changes)
            if rebuild:
                source, generated = sa_build.rebuild_source(find_table(state, item.table_name, item.schema),
                                                            sqlite_groups.column_renames(changes))
                item.copy_from = source  # type: ignore[attr-defined]
                item.ops = generated + changes
            state = _fold(state, changes, dialect)
            if rebuild:
                result.extend(ops.ExecuteSQLOp(sql) for sql in sqlite_groups.triggers_lost(state, item))
        else:
            state = project(state, item, dialect)
    return result


def _with_view_guard(items: list[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """SQLite renames the rebuilt table back into place; with views naming the table that
    rename fails unless legacy_alter_table is on, so each rebuild is wrapped in it."""
    guarded: list[ops.MigrateOperation] = []
    for item in items:
        if app_table_group(item) and sqlite_groups.sqlite_rebuilds(item.ops):
            guarded.extend([ops.ExecuteSQLOp(sqlite_groups.LEGACY_ALTER_ON), item,
                            ops.ExecuteSQLOp(sqlite_groups.LEGACY_ALTER_OFF)])
        else:
            guarded.append(item)
    return guarded


def render_sql(plan: Sequence[ops.MigrateOperation], dialect: str, base: Schema | None,
               downgrade: bool = False, strict: bool = False, as_sent: bool = False) -> str:
    """Offline SQL, no connection needed. ``base`` is the schema the plan starts from; without it
    (a script read from disk) the operations render as they stand, as ``alembic upgrade --sql`` does.
    A script's own code that cannot run offline is noted in a comment, or with ``strict`` raises
    :class:`OfflineError` (as ``alembic upgrade --sql`` stops). With ``as_sent``, the statements
    the app sends: on PostgreSQL and MySQL a run of alterations of one table is one ALTER TABLE
    (:mod:`gui_app.core.combined_alter`); without it, one statement per operation as ``alembic``
    sends them."""
    buffer = io.StringIO()
    context = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True})
    operations = Operations(context)
    state: Schema | None = base
    if downgrade and base is not None:
        state = sqlite_groups.fold_keeping_definitions(base, plan, context.dialect) if dialect == "sqlite" \
            else _fold(base, plan, context.dialect)
    steps = downgrade_ops(plan) if downgrade else list(plan)
    if dialect == "sqlite":
        items = sqlite_groups.batch_groups(steps)
    else:
        items = combined_alter.combined(steps, context.dialect) if as_sent else steps
    for item in items:
        try:
            state = _emit(operations, item, state, context.dialect, strict)
        except OfflineError as error:
            if strict:
                raise
            buffer.write(f"-- {error}. It runs as it is, on the database, in the same transaction.\n\n")
    if as_sent and context.dialect.paramstyle in ("pyformat", "format"):
        # Offline, as under ``alembic upgrade --sql``, every % is doubled for a driver that takes %s
        # parameters; the server receives one. What is shown, exported or pasted into psql is that.
        return buffer.getvalue().replace("%%", "%")
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
        return sqlite_groups.emit_table_group(operations, item, state, dialect)
    _invoke_offline(operations, item, strict)
    return _fold(state, combined_alter.members(item), dialect)


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


def _fold(state: Schema, steps: Iterable[ops.MigrateOperation], dialect: sa.Dialect) -> Schema:
    for op in steps:
        state = project(state, op, dialect)
    return state
