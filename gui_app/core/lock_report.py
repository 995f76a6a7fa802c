"""A whole plan's locks and costs against a database: what ``check`` prints and gates CI on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alembic.operations import ops

from gui_app.core import locks
from gui_app.core.locks import Prediction, TableName
from gui_app.core.op_facts import describe, table_of
from gui_app.core.schema import Schema
from gui_app.core.table_sizes import TableSize

LEVELS = ("scan", "rewrite", "exclusive")
"""What ``--fail-on`` can stop at: a table read in full or written anew (``scan``), written anew
(``rewrite``), locked against reads (``exclusive``: ``ACCESS EXCLUSIVE``)."""


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
        prediction = locks.predict(op, before, existed)
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
    (a table whose row count the server does not know counts as reaching it)."""
    def big(table: TableName) -> bool:
        size = sizes.get(table)
        return size is None or size.rows is None or size.rows >= min_rows

    found = []
    for item in assessed:
        prediction = item.prediction
        if level == "exclusive":
            exclusive = [t for t, mode in prediction.locks if mode == "ACCESS EXCLUSIVE"]
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
        detail = [part for part in locks.summary(prediction, sizes).split(" · ")
                  if part.startswith(("rewrites ", "reads "))]
        lines.append(f"   cost: {prediction.cost or 'unknown'}{': ' + '; '.join(detail) if detail else ''}")
        lines.append(f"   why: {prediction.why}")
        if prediction.alternative:
            lines.append(f"   online: {prediction.alternative}")
    return "\n".join(lines) + ("\n" if lines else "")
