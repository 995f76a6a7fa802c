"""Running a plan's operations on one connection: the runner, and what it reports.

Below :mod:`gui_app.core.apply` (which frames the run per dialect: transaction, drift check,
stamping, verification) and :mod:`gui_app.core.apply_mysql` (the scratch database of a MySQL
dry run), so that neither imports the other.
"""

from __future__ import annotations

import contextlib
import functools
import re
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core import combined_alter, sqlite_groups, timeouts
from gui_app.core.batch_block import BatchBlockOp, app_table_group
from gui_app.core.errors import describe_error
from gui_app.core.journal import Journal
from gui_app.core.lock_probe import PostgresProbe, StepMeasured
from gui_app.core.mysql_algorithms import Accepted
from gui_app.core.op_facts import describe
from gui_app.core.progress import Cancelled, CancelToken, ProgressFn
from gui_app.core.projection import project
from gui_app.core.schema import Schema
from gui_app.core.script_code import ScriptCodeOp, ends_transaction

OUT_OF_LOCKS = ("PostgreSQL ran out of lock slots (max_locks_per_transaction) for this many changes in one "
                "transaction; nothing was applied. Raise max_locks_per_transaction or apply fewer operations at once.")


class ApplyFailed(Exception):
    """An operation failed. ``applied`` operations stay applied (only ever > 0 on MySQL/MariaDB, or
    where ``committed_by`` names the operation whose ``autocommit_block()`` committed them).

    ``lock_timeout``: it gave up waiting for a lock another session holds (trying again later may
    succeed); ``blockers`` then names the sessions found holding locks on the plan's tables."""

    def __init__(self, index: int, operation: str, message: str, applied: int, rolled_back: bool,
                 error: BaseException | None = None, committed_by: int | None = None) -> None:
        self.index, self.operation, self.message = index, operation, message
        self.applied, self.rolled_back = applied, rolled_back
        self.committed_by = committed_by
        self.lock_timeout = error is not None and timeouts.lock_timed_out(error)
        self.blockers: list[str] = []
        self.attempts = 1
        """How many times the plan was tried (a lock timeout is tried again: ``Timeouts.lock_retries``)."""
        super().__init__(self._text())

    def _text(self) -> str:
        state = "Nothing was changed." if self.rolled_back else f"The first {self.applied} operation(s) were applied."
        if self.committed_by is not None:
            state = (f"Operation {self.committed_by + 1} committed part-way (its own COMMIT or "
                     f"autocommit_block(), as under alembic): the first {self.applied} operation(s) stay "
                     f"applied, with what operation {self.committed_by + 1} did before that commit; the rest "
                     f"was rolled back.")
        message = self.message if self.message.endswith((".", "!", "?")) else f"{self.message}."
        text = f"Operation {self.index + 1} ({self.operation}) failed: {message} {state}"
        if self.lock_timeout:
            waited = timeouts.current().lock
            tries = f" at each of {self.attempts} attempts" if self.attempts > 1 else ""
            text += (f" It waited {waited:g} s{tries} for a lock another session holds" +
                     (": " + "; ".join(self.blockers) + "." if self.blockers else ".") +
                     " Try again when that session has finished, or raise the lock timeout.")
        return text

    def name_blockers(self, blockers: list[str], attempts: int = 1) -> None:
        self.blockers, self.attempts = blockers, attempts
        self.args = (self._text(),)


@dataclass
class ApplyReport:
    """What an apply did: how many operations ran, whether it was a dry run, what it stamped, and
    how the database differs from the projection afterwards (empty when it is as planned)."""

    applied: int
    dry_run: bool
    mismatches: list[str] = field(default_factory=list)
    """After a real apply: how the database differs from the projected schema (should be empty)."""
    stamped: str | None = None
    notes: list[str] = field(default_factory=list)
    measured: list[StepMeasured] = field(default_factory=list)
    """After a PostgreSQL dry run: what each step locked, rewrote and read, and its time."""
    algorithms: Accepted | None = None
    """After a MySQL/MariaDB dry run: the ALGORITHM/LOCK the server accepted for each statement."""


