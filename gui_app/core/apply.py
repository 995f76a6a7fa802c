"""Run the pending list against a live database, per dialect.

PostgreSQL and SQLite apply the whole plan in one transaction: any failure (or a
cancel) rolls everything back, except what a script commits on purpose (its own
``COMMIT`` or ``autocommit_block()``, as under ``alembic upgrade``). MySQL and
MariaDB commit each DDL statement, so they apply step by step and, on failure, report exactly which operations ran.
A dry run does the same work and throws it away: PostgreSQL rolls back, SQLite
works on a copy made with the backup API, MySQL on a scratch database built from
the reflected schema.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.engine import URL

from gui_app.core import mysql_algorithms, timeouts
from gui_app.core.apply_runner import ApplyFailed as ApplyFailed
from gui_app.core.apply_runner import ApplyReport as ApplyReport
from gui_app.core.apply_runner import Runner, StepFailed, failure_message
from gui_app.core.apply_runner import opaque as opaque
from gui_app.core.blockers import blocking_sessions
from gui_app.core.dialects import is_mysql
from gui_app.core.errors import describe_error
from gui_app.core.journal import Journal
from gui_app.core.mysql_algorithms import Accepted
from gui_app.core.op_facts import describe, table_of
from gui_app.core.progress import Cancelled, CancelToken, ProgressFn
from gui_app.core.projection import project
from gui_app.core.schema import Schema
from gui_app.core.verification import differences

TRANSACTIONAL = ("postgresql", "sqlite")
class Drifted(Exception):
    """The tables the plan touches changed since they were read."""

    def __init__(self, changes: list[str]) -> None:
        self.changes = changes
        super().__init__("The database changed since it was read: " + "; ".join(changes))


def _referred_tables(plan: Sequence[ops.MigrateOperation]) -> set[tuple[str | None, str]]:
    """Tables a new foreign key points at: adding it locks them too."""
    return {(op.kw.get("referent_schema"), op.referent_table) for op in plan if isinstance(op, ops.CreateForeignKeyOp)}


def touched_tables(plan: Sequence[ops.MigrateOperation]) -> set[tuple[str | None, str]]:
    found = set()
    for op in plan:
        target = table_of(op)
        if target is not None:
            found.add(target)
        if isinstance(op, ops.CreateForeignKeyOp):
            found.add((op.kw.get("referent_schema"), op.referent_table))
        if isinstance(op, ops.RenameTableOp):
            found.add((op.schema, op.new_table_name))
    return found


def check_drift(conn: sa.Connection, base: Schema, plan: Sequence[ops.MigrateOperation]) -> None:
    """Raise :class:`Drifted` when a table the plan touches differs from what ``base`` recorded."""
    from gui_app.core.reflect import reflect

    touched = touched_tables(plan)
    now = reflect(conn, only=touched, tables_only=True)
    if conn.in_transaction():
        conn.rollback()  # reading began a transaction; the plan's own must start clean
    changes = differences(base, now, conn.dialect, only=touched)
    if changes:
        raise Drifted(changes)


def apply_plan(
    url: URL,
    plan: Sequence[ops.MigrateOperation],
    base: Schema,
    *,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    stamp: str | None = None,
    verify: bool = True,
    after_each: Callable[[int], None] | None = None,
    recovering: bool = False,
    algorithms: Accepted | None = None,
) -> ApplyReport:
    """Apply ``plan`` (built on ``base``) to the database at ``url``.

    On MySQL/MariaDB a journal records each step (:mod:`gui_app.core.journal`); a database with
    the journal of an interrupted apply is refused until that one is finished or reverted
    (``recovering``: this is the plan doing so). ``algorithms``: what a MySQL/MariaDB dry run of this
    plan found the server accepts; each statement is sent with it (:mod:`gui_app.core.mysql_algorithms`)."""
    dialect = url.get_backend_name()
    if not dry_run and not recovering:
        refuse_unfinished(url)
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if dialect == "sqlite":
        from gui_app.core import apply_sqlite

        engine, cleanup = apply_sqlite.transactional_engine(url, copy=dry_run)
    elif is_mysql(dialect) and dry_run:
        from gui_app.core.apply_mysql import dry_run as mysql_dry_run

        return mysql_dry_run(url, plan, base, progress, cancel)
    else:
        from gui_app.core.connect import shared_engine

        engine = shared_engine(url)
    try:
        with engine.connect() as conn:
            if dialect != "sqlite":  # SQLite waits for a locked file as long as the connect timeout
                timeouts.limit_lock_waits(conn, timeouts.current().lock)
            attempts = 1
            while True:
                check_drift(conn, base, plan)  # again before a retry: the lock holder may have changed the tables
                try:
                    if dialect in TRANSACTIONAL:
                        try:
                            runner = _apply_in_one_transaction(conn, plan, base, dialect, dry_run, progress, cancel,
                                                               stamp, after_each)
                        except _CommitLost as lost:
                            return _after_lost_commit(engine, base, plan, stamp, lost)
                    else:
                        runner = _apply_step_by_step(conn, plan, base, progress, cancel, after_each, stamp,
                                                     algorithms)
                    break
                except ApplyFailed as failed:
                    if failed.lock_timeout:
                        failed.name_blockers(blocking_sessions(conn, touched_tables(plan) | _referred_tables(plan)),
                                             attempts)
                        if attempts <= timeouts.current().lock_retries and failed.applied == 0 \
                                and failed.committed_by is None:
                            _pause_before_retry(attempts, len(plan), progress, cancel)
                            attempts += 1
                            continue
                    raise
            if dialect not in TRANSACTIONAL:
                if stamp is not None:
                    with conn.begin():
                        _stamp(conn, stamp)
                if runner.journal is not None:
                    runner.journal.end()  # stamped only now: the journal lasts until then
            report = ApplyReport(len(plan), dry_run, stamped=stamp if not dry_run else None,
                                 notes=list(dict.fromkeys(runner.notes)),  # each said once
                                 measured=list(runner.measured))
            if attempts > 1:
                report.notes.append(f"Another session held a lock the plan needed: it ran at attempt {attempts}, "
                                    "nothing having changed in the attempts before.")
            if verify and not dry_run:
                _verify(conn, base, plan, report, runner)
        return report
    finally:
        if dialect == "sqlite":
            engine.dispose()
        cleanup()


def _pause_before_retry(attempt: int, total: int, progress: ProgressFn | None, cancel: CancelToken | None) -> None:
    """Wait 1, 2, 4… s (at most 30) before trying a plan again that found a table locked; a cancel
    ends the wait at once."""
    import time

    seconds = min(2.0 ** (attempt - 1), 30.0)
    if progress is not None:
        progress(f"Another session holds a lock: trying again in {seconds:g} s (attempt {attempt + 1} of "
                 f"{timeouts.current().lock_retries + 1})", 0, total)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))


def _verify(conn: sa.Connection, base: Schema, plan: Sequence[ops.MigrateOperation], report: ApplyReport,
            runner: Runner) -> None:
    """Compare the touched tables with what the plan should have left: on SQLite the state the run
    itself followed (a rebuild moves generated columns last), elsewhere the projection; after a step
    only the database can tell (:func:`opaque`), the schema read then, with the later steps projected."""
    from gui_app.core.projection import ProjectionError
    from gui_app.core.reflect import reflect

    start, expected = runner.checkpoint or (0, base)
    rest = plan[start:]
    if conn.dialect.name == "sqlite":
        expected = runner.state
    else:
        try:
            for op in rest:
                expected = project(expected, op, conn.dialect)
        except ProjectionError as error:  # a script may do what the projection cannot follow
            report.notes.append(f"The result was not compared with a projection: {error}")
            return
    touched = touched_tables(rest)  # only what the plan changed: a full read of a large schema costs seconds
    report.mismatches = differences(expected, reflect(conn, only=touched, tables_only=True), conn.dialect, only=touched)


def _apply_in_one_transaction(conn: sa.Connection, plan: Sequence[ops.MigrateOperation], base: Schema, dialect: str,
                              dry_run: bool, progress: ProgressFn | None, cancel: CancelToken | None,
                              stamp: str | None, after_each: Callable[[int], None] | None) -> Runner:
    """Run the plan in one transaction; returns the runner, which holds the schema the run followed."""
    from gui_app.core import apply_postgresql

    settings: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if dialect == "sqlite":
        from gui_app.core.apply_sqlite import plan_settings

        settings = plan_settings(conn, plan)
    # A PostgreSQL dry run measures each step (what it locked, rewrote and read), which reads the
    # catalog between steps; a script's own code reads results, and so does reading the schema
    # back after it: none of them in a pipeline, nor an online operation's statements, which commit
    # one by one and, should one fail, are taken back.
    from gui_app.core.online import OnlineOp

    measuring = dialect == "postgresql" and dry_run
    pipelined = dialect == "postgresql" and not measuring and not any(
        opaque(op) or isinstance(op, OnlineOp) or getattr(op, "commits", False) for op in plan)
    runner = Runner(conn, base, progress, cancel, len(plan), after_each=after_each, dry_run=dry_run)
    with settings:
        runner.transaction = conn.begin()
        if measuring:
            from gui_app.core.lock_probe import PostgresProbe

            runner.probe = PostgresProbe(conn, base.default_schema)
        try:
            with apply_postgresql.pipeline(conn) if pipelined else contextlib.nullcontext():
                runner.run(plan, dialect)
            if dialect == "sqlite":
                _check_foreign_keys(conn, plan)
            if stamp is not None and not dry_run:
                _stamp(conn, stamp)
        except BaseException as error:
            _roll_back(conn, runner.transaction)
            failure = error if isinstance(error, StepFailed) else None
            # A pipelined error may arrive late, and a combined ALTER TABLE fails as a whole: the
            # plan is replayed one operation at a time to name the one that fails.
            if (pipelined and apply_postgresql.from_server(failure.error if failure else error)) \
                    or (failure is not None and failure.count > 1 and dialect == "postgresql"
                        and runner.committed_by is None):
                failure = _pin_down(conn, plan, base, dialect, runner.done, failure.error if failure else error)
            if failure is None:
                raise
            committed = runner.committed_by
            raise ApplyFailed(failure.index, failure.described, failure_message(failure.error),
                              committed or 0, committed is None, failure.error, committed) from None
        transaction = runner.transaction
        if dry_run:
            transaction.rollback()
        else:
            try:
                transaction.commit()
            except sa.exc.DBAPIError as error:
                if dialect == "postgresql" and apply_postgresql.connection_lost(conn, error):
                    raise _CommitLost(runner, error) from None
                raise
    return runner


class _CommitLost(Exception):
    """The connection went while COMMIT was on its way: the server may or may not have committed."""

    def __init__(self, runner: Runner, error: BaseException) -> None:
        super().__init__(describe_error(error))
        self.runner = runner


def _after_lost_commit(engine: sa.Engine, base: Schema, plan: Sequence[ops.MigrateOperation], stamp: str | None,
                       lost: _CommitLost) -> ApplyReport:
    """Reconnect and find out what is true: the plan's tables (and ``alembic_version`` when stamping)
    as the projection has them means it committed; as they were before means it did not."""
    from gui_app.core.projection import ProjectionError
    from gui_app.core.reflect import reflect

    reason = f"the connection was lost while committing ({lost})"
    touched = touched_tables(plan)
    with engine.connect() as conn:
        now = reflect(conn, only=touched, tables_only=True)
        version = current_revision(conn)[1] if stamp is not None else None
        conn.rollback()
        try:
            expected = base
            for op in plan:
                expected = project(expected, op, conn.dialect)
        except ProjectionError:
            expected = None
        same_as_planned = expected is not None and not differences(expected, now, conn.dialect, only=touched)
        same_as_before = not differences(base, now, conn.dialect, only=touched)
    stamped = stamp is None or (version or BASE) == stamp
    if touched and same_as_planned and stamped and not same_as_before:
        return ApplyReport(len(plan), False, stamped=stamp, notes=[
            f"{reason[0].upper()}{reason[1:]}; reconnected and checked: the changes are in the database."])
    if touched and same_as_before and (stamp is None or not stamped):
        raise ApplyFailed(len(plan) - 1, "commit", f"{reason}; reconnected and checked: the transaction did not "
                          "commit", 0, True) from None
    raise CommitUnknown(f"{reason[0].upper()}{reason[1:]}, and the database shows neither the planned schema nor "
                        "the one before it: check it before applying again.")


class UnfinishedApply(Exception):
    """The database carries the journal of an apply that was interrupted part way."""


def refuse_unfinished(url: URL) -> None:
    """Raise :class:`UnfinishedApply` when an earlier apply to this MySQL/MariaDB database was interrupted."""
    from gui_app.core.urls import url_without_password

    if not is_mysql(url.get_backend_name()):
        return
    interrupted = Journal.find(url_without_password(url))
    if interrupted is not None:
        raise UnfinishedApply(f"{interrupted.summary()}: finish it or revert it first (the app offers both when "
                              "it opens the database; or alembic-studio recover URL --finish | --revert)")


class CommitUnknown(Exception):
    """Whether the plan committed could not be established after the connection was lost."""


def _roll_back(conn: sa.Connection, transaction: sa.RootTransaction) -> None:
    """Roll back after a failure; on a lost connection the server has already done it."""
    from gui_app.core import apply_postgresql

    try:
        transaction.rollback()
    except sa.exc.DBAPIError as error:
        if not apply_postgresql.connection_lost(conn, error):
            raise


def _pin_down(conn: sa.Connection, plan: Sequence[ops.MigrateOperation], base: Schema, dialect: str,
              sent: int, error: BaseException) -> StepFailed:
    """The operation a pipelined server error belongs to: the plan replayed one statement at a
    time in a transaction that is rolled back. A lost connection cannot be replayed on."""
    from gui_app.core import apply_postgresql

    at = min(sent, len(plan) - 1)
    if apply_postgresql.connection_lost(conn, error):
        lost = ConnectionError(f"the connection to the server was lost with {sent} of {len(plan)} operation(s) "
                               f"sent ({describe_error(error)})")
        return StepFailed(at, plan[at], lost)
    replay = Runner(conn, base, None, None, len(plan), combine=False)
    transaction = conn.begin()
    try:
        if timeouts.lock_timed_out(error):
            # The lock is still held: the replay finds the operation that waits for it without
            # waiting the whole timeout a second time.
            conn.exec_driver_sql("SET LOCAL lock_timeout = 100")
        replay.run(plan, dialect)
    except StepFailed as failure:
        return failure
    finally:
        transaction.rollback()
    return StepFailed(at, plan[at], error)  # it did not happen again: report it where it was seen


def _check_foreign_keys(conn: sa.Connection, plan: Sequence[ops.MigrateOperation]) -> None:
    violations = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if violations:
        raise StepFailed(len(plan) - 1, plan[-1], ValueError(
            f"{len(violations)} row(s) would break a foreign key, first in table {violations[0][0]}"))


def _apply_step_by_step(conn: sa.Connection, plan: Sequence[ops.MigrateOperation], base: Schema,
                        progress: ProgressFn | None, cancel: CancelToken | None,
                        after_each: Callable[[int], None] | None, stamp: str | None,
                        algorithms: Accepted | None = None) -> Runner:
    from gui_app.core.journal_steps import step_scripts
    from gui_app.core.urls import url_without_password

    journal = Journal.begin(url_without_password(conn.engine.url), step_scripts(plan, base.dialect, base),
                            [describe(op) for op in plan], stamp)
    runner = Runner(conn, base, progress, cancel, len(plan), after_each=after_each, journal=journal)
    stop_sending = mysql_algorithms.sending(conn, algorithms, lambda: runner.done) if algorithms else lambda: None
    try:
        # Each DDL statement commits on its own; the transaction only frames the DML (and a
        # script's autocommit_block() commits it and begins the next).
        runner.transaction = conn.begin()
        try:
            runner.run(plan, "mysql")
        except BaseException:
            runner.transaction.rollback()
            raise
        runner.transaction.commit()
    except StepFailed as failure:
        journal.end()  # a clean failure is reported, with what ran: nothing is left to recover
        accepted = algorithms.strongest(failure.index) if algorithms else None
        message = (mysql_algorithms.refused_text(failure.error, accepted) if accepted else None) \
            or failure_message(failure.error)
        if failure.count > 1:  # MySQL 8 and MariaDB run one DDL statement atomically
            message += f" None of the {failure.count} operations sent in that statement was applied."
        raise ApplyFailed(failure.index, failure.described, message, runner.done, False, failure.error) from None
    except Cancelled:
        journal.end()
        raise
    finally:
        stop_sending()
    return runner


BASE = ""
"""Stamp value for "no revision": a downgrade past the first migration empties alembic_version."""


def current_revision(conn: sa.Connection) -> tuple[bool, str | None]:
    """(whether the database carries ``alembic_version``, the revision it records)."""
    from gui_app.core.project import AlembicProject

    if not sa.inspect(conn).has_table("alembic_version"):
        return False, None
    rows = AlembicProject.current_heads(conn)
    if len(rows) > 1:
        raise ValueError(f"the database records several heads ({', '.join(rows)}); apply one branch at a time")
    return True, rows[0] if rows else None


class Stamp(str):
    """A revision to record that may create ``alembic_version`` first, as ``alembic upgrade`` does
    on a database's first migration."""


def _stamp(conn: sa.Connection, revision: str) -> None:
    """Record ``revision`` (or, with :data:`BASE`, none) in ``alembic_version`` when the database carries
    it, or when ``revision`` is a :class:`Stamp` (then the table is created as Alembic creates it)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        if not isinstance(revision, Stamp):
            return
        _version_table().create(conn)
    table = sa.table("alembic_version", sa.column("version_num"))
    conn.execute(sa.delete(table))
    if revision != BASE:
        conn.execute(sa.insert(table).values(version_num=revision))


def _version_table() -> sa.Table:
    """Alembic's own definition (``MigrationContext``): one VARCHAR(32) key named ``alembic_version_pkc``."""
    return sa.Table("alembic_version", sa.MetaData(), sa.Column("version_num", sa.String(32), nullable=False),
                    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def describe_apply_error(error: BaseException) -> str:
    if isinstance(error, ApplyFailed | Drifted | CommitUnknown | UnfinishedApply):
        return str(error)
    return failure_message(error)


