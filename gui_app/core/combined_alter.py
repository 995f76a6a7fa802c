"""Consecutive alterations of one table sent to PostgreSQL or MySQL/MariaDB as one ALTER TABLE.

Each ALTER TABLE statement that changes a column's type rewrites the whole table (and its
indexes); twenty such statements on a large table rewrite it twenty times. Both servers accept
several sub-commands in one statement and then rewrite the table once (PostgreSQL: ``ALTER TABLE``
Notes, "the table is rewritten at most once"; MySQL/MariaDB: one ``ALTER TABLE`` with several
clauses, one copy). So the operations of a run on one table are rendered one by one, exactly as
Alembic renders them for the connected server, and where every statement of each is an
``ALTER TABLE`` of that table with a sub-command the server combines, they are sent as one
statement. Renames, comments (``COMMENT ON``), indexes (``CREATE INDEX``) and anything else stay
statements of their own. The pending list and saved scripts keep one operation per edit; this is
how they are sent, and the preview and the confirmation show the statements that run.

Not combined, because the server would read them against the table as it was before the
statement: an operation on a column an earlier one in the run adds or drops, and a constraint
dropped and added again under the same name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import sqlalchemy as sa
from alembic.operations import Operations, ops
from alembic.runtime.migration import MigrationContext

from gui_app.core.batch_block import app_table_group
from gui_app.core.dialects import dialect_key, family, takes_percent_placeholders
from gui_app.core.identity_cache import IdentityCache
from gui_app.core.op_facts import table_of

COMBINABLE = (ops.AddColumnOp, ops.DropColumnOp, ops.AlterColumnOp, ops.CreateForeignKeyOp,
              ops.CreateUniqueConstraintOp, ops.CreateCheckConstraintOp, ops.CreatePrimaryKeyOp,
              ops.DropConstraintOp)
_SUB_COMMANDS = {
    "postgresql": ("ADD COLUMN ", "DROP COLUMN ", "ALTER COLUMN ", "ADD CONSTRAINT ", "ADD UNIQUE ", "ADD CHECK ",
                   "ADD FOREIGN KEY ", "ADD PRIMARY KEY ", "DROP CONSTRAINT "),
    "mysql": ("ADD COLUMN ", "DROP COLUMN ", "ALTER COLUMN ", "MODIFY ", "ADD CONSTRAINT ", "ADD UNIQUE ",
              "ADD CHECK ", "ADD FOREIGN KEY ", "ADD PRIMARY KEY ", "DROP PRIMARY KEY", "DROP FOREIGN KEY ",
              "DROP CHECK ", "DROP CONSTRAINT ", "DROP INDEX "),
}
"""What each server runs as part of one ALTER TABLE, as Alembic spells it (renames are left out)."""


class CombinedAlterOp(ops.MigrateOperation):
    """Operations of one table sent as the one ``ALTER TABLE`` statement ``sql``."""

    def __init__(self, table_name: str, schema: str | None, operations: list[ops.MigrateOperation],
                 sql: str) -> None:
        self.table_name, self.schema, self.ops, self.sql = table_name, schema, operations, sql

    def reverse(self) -> ops.MigrateOperation:  # never saved or undone as such: its operations are
        raise NotImplementedError("a combined statement is only sent; its operations are reversed one by one")


@Operations.implementation_for(CombinedAlterOp)
def _send(operations: Operations, operation: CombinedAlterOp) -> None:
    # A colon inside a literal is not a parameter; percent signs are doubled again by the driver's
    # compiler, as for every statement.
    operations.execute(sa.text(operation.sql.replace(":", "\\:")))


def combined(plan: Sequence[ops.MigrateOperation], dialect: sa.Dialect) -> list[ops.MigrateOperation]:
    """``plan`` with each run of two or more combinable operations on one table as one
    :class:`CombinedAlterOp`; ``dialect`` is the server's (its version decides some spellings)."""
    kind = family(dialect.name)
    if kind not in _SUB_COMMANDS:
        return list(plan)
    render = _Renderer(dialect)
    result: list[ops.MigrateOperation] = []
    run: list[tuple[ops.MigrateOperation, list[str]]] = []
    prefix = ""

    def close_run() -> None:
        if len(run) > 1:
            where, name = table_of(run[0][0])  # type: ignore[misc]
            clauses = [clause for _op, found in run for clause in found]
            result.append(CombinedAlterOp(name, where, [op for op, _found in run],
                                          f"{prefix}\n    " + ",\n    ".join(clauses)))
        else:
            result.extend(op for op, _found in run)
        run.clear()

    for op in plan:
        clauses = None
        if isinstance(op, COMBINABLE):
            statements = render.statements(op)
            clauses = _clauses(statements, kind)
        if clauses is None:
            close_run()
            result.append(op)
            continue
        op_prefix, sub_commands = clauses
        if run and (op_prefix != prefix or not _fits(run, op)):
            close_run()
        prefix = op_prefix
        run.append((op, sub_commands))
    close_run()
    return result


