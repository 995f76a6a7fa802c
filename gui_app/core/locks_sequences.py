"""What a change to a sequence locks, on PostgreSQL and MariaDB. A sequence holds one row: no
change rewrites a table. PostgreSQL's ALTER SEQUENCE takes SHARE ROW EXCLUSIVE on it, which
``nextval()`` waits behind, so every insert that draws a key from it waits until the plan commits;
a rename or a drop takes ACCESS EXCLUSIVE. MariaDB holds an exclusive metadata lock while the
statement runs."""

from __future__ import annotations

from collections.abc import Iterable

from gui_app.core import schema as s
from gui_app.core.locks import CATALOG, Prediction, TableName
from gui_app.core.sequence_ops import AlterSequenceOp, CreateSequenceOp, DropSequenceOp, SequenceOp


def predict_sequence(op: SequenceOp, before: s.Schema, existed: Iterable[TableName] | None = None) -> Prediction:
    """``existed``: what other sessions can see; a sequence the plan made waits for nobody."""
    if isinstance(op, CreateSequenceOp):
        return Prediction((), CATALOG, why="a new sequence is catalog only")
    postgresql = before.dialect == "postgresql"
    name = (op.schema, op.name)
    seen = existed is None or name in set(existed)
    held = "until the plan commits" if postgresql else "while the statement runs"
    if isinstance(op, AlterSequenceOp):
        mode = "SHARE ROW EXCLUSIVE" if postgresql else "EXCLUSIVE"
        return Prediction(((name, mode),) if seen else (), CATALOG,
                          why=f"inserts that draw a value from it (nextval) wait {held}")
    what = "dropped" if isinstance(op, DropSequenceOp) else "renamed"
    return Prediction(((name, "ACCESS EXCLUSIVE" if postgresql else "EXCLUSIVE"),) if seen else (), CATALOG,
                      why=f"the sequence is {what} in the catalog; inserts that draw from it wait {held}")
