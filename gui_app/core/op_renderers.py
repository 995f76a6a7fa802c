"""Python renderers for the operations Alembic's autogenerate does not render itself.

Registered on Alembic's public ``renderers`` dispatcher, the documented hook for
custom operations; importing :mod:`gui_app.core.render` registers them.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _repr_type  # Alembic's own type rendering, imports included
from alembic.operations import ops

from gui_app.core.batch_block import BatchBlockOp
from gui_app.core.combined_alter import CombinedAlterOp
from gui_app.core.dialects import takes_percent_placeholders
from gui_app.core.script_code import ScriptCodeOp


def prefix(context: AutogenContext) -> str:
    return str(context.opts.get("alembic_module_prefix", "op."))


@renderers.dispatch_for(ops.RenameTableOp)
def _rename_table(context: AutogenContext, op: ops.RenameTableOp) -> str:
    schema = f", schema={op.schema!r}" if op.schema else ""
    return f"{prefix(context)}rename_table({op.table_name!r}, {op.new_table_name!r}{schema})"


@renderers.dispatch_for(ops.CreatePrimaryKeyOp, replace=True)  # Alembic's own raises NotImplementedError
def _create_primary_key(context: AutogenContext, op: ops.CreatePrimaryKeyOp) -> str:
    if context._has_batch:
        return f"batch_op.create_primary_key({op.constraint_name!r}, {list(op.columns)!r})"
    schema = f", schema={op.schema!r}" if op.schema else ""
    return (f"{prefix(context)}create_primary_key({op.constraint_name!r}, {op.table_name!r}, "
            f"{list(op.columns)!r}{schema})")


def value_source(value: Any, context: AutogenContext) -> str:
    """A Python literal for ``value`` in a written script, adding the import it needs."""
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
        "{" + ", ".join(f"{k!r}: {value_source(v, context)}" for k, v in row.items()) + "}" for row in op.rows)
    return (f"{prefix(context)}bulk_insert(\n    sa.table({table.name!r}, {columns}{schema}),\n"
            f"    [\n        {rows},\n    ],\n)")


@renderers.dispatch_for(ops.ExecuteSQLOp, replace=True)  # Alembic's own refuses expressions
def _execute(context: AutogenContext, op: ops.ExecuteSQLOp) -> str:
    """A statement read from a script as an expression is written as the SQL it is on this
    dialect, values rendered by the dialect (Alembic renders only SQL strings). ``sa.text``
    with every colon escaped, so no part of a value can be read as a parameter; a value the
    dialect cannot write as a literal stays a bound parameter."""
    if isinstance(op.sqltext, str):
        return f"{prefix(context)}execute({op.sqltext!r})"
    dialect = context.migration_context.dialect if context.migration_context is not None else None
    assert isinstance(op.sqltext, sa.sql.ClauseElement)
    try:
        sql = str(op.sqltext.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except sa.exc.CompileError:  # a value with no literal form here (an untyped False, say): a parameter
        # The dialect without its driver: named parameters, and no driver casts (``:x::VARCHAR``
        # would not read back as a parameter in ``sa.text``).
        base = next((c for c in type(dialect).__mro__ if c.__module__.endswith(".base")),
                    sa.engine.default.DefaultDialect)
        compiled = op.sqltext.compile(dialect=base(paramstyle="named"))
        values = ", ".join(f"{k}={value_source(v, context)}" for k, v in compiled.params.items())
        return f"{prefix(context)}execute(sa.text({str(compiled)!r}).bindparams({values}))"
    if takes_percent_placeholders(dialect):
        # Compiled for a driver that takes %s parameters, every % came out doubled; sa.text in the
        # script is compiled again when it runs, and would double them once more ('50%' stored as '50%%').
        sql = sql.replace("%%", "%")
    return f"{prefix(context)}execute(sa.text({sql.replace(':', chr(92) + ':')!r}))"


_alembic_modify_table = renderers.dispatch(ops.ModifyTableOps)


@renderers.dispatch_for(ops.ModifyTableOps, replace=True)
def _modify_table(context: AutogenContext, op: ops.ModifyTableOps) -> Any:
    """Alembic's batch block, plus ``copy_from`` when the table is rebuilt.

    Without it, Alembic rebuilds a SQLite table from reflection, which loses foreign key
    names and ON DELETE rules and drops unnamed CHECK constraints; with the table as the
    snapshot has it, the rebuild keeps everything.
    """
    copy_from = getattr(op, "copy_from", None)
    lines: list[str] = _alembic_modify_table(context, op)
    if copy_from is None or not lines or not context.opts.get("render_as_batch"):
        return lines
    header = f"with op.batch_alter_table({op.table_name!r}, schema={op.schema!r}) as batch_op:"
    assert lines[0] == header, lines[0]
    definition = table_definition(context, copy_from)
    lines[0] = (f"with op.batch_alter_table({op.table_name!r}, schema={op.schema!r}, "
                f"copy_from={definition}) as batch_op:")
    return lines


@renderers.dispatch_for(ScriptCodeOp)
def _script_code(context: AutogenContext, op: ScriptCodeOp) -> str:
    """A call of the function the revision defines for it (``script_writer`` adds the definition)."""
    return f"{op.helper_name}()"


@renderers.dispatch_for(BatchBlockOp)
def _batch_block(context: AutogenContext, op: BatchBlockOp) -> Any:
    """A script's batch block, written back with the options it was read with."""
    as_batch = context.opts.get("render_as_batch", False)
    context.opts["render_as_batch"] = True  # a block on any database: its options are what it is for
    try:
        lines: list[str] = _alembic_modify_table(context, op)
    finally:
        context.opts["render_as_batch"] = as_batch
    header = f"with op.batch_alter_table({op.table_name!r}, schema={op.schema!r}) as batch_op:"
    if not lines:  # an empty block still rebuilds when recreate="always"
        lines = [header, "pass", ""]
    assert lines[0] == header, lines[0]
    options = "".join(f", {name}={_option_source(context, name, value)}" for name, value in op.options.items())
    lines[0] = f"with op.batch_alter_table({op.table_name!r}, schema={op.schema!r}{options}) as batch_op:"
    return lines


