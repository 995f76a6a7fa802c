"""A migration function that asks for the database (or cannot be recorded), kept as code and run as it is.

A function that calls ``op.get_bind()``, ``op.get_context()`` or ``context.get_bind()`` may
read rows, branch on the server or loop over results: no recording can stand for it; one that
fails when recorded does under ``alembic`` what it does, works or fails. It becomes
one :class:`ScriptCodeOp` in the pending list, and running it calls the function itself with
Alembic's own ``op`` and ``context`` bound to the connection the rest of the plan runs on (the
same transaction, drift check and stamping). Offline (SQL preview, ``sql``) it runs against
Alembic's offline context, as ``alembic upgrade --sql`` runs it.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
import textwrap
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
COMMITS_PART_WAY = "commits part-way"
"""The step opens ``autocommit_block()`` or sends its own ``COMMIT``: what ran before is committed
there, as under ``alembic``."""

_ENDS_TRANSACTION = re.compile(r"^\s*(COMMIT|END|ABORT|ROLLBACK)(\s+(?:WORK|TRANSACTION))?\s*;?\s*$", re.IGNORECASE)


def ends_transaction(sql: str) -> str | None:
    """``COMMIT`` or ``ROLLBACK`` when ``sql`` is a statement that ends the transaction it runs in
    that way (``END`` commits, ``ABORT`` rolls back); otherwise None."""
    match = _ENDS_TRANSACTION.match(sql)
    if match is None:
        return None
    return "COMMIT" if match.group(1).upper() in ("COMMIT", "END") else "ROLLBACK"


def commits(sql: str) -> bool:
    """Whether ``sql`` is a statement that commits the transaction it runs in."""
    return ends_transaction(sql) == "COMMIT"


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
        self.source = path.read_text(encoding="utf-8") if path.is_file() else ""
        """The script's text as it was read: written back into a saved revision (:func:`helper_source`)."""

    @property
    def label(self) -> str:
        return f"{self.path.name} {self.function.__name__}()"

    def reverse(self) -> ops.MigrateOperation:
        if self.reverse_function is None:
            raise ValueError(f"{self.label} has no function that undoes it")
        reverse = ScriptCodeOp(self.reverse_function, self.path, "undoes a step kept as Python code",
                               self.function, self.options)
        reverse.source = self.source
        return reverse

    @functools.cached_property
    def commits_part_way(self) -> bool:
        """Whether the function (or a module-level definition it uses) opens ``autocommit_block()``
        or holds a ``COMMIT`` statement of its own. Read once: the risk labels ask on every repaint."""
        try:
            _, nodes = _function_and_uses(self)
        except (SyntaxError, ValueError):
            return False
        return any((isinstance(n, ast.Attribute) and n.attr == "autocommit_block")
                   or (isinstance(n, ast.Constant) and isinstance(n.value, str) and commits(n.value))
                   for node in nodes for n in ast.walk(node))

    @property
    def helper_name(self) -> str:
        """The function a saved revision defines for this step and calls from its upgrade() or downgrade()."""
        return "_" + re.sub(r"\W", "_", f"{self.path.stem}_{self.function.__name__}")


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


def helper_source(op: ScriptCodeOp) -> str:
    """Module-level source of a function that runs ``op``'s function as it is: the script's imports
    and definitions it uses, and the function itself, inside one wrapper (so that two scripts'
    names cannot clash in the revision that holds both)."""
    name = op.function.__name__
    _, nodes = _function_and_uses(op)
    parts = [ast.get_source_segment(op.source, node) or "" for node in nodes]
    body = textwrap.indent("\n".join(parts), "    ")
    summary = f"{name}() of {op.path.name}, run as it is: it {op.reason}."
    return f"\n\ndef {op.helper_name}():\n    {summary!r}\n{body}\n    return {name}()\n"


def _function_and_uses(op: ScriptCodeOp) -> tuple[ast.stmt, list[ast.stmt]]:
    """The script's top-level definition of ``op``'s function, and the imports and definitions it
    uses (transitively, in the script's order) followed by the function itself."""
    tree = ast.parse(op.source)
    name = op.function.__name__
    target = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)
    if target is None:
        raise ValueError(f"{op.path.name} has no top-level {name}() to write back")
    definitions = {defined: node for node in tree.body for defined in _defines(node)}
    needed: list[ast.stmt] = []
    pending: list[ast.stmt] = [target]
    while pending:
        node = pending.pop()
        for used in _free_names(node):
            found = definitions.get(used)
            if found is not None and found is not target and found not in needed:
                needed.append(found)
                pending.append(found)
    return target, [*sorted(needed, key=lambda n: n.lineno), target]


def _defines(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _free_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and not hasattr(builtins, n.id)}