def members(item: ops.MigrateOperation) -> list[ops.MigrateOperation]:
    """The plan operations an item sent to the server stands for (a script's batch block with
    options is one operation of the plan, not its inner ones)."""
    return list(item.ops) if isinstance(item, CombinedAlterOp) or app_table_group(item) else [item]


def _clauses(statements: list[str], kind: str) -> tuple[str, list[str]] | None:
    """(``ALTER TABLE <table>``, its sub-commands) when every statement alters the same table
    with a sub-command the server combines; else None."""
    prefix, found = None, []
    for statement in statements:
        text = statement.strip().rstrip(";").strip()
        if not text.upper().startswith("ALTER TABLE "):
            return None
        head, sub = _split(text)
        if sub is None or not sub.upper().startswith(_SUB_COMMANDS[kind]) or (prefix is not None and head != prefix):
            return None
        prefix = head
        found.append(sub)
    return (prefix, found) if prefix is not None and found else None


def _split(statement: str) -> tuple[str, str | None]:
    """``ALTER TABLE <name>`` and what follows, the name read as the server quotes it."""
    rest = statement[len("ALTER TABLE "):]
    end = 0
    while end < len(rest):
        char = rest[end]
        if char in "\"`":
            close = rest.find(char, end + 1)
            while close != -1 and close + 1 < len(rest) and rest[close + 1] == char:  # a doubled quote
                close = rest.find(char, close + 2)
            if close == -1:
                return statement, None
            end = close + 1
        elif char == " ":
            break
        else:
            end += 1
    return statement[:len("ALTER TABLE ") + end], rest[end + 1:] if end < len(rest) else None


def _fits(run: list[tuple[ops.MigrateOperation, list[str]]], op: ops.MigrateOperation) -> bool:
    """Whether ``op`` can join the run: it must not touch a column the run adds or drops, nor a
    constraint name the run drops or adds (the server reads each sub-command against the table as
    it was before the statement)."""
    added_or_dropped = {_column_of(o) for o, _ in run if isinstance(o, ops.AddColumnOp | ops.DropColumnOp)}
    touched_columns = {_column_of(o) for o, _ in run}
    names = {getattr(o, "constraint_name", None) for o, _ in run} - {None}
    column = _column_of(op)
    if column is not None and (column in added_or_dropped
                               or (isinstance(op, ops.AddColumnOp | ops.DropColumnOp) and column in touched_columns)):
        return False
    name = getattr(op, "constraint_name", None)
    return name is None or name not in names


def _column_of(op: ops.MigrateOperation) -> str | None:
    if isinstance(op, ops.AddColumnOp):
        return str(op.column.name)
    if isinstance(op, ops.DropColumnOp | ops.AlterColumnOp):
        return str(op.column_name)
    return None


STATEMENTS: IdentityCache[tuple[str, ...]] = IdentityCache(5_000)


class _Renderer:
    """Each operation's statements as Alembic writes them for the server, captured one by one."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self.context = MigrationContext.configure(dialect=dialect, opts={
            "as_sql": True, "literal_binds": True, "output_buffer": io.StringIO()})
        self.operations = Operations(self.context)
        self.captured: list[str] = []
        self.context.impl.static_output = self.captured.append  # type: ignore[method-assign, assignment]

    def statements(self, op: ops.MigrateOperation) -> list[str]:
        """Rendered once per operation and server: a plan is combined again after every edit."""
        dialect = self.context.dialect
        return list(STATEMENTS.get((op,), lambda: tuple(self._render(op)), dialect_key(dialect)))

    def _render(self, op: ops.MigrateOperation) -> list[str]:
        self.captured.clear()
        try:
            self.operations.invoke(op)
        except Exception:  # something this renderer cannot write offline: sent on its own, as it is
            return ["-- not rendered"]
        # Compiled for a driver that takes %s parameters, the text has every % doubled: the
        # statement itself has one (sending it compiles it again).
        doubled = takes_percent_placeholders(self.context.dialect)
        return [s.replace("%%", "%") if doubled else s for s in self.captured if s.strip()]
