"""Operations that can be rendered, projected and run any number of times with the same result.

Alembic builds a ``Table`` from an operation's ``Column`` objects each time the operation is
used. The first use attaches the columns to that table; every later use copies them, and
SQLAlchemy's ``Column._copy`` leaves out a column's inline ``ForeignKey`` once it belongs to a
constraint. A script's ``sa.Column("user_id", sa.ForeignKey("user.id"))`` therefore lost its
foreign key at the second use (preview, then apply), and a primary key that was also a foreign
key became SERIAL. Settled operations carry no column that a use can attach: a new table lists
its foreign keys and unique constraints as table-level objects and is followed by one
``create_index`` per index (as Alembic's autogenerate writes them: an ``sa.Index`` inside
``create_table`` cannot be copied to a second table, and Alembic's renderer leaves it out), and an
added column hands out a fresh copy at every use.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.operations import ops


class AddColumnOp(ops.AddColumnOp):
    """An ``add_column`` whose column is never attached to a table: each read gets a copy."""

    @property  # type: ignore[override]
    def column(self) -> sa.Column[Any]:
        return copy_column(self._column)

    @column.setter
    def column(self, value: sa.Column[Any]) -> None:
        self._column = copy_column(value)


def copy_column(column: sa.Column[Any]) -> sa.Column[Any]:
    """A detached copy of ``column`` that keeps its inline foreign keys."""
    copy = column._copy()
    have = {fk.target_fullname for fk in copy.foreign_keys}
    for fk in column.foreign_keys:
        if fk.target_fullname not in have:  # bound to a constraint: ``_copy`` left it out
            copy.append_foreign_key(fk._copy())
    return copy


def settled(op: ops.MigrateOperation) -> list[ops.MigrateOperation]:
    """``op`` in a form that every use reads the same way (a new table's indexes follow it)."""
    if type(op) is ops.CreateTableOp:
        return _settled_create_table(op)
    if type(op) is ops.AddColumnOp:
        return [AddColumnOp(op.table_name, op.column, schema=op.schema, if_not_exists=op.if_not_exists,
                            inline_references=op.inline_references, inline_primary_key=op.inline_primary_key,
                            **op.kw)]
    if isinstance(op, ops.AlterColumnOp):
        # Alembic accepts a type class (``type_=sa.BigInteger``); everything after it wants an instance.
        op.modify_type, op.existing_type = _instance(op.modify_type), _instance(op.existing_type)
    if isinstance(op, ops.ModifyTableOps):
        op.ops = [item for inner in op.ops for item in settled(inner)]
    return [op]


def _instance(type_: Any) -> Any:
    return type_() if isinstance(type_, type) and issubclass(type_, sa.types.TypeEngine) else type_


def _settled_create_table(op: ops.CreateTableOp) -> list[ops.MigrateOperation]:
    table = op.to_table()
    created = create_table_op(table, op)
    indexes = sorted(table.indexes, key=lambda ix: str(ix.name or ""))
    return [created, *(ops.CreateIndexOp.from_index(index) for index in indexes)]


def create_table_op(table: sa.Table, like: ops.CreateTableOp | None = None) -> ops.CreateTableOp:
    """``CreateTableOp.from_table`` with the constraints in the order they were made: ``from_table``
    lists a set, so the CREATE TABLE (and the names a server gives unnamed keys) would vary from
    run to run."""
    constraints = sorted(table.constraints, key=lambda c: c._creation_order)
    return ops.CreateTableOp(
        table.name, [*table.c, *constraints], schema=table.schema,
        _namespace_metadata=like._namespace_metadata if like is not None else table.metadata,
        _constraints_included=True, comment=table.comment,
        info=dict(like.info or {}) if like is not None else dict(table.info),
        prefixes=list(like.prefixes or []) if like is not None else list(table._prefixes),
        if_not_exists=like.if_not_exists if like is not None else None,
        **(like.kw if like is not None else table.kwargs))
