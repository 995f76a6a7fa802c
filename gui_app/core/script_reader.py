"""Read an Alembic migration script back into operations, without touching any database.

The script's ``upgrade()`` and ``downgrade()`` run against a recording
``Operations`` whose ``invoke`` keeps each operation instead of executing it.
``alembic.op`` is bound per class, so the recorder reuses the binding of
``Operations``; ``batch_alter_table`` gets its own recording context that
collects a ``ModifyTableOps``.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from alembic.operations import BatchOperations, Operations, ops
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.util.langhelpers import ModuleClsProxy

from gui_app.core import (
    domain_ops,
    enum_ops,
    marked_ops,
    render,
    routine_ops,
    sequence_ops,
    trigger_ops,
    view_ops,
)
from gui_app.core.batch_block import BatchBlockOp, non_default
from gui_app.core.dialects import family
from gui_app.core.online import ConcurrentIndexOp, NotNullViaCheckOp, OnlineOp, UniqueViaIndexOp, ValidateLaterOp
from gui_app.core.schema import Schema
from gui_app.core.script_code import ScriptCodeOp, where_in
from gui_app.core.settle import settled
from gui_app.core.sqlite_groups import LEGACY_ALTER_OFF, LEGACY_ALTER_ON

_OWN_GUARDS = (LEGACY_ALTER_ON, LEGACY_ALTER_OFF)


class ScriptError(ValueError):
    """The script cannot be read into operations; the message says where and why."""


class _BatchRecorder(BatchOperations):
    def __init__(self, context: MigrationContext, table_name: str, schema: str | None) -> None:
        super().__init__(context, impl=SimpleNamespace(table_name=table_name, schema=schema))  # type: ignore[arg-type]
        self.container = ops.ModifyTableOps(table_name, [], schema=schema)

    def invoke(self, operation: Any) -> None:  # type: ignore[override]
        self.container.ops.extend(settled(operation))


class RecordingOperations(Operations):
    """An ``Operations`` that records what a migration would do."""

    def __init__(self, options: dict[str, Any] | None = None, dialect: str = "postgresql") -> None:
        opts = {**(options or {}), "as_sql": True}
        super().__init__(MigrationContext.configure(dialect_name=dialect, opts=opts))
        self.recorded: list[ops.MigrateOperation] = []

    def invoke(self, operation: Any) -> None:  # type: ignore[override]
        if isinstance(operation, ops.ExecuteSQLOp) and operation.sqltext in _OWN_GUARDS:
            return  # written around SQLite rebuilds by this app; not an operation of the user's
        self.recorded.extend(settled(operation))

    @contextmanager
    def batch_alter_table(  # type: ignore[override]
        self, table_name: str, schema: str | None = None, recreate: str = "auto", partial_reordering: Any = None,
        copy_from: Any = None, table_args: Any = (), table_kwargs: Any = None, reflect_args: Any = (),
        reflect_kwargs: Any = None, naming_convention: Any = None,
    ) -> Iterator[Any]:
        recorder = _BatchRecorder(self.migration_context, table_name, schema)
        yield recorder
        options = non_default({
            "recreate": recreate, "partial_reordering": partial_reordering, "copy_from": copy_from,
            "table_args": table_args, "table_kwargs": table_kwargs or {}, "reflect_args": reflect_args,
            "reflect_kwargs": reflect_kwargs or {}, "naming_convention": naming_convention})
        if options:  # how Alembic rebuilds the table matters: kept as one block (see batch_block)
            self.recorded.append(BatchBlockOp(table_name, list(recorder.container.ops), schema, options))
        else:
            self.recorded.extend(recorder.container.ops)

    def get_bind(self) -> Any:
        raise _NeedsDatabase("op.get_bind()")

    def get_context(self) -> Any:
        return _RecordingContext(self)


class _RecordingContext:
    """``op.get_context()`` while recording: an ``autocommit_block()`` holding one of the app's
    online forms (:mod:`gui_app.core.online`, or the same statements written by hand) is read as
    that operation; anything else asked of the context needs the database."""

    def __init__(self, recorder: RecordingOperations) -> None:
        self._recorder = recorder

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        start = len(self._recorder.recorded)
        yield
        block = self._recorder.recorded[start:]
        del self._recorder.recorded[start:]
        online = online_from_block(block)
        if online is None:
            found = marked_ops.gathered(block)  # an enum value added and committed
            if len(found) == 1 and getattr(found[0], "commits", False):
                self._recorder.recorded.extend(block)
                return
            raise _NeedsDatabase("op.get_context().autocommit_block()")
        self._recorder.recorded.append(online)

    def __getattr__(self, name: str) -> Any:
        raise _NeedsDatabase(f"op.get_context().{name}")


def online_from_block(block: Sequence[ops.MigrateOperation]) -> OnlineOp | None:
    """The online operation whose statements ``block`` holds, exactly (compared as the SQL both
    write), or None."""
    candidate = _online_candidate(block)
    if candidate is None:
        return None
    same = render.render_sql(list(block), "postgresql", None) == \
        render.render_sql([phase.op for phase in candidate.phases()], "postgresql", None)
    return candidate if same else None


def _online_candidate(block: Sequence[ops.MigrateOperation]) -> OnlineOp | None:
    first = block[0] if block else None
    if isinstance(first, ops.CreateIndexOp) and first.kw.get("postgresql_concurrently") and first.index_name:
        if len(block) == 1:
            kw = {k: v for k, v in first.kw.items() if k != "postgresql_concurrently"}
            return ConcurrentIndexOp(ops.CreateIndexOp(first.index_name, first.table_name, first.columns,
                                                       schema=first.schema, unique=first.unique, **kw))
        names = [c for c in first.columns if isinstance(c, str)]
        if len(block) == 2 and first.unique and len(names) == len(first.columns):
            return UniqueViaIndexOp(ops.CreateUniqueConstraintOp(first.index_name, first.table_name, names,
                                                                 schema=first.schema))
    if isinstance(first, ops.CreateForeignKeyOp | ops.CreateCheckConstraintOp) and first.constraint_name \
            and first.kw.get("postgresql_not_valid"):
        if len(block) == 2:
            plain = copy.copy(first)
            plain.kw = {k: v for k, v in first.kw.items() if k != "postgresql_not_valid"}
            return ValidateLaterOp(plain)
        if len(block) == 4 and isinstance(block[2], ops.AlterColumnOp):
            return NotNullViaCheckOp(block[2], str(first.constraint_name))
    return None


class _NeedsDatabase(Exception):
    """The function asks for the database: it is kept as code (:class:`ScriptCodeOp`)."""


class _RecordingEnvironment(EnvironmentContext):
    """``alembic.context`` while recording: what needs the database stops the recording."""

    def get_bind(self) -> Any:
        raise _NeedsDatabase("context.get_bind()")

    def get_context(self) -> Any:
        raise _NeedsDatabase("context.get_context()")

    def execute(self, sql: Any, execution_options: Any = None) -> None:
        raise _NeedsDatabase("context.execute()")


def _readds_generated_column(op: Any, copy_from: Any) -> bool:
    """This app's rebuilds leave generated columns out of ``copy_from`` and add them back;
    that add is part of the rebuild, not an operation of its own."""
    if copy_from is None or not isinstance(op, ops.AddColumnOp) or op.column.computed is None:
        return False
    return op.column.name not in copy_from.c


# ``alembic.op`` proxies the methods of whichever Operations installs itself; the table of
# proxied names is kept per class, so the recorder shares the one of Operations.
ModuleClsProxy._setups[RecordingOperations] = ModuleClsProxy._setups[Operations]
ModuleClsProxy._setups[_RecordingEnvironment] = ModuleClsProxy._setups[EnvironmentContext]


@dataclass
class LoadedScript:
    """A migration script read into operations: its identity and its upgrade and downgrade steps."""

    path: Path
    revision: str | None
    down_revision: str | tuple[str, ...] | None
    message: str
    upgrade: list[ops.MigrateOperation] = field(default_factory=list)
    downgrade: list[ops.MigrateOperation] = field(default_factory=list)


def _record(function: Callable[[], Any], path: Path, reverse: Callable[[], Any] | None,
            options: dict[str, Any]) -> list[ops.MigrateOperation]:
    """The operations ``function`` invokes; a function that asks for the database, or that cannot
    be recorded, is one :class:`ScriptCodeOp` that runs it as it is."""
    recorder = RecordingOperations(options)
    environment = _RecordingEnvironment(Config(), None)  # type: ignore[arg-type]
    environment._install_proxy()
    recorder._install_proxy()
    try:
        function()
    except SystemExit as exiting:  # under alembic it would end the migration run: an error, not a success
        raise ScriptError(f"{path.name} {function.__name__}() calls sys.exit({exiting.code!r})") from None
    except _NeedsDatabase as asked:
        reason = f"uses the database through {asked}{where_in(asked, path)}"
        return [ScriptCodeOp(function, path, reason, reverse, options)]
    except Exception as error:
        # Run as it is, it does what it does under ``alembic``: works, or fails the same way.
        reason = f"cannot be recorded{where_in(error, path)}: {type(error).__name__}: {error}"
        return [ScriptCodeOp(function, path, reason, reverse, options)]
    finally:
        recorder._remove_proxy()
        environment._remove_proxy()
    return marked_ops.gathered(recorder.recorded)


def load_script(path: str | Path, target_metadata: sa.MetaData | None = None) -> LoadedScript:
    """Read a script; ``target_metadata`` is what the project's ``env.py`` hands its migrations."""
    path = Path(path)
    options: dict[str, Any] = {"target_metadata": target_metadata} if target_metadata is not None else {}
    if not path.is_file():
        raise ScriptError(f"no migration script at {path}")
    spec = importlib.util.spec_from_file_location(f"_alembic_studio_script_{uuid.uuid4().hex}", path)
    if spec is None or spec.loader is None:
        raise ScriptError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    recorder = RecordingOperations()
    recorder._install_proxy()  # module-level code may touch op (rare, but allowed)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exiting:  # never the app's own exit
        raise ScriptError(f"{path.name} calls sys.exit({exiting.code!r}) when it is read") from None
    except Exception as error:
        raise ScriptError(f"{path.name} cannot be read: {type(error).__name__}: {error}") from None
    finally:
        recorder._remove_proxy()
    upgrade, downgrade = getattr(module, "upgrade", None), getattr(module, "downgrade", None)
    if not callable(upgrade):
        raise ScriptError(f"{path.name} has no upgrade() function; is it an Alembic migration script?")
    return LoadedScript(
        path=path,
        revision=getattr(module, "revision", None),
        down_revision=getattr(module, "down_revision", None),
        message=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else "",
        upgrade=_record(upgrade, path, downgrade if callable(downgrade) else None, options),
        downgrade=_record(downgrade, path, upgrade, options) if callable(downgrade) else [],
    )


