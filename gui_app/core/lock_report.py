"""A whole plan's locks and costs against a database: what ``check`` prints and gates CI on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alembic.operations import ops

from gui_app.core import locks
from gui_app.core.lock_models import predict
from gui_app.core.lock_probe import Measured, StepMeasured
from gui_app.core.locks import Prediction, TableName
from gui_app.core.op_facts import describe, table_of
from gui_app.core.schema import Schema
from gui_app.core.table_sizes import TableSize


@dataclass(frozen=True)
class Assessed:
    """One operation of the plan, with its prediction and the size of the table it costs."""

    index: int
    operation: str
    prediction: Prediction
    table: TableName | None
    size: TableSize | None

    @property
    def strongest(self) -> str | None:
        found = None
        for _table, mode in self.prediction.locks:
            found = locks.stronger(found, mode)
        return found

    @property
    def estimate_seconds(self) -> float | None:
        if self.size is None:
            return None
        return locks.estimate_seconds(self.prediction.cost, self.size.bytes)

    def as_data(self) -> dict[str, Any]:
        """The entry of ``check --json``."""
        estimate = self.estimate_seconds
        return {"index": self.index, "operation": self.operation,
                "tables": [locks.table_label(t) for t, _mode in self.prediction.locks],
                "lock": self.strongest, "cost": self.prediction.cost,
                "rows": self.size.rows if self.size else None, "bytes": self.size.bytes if self.size else None,
                "estimate_s": None if estimate is None else round(estimate, 3),
                "alternative": self.prediction.alternative}


def tables_to_read(operations: Sequence[ops.MigrateOperation]) -> set[TableName]:
    """The tables a prediction of ``operations`` needs: those they change, rename to, or refer to
    (a database of thousands of tables is read in a fraction of the time)."""
    from gui_app.core.apply import touched_tables

    found = touched_tables(operations)
    for op in operations:
        if isinstance(op, ops.CreateTableOp):
            found |= set(locks.referred_by_columns(op.columns, op.schema))
        if isinstance(op, ops.AddColumnOp):
            found |= set(locks.referred_by_columns([op.column], op.schema))
        if isinstance(op, ops.BulkInsertOp) and hasattr(op.table, "name"):
            found.add((getattr(op.table, "schema", None), op.table.name))
    return found


def assess(operations: Sequence[ops.MigrateOperation], base: Schema, sizes: Mapping[TableName, TableSize],
           states: Sequence[Schema]) -> list[Assessed]:
    """Each operation's prediction on the schema before it (``states[i]``, as projected from ``base``).

    ``base`` may hold only the tables the operations need (:func:`tables_to_read`); ``sizes``
    names every table of the database, so a lock on one that was not read still counts."""
    existed = frozenset((t.schema, t.name) for t in base.tables) | frozenset(sizes)
    found = []
    for index, (op, before) in enumerate(zip(operations, states, strict=False), start=1):
        prediction = predict(op, before, existed)
        if prediction is None:
            raise ValueError(f"no lock model for {before.dialect}")
        target = table_of(op)
        table = None
        if target is not None:
            known = before.find_table(target[1], target[0])
            table = (known.schema, known.name) if known is not None else target
        found.append(Assessed(index, describe(op), prediction, table, sizes.get(table) if table else None))
    return found


def reaching(assessed: Sequence[Assessed], level: str, min_rows: int,
             sizes: Mapping[TableName, TableSize]) -> list[str]:
    """Why each operation that reaches ``level`` on a table of at least ``min_rows`` rows does
    (a table whose row count the server does not know counts as reaching it). Levels: ``scan``, a
    table read in full or written anew; ``rewrite``, written anew; ``exclusive``, locked against
    reads (PostgreSQL's ``ACCESS EXCLUSIVE``, MariaDB's ``LOCK=EXCLUSIVE``)."""
    def big(table: TableName) -> bool:
        size = sizes.get(table)
        return size is None or size.rows is None or size.rows >= min_rows

    found = []
    for item in assessed:
        prediction = item.prediction
        if level == "exclusive":
            exclusive = [t for t, mode in prediction.locks if locks.blocks(mode) == "reads and writes"]
            groups = [("locks out reads and writes on", exclusive)]
        else:
            groups = [("rewrites", list(prediction.rewrites))]
            if level == "scan":
                groups.append(("reads in full", list(prediction.scans)))
        said = [f"{what} {', '.join(locks.table_label(t) for t in tables if big(t))}"
                for what, tables in groups if any(big(t) for t in tables)]
        if said:
            found.append(f"operation {item.index} ({item.operation}) {' and '.join(said)}")
    return found


def as_text(assessed: Sequence[Assessed], sizes: Mapping[TableName, TableSize]) -> str:
    lines = []
    for item in assessed:
        prediction = item.prediction
        lines.append(f"{item.index}. {item.operation}")
        for table, mode in prediction.locks:
            lines.append(f"   lock: {mode} on {locks.table_label(table)} (blocks {locks.blocks(mode)})")
        for table, mode in prediction.brief:
            lines.append(f"   brief lock: {mode} on {locks.table_label(table)} for a catalog change, committed at once")
        detail = [part for part in locks.summary(prediction, sizes).split(" · ")
                  if part.startswith(("rewrites ", "reads "))]
        lines.append(f"   cost: {prediction.cost or 'unknown'}{': ' + '; '.join(detail) if detail else ''}")
        lines.append(f"   why: {prediction.why}")
        if prediction.alternative:
            lines.append(f"   online: {prediction.alternative}")
    return "\n".join(lines) + ("\n" if lines else "")


OUTSIDE_DRY_RUN = ("run inside the dry run's transaction, in the form a transaction accepts (an index without "
                   "CONCURRENTLY); a real apply runs it online, outside the transaction, each statement committing "
                   "on its own")


@dataclass(frozen=True)
class StepCheck:
    """A measured step beside its prediction: ``differences`` is empty when they agree, None
    when the step had no prediction to compare (custom SQL, a script's code)."""

    first: int
    count: int
    label: str
    measured: Measured
    differences: tuple[str, ...] | None
    unmeasured: str = "not predicted"
    """Why ``differences`` is None: no prediction, or the dry run could not run it as a real apply does."""

    def text(self) -> str:
        numbers = f"{self.first + 1}" if self.count == 1 else f"{self.first + 1} to {self.first + self.count}"
        measured = self.measured
        parts = [", ".join(f"{mode} on {locks.table_label(t)}" for t, mode in measured.locks) or "no new lock"]
        if measured.rewrites:
            parts.append("rewrote " + ", ".join(locks.table_label(t) for t in measured.rewrites))
        if measured.scans:
            parts.append("read " + ", ".join(locks.table_label(t) for t in measured.scans))
        parts.append(f"{measured.seconds:.2f} s")
        verdict = (self.unmeasured if self.differences is None else "as predicted" if not self.differences
                   else "differs from the prediction: " + "; ".join(self.differences))
        return f"Operation {numbers} ({self.label}): {', '.join(parts)} — {verdict}"


def compare(predictions: Sequence[Prediction | None], labels: Sequence[str],
            steps: Sequence[StepMeasured]) -> list[StepCheck]:
    """Each measured step against the predictions of the operations it held.

    Locks are held until the transaction ends and the server lists a mode once, so a step is
    compared on what it leaves held: a mode an earlier step already took cannot show again."""
    held: dict[TableName, str] = {}
    found = []
    for step in steps:
        members = predictions[step.first:step.first + step.count]
        label = labels[step.first] + (f" and {step.count - 1} more" if step.count > 1 else "")
        measured = step.measured
        if any(p is None or p.cost is None for p in members):
            found.append(StepCheck(step.first, step.count, label, measured, None))
        elif any(p is not None and p.online for p in members):
            found.append(StepCheck(step.first, step.count, label, measured, None, OUTSIDE_DRY_RUN))
        else:
            found.append(StepCheck(step.first, step.count, label, measured,
                                   _differences([p for p in members if p is not None], measured, held)))
        for table, mode in measured.locks:
            held[table] = locks.stronger(held.get(table), mode) or mode
    return found


def _differences(members: Sequence[Prediction], measured: Measured, held: Mapping[TableName, str]) -> tuple[str, ...]:
    predicted: dict[TableName, str] = {}
    for prediction in members:
        for table, mode in prediction.locks:
            predicted[table] = locks.stronger(predicted.get(table), mode) or mode
    rewrites = {t for p in members for t in p.rewrites}
    scans = {t for p in members for t in p.scans} - rewrites
    got = dict(measured.locks)
    said = []
    for table in sorted(set(predicted) | set(got), key=locks.table_key):
        before = held.get(table)
        if locks.stronger(before, predicted.get(table)) != locks.stronger(before, got.get(table)):
            said.append(f"{locks.table_label(table)}: predicted {predicted.get(table) or 'no lock'}, "
                        f"took {got.get(table) or 'no new lock'}")
    for what, expected, actual in (("rewrite", rewrites, set(measured.rewrites)), ("full read", scans,
                                                                                   set(measured.scans))):
        for table in sorted(expected - actual, key=locks.table_key):
            said.append(f"predicted a {what} of {locks.table_label(table)}, there was none")
        for table in sorted(actual - expected, key=locks.table_key):
            said.append(f"a {what} of {locks.table_label(table)} was not predicted")
    return tuple(said)


@dataclass(frozen=True)
class Blocked:
    """A table locked against others' writes (and maybe reads) from operation ``writes`` (1-based)
    until the transaction commits: at the end of the plan, or at the start of online operation
    ``until``, which commits the work before it; ``brief``: only while that online operation
    changes the catalog, committed at once."""

    table: TableName
    writes: int
    reads: int | None
    until: int | None = None
    brief: bool = False


def blocked_from(predictions: Sequence[Prediction | None]) -> list[Blocked]:
    """For each table the plan locks against others, in one transaction (PostgreSQL): from which
    operation its writes, and its reads, wait, and until when."""
    found: list[Blocked] = []
    writes: dict[TableName, int] = {}
    reads: dict[TableName, int] = {}

    def commit(until: int | None) -> None:
        found.extend(Blocked(table, start, reads.get(table), until) for table, start in writes.items())
        writes.clear()
        reads.clear()

    for number, prediction in enumerate(predictions, start=1):
        if prediction is not None and prediction.online:
            commit(number)
            found.extend(Blocked(table, number, number if locks.blocks(mode) == "reads and writes" else None,
                                 number, brief=True)
                         for table, mode in prediction.brief if locks.blocks(mode) != "nothing a migration waits on")
            continue
        for table, mode in (prediction.locks if prediction is not None else ()):
            blocked = locks.blocks(mode)
            if blocked in ("writes", "reads and writes"):
                writes.setdefault(table, number)
            if blocked == "reads and writes":
                reads.setdefault(table, number)
    commit(None)
    return found


def blocked_during(predictions: Sequence[Prediction | None]) -> list[tuple[TableName, list[int], list[int]]]:
    """Step by step (MySQL/MariaDB, each statement commits and lets its lock go): for each table,
    the operations (1-based) during which its writes, and its reads, wait."""
    found: dict[TableName, tuple[list[int], list[int]]] = {}
    for number, prediction in enumerate(predictions, start=1):
        for table, mode in (prediction.locks if prediction is not None else ()):
            blocked = locks.blocks(mode)
            if blocked in ("writes", "reads and writes"):
                writes, reads = found.setdefault(table, ([], []))
                writes.append(number)
                if blocked == "reads and writes":
                    reads.append(number)
    return [(table, writes, reads) for table, (writes, reads) in found.items()]
