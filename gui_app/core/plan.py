"""The pending list: an ordered list of Alembic operations and the schemas it projects.

``schemas[i]`` is the schema after the first ``i`` operations, so appending
projects one operation and undo drops the last one; removing from the middle
re-projects only what follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from alembic.operations import ops

from gui_app.core import render, sqlite_groups
from gui_app.core.batch_block import BatchBlockOp
from gui_app.core.dialects import family
from gui_app.core.domain_ops import AddDomainCheckOp, SetDomainNullableOp
from gui_app.core.enum_ops import AddEnumValueOp, RemoveEnumValueOp
from gui_app.core.lock_models import predict
from gui_app.core.locks import Prediction
from gui_app.core.online import OnlineOp, online_form
from gui_app.core.op_facts import (
    COMMITS_PART_WAY,
    DESTRUCTIVE,
    HANDS_OUT_AGAIN,
    NARROWS,
    NEEDS_DATA,
    REBUILDS,
    RUNS_CODE,
    UNKNOWN_EFFECT,
    VIEWS_IN_THE_WAY,
    describe,
    existed,
    table_of,
)
from gui_app.core.projection import ProjectionError, find_table, project
from gui_app.core.schema import Schema
from gui_app.core.script_code import ScriptCodeOp, commits
from gui_app.core.sequence_ops import TYPES, AlterSequenceOp, DropSequenceOp, RenameSequenceOp
from gui_app.core.types import listed_values
from gui_app.core.validate import Problem, sentence, validate
from gui_app.core.view_deps import AroundViewsOp, views_form
from gui_app.core.view_ops import DropViewOp, RenameViewOp


@dataclass(frozen=True)
class Renames:
    """What the plan renames, from the names the database has to the names the plan leaves:
    ``tables[(schema, new)] = old`` and ``columns[(schema, table, new)] = old`` (``table`` as the
    plan leaves it). A rename undone later, or of an object dropped later, is not in it."""

    tables: dict[tuple[str | None, str], str] = field(default_factory=dict)
    columns: dict[tuple[str | None, str, str], str] = field(default_factory=dict)


def renames(operations: Sequence[ops.MigrateOperation]) -> Renames:
    table_origin: dict[tuple[str | None, str], str] = {}  # (schema, name now) -> name in the database
    column_origin: dict[tuple[str | None, str, str], str] = {}  # (schema, table in the database, column now)

    def origin_of(where: str | None, table: str) -> str:
        return table_origin.get((where, table), table)

    def follow(op: ops.MigrateOperation) -> None:
        if isinstance(op, BatchBlockOp):
            for inner in op.ops:
                follow(inner)
        elif isinstance(op, ops.RenameTableOp):
            table_origin[(op.schema, op.new_table_name)] = table_origin.pop((op.schema, op.table_name), op.table_name)
        elif isinstance(op, ops.AlterColumnOp) and op.modify_name and op.modify_name != op.column_name:
            table = origin_of(op.schema, op.table_name)
            column_origin[(op.schema, table, op.modify_name)] = column_origin.pop(
                (op.schema, table, op.column_name), op.column_name)
        elif isinstance(op, ops.DropColumnOp):
            column_origin.pop((op.schema, origin_of(op.schema, op.table_name), op.column_name), None)
        elif isinstance(op, ops.DropTableOp):
            original = table_origin.pop((op.schema, op.table_name), op.table_name)
            for key in [k for k in column_origin if k[:2] == (op.schema, original)]:
                del column_origin[key]

    for op in operations:
        follow(op)
    now = {(where, old): new for (where, new), old in table_origin.items()}
    return Renames(
        tables={key: old for key, old in table_origin.items() if key[1] != old},
        columns={(where, now.get((where, table), table), new): old
                 for (where, table, new), old in column_origin.items() if new != old})


class PlanError(ValueError):
    """An edit refused by validation; ``problems`` says why, for people."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(" ".join(p.message for p in problems))
        self.problems = list(problems)