def resolved(operations: Sequence[ops.MigrateOperation], base: Schema,
             dialect: sa.Dialect | None) -> list[ops.MigrateOperation]:
    """The operations as they apply to ``base``: a ``drop_index`` that names no table (valid on
    PostgreSQL, where index names are unique per schema) gets the table that holds the index, and a
    batch block whose only option is a ``copy_from`` equal to the table as it is by then (what this
    app writes) becomes its operations again, so that the app's own SQLite strategy runs them."""
    from gui_app.core.projection import ProjectionError, project

    result: list[ops.MigrateOperation] = []
    state: Schema | None = base
    for op in operations:
        steps = [op]
        if isinstance(op, ops.DropIndexOp) and not op.table_name and state is not None:
            holder = next((t for t in state.tables if t.schema == op.schema
                           and any(i.name == op.index_name for i in t.indexes)), None)
            if holder is not None:
                steps = [ops.DropIndexOp(op.index_name, table_name=holder.name, schema=op.schema,
                                         if_exists=op.if_exists, **op.kw)]
        elif isinstance(op, BatchBlockOp) and op.only_copy_from and state is not None \
                and _copies_the_table(op, state, dialect):
            steps = [inner for inner in op.ops if not _readds_generated_column(inner, op.options["copy_from"])]
        for step in steps:
            result.append(step)
            try:
                state = project(state, step, dialect) if state is not None else None
            except ProjectionError:
                state = None  # the script does not fit: applying it says where
    return result


