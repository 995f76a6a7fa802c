"""A script's ``batch_alter_table`` block with options, run by Alembic's own batch mode.

``recreate``, ``copy_from``, ``table_args``, ``table_kwargs``, ``reflect_args``,
``reflect_kwargs``, ``naming_convention`` and ``partial_reordering`` decide how Alembic rebuilds
the table (or whether it does: ``recreate="always"`` rebuilds on PostgreSQL and MySQL too). The
app's own SQLite strategy knows none of them, so such a block keeps its options and its recorded
operations and runs as ``alembic upgrade`` runs it; the schema is read back afterwards.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from alembic.operations import Operations, ops

DEFAULTS: dict[str, Any] = {"recreate": "auto", "partial_reordering": None, "copy_from": None, "table_args": (),
                            "table_kwargs": {}, "reflect_args": (), "reflect_kwargs": {}, "naming_convention": None}


def non_default(options: dict[str, Any]) -> dict[str, Any]:
    """The options that differ from ``batch_alter_table``'s defaults."""
    return {k: v for k, v in options.items() if k in DEFAULTS and v != DEFAULTS[k] and v is not None}


class BatchBlockOp(ops.ModifyTableOps):
    """``with op.batch_alter_table(table, **options):`` and the operations inside it."""

    def __init__(self, table_name: str, operations: list[ops.MigrateOperation], schema: str | None,
                 options: dict[str, Any]) -> None:
        super().__init__(table_name, operations, schema=schema)
        self.options = options

    def reverse(self) -> BatchBlockOp:
        return BatchBlockOp(self.table_name, [op.reverse() for op in reversed(self.ops)], self.schema,
                            {k: v for k, v in self.options.items() if k != "copy_from"})

    @property
    def only_copy_from(self) -> bool:
        """Only ``copy_from`` is set: the rebuild's source definition, which this app writes itself."""
        return set(self.options) == {"copy_from"}


def app_table_group(item: ops.MigrateOperation | None) -> TypeGuard[ops.ModifyTableOps]:
    """A run of one table's alterations that the app carries out with its own SQLite strategy (a
    ``ModifyTableOps`` it grouped, or a script's block without options), unlike a :class:`BatchBlockOp`."""
    return isinstance(item, ops.ModifyTableOps) and not isinstance(item, BatchBlockOp)


@Operations.implementation_for(BatchBlockOp)
def _run(operations: Operations, operation: BatchBlockOp) -> None:
    with operations.batch_alter_table(operation.table_name, schema=operation.schema, **operation.options) as batch:
        for inner in operation.ops:
            batch.invoke(inner)