@dataclass
class Runner:
    """Runs operations on one connection, reporting progress and honouring cancel between them."""

    conn: sa.Connection
    state: Schema
    progress: ProgressFn | None
    cancel: CancelToken | None
    total: int
    done: int = 0
    after_each: Callable[[int], None] | None = None
    journal: Journal | None = None
    """Where each step is recorded as started and done (MySQL/MariaDB, whose DDL commits at once)."""
    notes: list[str] = field(default_factory=list)
    """Warnings raised while a script's own code or Alembic's batch mode ran."""
    checkpoint: tuple[int, Schema] | None = None
    """After the last step whose effect only the database knows (a script's own code, DDL written
    as SQL): how many operations had run, and the schema read back then."""
    transaction: sa.RootTransaction | None = None
    """The transaction the plan runs in; a script's ``autocommit_block()`` commits it and begins the next."""
    dry_run: bool = False
    committed_by: int | None = None
    """The operation whose own ``COMMIT`` or ``autocommit_block()`` last committed the work before it."""
    combine: bool = True
    """Send consecutive alterations of one table as one ALTER TABLE (PostgreSQL, MySQL/MariaDB);
    off when replaying a failed plan to name the one operation that fails."""
    probe: PostgresProbe | None = None
    """Set for a PostgreSQL dry run: each step is measured (locks, rewrites, scans, time)."""
    measured: list[StepMeasured] = field(default_factory=list)
    _in_block: bool = field(default=False, init=False)
    """Inside a script's ``autocommit_block()``, where statements commit by design."""

    def run(self, plan: Sequence[ops.MigrateOperation], dialect: str) -> None:
        context = MigrationContext.configure(connection=self.conn)
        # A script's op.get_context().autocommit_block() is this one: Alembic's own asserts that the
        # context began the transaction, and here the plan's transaction is the runner's.
        context.autocommit_block = self._autocommit_block  # type: ignore[method-assign]
        operations = Operations(context)
        sa.event.listen(self.conn, "before_cursor_execute", self._before_statement, retval=True)
        sa.event.listen(self.conn, "after_cursor_execute", self._after_statement)
        try:
            self._run(operations, plan, dialect)
        finally:
            sa.event.remove(self.conn, "after_cursor_execute", self._after_statement)
            sa.event.remove(self.conn, "before_cursor_execute", self._before_statement)

    def _run(self, operations: Operations, plan: Sequence[ops.MigrateOperation], dialect: str) -> None:
        if dialect == "sqlite":
            items = sqlite_groups.batch_groups(list(plan))
        else:
            items = combined_alter.combined(plan, self.conn.dialect) if self.combine else list(plan)
        for item in items:
            group = combined_alter.members(item)
            if self.cancel is not None and self.cancel.cancelled:
                raise Cancelled()
            if self.progress is not None:
                self.progress(describe(group[0]), self.done, self.total)
            if self.journal is not None:
                self.journal.step_started(self.done, len(group))
            try:
                if self.probe is not None:
                    measured = self.probe.measure(functools.partial(self._emit, operations, item))
                    self.measured.append(StepMeasured(self.done, len(group), measured))
                else:
                    self._emit(operations, item)
            except Exception as error:
                raise StepFailed(self.done, group[0], error, len(group)) from error
            if self.conn.dialect.name == "sqlite" and self.transaction is not None and _outside_transaction(self.conn):
                # After a script's COMMIT SQLite would run the rest outside a transaction (psycopg
                # begins the next one itself): the rest stays atomic.
                self.conn.exec_driver_sql("BEGIN")
            self.done += len(group)
            if self.journal is not None:
                self.journal.step_done(self.done)
            if self.after_each is not None:
                self.after_each(self.done)

    def _emit(self, operations: Operations, item: ops.MigrateOperation) -> None:
        if app_table_group(item):
            self.state = sqlite_groups.emit_table_group(operations, item, self.state, self.conn.dialect)
        elif opaque(item):
            from gui_app.core.reflect import reflect

            with warnings.catch_warnings(record=True) as caught:  # Alembic's own reflection warns, say
                warnings.simplefilter("always")
                operations.invoke(item)
            self.notes.extend(f"{describe(item)}: {w.message}" for w in caught)
            self.state = reflect(self.conn)
            self.checkpoint = (self.done + 1, self.state)
        else:
            operations.invoke(item)
            if self.conn.dialect.name == "sqlite":  # only SQLite's table groups read the state
                self.state = project(self.state, item, self.conn.dialect)

    def _before_statement(self, _conn: sa.Connection, _cursor: object, statement: str, parameters: object,
                          _context: object, _many: bool) -> tuple[str, object]:
        """A dry run must not commit: a script's own ``COMMIT`` is not sent there."""
        if self.dry_run and self.transaction is not None and ends_transaction(statement):
            self.notes.append(f"The dry run did not send the script's {statement.strip().rstrip(';')}: "
                              "a real apply commits the work before it there.")
            return "SELECT 1", ()
        return statement, parameters

    def _after_statement(self, conn: sa.Connection, _cursor: object, statement: str, _parameters: object,
                         _context: object, _many: bool) -> None:
        """A script's own ``COMMIT`` (``op.execute("COMMIT")``, as under ``alembic``) ends the plan's
        transaction: what ran before it stays, whatever fails later."""
        if self.transaction is not None and not self._in_block and _outside_transaction(conn) \
                and ends_transaction(statement) != "ROLLBACK":
            self.committed_by = self.done

    @contextlib.contextmanager
    def _autocommit_block(self) -> Iterator[None]:
        """What ``alembic upgrade`` does for ``autocommit_block()``: commit the work so far, run the
        block outside a transaction, then begin a new one for the rest. A dry run must not commit:
        there the block runs inside the transaction that is rolled back (and a statement that
        refuses a transaction, ``CREATE INDEX CONCURRENTLY``, fails as it would under ``alembic``
        had the block been left out)."""
        if self.dry_run or self.transaction is None:
            self.notes.append("An autocommit_block() ran inside the dry run's transaction; a real apply "
                              "commits the work before it there.")
            yield
            return
        self.transaction.commit()
        self.committed_by = self.done
        level = self.conn.get_isolation_level()
        self.conn.execution_options(isolation_level="AUTOCOMMIT")
        self._in_block = True
        try:
            with self.conn.begin():  # in AUTOCOMMIT each statement commits; this only takes the autobegin
                yield
        finally:
            self._in_block = False
            self.conn.execution_options(isolation_level=level)
            self.transaction = self.conn.begin()


