"""PostgreSQL refuses to change a column's type while a view reads the column ("cannot alter type
of a column used by a view or rule"). Alembic users drop those views before the change and create
them again after it by hand; here that is one operation of the app's own, :class:`AroundViewsOp`:
the change with the views that read the column (and the views built on those) dropped before it,
last built first, and created again after it from their definitions as the server printed them,
in the order they were built. It changes the schema exactly as the plain change does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.projection import project, register
from gui_app.core.view_ops import created, dropped


class AroundViewsOp(ops.MigrateOperation):
    """``plain`` with ``views`` (in the order they were built) dropped before and created after it."""

    def __init__(self, plain: ops.MigrateOperation, views: Sequence[s.View]) -> None:
        self.plain, self.views = plain, tuple(views)

    def steps(self) -> list[ops.MigrateOperation]:
        return [*dropped(self.views), self.plain, *created(self.views)]

    def reverse(self) -> ops.MigrateOperation:
        return AroundViewsOp(self.plain.reverse(), self.views)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AroundViewsOp) and other.plain == self.plain and other.views == self.views

    def __hash__(self) -> int:
        return hash((id(self.plain), self.views))


def dependent_views(schema: s.Schema, table: tuple[str | None, str], column: str | None) -> list[s.View]:
    """The views that read ``column`` of ``table`` (None: any of it), and the views that read those,
    in the order they can be created (a view after every view it reads)."""
    return views_reading(schema, [(table[0], table[1], column)])


def views_reading(schema: s.Schema, used: Sequence[tuple[str | None, str, str | None]]) -> list[s.View]:
    """The views that read any of ``used`` (schema, relation, column or None for any of it), and
    the views that read those, in the order they can be created."""
    def where(name: str | None) -> str | None:
        try:
            return schema.namespace(name).name
        except KeyError:
            return name

    views = {(where(v.schema), v.name): v for v in schema.views}
    reads = {key: [(where(u[0]), u[1], u[2]) for u in view.uses] for key, view in views.items()}
    wanted: dict[tuple[str | None, str], s.View] = {}
    frontier = [(where(u[0]), u[1], u[2]) for u in used]
    while frontier:
        used_schema, used_name, used_column = frontier.pop()
        for key, view in views.items():
            if key not in wanted and any(
                    u_schema == used_schema and u_name == used_name
                    and (used_column is None or u_column in (used_column, None))
                    for u_schema, u_name, u_column in reads[key]):
                wanted[key] = view
                frontier.append((key[0], key[1], None))
    ordered: list[s.View] = []
    placed: set[tuple[str | None, str]] = set()
    while len(ordered) < len(wanted):
        progress = False
        for key, view in sorted(wanted.items(), key=lambda item: (item[0][0] or "", item[0][1])):
            if key in placed:
                continue
            if {(u[0], u[1]) for u in reads[key]} & set(wanted) <= placed:
                ordered.append(view)
                placed.add(key)
                progress = True
        if not progress:  # a cycle cannot be: PostgreSQL has no views reading each other
            ordered.extend(v for k, v in wanted.items() if k not in placed)
            break
    return ordered


def views_form(op: ops.MigrateOperation, before: s.Schema) -> AroundViewsOp | None:
    """``op`` with the views that would make PostgreSQL refuse it dropped and created again
    around it; None where no view stands in its way."""
    if before.dialect != "postgresql" or not isinstance(op, ops.AlterColumnOp) or op.modify_type is None:
        return None
    found = dependent_views(before, (op.schema, op.table_name), op.column_name)
    return AroundViewsOp(op, found) if found else None


@Operations.implementation_for(AroundViewsOp)
def _run(operations: Operations, operation: AroundViewsOp) -> None:
    for step in operation.steps():
        operations.invoke(step)


@renderers.dispatch_for(AroundViewsOp)
def _render(context: AutogenContext, op: AroundViewsOp) -> list[str]:
    names = ", ".join(v.name for v in op.views)
    lines = [f"# The views that read the column are dropped and created again around the change: {names}"]
    for step in op.steps():
        lines.extend(render_op(context, step))
    return lines


@register(AroundViewsOp)
def _project(op: AroundViewsOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    return project(schema, op.plain, dialect)