@dataclass
class Plan:
    """The pending list: operations in order and the schema after each.

    The one place edits are checked and projected; it never touches a database. ``schemas[i]`` is
    the schema after ``i`` operations, so an operation that does not fit is refused before it
    enters, never discovered when the plan runs."""

    base: Schema
    dialect: str
    """The connected database's dialect: validation and type display follow it."""
    operations: list[ops.MigrateOperation] = field(default_factory=list)
    schemas: list[Schema] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sa_dialect = render.dialect_for(family(self.dialect))
        self._risks: dict[int, tuple[ops.MigrateOperation, Schema, list[str]]] = {}
        self._locks: dict[int, tuple[ops.MigrateOperation, Schema, Prediction | None]] = {}
        self._existed = frozenset([*((t.schema, t.name) for t in self.base.tables),
                                   *((v.schema, v.name) for v in self.base.views),
                                   *((q.schema, q.name) for ns in self.base.namespaces for q in ns.sequences)])
        self.schemas = [self.base]
        for op in self.operations:
            self.schemas.append(project(self.schemas[-1], op, self._sa_dialect))

    @property
    def projected(self) -> Schema:
        return self.schemas[-1]

    def __len__(self) -> int:
        return len(self.operations)

    def check(self, op: ops.MigrateOperation) -> list[Problem]:
        return validate(self.projected, op, self.dialect)

    def append(self, op: ops.MigrateOperation) -> list[Problem]:
        """Add ``op`` at the end; raises :class:`PlanError` on errors, returns the warnings."""
        problems = self.check(op)
        if any(p.is_error for p in problems):
            raise PlanError([p for p in problems if p.is_error])
        try:
            after = project(self.projected, op, self._sa_dialect)
        except ProjectionError as error:
            raise PlanError([Problem("error", sentence(str(error)))]) from None
        self.operations.append(op)
        self.schemas.append(after)
        return problems

    def extend_checked(self, operations: Sequence[ops.MigrateOperation], schemas: Sequence[Schema]) -> None:
        """Add operations already checked and projected from this plan's current end (``schemas``:
        the schema after each): nothing is validated or projected again."""
        self.operations.extend(operations)
        self.schemas.extend(schemas)

    def pop(self) -> ops.MigrateOperation:
        self.schemas.pop()
        return self.operations.pop()

    def insert(self, index: int, op: ops.MigrateOperation) -> None:
        """Put ``op`` back at ``index`` (the undo of a removal); the later schemas are projected again."""
        self._replace_from(index, [op, *self.operations[index:]])

    def remove(self, index: int) -> ops.MigrateOperation:
        """Remove one operation; raises :class:`PlanError` naming the later one that needs it."""
        op = self.operations[index]
        self._replace_from(index, self.operations[index + 1:])
        return op

    def _replace_from(self, index: int, tail: list[ops.MigrateOperation]) -> None:
        schemas = self.schemas[: index + 1]
        for position, later in enumerate(tail, start=index):
            try:
                problems = [p for p in validate(schemas[-1], later, self.dialect) if p.is_error]
                if problems:
                    raise ProjectionError(problems[0].message)
                schemas.append(project(schemas[-1], later, self._sa_dialect))
            except ProjectionError as error:
                raise PlanError([Problem("error", f"Operation {position + 2} ({describe(later)}) depends on it: "
                                                  f"{error}")]) from None
        self.operations[index:] = tail
        self.schemas = schemas

    def online_form(self, index: int) -> OnlineOp | None:
        """The online form of operation ``index`` on this server, where it has one and its table is
        one others can see (a table the plan creates is seen by nobody until the plan commits)."""
        op = self.operations[index]
        target = table_of(op)
        if target is None or not existed(self.base, target):
            return None
        return online_form(op, self.schemas[index])

    def views_form(self, index: int) -> AroundViewsOp | None:
        """Operation ``index`` with the views that would make the server refuse it dropped and
        created again around it (PostgreSQL: a type change of a column a view reads)."""
        return views_form(self.operations[index], self.schemas[index])

    def replace(self, index: int, op: ops.MigrateOperation) -> ops.MigrateOperation:
        """Put ``op``, which changes the schema exactly as operation ``index`` does (its online
        form, or back), in its place; returns the one replaced. The schemas stay as they are."""
        old = self.operations[index]
        if project(self.schemas[index], op, self._sa_dialect) != self.schemas[index + 1]:
            raise PlanError([Problem("error", f"{describe(op)} does not change the schema as {describe(old)} does.")])
        self.operations[index] = op
        return old

    def risks(self, index: int) -> list[str]:
        """The labels of operation ``index``, computed once per operation and the schema before it
        (the pending list asks on every repaint)."""
        op, before = self.operations[index], self.schemas[index]
        cached = self._risks.get(id(op))
        if cached is not None and cached[0] is op and cached[1] is before:
            return cached[2]
        labels = risks(op, before, self.dialect, self.base)
        self._risks[id(op)] = (op, before, labels)
        return labels


    def lock(self, index: int) -> Prediction | None:
        """What operation ``index`` locks, rewrites and reads in the database (None where the
        dialect has no model yet), computed once per operation and the schema before it."""
        op, before = self.operations[index], self.schemas[index]
        cached = self._locks.get(id(op))
        if cached is not None and cached[0] is op and cached[1] is before:
            return cached[2]
        found = predict(op, before, self._seen_before(index))
        self._locks[id(op)] = (op, before, found)
        return found

    def _seen_before(self, index: int) -> frozenset[tuple[str | None, str]]:
        """What other sessions can see, under the names the plan has given it by operation
        ``index``: a table, view or sequence renamed by the plan is still the one they use."""
        if not any(isinstance(op, _NAMES_CHANGE) for op in self.operations[:index]):
            return self._existed
        seen = set(self._existed)
        for op in self.operations[:index]:
            if isinstance(op, _RENAMES):
                old, new = _renamed(op)
                if old in seen:
                    seen.discard(old)
                    seen.add(new)
            elif isinstance(op, ops.DropTableOp | DropViewOp | DropSequenceOp):
                # a later one of the same name is new: nobody sees it before the plan commits
                seen.discard((op.schema, op.table_name if isinstance(op, ops.DropTableOp) else op.name))
        return frozenset(seen)


