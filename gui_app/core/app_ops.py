"""The app's own operation classes, each with what it needs beside it: how it reverses, runs,
renders into a script and projects.

They extend Alembic's operations where Alembic's own cannot be undone or written back (a rename,
custom SQL with its undo, inserted rows deleted by key, a dropped table with all it took along).
Importing this module registers their renderers and projections: an operation of one of these
classes cannot exist before it is imported.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _repr_type  # Alembic's own type rendering, imports included
from alembic.operations import Operations, ops

from gui_app.core import sa_build
from gui_app.core import schema as s
from gui_app.core.marked_ops import for_execute, postgresql_quoting
from gui_app.core.op_renderers import prefix, value_source
from gui_app.core.projection import register
from gui_app.core.schema import Schema


class MissingDowngradeOp(ops.MigrateOperation):
    """Where a custom SQL step (read from a script) has no known undo: the downgrade says so
    instead of inventing one. Renders as a comment; runs as nothing."""

    def __init__(self, upgrade_sql: str | sa.sql.Executable) -> None:
        self.upgrade_sql = upgrade_sql

    @property
    def note(self) -> str:
        first = " ".join(str(self.upgrade_sql).split())[:100]
        return f"No downgrade was given for: {first}"

    def reverse(self) -> ops.MigrateOperation:
        return ReversibleExecuteSQLOp(self.upgrade_sql, None)


@Operations.implementation_for(MissingDowngradeOp)
def _missing_downgrade(operations: Operations, operation: MissingDowngradeOp) -> None:
    if operations.migration_context.as_sql:
        operations.migration_context.impl.static_output(f"-- {operation.note}\n")


@renderers.dispatch_for(MissingDowngradeOp)
def _render_missing_downgrade(context: AutogenContext, op: MissingDowngradeOp) -> str:
    return f"pass  # {op.note}. Write the SQL that undoes it here."


@register(MissingDowngradeOp)
def _(op: MissingDowngradeOp, schema: Schema, dialect: sa.Dialect | None) -> Schema:
    return schema  # runs as nothing


class ReversibleExecuteSQLOp(ops.ExecuteSQLOp):
    """A custom SQL step with the SQL that undoes it (if known)."""

    def __init__(self, sqltext: str | sa.sql.Executable, downgrade_sql: str | sa.sql.Executable | None,
                 **kw: Any) -> None:
        # An expression (``op.execute(t.update().values(...))``) stays one: its values are parameters.
        super().__init__(sqltext, **kw)
        self.downgrade_sql = downgrade_sql

    def reverse(self) -> ops.MigrateOperation:
        if self.downgrade_sql is None or (isinstance(self.downgrade_sql, str) and not self.downgrade_sql.strip()):
            return MissingDowngradeOp(self.sqltext)
        return ReversibleExecuteSQLOp(self.downgrade_sql, self.sqltext)


class ReversibleBulkInsertOp(ops.BulkInsertOp):
    """Rows inserted into a table; the downgrade deletes them by primary key."""

    def reverse(self) -> ops.MigrateOperation:
        table = self.table
        assert isinstance(table, sa.Table)
        pk = [c for c in table.primary_key.columns]
        if not pk or any(c.name not in row for row in self.rows for c in pk):
            raise ValueError(f"rows inserted into {table.name} without primary key values cannot be deleted "
                             "by the downgrade")
        return DeleteRowsOp(table, [{c.name: row[c.name] for c in pk} for row in self.rows])


class DeleteRowsOp(ops.ExecuteSQLOp):
    """``DELETE`` of the rows with these primary keys, kept as an expression: the values are
    bound parameters when applied and the target dialect's literals in SQL text (a string
    written by hand, or by the default dialect, misreads a backslash on MySQL)."""

    def __init__(self, table: sa.Table, keys: list[dict[str, Any]]) -> None:
        columns = [table.c[name] for name in keys[0]] if keys else []
        conditions = [sa.and_(*(c == key[c.name] for c in columns)) for key in keys]
        super().__init__(sa.delete(table).where(sa.or_(*conditions)))
        self.table, self.keys = table, keys


@renderers.dispatch_for(DeleteRowsOp)
def _delete_rows(context: AutogenContext, op: DeleteRowsOp) -> str:
    """An expression, not SQL text, so the values reach the database as parameters."""
    table = op.table
    schema = f", schema={table.schema!r}" if table.schema else ""
    names = list(op.keys[0]) if op.keys else []
    columns = ", ".join(f"sa.column({n!r}, {_repr_type(table.c[n].type, context)})" for n in names)
    conditions = ",\n        ".join(
        "sa.and_(" + ", ".join(f"sa.column({k!r}) == {value_source(v, context)}" for k, v in key.items()) + ")"
        for key in op.keys)
    return (f"{prefix(context)}execute(\n    sa.delete(sa.table({table.name!r}, {columns}{schema})).where(sa.or_(\n"
            f"        {conditions},\n    ))\n)")


class ReversibleRenameTableOp(ops.RenameTableOp):
    """Alembic's rename has no reverse; renaming back is one."""

    def reverse(self) -> ops.MigrateOperation:
        return ReversibleRenameTableOp(self.new_table_name, self.table_name, schema=self.schema)


class ReversibleAlterColumnOp(ops.AlterColumnOp):
    """Alembic's reverse of an alteration forgets a rename; this one renames back too."""

    def reverse(self) -> ops.AlterColumnOp:
        reverse = super().reverse()
        if self.modify_name:
            reverse.column_name, reverse.modify_name = self.modify_name, self.column_name
        return reverse


class ReversibleDropTableOp(ops.DropTableOp):
    """A dropped table whose undo restores all that the drop took with it: the table with its
    keys and comment (Alembic's own reverse), its indexes, PostgreSQL exclusion constraints and
    SQLite triggers."""

    snapshot: s.Table

    def reverse_steps(self) -> list[ops.MigrateOperation]:
        table = self.snapshot
        steps: list[ops.MigrateOperation] = [self.reverse()]
        # MySQL makes a foreign key's index with the table; creating it again would collide.
        sa_table = sa_build.table_to_sa(table)
        steps.extend(ops.CreateIndexOp.from_index(sa_build.index_to_sa(ix, sa_table))
                     for ix in sorted(table.indexes, key=lambda i: i.name or "")
                     if not ix.for_foreign_key and ix.name)
        steps.extend(DropExclusionOp(x.name, table.name, x.definition, schema=table.schema).reverse()
                     for x in table.exclusions if x.name)
        steps.extend(ReversibleExecuteSQLOp(for_execute(t.definition), None) for t in table.triggers if t.definition)
        return steps


class DropExclusionOp(ops.DropConstraintOp):
    """Dropping a reflected exclusion constraint: the downgrade re-adds it from its definition."""

    def __init__(self, constraint_name: str, table_name: str, definition: str, schema: str | None = None) -> None:
        super().__init__(constraint_name, table_name, schema=schema)
        self.definition = definition

    def reverse(self) -> Any:
        preparer = postgresql_quoting()  # run through text(), which doubles % itself
        quoted = ".".join(preparer.quote(str(p)) for p in (self.schema, self.table_name) if p)
        name = preparer.quote(str(self.constraint_name))
        return ReversibleExecuteSQLOp(for_execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {name} {self.definition}"),
                                      for_execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {name}"))
