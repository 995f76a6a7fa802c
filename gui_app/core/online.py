"""The online form of a PostgreSQL operation that would block a table while it reads every row.

"Make it online" replaces an operation of the pending list with one of these. Each is the same
change made the way the PostgreSQL manual describes for a live table, as a sequence of phases
run outside the plan's transaction (``autocommit_block()``, as under ``alembic``), each
committing as it goes, so no lock outlives its phase:

- an index: ``CREATE INDEX CONCURRENTLY`` (``SHARE UPDATE EXCLUSIVE``: reads and writes go on);
- a foreign key or CHECK: added ``NOT VALID`` (a brief lock, no scan), then ``VALIDATE
  CONSTRAINT`` (``SHARE UPDATE EXCLUSIVE`` on the table, ``ROW SHARE`` on a referenced one);
- ``SET NOT NULL`` (12+): ``CHECK (col IS NOT NULL) NOT VALID``, ``VALIDATE``, then ``SET NOT
  NULL``, which skips its scan because a valid CHECK proves it, and the CHECK dropped;
- a unique constraint: its index built ``CONCURRENTLY``, then ``ADD CONSTRAINT … USING INDEX``.

Sources: https://www.postgresql.org/docs/15/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
and https://www.postgresql.org/docs/15/sql-altertable.html (Notes; ``ADD table_constraint_using_index``).

What the committed phases leave when a later one fails (an invalid index, a ``NOT VALID``
constraint) the app removes again when it applies; a saved revision run by ``alembic`` leaves it
for the person running it, as the confirmation and the comment in the script say.
Importing this module registers the operations' runner, renderer, projection and rules.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.dialects import takes_percent_placeholders
from gui_app.core.errors import describe_error
from gui_app.core.marked_ops import for_execute, postgresql_quoting
from gui_app.core.projection import project, register

NOT_NULL_CHECK_FROM = (12,)
"""``SET NOT NULL`` skips its scan when a valid CHECK proves the column (PostgreSQL 12+)."""


@dataclass(frozen=True)
class Phase:
    """One statement of an online operation: what runs, what runs instead inside a transaction
    (the dry run's), and the SQL that takes back what it left when a later phase fails."""

    op: ops.MigrateOperation
    label: str
    stand_in: ops.MigrateOperation | None = None
    undo: str | None = None
    leaves_on_failure: bool = False
    """A failure of this phase itself leaves something to undo (``CONCURRENTLY``: an invalid index)."""


class OnlineOp(ops.MigrateOperation):
    """The online form of ``plain``: the same end schema, reached without blocking writes for
    the length of a scan. Its reverse is the plain operation's (a drop is catalog only)."""

    kind = "online"

    def __init__(self, plain: ops.MigrateOperation) -> None:
        self.plain = plain
        target = _target(plain)
        self.schema, self.table_name = target

    def phases(self) -> list[Phase]:
        raise NotImplementedError

    @property
    def failure(self) -> str:
        """What is left if it fails part-way, said before it runs."""
        raise NotImplementedError

    def reverse(self) -> ops.MigrateOperation:
        return self.plain.reverse()


class ConcurrentIndexOp(OnlineOp):
    kind = "CONCURRENTLY"
    plain: ops.CreateIndexOp

    def phases(self) -> list[Phase]:
        plain = self.plain
        concurrent = ops.CreateIndexOp(plain.index_name, plain.table_name, plain.columns, schema=plain.schema,
                                       unique=plain.unique, **{**plain.kw, "postgresql_concurrently": True})
        return [Phase(concurrent, "CREATE INDEX CONCURRENTLY", stand_in=plain,
                      undo=f"DROP INDEX CONCURRENTLY IF EXISTS {_qualified(plain.schema, str(plain.index_name))}",
                      leaves_on_failure=True)]

    @property
    def failure(self) -> str:
        return (f"if the build fails (a duplicate in a unique index, a lock timeout, a cancel) it leaves the "
                f"index {self.plain.index_name} invalid: the app drops it again; under alembic, "
                f"DROP INDEX CONCURRENTLY {self.plain.index_name} is left to you")


class ValidateLaterOp(OnlineOp):
    """A foreign key or CHECK added ``NOT VALID``, then validated in a transaction of its own."""

    kind = "NOT VALID, then VALIDATE"
    plain: ops.CreateForeignKeyOp | ops.CreateCheckConstraintOp

    def phases(self) -> list[Phase]:
        not_valid = copy.copy(self.plain)
        not_valid.kw = {**self.plain.kw, "postgresql_not_valid": True}
        name = str(self.plain.constraint_name)
        table = _qualified(self.schema, self.table_name)
        return [Phase(not_valid, "ADD CONSTRAINT … NOT VALID",
                      undo=f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_quote(name)}"),
                Phase(ops.ExecuteSQLOp(for_execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {_quote(name)}")),
                      "VALIDATE CONSTRAINT")]

    @property
    def failure(self) -> str:
        return (f"if existing rows break it, VALIDATE fails and {self.plain.constraint_name} stays NOT VALID "
                "(new rows are checked): the app drops it again; under alembic that is left to you")


class NotNullViaCheckOp(OnlineOp):
    """``SET NOT NULL`` proven first by a validated CHECK, so it does not scan under its lock."""

    kind = "CHECK NOT VALID, VALIDATE, SET NOT NULL"
    plain: ops.AlterColumnOp

    def __init__(self, plain: ops.AlterColumnOp, check_name: str) -> None:
        super().__init__(plain)
        self.check_name = check_name

    def phases(self) -> list[Phase]:
        plain, name = self.plain, self.check_name
        table = _qualified(plain.schema, plain.table_name)
        column = _quote(plain.column_name)
        check = ops.CreateCheckConstraintOp(name, plain.table_name, for_execute(f"{column} IS NOT NULL"),
                                            schema=plain.schema, postgresql_not_valid=True)
        return [Phase(check, "ADD CHECK (… IS NOT NULL) NOT VALID",
                      undo=f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_quote(name)}"),
                Phase(ops.ExecuteSQLOp(for_execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {_quote(name)}")),
                      "VALIDATE CONSTRAINT"),
                Phase(plain, "SET NOT NULL (no scan: the CHECK proves it)",
                      undo=f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL"),
                Phase(ops.DropConstraintOp(name, plain.table_name, type_="check", schema=plain.schema),
                      "DROP the CHECK")]

    @property
    def failure(self) -> str:
        return (f"if a row holds NULL, VALIDATE fails and the CHECK {self.check_name} stays NOT VALID: the app "
                "drops it again; under alembic that is left to you")


class UniqueViaIndexOp(OnlineOp):
    """A unique constraint over an index built ``CONCURRENTLY`` first."""

    kind = "UNIQUE INDEX CONCURRENTLY, then USING INDEX"
    plain: ops.CreateUniqueConstraintOp

    def phases(self) -> list[Phase]:
        plain = self.plain
        name = str(plain.constraint_name)
        table = _qualified(plain.schema, plain.table_name)
        index = ops.CreateIndexOp(name, plain.table_name, list(plain.columns), schema=plain.schema, unique=True,
                                  postgresql_concurrently=True)
        plain_index = ops.CreateIndexOp(name, plain.table_name, list(plain.columns), schema=plain.schema, unique=True)
        return [Phase(index, "CREATE UNIQUE INDEX CONCURRENTLY", stand_in=plain_index,
                      undo=f"DROP INDEX CONCURRENTLY IF EXISTS {_qualified(plain.schema, name)}",
                      leaves_on_failure=True),
                Phase(ops.ExecuteSQLOp(for_execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} UNIQUE USING "
                                                f"INDEX {_quote(name)}")), "ADD CONSTRAINT … USING INDEX")]

    @property
    def failure(self) -> str:
        return (f"if a value is duplicated the build fails and leaves the index {self.plain.constraint_name} invalid: "
                f"the app drops it again; under alembic, DROP INDEX CONCURRENTLY is left to you")


def online_form(op: ops.MigrateOperation, before: s.Schema) -> OnlineOp | None:
    """The online form of ``op`` on ``before``'s server, or None where it has none (or needs none:
    a table the plan creates is seen by nobody until commit)."""
    if before.dialect != "postgresql" or isinstance(op, OnlineOp):
        return None
    schema, table_name = _target(op) if _has_target(op) else (None, "")
    table = before.find_table(table_name, schema) if table_name else None
    if table is None:
        return None
    if isinstance(op, ops.CreateIndexOp) and not op.kw.get("postgresql_concurrently") and op.index_name:
        return ConcurrentIndexOp(op)
    if isinstance(op, ops.CreateForeignKeyOp | ops.CreateCheckConstraintOp) and op.constraint_name \
            and not op.kw.get("postgresql_not_valid"):
        return ValidateLaterOp(op)
    if isinstance(op, ops.CreateUniqueConstraintOp) and op.constraint_name \
            and not any(op.kw.get(k) for k in ("deferrable", "initially", "postgresql_nulls_not_distinct")):
        return UniqueViaIndexOp(op)
    if isinstance(op, ops.AlterColumnOp) and op.modify_nullable is False and op.modify_type is None \
            and op.modify_name is None and op.modify_server_default is False and op.modify_comment is False \
            and _version(before) >= NOT_NULL_CHECK_FROM:
        return NotNullViaCheckOp(op, _free_check_name(table, op.column_name))
    return None


def _version(schema: s.Schema) -> tuple[int, ...]:
    return tuple(int(part) for part in schema.server_version.split(".") if part.isdigit())


def _free_check_name(table: s.Table, column: str) -> str:
    """``<table>_<column>_not_null``, cut to PostgreSQL's 63 bytes, not a name the table uses."""
    taken = {c.name for c in table.check_constraints} | {u.name for u in table.unique_constraints} \
        | {f.name for f in table.foreign_keys} | {i.name for i in table.indexes}
    stem = f"{table.name}_{column}_not_null"
    for number in range(1000):
        suffix = "" if number == 0 else f"_{number}"
        name = stem.encode()[:63 - len(suffix)].decode(errors="ignore") + suffix
        if name not in taken:
            return name
    raise ValueError(f"no free name for a CHECK on {table.name}")


def _has_target(op: ops.MigrateOperation) -> bool:
    return isinstance(op, ops.CreateForeignKeyOp) or isinstance(getattr(op, "table_name", None), str)


def _target(op: ops.MigrateOperation) -> tuple[str | None, str]:
    if isinstance(op, ops.CreateForeignKeyOp):
        return op.kw.get("source_schema"), op.source_table
    return getattr(op, "schema", None), str(op.table_name)  # type: ignore[attr-defined]


def _quote(name: str) -> str:
    """The texts built here pass through ``text()`` (an ``op.execute`` string, a CHECK's condition),
    or go to the driver with ``%`` doubled (the clean-up statements)."""
    return str(postgresql_quoting().quote(name))


def _qualified(schema: str | None, name: str) -> str:
    return ".".join(_quote(part) for part in (schema, name) if part)


# --- running -------------------------------------------------------------------------------


class OnlineStepFailed(Exception):
    """A phase failed; says which, the server's message, and what was taken back. ``orig`` is
    the driver's error (a lock timeout is still recognised as one)."""

    def __init__(self, message: str, error: BaseException) -> None:
        super().__init__(message)
        self.orig = getattr(error, "orig", error)


@Operations.implementation_for(OnlineOp)
def _run(operations: Operations, operation: OnlineOp) -> None:
    """The phases, each committing on its own. Inside a transaction that is kept (the dry run's),
    each runs there in the form a transaction accepts; offline (the preview) each is written
    between the ``COMMIT`` and ``BEGIN`` Alembic writes for ``autocommit_block()``."""
    context = operations.migration_context
    with context.autocommit_block():
        conn = context.connection
        if context.as_sql or conn is None:
            for phase in operation.phases():
                operations.invoke(phase.op)
        elif _in_transaction(conn):
            for phase in operation.phases():
                operations.invoke(phase.stand_in or phase.op)
        else:
            _run_committing(operations, conn, operation.phases())


def _run_committing(operations: Operations, conn: sa.Connection, phases: Sequence[Phase]) -> None:
    done: list[Phase] = []
    for phase in phases:
        existed = phase.leaves_on_failure and _index_exists(conn, phase.op)
        try:
            operations.invoke(phase.op)
        except Exception as error:
            leftovers = [*([phase] if phase.leaves_on_failure and not existed else []), *reversed(done)]
            raise OnlineStepFailed(f"{phase.label} failed: {describe_error(error)}{_taken_back(conn, leftovers)}",
                                   error) from error
        done.append(phase)


def _taken_back(conn: sa.Connection, leftovers: Sequence[Phase]) -> str:
    """Undo what the committed phases left; says what was undone, or what is left to undo."""
    undone, left = [], []
    for phase in leftovers:
        if phase.undo is None:
            continue
        try:
            doubled = takes_percent_placeholders(conn.dialect)
            conn.exec_driver_sql(phase.undo.replace("%", "%%") if doubled else phase.undo)
            undone.append(phase.undo)
        except Exception as error:  # said in the message, with the statement to run by hand
            left.append(f"{phase.undo} ({describe_error(error)})")
    text = ""
    if undone:
        text += f". Taken back: {'; '.join(undone)}"
    if left:
        text += f". Left to do by hand: {'; '.join(left)}"
    return text


def _index_exists(conn: sa.Connection, op: ops.MigrateOperation) -> bool:
    assert isinstance(op, ops.CreateIndexOp)
    name = _qualified(op.schema, str(op.index_name))
    return conn.execute(sa.text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name}).scalar_one() is True


def _in_transaction(conn: sa.Connection) -> bool:
    """Whether the server session is inside a transaction block (psycopg's view of it)."""
    info = getattr(conn.connection.dbapi_connection, "info", None)
    return info is not None and int(info.transaction_status) != 0


# --- writing, projecting, checking -----------------------------------------------------------


@renderers.dispatch_for(OnlineOp)
def _render(context: AutogenContext, op: OnlineOp) -> list[str]:
    """The phases in one ``autocommit_block()``: each statement commits on its own under ``alembic``."""
    lines = [f"# Made online ({op.kind}): each statement commits on its own; {op.failure}.",
             "with op.get_context().autocommit_block():"]
    for phase in op.phases():
        lines.extend(render_op(context, phase.op))
    return [*lines, ""]  # Alembic's printer indents after the colon and ends the block at the empty line


@register(OnlineOp)
def _project(op: OnlineOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    return project(schema, op.plain, dialect)
