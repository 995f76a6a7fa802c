"""A migration function that asks for the database, kept as code and run as it is.

A function that calls ``op.get_bind()``, ``op.get_context()`` or ``context.get_bind()`` may
read rows, branch on the server or loop over results: no recording can stand for it. It becomes
one :class:`ScriptCodeOp` in the pending list, and running it calls the function itself with
Alembic's own ``op`` and ``context`` bound to the connection the rest of the plan runs on (the
same transaction, drift check and stamping). Offline (SQL preview, ``sql``) it runs against
Alembic's offline context, as ``alembic upgrade --sql`` runs it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.operations import Operations, ops
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

RUNS_CODE = "runs Python code against the database"


class ScriptCodeOp(ops.MigrateOperation):
    """``upgrade()`` or ``downgrade()`` of a script, run as it is."""

    def __init__(self, function: Callable[[], Any], path: Path, reason: str,
                 reverse_function: Callable[[], Any] | None = None, options: dict[str, Any] | None = None) -> None:
        self.function = function
        self.path = path
        self.reason = reason
        self.reverse_function = reverse_function
        self.options = dict(options or {})
        """What the project's ``env.py`` would hand ``context.configure()`` (``target_metadata``)."""

    @property
    def label(self) -> str:
        return f"{self.path.name} {self.function.__name__}()"

    def reverse(self) -> ops.MigrateOperation:
        if self.reverse_function is None:
            raise ValueError(f"{self.label} has no function that undoes it")
        return ScriptCodeOp(self.reverse_function, self.path, "the reverse of a step that runs Python code",
                            self.function, self.options)


@Operations.implementation_for(ScriptCodeOp)
def _run(operations: Operations, operation: ScriptCodeOp) -> None:
    context = operations.migration_context
    saved = context.opts
    context.opts = {**saved, **operation.options}
    try:
        run_function(operation.function, context)
    finally:
        context.opts = saved


def run_function(function: Callable[[], Any], context: MigrationContext) -> None:
    """Call ``function`` with ``alembic.op`` and ``alembic.context`` bound to ``context``, as the
    ``alembic`` command does inside ``env.py``'s ``run_migrations()``."""
    with bound(context):
        function()


@contextmanager
def bound(context: MigrationContext) -> Iterator[Operations]:
    operations = Operations(context)
    environment = _environment(context)
    environment._install_proxy()
    operations._install_proxy()
    try:
        yield operations
    finally:
        operations._remove_proxy()
        environment._remove_proxy()


class _Scripts(ScriptDirectory):
    """``context.script`` of a script run outside its project: no revisions to walk."""

    def __init__(self) -> None:
        self.dir = ""
        self.version_locations = None  # type: ignore[assignment]
        self.revision_map = None  # type: ignore[assignment]


def _environment(context: MigrationContext) -> EnvironmentContext:
    environment = EnvironmentContext(Config(), _Scripts())
    environment.context_opts = {"as_sql": context.as_sql, **context.opts}
    environment._migration_context = context
    return environment


def where_in(error: BaseException, path: Path) -> str:
    """`` (line N)`` of the innermost frame of ``error`` that is in the script, or nothing."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    return f" (line {frames[-1].lineno})" if frames else ""
