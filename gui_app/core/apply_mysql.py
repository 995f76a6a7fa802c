"""MySQL/MariaDB dry run: the plan runs on a scratch database built from the reflected schema.

MySQL cannot roll DDL back, so the real database is never touched; the scratch
copy holds the tables but none of the rows, so failures that depend on the data
(a NOT NULL over existing NULLs, a unique constraint over duplicates) cannot show.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.engine import URL

from gui_app.core import mysql_algorithms, sa_build, timeouts
from gui_app.core import schema as s
from gui_app.core.apply_runner import ApplyFailed, ApplyReport, Runner, StepFailed, failure_message, scratch_name
from gui_app.core.progress import CancelToken, ProgressFn
from gui_app.core.schema import Schema, View

DATA_NOTE = ("MySQL/MariaDB dry run: the plan ran on an empty scratch copy of the tables, so failures that "
             "depend on the rows (NULLs under NOT NULL, duplicates under UNIQUE, orphans under a foreign key) "
             "cannot be caught.")


def dry_run(url: URL, plan: Sequence[ops.MigrateOperation], base: Schema, progress: ProgressFn | None,
            cancel: CancelToken | None) -> ApplyReport:
    name = scratch_name()
    admin = timeouts.create_engine(url.set(database=None))
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    scratch = timeouts.create_engine(url.set(database=name))
    try:
        _create_sequences(scratch, base.namespace(None).sequences)
        metadata = sa.MetaData()
        for table in base.namespace(None).tables:
            sa_build.table_to_sa(_drawing_from_scratch(table, url.database or "", name), metadata)
        _drop_stubs(metadata, base)
        metadata.create_all(scratch)
        _create_views(scratch, base.namespace(None).views)
        _create_routines(scratch, base.namespace(None).routines)
        _create_triggers(scratch, base.namespace(None).tables)
        with scratch.connect() as conn:
            runner = Runner(conn, base, progress, cancel, len(plan))
            # Each statement tries the cheapest ALGORITHM/LOCK first: the apply sends what was accepted.
            accepted, stop = mysql_algorithms.trying_cheapest(scratch, lambda: runner.done, base.dialect == "mariadb")
            try:
                with conn.begin():
                    runner.run(plan, "mysql")
            except StepFailed as failure:
                raise ApplyFailed(failure.index, failure.described, failure_message(failure.error), 0, True,
                                  failure.error) from None
            finally:
                stop()
        report = ApplyReport(len(plan), dry_run=True, algorithms=accepted)
        report.mismatches = []
        report.notes.append(DATA_NOTE)
        return report
    finally:
        scratch.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        admin.dispose()


def _create_sequences(engine: sa.Engine, sequences: Sequence[s.Sequence]) -> None:
    """MariaDB's sequences in the scratch database too, each where the real one stands."""
    from gui_app.core.marked_ops import escaped, for_text
    from gui_app.core.sequence_ops import CreateSequenceOp, options_of

    with engine.begin() as conn:
        for sequence in sequences:
            for sql in CreateSequenceOp(sequence.name, options_of(sequence), None, sequence.next_value) \
                    .statements(for_text(engine.dialect)):
                conn.execute(escaped(sql))


def _create_routines(engine: sa.Engine, routines: Sequence[s.Routine]) -> None:
    """The database's functions and procedures in the scratch database too (a plan may replace or
    drop one); MySQL and MariaDB check the tables a body names only when it runs."""
    _create_each(engine, [routine.definition for routine in routines])


def _create_triggers(engine: sa.Engine, tables: Sequence[s.Table]) -> None:
    """The tables' triggers in the scratch database too: a plan may replace or drop one, and its
    rows fire them."""
    _create_each(engine, [trigger.definition for table in tables for trigger in table.triggers])


def _create_each(engine: sa.Engine, statements: Sequence[str]) -> None:
    """Each CREATE statement run on its own; one the scratch database refuses is left out (a step
    that needs its object then fails in the dry run, and the report names it)."""
    from gui_app.core.marked_ops import escaped

    for statement in statements:
        try:
            with engine.begin() as conn:
                conn.execute(escaped(statement))
        except sa.exc.DBAPIError:
            continue


def _drawing_from_scratch(table: s.Table, real: str, scratch: str) -> s.Table:
    """``table`` with each default that draws from a sequence of the real database (MariaDB names
    the database in it) drawing from the scratch database's copy: a dry run takes no value from
    the real one."""
    quote = "`" + real.replace("`", "``") + "`."
    if not any(c.default and f"nextval({quote}" in c.default for c in table.columns):
        return table
    columns = tuple(dataclasses.replace(c, default=c.default.replace(f"nextval({quote}", f"nextval(`{scratch}`."))
                    if c.default else c for c in table.columns)
    return dataclasses.replace(table, columns=columns)


def _create_views(engine: sa.Engine, views: Sequence[View]) -> None:
    """The database's views in the scratch database too (a plan may replace, rename or drop one),
    a view built on another after it: each round creates what it can, until all are made or a
    round makes none (a view the scratch database cannot hold is left out; a step that needs it
    then fails in the dry run, as it would not on the server: the report names it)."""
    from gui_app.core.marked_ops import escaped, for_text
    from gui_app.core.view_ops import CreateViewOp

    waiting = [v for v in views if v.definition]
    while waiting:
        left = []
        for view in waiting:
            op = CreateViewOp(view.name, view.definition or "")
            try:
                with engine.begin() as conn:
                    conn.execute(escaped(op.statements(for_text(engine.dialect))[0]))
            except sa.exc.DBAPIError:
                left.append(view)
        if len(left) == len(waiting):
            return
        waiting = left


def _drop_stubs(metadata: sa.MetaData, base: Schema) -> None:
    """Stub tables added for foreign keys that point outside the default schema are not created."""
    real = {t.name for t in base.namespace(None).tables}
    for key in list(metadata.tables):
        if key not in real:
            metadata.remove(metadata.tables[key])