def _copies_the_table(block: BatchBlockOp, state: Schema, dialect: sa.Dialect | None) -> bool:
    from gui_app.core.projection import ProjectionError, find_table
    from gui_app.core.sa_build import table_from_sa
    from gui_app.core.verification import table_shape

    copy_from = block.options["copy_from"]
    try:
        table = find_table(state, block.table_name, block.schema)
    except ProjectionError:
        return False
    readded = {op.column.name for op in block.ops
               if isinstance(op, ops.AddColumnOp) and _readds_generated_column(op, copy_from)}
    table = dataclasses.replace(table, columns=tuple(c for c in table.columns if c.name not in readded))
    shape_dialect = dialect if dialect is not None else render.dialect_for("sqlite")
    return table_shape(table_from_sa(copy_from, dialect), shape_dialect) == table_shape(table, shape_dialect)


def reversible(
    operations: Sequence[ops.MigrateOperation], base: Schema, dialect: str,
    downgrade: Sequence[ops.MigrateOperation] = (),
) -> list[ops.MigrateOperation]:
    """The operations of a script, rebuilt from the schema they run on so that each one reverses.

    A script names what it drops but does not carry it; projected over ``base``, each drop is
    rebuilt from the object it drops and each alteration gets its ``existing_*`` values. A custom
    SQL step takes its downgrade SQL from the script's ``downgrade()``, which lists the reverse
    steps in the opposite order.
    """
    from gui_app.core.plan import Plan

    plan = Plan(base, dialect)
    operations = resolved(operations, base, render.dialect_for(family(dialect)))
    mirrored = list(reversed(downgrade)) if len(downgrade) == len(operations) else [None] * len(operations)
    result = []
    for op, undo in zip(operations, mirrored, strict=True):
        try:
            rebuilt = _rebuilt(op, plan.projected, undo)
        except (KeyError, ValueError):  # names an object that is not there: validation says so
            rebuilt = op
        plan.append(rebuilt)
        result.append(rebuilt)
    return result