_RENAMES = (ops.RenameTableOp, RenameViewOp, RenameSequenceOp)
_NAMES_CHANGE = (*_RENAMES, ops.DropTableOp, DropViewOp, DropSequenceOp)


def _renamed(op: ops.RenameTableOp | RenameViewOp | RenameSequenceOp) -> tuple[tuple[str | None, str],
                                                                              tuple[str | None, str]]:
    if isinstance(op, ops.RenameTableOp):
        return (op.schema, op.table_name), (op.schema, op.new_table_name)
    return (op.schema, op.name), (op.schema, op.new_name)


def risks(op: ops.MigrateOperation, before: Schema, dialect: str, base: Schema | None = None) -> list[str]:
    """The labels of ``op`` on the schema ``before`` it; ``base`` is the database before the whole
    plan (custom SQL destroys nothing in a table the plan itself creates)."""
    found = []
    if isinstance(op, ops.DropTableOp | ops.DropColumnOp):
        found.append(DESTRUCTIVE)
    if isinstance(op, ops.ExecuteSQLOp) and not isinstance(op, ops.BulkInsertOp):
        found.extend(_custom_sql_risks(op, dialect, base or before))
        found.append(NEEDS_DATA)
        if isinstance(op.sqltext, str) and commits(op.sqltext):
            found.append(COMMITS_PART_WAY)
    if isinstance(op, OnlineOp):
        return [*risks(op.plain, before, dialect, base), COMMITS_PART_WAY]
    if isinstance(op, RemoveEnumValueOp) and op.uses:  # a row holding the value makes the cast fail
        found.append(NEEDS_DATA)
    if isinstance(op, AddEnumValueOp) and op.commit:
        found.append(COMMITS_PART_WAY)
    if isinstance(op, AddDomainCheckOp) or (isinstance(op, SetDomainNullableOp) and not op.nullable):
        found.append(NEEDS_DATA)  # every column of the domain is checked
    if isinstance(op, AlterSequenceOp):
        found.extend(_sequence_risks(op, before))
    if isinstance(op, AroundViewsOp):  # the views in its way are out of it
        return [label for label in risks(op.plain, before, dialect, base) if label != VIEWS_IN_THE_WAY]
    if views_form(op, before) is not None:
        found.append(VIEWS_IN_THE_WAY)
    if isinstance(op, ScriptCodeOp):
        found.append(RUNS_CODE)
        if op.commits_part_way:
            found.append(COMMITS_PART_WAY)
    if isinstance(op, BatchBlockOp) and (dialect == "sqlite" or op.options.get("recreate") == "always"):
        found.append(REBUILDS)
    if isinstance(op, ops.AlterColumnOp):
        if op.modify_type is not None and _narrows(op.existing_type, op.modify_type):
            found.append(NARROWS)
        if op.modify_nullable is False:
            found.append(NEEDS_DATA)
    if isinstance(op, ops.AddColumnOp) and not op.column.nullable and op.column.server_default is None:
        found.append(NEEDS_DATA)
    if isinstance(op, ops.CreateUniqueConstraintOp | ops.CreateCheckConstraintOp | ops.CreateForeignKeyOp
                  | ops.CreatePrimaryKeyOp) or (isinstance(op, ops.CreateIndexOp) and op.unique):
        found.append(NEEDS_DATA)
    if dialect == "sqlite" and isinstance(op, sqlite_groups.BATCH_OPS) and sqlite_groups.sqlite_rebuilds([op]) \
            and not _in_place(op, before):
        found.append(REBUILDS)
    return found


