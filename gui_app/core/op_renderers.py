"""Python renderers for the operations Alembic's autogenerate does not render itself.

Registered on Alembic's public ``renderers`` dispatcher, the documented hook for
custom operations; importing :mod:`gui_app.core.render` registers them.
"""

from __future__ import annotations

import decimal
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _repr_type  # Alembic's own type rendering, imports included
from alembic.operations import ops


def _prefix(context: AutogenContext) -> str:
    return str(context.opts.get("alembic_module_prefix", "op."))


@renderers.dispatch_for(ops.RenameTableOp)
def _rename_table(context: AutogenContext, op: ops.RenameTableOp) -> str:
    schema = f", schema={op.schema!r}" if op.schema else ""
    return f"{_prefix(context)}rename_table({op.table_name!r}, {op.new_table_name!r}{schema})"


@renderers.dispatch_for(ops.CreatePrimaryKeyOp, replace=True)  # Alembic's own raises NotImplementedError
def _create_primary_key(context: AutogenContext, op: ops.CreatePrimaryKeyOp) -> str:
    if context._has_batch:
        return f"batch_op.create_primary_key({op.constraint_name!r}, {list(op.columns)!r})"
    schema = f", schema={op.schema!r}" if op.schema else ""
    return (f"{_prefix(context)}create_primary_key({op.constraint_name!r}, {op.table_name!r}, "
            f"{list(op.columns)!r}{schema})")


def _value(value: Any, context: AutogenContext) -> str:
    if isinstance(value, decimal.Decimal):
        context.imports.add("from decimal import Decimal")
        return f"Decimal({str(value)!r})"
    if hasattr(value, "isoformat") and type(value).__module__ == "datetime":
        context.imports.add("import datetime")
    return repr(value)


@renderers.dispatch_for(ops.BulkInsertOp)
def _bulk_insert(context: AutogenContext, op: ops.BulkInsertOp) -> str:
    table = op.table
    assert isinstance(table, (sa.Table, sa.TableClause))
    columns = ", ".join(f"sa.column({c.name!r}, {_repr_type(c.type, context)})" for c in table.columns)
    schema = f", schema={table.schema!r}" if table.schema else ""
    rows = ",\n        ".join(
        "{" + ", ".join(f"{k!r}: {_value(v, context)}" for k, v in row.items()) + "}" for row in op.rows)
    return (f"{_prefix(context)}bulk_insert(\n    sa.table({table.name!r}, {columns}{schema}),\n"
            f"    [\n        {rows},\n    ],\n)")