_COMPLETED: tuple[tuple[type[Any], Callable[[Any, Schema], ops.MigrateOperation]], ...] = (
    (view_ops.ViewOp, view_ops.completed), (enum_ops.EnumOp, enum_ops.completed),
    (sequence_ops.SequenceOp, sequence_ops.completed), (routine_ops.RoutineOp, routine_ops.completed),
    (trigger_ops.TriggerOp, trigger_ops.completed), (domain_ops.DomainOp, domain_ops.completed))
"""The app's own operations read back from a revision, and how each is completed from the schema."""


def _rebuilt(op: ops.MigrateOperation, schema: Schema, undo: ops.MigrateOperation | None) -> ops.MigrateOperation:
    from gui_app.core import app_ops, edits
    from gui_app.core.projection import ProjectionError, find_table

    def table(name: str, where: str | None) -> Any:
        try:
            return find_table(schema, name, where)
        except ProjectionError:
            return None

    for app_op, completed in _COMPLETED:
        if isinstance(op, app_op):  # what its reverse needs, from the schema it runs on
            return completed(op, schema)
    if isinstance(op, ops.ExecuteSQLOp) and not isinstance(op, app_ops.ReversibleExecuteSQLOp):
        down = undo.sqltext if isinstance(undo, ops.ExecuteSQLOp) else None
        return app_ops.ReversibleExecuteSQLOp(op.sqltext, down)
    if isinstance(op, ops.BulkInsertOp) and not isinstance(op, app_ops.ReversibleBulkInsertOp) \
            and isinstance(op.table, sa.TableClause) and (t := table(op.table.name, op.table.schema)) is not None:
        return edits.bulk_insert(t, list(op.rows))
    if isinstance(op, ops.RenameTableOp) and not isinstance(op, app_ops.ReversibleRenameTableOp):
        return app_ops.ReversibleRenameTableOp(op.table_name, op.new_table_name, schema=op.schema)
    if isinstance(op, ops.DropTableOp) and (t := table(op.table_name, op.schema)) is not None:
        return edits.drop_table(t)
    if isinstance(op, ops.DropColumnOp) and (t := table(op.table_name, op.schema)) is not None:
        return edits.drop_column(t, op.column_name)
    if isinstance(op, ops.DropIndexOp) and op.table_name and (t := table(op.table_name, op.schema)) is not None:
        return edits.drop_index(t, op.index_name)
    if isinstance(op, ops.DropConstraintOp) and op.constraint_name and \
            (t := table(op.table_name, op.schema)) is not None:
        kind = op.constraint_type or _constraint_kind(t, str(op.constraint_name))
        if kind in ("primary", "foreignkey", "unique", "check"):
            return edits.drop_constraint(t, kind, str(op.constraint_name))
    if isinstance(op, ops.AlterColumnOp) and op.existing_type is None and \
            (t := table(op.table_name, op.schema)) is not None:
        column = next((c for c in t.columns if c.name == op.column_name), None)
        if column is not None:
            return edits.alter_column(
                t, op.column_name, new_name=op.modify_name, type_=op.modify_type, nullable=op.modify_nullable,
                # A Python string is a literal to Alembic, as it is to SQLAlchemy.
                server_default=op.modify_server_default if not isinstance(op.modify_server_default, str)
                else edits.UNCHANGED,
                default_literal=op.modify_server_default if isinstance(op.modify_server_default, str) else None,
                comment=op.modify_comment)
    return op


def _constraint_kind(table: Any, name: str) -> str | None:
    if table.primary_key is not None and table.primary_key.name == name:
        return "primary"
    for kind, items in (("foreignkey", table.foreign_keys), ("unique", table.unique_constraints),
                        ("check", table.check_constraints)):
        if any(i.name == name for i in items):
            return kind
    return None
