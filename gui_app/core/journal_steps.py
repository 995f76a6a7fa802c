"""What the journal of a MySQL/MariaDB apply keeps per step: each operation of the plan and its
undo as standalone scripts, so that an interrupted apply can be finished or reverted later
(:mod:`gui_app.core.recovery`) without the plan that started it."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core.dialects import family
from gui_app.core.projection import ProjectionError, project
from gui_app.core.schema import Schema


def step_scripts(plan: Sequence[ops.MigrateOperation], dialect: str, base: Schema) -> list[dict[str, str]]:
    """Each operation of ``plan`` and its undo, as standalone scripts for the journal."""
    from gui_app.core.render import downgrade_ops
    from gui_app.core.script_writer import standalone_script

    found = []
    state = base
    engine_dialect = sa_dialect(dialect)
    for op in plan:
        undo = downgrade_ops([op]) if reversible_alone(op) else None
        found.append({"upgrade": standalone_script([op], dialect, "step", base=state, with_downgrade=False),
                      "downgrade": standalone_script(undo, dialect, "undo", base=state, with_downgrade=False)
                      if undo is not None else ""})
        with contextlib.suppress(ProjectionError):  # a step the projection cannot follow: the state stays
            state = project(state, op, engine_dialect)
    return found


def reversible_alone(op: ops.MigrateOperation) -> bool:
    """Whether ``op`` has an undo of its own (custom SQL without one has none)."""
    from gui_app.core.render import downgrade_ops

    try:
        downgrade_ops([op])
    except (NotImplementedError, ValueError):
        return False
    return True


def sa_dialect(name: str) -> sa.Dialect:
    """SQLAlchemy's dialect for a database name (MariaDB's is MySQL's)."""
    from gui_app.core.render import dialect_for

    return dialect_for(family(name))