def _outside_transaction(conn: sa.Connection) -> bool:
    """Whether the server session has no transaction open, though the plan's is (a script sent
    ``COMMIT``): psycopg's transaction status, sqlite3's ``in_transaction``; unknown elsewhere."""
    dbapi = conn.connection.dbapi_connection
    info = getattr(dbapi, "info", None)
    if info is not None and hasattr(info, "transaction_status"):
        return int(info.transaction_status) == 0  # psycopg 3 and psycopg2: IDLE
    return getattr(dbapi, "in_transaction", None) is False


_DATA_ONLY = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES)\b", re.IGNORECASE)


def opaque(op: ops.MigrateOperation) -> bool:
    """Whether only the database can tell what ``op`` did to the schema: a script's own code, a
    batch block run with its own options, or custom SQL other than a plain data statement."""
    if isinstance(op, ScriptCodeOp | BatchBlockOp):
        return True
    if isinstance(op, ops.ExecuteSQLOp) and not isinstance(op, ops.BulkInsertOp):
        text = op.sqltext
        if isinstance(text, sa.sql.ClauseElement) and not isinstance(text, sa.TextClause):
            return not isinstance(text, sa.sql.dml.UpdateBase | sa.sql.Select)
        return not _single_data_statement(str(text))
    return False


def _single_data_statement(sql: str) -> bool:
    """One SELECT/INSERT/UPDATE/DELETE/WITH/VALUES statement. Anything after a semicolon may be a
    second statement that changes the schema; a semicolon inside a literal is taken as one too,
    which only costs the schema read after the step."""
    return bool(_DATA_ONLY.match(sql)) and ";" not in sql.strip().rstrip(";")


class StepFailed(Exception):
    """An operation failed while running: which one, and the error it raised; ``count`` > 1 when
    it was sent with the next ones as one ALTER TABLE (the statement failed as a whole)."""

    def __init__(self, index: int, op: ops.MigrateOperation, error: BaseException, count: int = 1) -> None:
        super().__init__(str(error))
        self.index, self.op, self.error, self.count = index, op, error, count

    @property
    def described(self) -> str:
        if self.count == 1:
            return describe(self.op)
        return (f"{describe(self.op)} and the next {self.count - 1}, sent as one ALTER TABLE (operations "
                f"{self.index + 1} to {self.index + self.count})")


def failure_message(error: BaseException) -> str:
    text = describe_error(error)
    if "out of shared memory" in text or "max_locks_per_transaction" in text:
        return OUT_OF_LOCKS
    if getattr(getattr(error, "orig", None), "sqlstate", None) == UNSAFE_NEW_ENUM_VALUE:
        return f"{text} {NEW_ENUM_VALUE}"
    return text


UNSAFE_NEW_ENUM_VALUE = "55P04"
NEW_ENUM_VALUE = ("PostgreSQL uses a value added to an enum type only once the transaction that added it commits: "
                  "add the value with “Commit it first” (a dry run, which commits nothing, cannot check what uses "
                  "it; the apply can).")


def scratch_name() -> str:
    return f"as_dryrun_{uuid.uuid4().hex[:12]}"