def _option_source(context: AutogenContext, name: str, value: Any) -> str:
    from alembic.autogenerate import render

    if name == "copy_from":
        return table_definition(context, value)
    if name in ("table_args", "reflect_args"):
        items = []
        for item in value:
            if isinstance(item, sa.Column):
                items.append(render._render_column(item, context))
            elif isinstance(item, sa.Constraint):
                items.append(str(render._render_constraint(item, context, None)))
            else:
                raise ValueError(f"batch_alter_table({name}=...) holds {item!r}, which cannot be written as Python")
        return "(" + "".join(f"{i}, " for i in items) + ")"
    text = repr(dict(value) if isinstance(value, Mapping) else value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(f"batch_alter_table({name}={text}) cannot be written as Python") from None
    return text


def table_definition(context: AutogenContext, table: sa.Table) -> str:
    """``sa.Table(...)`` source for a table with its constraints and indexes."""
    created = renderers.dispatch(ops.CreateTableOp)(context, ops.CreateTableOp.from_table(table))
    start = f"{prefix(context)}create_table({table.name!r},"
    assert created.startswith(start), created[:80]
    body = created[len(start):].rstrip()
    assert body.endswith(")")
    parts = [body[:-1].rstrip()]
    for index in sorted(table.indexes, key=lambda i: i.name or ""):
        elements = ", ".join(repr(e.name) if isinstance(e, sa.Column) else f"sa.text({_index_sql(e)!r})"
                             for e in index.expressions)
        options = ", unique=True" if index.unique else ""
        where = index.dialect_options["sqlite"].get("where")
        if where is not None:
            options += f", sqlite_where=sa.text({str(where)!r})"
        parts.append(f",\nsa.Index({index.name!r}, {elements}{options})")
    return f"sa.Table({table.name!r}, sa.MetaData(),{''.join(parts)}\n)"


def _index_sql(element: Any) -> str:
    """An index element as CREATE INDEX spells it (``published DESC``: no table prefix)."""
    return str(element.compile(compile_kwargs={"include_table": False, "literal_binds": True}))


@renderers.dispatch_for(CombinedAlterOp)
def _combined_alter(context: AutogenContext, op: CombinedAlterOp) -> list[str]:
    """The one statement the app sends for a run of one table's alterations, as ``op.execute``:
    a line per line of SQL, colons escaped (``sa.text`` would read ``::bigint`` as a parameter)."""
    from gui_app.core.op_facts import describe

    lines = op.sql.replace(":", "\\:").split("\n")
    literals = [repr(line + "\n") for line in lines[:-1]] + [repr(lines[-1])]
    return [f"# {len(op.ops)} operations on {op.table_name} as one ALTER TABLE (one rewrite): "
            + ", ".join(describe(member) for member in op.ops),
            "op.execute(sa.text(",
            *(f"    {literal}" for literal in literals),
            "))"]
