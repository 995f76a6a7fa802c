"""The plan as Python (``upgrade()`` / ``downgrade()`` bodies) and as offline SQL per dialect.

SQLite's table-changing operations are emitted a table at a time by
:mod:`gui_app.core.sqlite_groups`, the same way here as when applying.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import cache
from typing import Any, TypeGuard

import sqlalchemy as sa
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext
from mako.pygen import PythonPrinter  # type: ignore[import-untyped]  # Alembic's own printer

from gui_app.core import combined_alter, op_renderers, sa_build, sqlite_groups
from gui_app.core.batch_block import BatchBlockOp, app_table_group
from gui_app.core.dialects import dialect_key, takes_percent_placeholders
from gui_app.core.identity_cache import IdentityCache
from gui_app.core.projection import find_table, project
from gui_app.core.schema import Schema, Table
from gui_app.core.script_code import ScriptCodeOp, where_in

DIALECTS = ("sqlite", "postgresql", "mysql")
assert op_renderers  # registers the renderers Alembic lacks

# Re-rendering a plan after an edit (the preview, the autosave) redoes only what the edit touched:
# every piece below is cached by the operations and snapshots it came from, none of which changes.
_REVERSED: IdentityCache[tuple[ops.MigrateOperation, ...]] = IdentityCache(5_000)
# Entries holding snapshots are fewer: each keeps a schema's table list alive (32 KB at 4,000 tables).
_PROJECTED: IdentityCache[Schema] = IdentityCache(1_000)
_LINES: IdentityCache[tuple[str, ...]] = IdentityCache(5_000)
_SQL: IdentityCache[tuple[str, Schema | None]] = IdentityCache(1_000)
_REBUILT: IdentityCache[tuple[Any, list[Any], tuple[ops.MigrateOperation, ...]]] = IdentityCache(1_000)
_TEXTS: IdentityCache[str] = IdentityCache(16)

@cache
def forget_cached() -> None:
    """Drop every cached piece (tests compare a warm render with a cold one)."""
    for found in (_REVERSED, _PROJECTED, _LINES, _SQL, _REBUILT, _TEXTS, combined_alter.STATEMENTS):
        found.clear()


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
        reversed_ops.extend(_REVERSED.get((op,), _reverse(op)))
    return reversed_ops


def _reverse(op: ops.MigrateOperation) -> Callable[[], tuple[ops.MigrateOperation, ...]]:
    def reverse() -> tuple[ops.MigrateOperation, ...]:
        steps = getattr(op, "reverse_steps", None)
        return tuple(steps() if steps is not None else [op.reverse()])
    return reverse


def render_python(plan: Sequence[ops.MigrateOperation], dialect: str, downgrade: bool = False,
                  base: Schema | None = None, combine: bool = False) -> str:
    """The body of ``upgrade()`` (or ``downgrade()``), four-space indented as Alembic writes it.

    On SQLite with ``base`` (the schema the plan starts from), each table rebuild carries the
    table's full definition as ``copy_from``. With ``combine`` (PostgreSQL, MySQL/MariaDB), each
    run of one table's alterations the app sends as one ``ALTER TABLE`` is written as that
    statement (``op.execute``), so plain ``alembic`` rewrites the table once too."""
    def render() -> str:
        return _render_python(plan, dialect, downgrade, base, combine)
    return _TEXTS.get((*plan, base), render, ("python", dialect, downgrade, combine))


def _render_python(plan: Sequence[ops.MigrateOperation], dialect: str, downgrade: bool, base: Schema | None,
                   combine: bool) -> str:
    steps = downgrade_ops(plan) if downgrade else list(plan)
    batch = dialect == "sqlite"
    if combine and not batch:
        steps = combined_alter.combined(steps, dialect_for(dialect))
    items = sqlite_groups.batch_groups(steps) if batch else steps
    if batch and base is not None:
        items = _attach_definitions(items, _fold(base, plan, dialect_for(dialect)) if downgrade else base,
                                    dialect_for(dialect))
    return _python_body(_with_view_guard(items) if batch else items, dialect, batch)


def _python_body(items: list[ops.MigrateOperation], dialect: str, batch: bool) -> str:
    """What ``alembic.autogenerate.render_python_code`` writes for ``items``, each item's lines
    rendered once (an item's lines depend on nothing but the item)."""
    context = AutogenContext(MigrationContext.configure(dialect_name=dialect), opts={
        "sqlalchemy_module_prefix": "sa.", "alembic_module_prefix": "op.", "render_item": _render_item,
        "render_as_batch": batch, "user_module_prefix": None})
    buffer = io.StringIO()
    printer = PythonPrinter(buffer)
    printer.writeline("# ### commands auto generated by Alembic - please adjust! ###")
    written = False
    for item in items:
        lines = _LINES.get(_sources(item), _rendered(context, item), _extra(item, dialect, batch))
        written = written or bool(lines)
        for line in lines:
            printer.writeline(line)
    if not written:
        printer.writeline("pass")
    printer.writeline("# ### end Alembic commands ###")
    text = re.sub(r"^", "    ", buffer.getvalue(), flags=re.M).strip()
    return re.sub(r" +$", "", text, flags=re.M)


def _render_item(kind: str, item: Any, _context: AutogenContext) -> str | bool:
    """A server default given as SQL text, written as ``sa.text(...)``: Alembic's alter_column
    writes such a default bare (``server_default=now()``, a script that does not run) or, for a
    quoted literal, as a Python string (the text then a literal of itself). False: Alembic's own."""
    if kind == "server_default" and isinstance(item, sa.TextClause):
        return f"sa.text({item.text!r})"
    return False


def _rendered(context: AutogenContext, item: ops.MigrateOperation) -> Callable[[], tuple[str, ...]]:
    def render() -> tuple[str, ...]:
        return tuple(render_op(context, item))
    return render


def _grouped(item: ops.MigrateOperation) -> TypeGuard[ops.ModifyTableOps | combined_alter.CombinedAlterOp]:
    """A group made here (a new object each time the plan is grouped), not an operation of it."""
    return type(item) is ops.ModifyTableOps or isinstance(item, combined_alter.CombinedAlterOp)


def _sources(item: ops.MigrateOperation) -> tuple[Any, ...]:
    """What an item's output comes from: a group's operations and the table it copies from; any
    other item is its own source."""
    if _grouped(item):
        return (*item.ops, getattr(item, "copy_from", None))
    return (item,)


def _extra(item: ops.MigrateOperation, *more: Hashable) -> Hashable:
    if _grouped(item):
        return (type(item).__name__, item.table_name, item.schema, *more)
    return more


def _attach_definitions(items: list[ops.MigrateOperation], state: Schema,
                        dialect: sa.Dialect) -> list[ops.MigrateOperation]:
    """The items with each rebuild given its table as ``copy_from``, followed by its triggers."""
    result: list[ops.MigrateOperation] = []
    for item in items:
        if app_table_group(item):
            changes = list(item.ops)
            after = _fold(state, changes, dialect)
            if sqlite_groups.sqlite_rebuilds(changes):
                table = find_table(state, item.table_name, item.schema)
                # By the table's content: a downgrade folds the plan afresh each time, so the same
                # table comes back as a new object.
                key = (table, table.definition, tuple(repr(c.sa_type) for c in table.columns))
                source, generated, triggers = _REBUILT.get(changes, _rebuild(table, item, after), key)
                rebuilt = ops.ModifyTableOps(item.table_name, [*generated, *changes], schema=item.schema)
                rebuilt.copy_from = source  # type: ignore[attr-defined]
                result.append(rebuilt)
                result.extend(triggers)
            else:
                result.append(item)
            state = after
        else:
            result.append(item)
            state = _project(state, item, dialect)
    return result


_LEGACY_ALTER_ON = ops.ExecuteSQLOp(sqlite_groups.LEGACY_ALTER_ON)
_LEGACY_ALTER_OFF = ops.ExecuteSQLOp(sqlite_groups.LEGACY_ALTER_OFF)


def _rebuild(table: Table, item: ops.ModifyTableOps,
             after: Schema) -> Callable[[], tuple[Any, list[Any], tuple[ops.MigrateOperation, ...]]]:
    """What rebuilding ``table`` for the group ``item`` copies from, adds back, and re-creates."""
    def rebuild() -> tuple[Any, list[Any], tuple[ops.MigrateOperation, ...]]:
        source, generated = sa_build.rebuild_source(table, sqlite_groups.column_renames(item.ops))
        return source, generated, tuple(ops.ExecuteSQLOp(sql) for sql in sqlite_groups.triggers_lost(after, item))
    return rebuild


def _with_view_guard(items: list[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """SQLite renames the rebuilt table back into place; with views naming the table that
    rename fails unless legacy_alter_table is on, so each rebuild is wrapped in it."""
    guarded: list[ops.MigrateOperation] = []
    for item in items:
        if app_table_group(item) and sqlite_groups.sqlite_rebuilds(item.ops):
            guarded.extend([_LEGACY_ALTER_ON, item, _LEGACY_ALTER_OFF])
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
            state = _emitted(operations, buffer, item, state, strict)
        except OfflineError as error:
            if strict:
                raise
            buffer.write(f"-- {error}. It runs as it is, on the database, in the same transaction.\n\n")
    if as_sent and takes_percent_placeholders(context.dialect):
        # Offline, as under ``alembic upgrade --sql``, every % is doubled for a driver that takes %s
        # parameters; the server receives one. What is shown, exported or pasted into psql is that.
        return buffer.getvalue().replace("%%", "%")
    return buffer.getvalue()


def _emitted(operations: Operations, buffer: io.StringIO, item: ops.MigrateOperation, state: Schema | None,
             strict: bool) -> Schema | None:
    """``_emit`` once per item and state: the SQL it wrote and the state after, replayed after.
    A script's own code runs every time (it may read what it was given)."""
    dialect = operations.migration_context.dialect
    if isinstance(item, ScriptCodeOp | BatchBlockOp):
        return _emit(operations, item, state, dialect, strict)

    def emit() -> tuple[str, Schema | None]:
        start = buffer.tell()
        after = _emit(operations, item, state, dialect, strict)
        return buffer.getvalue()[start:], after

    start = buffer.tell()
    text, after = _SQL.get((state, *_sources(item)), emit, _extra(item, *dialect_key(dialect), strict))
    if buffer.tell() == start:  # found, not written just now
        buffer.write(text)
    return after


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
        state = _project(state, op, dialect)
    return state


def _project(state: Schema, op: ops.MigrateOperation, dialect: sa.Dialect) -> Schema:
    def projected() -> Schema:
        return project(state, op, dialect)
    return _PROJECTED.get((state, op), projected, dialect_key(dialect))