def _sequence_risks(op: AlterSequenceOp, before: Schema) -> list[str]:
    """A restart below where the sequence stands hands its values out again; a narrower type or
    bound holds only if the sequence has not gone past it."""
    try:
        sequence = next(q for q in before.namespace(op.schema).sequences if q.name == op.name)
    except (KeyError, StopIteration):
        return []
    found = []
    reached = sequence.next_value
    if op.restart is not None and (reached is None or (op.restart < reached if (sequence.increment or 1) > 0
                                                        else op.restart > reached)):
        found.append(HANDS_OUT_AGAIN)
    narrower_type = op.changes.get("data_type") in TYPES and sequence.data_type in TYPES and \
        TYPES.index(op.changes["data_type"]) < TYPES.index(sequence.data_type)  # TYPES go from small to big
    lower_max = "max_value" in op.changes and op.changes["max_value"] is not None and \
        (sequence.max_value is None or op.changes["max_value"] < sequence.max_value)
    higher_min = "min_value" in op.changes and op.changes["min_value"] is not None and \
        (sequence.min_value is None or op.changes["min_value"] > sequence.min_value)
    if narrower_type or lower_max or higher_min:
        found.append(NEEDS_DATA)
    return found


def _custom_sql_risks(op: ops.ExecuteSQLOp, dialect: str, base: Schema) -> list[str]:
    import sqlalchemy as sa

    from gui_app.core.sql_effects import effects

    if isinstance(op.sqltext, str):
        found = [e for e in effects(op.sqltext, dialect) if e.table is None or existed(base, e.table)]
        return ([DESTRUCTIVE] if any(e.destructive for e in found) else []) + \
            ([UNKNOWN_EFFECT] if any(not e.destructive for e in found) else [])
    if isinstance(op.sqltext, sa.sql.Delete | sa.sql.Update):
        return [DESTRUCTIVE]
    if isinstance(op.sqltext, sa.sql.Insert | sa.sql.Select):
        return []
    return [UNKNOWN_EFFECT]


def _in_place(op: ops.MigrateOperation, before: Schema) -> bool:
    from gui_app.core import sqlite_inplace
    from gui_app.core.projection import ProjectionError

    target = table_of(op)
    if target is None:
        return False
    try:
        table = find_table(before, target[1], target[0])
    except ProjectionError:
        return False
    return sqlite_inplace.eligible([op], table, render.dialect_for("sqlite"))


def _narrows(old: Any, new: Any) -> bool:
    if old is None:
        return False
    old_values, new_values = listed_values(old), listed_values(new)
    if old_values is not None and new_values is not None:  # ENUM, SET: a value gone narrows
        return not set(old_values) <= set(new_values)
    if type(old)._type_affinity is not type(new)._type_affinity:
        return True
    for attr in ("length", "precision", "scale"):
        a, b = getattr(old, attr, None), getattr(new, attr, None)
        if a is not None and (b is None and attr == "length") is False and b is not None and b < a:
            return True
    return False

