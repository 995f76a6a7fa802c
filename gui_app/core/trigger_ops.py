"""Triggers as operations of the app's own, on the three databases: created, given a new
definition, dropped; on PostgreSQL also disabled and enabled again (``ALTER TABLE … DISABLE
TRIGGER``: it stays, silent). Each is written as its whole CREATE TRIGGER statement, and a drop or
a replacement carries the definition it removes, so that its reverse puts it back exactly.

A new definition drops the trigger and creates it again (PostgreSQL does both inside the plan's
transaction; MySQL and MariaDB commit each statement, so in between the table has no trigger). A
definition is one statement (see :func:`gui_app.core.marked_ops.one_statement`). Written into a
revision as marked statements (:mod:`gui_app.core.marked_ops`).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.marked_ops import Marked, MarkedOp, after, one_statement, qualified, reads, target
from gui_app.core.projection import (
    ProjectionError,
    dialect_of,
    find_table,
    namespace_of,
    register,
    replace_namespace,
)

_HEAD = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:CONSTRAINT\s+)?"
                   r"TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?", re.IGNORECASE)


def head(definition: str) -> tuple[str, str | None, str]:
    """(name, table's schema, table) of the trigger ``definition`` makes (ValueError where it is
    not a CREATE TRIGGER statement naming its table after ON)."""
    found = _HEAD.match(definition)
    if found is None:
        raise ValueError("a trigger is made by CREATE TRIGGER")
    _where, name, rest = target(definition[found.end():])
    on = re.search(r"\sON\s+", rest, re.IGNORECASE)
    if on is None:
        raise ValueError("a trigger names its table after ON")
    where, table, _rest = target(rest[on.end():])
    return name, where, table


class TriggerOp(MarkedOp):
    def __init__(self, table: str, name: str, schema: str | None) -> None:
        self.table, self.name, self.schema = table, name, schema

    def dropping(self, dialect: sa.Dialect) -> str:
        quote = dialect.identifier_preparer.quote
        if dialect.name == "postgresql":
            return f"DROP TRIGGER {quote(self.name)} ON {qualified(dialect, self.schema, self.table)}"
        return f"DROP TRIGGER {qualified(dialect, self.schema, self.name)}"

    def switching(self, dialect: sa.Dialect, enabled: bool) -> str:
        quote = dialect.identifier_preparer.quote
        verb = "ENABLE" if enabled else "DISABLE"
        return f"ALTER TABLE {qualified(dialect, self.schema, self.table)} {verb} TRIGGER {quote(self.name)}"


@Operations.register_operation("create_trigger")
class CreateTriggerOp(TriggerOp):
    """A new trigger; on PostgreSQL ``enabled=False`` makes it disabled (how a dropped disabled
    trigger comes back)."""

    what = "create trigger"

    def __init__(self, table: str, name: str, definition: str, schema: str | None = None,
                 enabled: bool = True) -> None:
        super().__init__(table, name, schema)
        self.definition, self.enabled = definition.strip(), enabled

    @classmethod
    def create_trigger(cls, operations: Operations, table: str, name: str, definition: str,
                       schema: str | None = None, enabled: bool = True) -> Any:
        return operations.invoke(cls(table, name, definition, schema, enabled))

    def reverse(self) -> ops.MigrateOperation:
        return DropTriggerOp(self.table, self.name, self.definition, self.schema, self.enabled)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        made = [one_statement(self.definition, dialect.name)]
        return made if self.enabled else [*made, self.switching(dialect, False)]


@Operations.register_operation("drop_trigger")
class DropTriggerOp(TriggerOp):
    what = "drop trigger"

    def __init__(self, table: str, name: str, definition: str, schema: str | None = None,
                 enabled: bool = True) -> None:
        super().__init__(table, name, schema)
        self.definition, self.enabled = definition.strip(), enabled

    @classmethod
    def drop_trigger(cls, operations: Operations, table: str, name: str, definition: str,
                     schema: str | None = None, enabled: bool = True) -> Any:
        return operations.invoke(cls(table, name, definition, schema, enabled))

    def reverse(self) -> ops.MigrateOperation:
        return CreateTriggerOp(self.table, self.name, self.definition, self.schema, self.enabled)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [self.dropping(dialect)]


@Operations.register_operation("replace_trigger")
class ReplaceTriggerOp(TriggerOp):
    what = "replace trigger"

    def __init__(self, table: str, name: str, definition: str, old_definition: str,
                 schema: str | None = None) -> None:
        super().__init__(table, name, schema)
        self.definition, self.old_definition = definition.strip(), old_definition.strip()

    @classmethod
    def replace_trigger(cls, operations: Operations, table: str, name: str, definition: str,
                        old_definition: str, schema: str | None = None) -> Any:
        return operations.invoke(cls(table, name, definition, old_definition, schema))

    def reverse(self) -> ops.MigrateOperation:
        return ReplaceTriggerOp(self.table, self.name, self.old_definition, self.definition, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [self.dropping(dialect), one_statement(self.definition, dialect.name)]


@Operations.register_operation("switch_trigger")
class SwitchTriggerOp(TriggerOp):
    """A PostgreSQL trigger disabled (it stays, and fires no more) or enabled again."""

    what = "switch trigger"

    def __init__(self, table: str, name: str, enabled: bool, schema: str | None = None) -> None:
        super().__init__(table, name, schema)
        self.enabled = enabled

    @classmethod
    def switch_trigger(cls, operations: Operations, table: str, name: str, enabled: bool,
                       schema: str | None = None) -> Any:
        return operations.invoke(cls(table, name, enabled, schema))

    @property
    def mark(self) -> str:
        return "enable trigger" if self.enabled else "disable trigger"

    def reverse(self) -> ops.MigrateOperation:
        return SwitchTriggerOp(self.table, self.name, not self.enabled, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [self.switching(dialect, self.enabled)]


def dropped(trigger: s.Trigger, table: s.Table) -> DropTriggerOp:
    return DropTriggerOp(table.name, trigger.name, trigger.definition, table.schema, trigger.enabled)


def created(definition: str, table: s.Table, dialect_name: str, default: str | None = None) -> CreateTriggerOp:
    """The creation ``definition`` makes on ``table`` (ValueError where it is not one CREATE
    TRIGGER statement on that table)."""
    statement = one_statement(definition, dialect_name)
    name, where, on = head(statement)
    if on != table.name or (where is not None and where not in (table.schema, default)):
        raise ValueError(f"it is made on {where + '.' if where else ''}{on}, not on {table.name}")
    return CreateTriggerOp(table.name, name, statement, table.schema)


# --- projection -----------------------------------------------------------------------------


def _change(schema: s.Schema, op: TriggerOp, change: Callable[[tuple[s.Trigger, ...]], tuple[s.Trigger, ...]]) \
        -> s.Schema:
    """``op``'s table with its triggers changed; its stored CREATE TABLE text (SQLite) still
    describes it, as a trigger is no part of it."""
    table = find_table(schema, op.table, op.schema)
    index, namespace = namespace_of(schema, op.schema)
    new = dataclasses.replace(table, triggers=tuple(sorted(change(table.triggers), key=lambda t: t.name)))
    return replace_namespace(schema, index, dataclasses.replace(
        namespace, tables=tuple(new if t is table else t for t in namespace.tables)))


def _existing(schema: s.Schema, op: TriggerOp) -> s.Trigger:
    table = find_table(schema, op.table, op.schema)
    found = next((t for t in table.triggers if t.name == op.name), None)
    if found is None:
        raise ProjectionError(f"there is no trigger {op.name} on {table.name}")
    return found


def _checked(op: CreateTriggerOp | ReplaceTriggerOp, dialect_name: str) -> None:
    try:
        name, _where, on = head(one_statement(op.definition, dialect_name))
    except ValueError as error:
        raise ProjectionError(str(error)) from None
    if (name, on) != (op.name, op.table):
        raise ProjectionError(f"the definition makes the trigger {name} on {on}, not {op.name} on {op.table}")


@register(CreateTriggerOp)
def _create(op: CreateTriggerOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    name = dialect_of(schema, dialect)
    _checked(op, name)
    if not op.enabled and name != "postgresql":
        raise ProjectionError("only PostgreSQL keeps a trigger disabled")
    namespace = namespace_of(schema, op.schema)[1]
    # PostgreSQL names a trigger within its table; MySQL, MariaDB and SQLite within the schema.
    tables = [find_table(schema, op.table, op.schema)] if name == "postgresql" else list(namespace.tables)
    if any(t.name == op.name for table in tables for t in table.triggers):
        raise ProjectionError(f"a trigger {op.name} already exists")
    made = s.Trigger(op.name, op.definition, op.enabled)
    return _change(schema, op, lambda triggers: (*triggers, made))


@register(DropTriggerOp)
def _drop(op: DropTriggerOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    gone = _existing(schema, op)
    return _change(schema, op, lambda triggers: tuple(t for t in triggers if t is not gone))


@register(ReplaceTriggerOp)
def _replace(op: ReplaceTriggerOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    old = _existing(schema, op)
    _checked(op, dialect_of(schema, dialect))
    new = s.Trigger(op.name, op.definition)  # made again: enabled, its printed form read back once it ran
    return _change(schema, op, lambda triggers: tuple(new if t is old else t for t in triggers))


@register(SwitchTriggerOp)
def _switch(op: SwitchTriggerOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    if dialect_of(schema, dialect) != "postgresql":
        raise ProjectionError("only PostgreSQL disables a trigger and keeps it")
    old = _existing(schema, op)
    if old.enabled == op.enabled:
        raise ProjectionError(f"the trigger {op.name} is {'enabled' if op.enabled else 'disabled'} already")
    new = dataclasses.replace(old, enabled=op.enabled)
    return _change(schema, op, lambda triggers: tuple(new if t is old else t for t in triggers))


# --- reading a revision back ----------------------------------------------------------------


@reads("create trigger", "drop trigger", "replace trigger", "enable trigger", "disable trigger")
def rebuilt(what: str, statements: Sequence[Marked]) -> TriggerOp:
    """The operation that wrote these marked statements (what a drop or a replacement removes is
    filled in from the schema it runs on when the script is read: :func:`completed`)."""
    first = statements[0].sql
    if what in ("enable trigger", "disable trigger"):
        where, table, rest = after(r"ALTER TABLE\s+", first)
        _none, name, _rest = after(rf"\s+{what.split()[0]}\s+TRIGGER\s+", rest)
        return SwitchTriggerOp(table, name, what == "enable trigger", where)
    if what == "drop trigger":
        found = re.match(r"DROP TRIGGER\s+", first, re.IGNORECASE)
        if found is None:
            raise ValueError("not the statement this operation writes")
        where, name, rest = target(first[found.end():])
        on = re.match(r"\s+ON\s+", rest, re.IGNORECASE)
        if on is None:  # MySQL, MariaDB, SQLite: the table is found in the schema
            return DropTriggerOp("", name, "", where)
        where, table, _rest = target(rest[on.end():])
        return DropTriggerOp(table, name, "", where)
    creating = statements[0] if what == "create trigger" else statements[-1]
    name, where, table = head(creating.sql)
    if what == "create trigger":
        disabled = len(statements) == 2 and re.search(r"\sDISABLE TRIGGER\s", statements[1].sql, re.IGNORECASE)
        return CreateTriggerOp(table, name, creating.sql, where, not disabled)
    return ReplaceTriggerOp(table, name, creating.sql, "", where)


def completed(op: TriggerOp, schema: s.Schema) -> TriggerOp:
    """``op`` read from a script, with what it needs taken from ``schema`` (the trigger as it is
    before it runs): the table a MySQL/SQLite drop does not name, the definition it removes; the
    default schema, which PostgreSQL prints in a definition, as None."""
    if op.schema is not None and op.schema == schema.default_schema:
        op = copy.copy(op)
        op.schema = None
    try:
        namespace = namespace_of(schema, op.schema)[1]
    except ProjectionError:
        return op
    owner = next((t for t in namespace.tables if (not op.table or t.name == op.table)
                  and any(tr.name == op.name for tr in t.triggers)), None)
    if owner is None:
        return op
    old = next(tr for tr in owner.triggers if tr.name == op.name)
    if isinstance(op, DropTriggerOp) and not op.definition:
        return DropTriggerOp(owner.name, op.name, old.definition, op.schema, old.enabled)
    if isinstance(op, ReplaceTriggerOp) and not op.old_definition:
        return ReplaceTriggerOp(owner.name, op.name, op.definition, old.definition, op.schema)
    return op
