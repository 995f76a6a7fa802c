"""PostgreSQL enum types as operations of the app's own: create, drop, rename the type, add a value
(``ALTER TYPE … ADD VALUE … BEFORE/AFTER``: catalog only, no row is rewritten), rename a value, and
remove a value. PostgreSQL cannot remove a value; the removal makes a new type without it and casts
every column of the old type to it (each of those tables is rewritten, and a row holding the
removed value makes the cast fail: the data must hold), the columns' defaults set again and the
views that read those columns dropped and created again around it. Removing a value is how an
added value is undone.

Written into a revision as marked statements (:mod:`gui_app.core.marked_ops`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.marked_ops import Marked, MarkedOp, after, qualified, reads
from gui_app.core.projection import ProjectionError, namespace_of, register, replace_namespace
from gui_app.core.view_deps import views_reading
from gui_app.core.view_ops import created, dropped

COMMITTED = "and commit"


@dataclasses.dataclass(frozen=True)
class EnumUse:
    """A column of the enum type: its table, name and default (as the server prints it)."""

    schema: str | None
    table: str
    column: str
    default: str | None


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class EnumOp(MarkedOp):
    def __init__(self, name: str, schema: str | None) -> None:
        self.name, self.schema = name, schema


@Operations.register_operation("create_enum")
class CreateEnumOp(EnumOp):
    what = "create enum"

    def __init__(self, name: str, labels: Sequence[str], schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.labels = tuple(labels)

    @classmethod
    def create_enum(cls, operations: Operations, name: str, labels: Sequence[str], schema: str | None = None) -> Any:
        return operations.invoke(cls(name, labels, schema))

    def reverse(self) -> ops.MigrateOperation:
        return DropEnumOp(self.name, self.labels, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        labels = ", ".join(_literal(v) for v in self.labels)
        return [f"CREATE TYPE {qualified(dialect, self.schema, self.name)} AS ENUM ({labels})"]


@Operations.register_operation("drop_enum")
class DropEnumOp(EnumOp):
    what = "drop enum"

    def __init__(self, name: str, labels: Sequence[str], schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.labels = tuple(labels)

    @classmethod
    def drop_enum(cls, operations: Operations, name: str, labels: Sequence[str], schema: str | None = None) -> Any:
        return operations.invoke(cls(name, labels, schema))

    def reverse(self) -> ops.MigrateOperation:
        return CreateEnumOp(self.name, self.labels, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [f"DROP TYPE {qualified(dialect, self.schema, self.name)}"]


@Operations.register_operation("rename_enum")
class RenameEnumOp(EnumOp):
    what = "rename enum"

    def __init__(self, name: str, new_name: str, schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.new_name = new_name

    @classmethod
    def rename_enum(cls, operations: Operations, name: str, new_name: str, schema: str | None = None) -> Any:
        return operations.invoke(cls(name, new_name, schema))

    def reverse(self) -> ops.MigrateOperation:
        return RenameEnumOp(self.new_name, self.name, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        new = dialect.identifier_preparer.quote(self.new_name)
        return [f"ALTER TYPE {qualified(dialect, self.schema, self.name)} RENAME TO {new}"]


@Operations.register_operation("rename_enum_value")
class RenameEnumValueOp(EnumOp):
    what = "rename enum value"

    def __init__(self, name: str, value: str, new_value: str, schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.value, self.new_value = value, new_value

    @classmethod
    def rename_enum_value(cls, operations: Operations, name: str, value: str, new_value: str,
                          schema: str | None = None) -> Any:
        return operations.invoke(cls(name, value, new_value, schema))

    def reverse(self) -> ops.MigrateOperation:
        return RenameEnumValueOp(self.name, self.new_value, self.value, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [f"ALTER TYPE {qualified(dialect, self.schema, self.name)} RENAME VALUE {_literal(self.value)} "
                f"TO {_literal(self.new_value)}"]


@Operations.register_operation("add_enum_value")
class AddEnumValueOp(EnumOp):
    """``value`` added before ``before`` (or after ``after``; at the end when neither). ``labels``,
    ``uses`` and ``views``: the type, its columns and the views that read them as they are before
    it, which its undo (removing the value) needs.

    PostgreSQL lets a new value be used only once the transaction that added it commits (and
    before 12 adds none inside a transaction): with ``commit`` it runs in an ``autocommit_block()``,
    the work before it committed first, so that later operations of the plan may use it."""

    what = "add enum value"

    def __init__(self, name: str, value: str, schema: str | None = None, before: str | None = None,
                 after: str | None = None, labels: Sequence[str] = (), uses: Sequence[EnumUse] = (),
                 views: Sequence[s.View] = (), commit: bool = False) -> None:
        super().__init__(name, schema)
        self.value, self.before, self.after = value, before, after
        self.labels, self.uses, self.views = tuple(labels), tuple(uses), tuple(views)
        self.commit = commit

    @classmethod
    def add_enum_value(cls, operations: Operations, name: str, value: str, schema: str | None = None,
                       before: str | None = None, after: str | None = None) -> Any:
        return operations.invoke(cls(name, value, schema, before, after))

    @property
    def mark(self) -> str:
        return f"{self.what} {COMMITTED}" if self.commit else self.what

    @property
    def commits(self) -> bool:
        return self.commit

    commits_because = "PostgreSQL uses a new enum value only once it is committed: the work before it commits"

    def reverse(self) -> ops.MigrateOperation:
        return RemoveEnumValueOp(self.name, self.value, self.schema, added_labels(self), self.uses, self.views)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        where = f" BEFORE {_literal(self.before)}" if self.before is not None else \
            f" AFTER {_literal(self.after)}" if self.after is not None else ""
        return [f"ALTER TYPE {qualified(dialect, self.schema, self.name)} ADD VALUE {_literal(self.value)}{where}"]


def added_labels(op: AddEnumValueOp) -> tuple[str, ...]:
    labels = list(op.labels)
    if op.before is not None and op.before in labels:
        labels.insert(labels.index(op.before), op.value)
    elif op.after is not None and op.after in labels:
        labels.insert(labels.index(op.after) + 1, op.value)
    else:
        labels.append(op.value)
    return tuple(labels)


@Operations.register_operation("remove_enum_value")
class RemoveEnumValueOp(EnumOp):
    """``value`` taken out of the type whose values are ``labels``: a new type without it, every
    column in ``uses`` cast to it, ``views`` (that read those columns) dropped before and created
    again after."""

    what = "remove enum value"

    def __init__(self, name: str, value: str, schema: str | None = None, labels: Sequence[str] = (),
                 uses: Sequence[EnumUse] = (), views: Sequence[s.View] = ()) -> None:
        super().__init__(name, schema)
        self.value, self.labels, self.uses, self.views = value, tuple(labels), tuple(uses), tuple(views)

    @classmethod
    def remove_enum_value(cls, operations: Operations, name: str, value: str, schema: str | None = None) -> Any:
        return operations.invoke(cls(name, value, schema))

    def reverse(self) -> ops.MigrateOperation:
        index = self.labels.index(self.value) if self.value in self.labels else len(self.labels)
        rest = tuple(v for v in self.labels if v != self.value)
        before = self.labels[index + 1] if index + 1 < len(self.labels) else None
        return AddEnumValueOp(self.name, self.value, self.schema, before=before, labels=rest, uses=self.uses,
                              views=self.views)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        target = qualified(dialect, self.schema, self.name)
        old_name = f"{self.name}__old"
        old = qualified(dialect, self.schema, old_name)
        kept = ", ".join(_literal(v) for v in self.labels if v != self.value)
        found: list[str] = []
        for drop in dropped(self.views):
            found.extend(drop.statements(dialect))
        found.append(f"ALTER TYPE {target} RENAME TO {dialect.identifier_preparer.quote(old_name)}")
        found.append(f"CREATE TYPE {target} AS ENUM ({kept})")
        for use in self.uses:
            table = qualified(dialect, use.schema, use.table)
            column = dialect.identifier_preparer.quote(use.column)
            if use.default is not None:
                found.append(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
            found.append(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {target} USING {column}::text::{target}")
            if use.default is not None:
                found.append(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {use.default}")
        found.append(f"DROP TYPE {old}")
        for create in created(self.views):
            found.extend(create.statements(dialect))
        return found


# --- built from the schema, projected ----------------------------------------------------------


def find_enum(schema: s.Schema, name: str, where: str | None) -> s.EnumType:
    found = next((e for e in namespace_of(schema, where)[1].enums if e.name == name), None)
    if found is None:
        raise ProjectionError(f"there is no enum type {name}")
    return found


def uses_of(schema: s.Schema, name: str) -> tuple[EnumUse, ...]:
    """The columns whose type is the enum ``name`` (by the name the server prints for it)."""
    bare = name.split(".")[-1].strip('"')
    return tuple(EnumUse(t.schema, t.name, c.name, c.default) for t in schema.tables if not t.partition_of
                 for c in t.columns if c.type_name.split(".")[-1].strip('"') == bare)


def add_value(schema: s.Schema, name: str, value: str, where: str | None = None, before: str | None = None,
              after: str | None = None, commit: bool = False) -> AddEnumValueOp:
    """The operation that adds ``value``, carrying what its undo needs from ``schema``; before
    PostgreSQL 12 it commits (no value is added inside a transaction there)."""
    enum = find_enum(schema, name, where)
    uses = uses_of(schema, name)
    views = _views_reading(schema, uses)
    version = tuple(int(part) for part in schema.server_version.split(".")[:1] if part.isdigit())
    old_server = schema.dialect == "postgresql" and bool(version) and version < (12,)
    return AddEnumValueOp(name, value, where, before, after, enum.labels, uses, views, commit or old_server)


def remove_value(schema: s.Schema, name: str, value: str, where: str | None = None) -> RemoveEnumValueOp:
    enum = find_enum(schema, name, where)
    uses = uses_of(schema, name)
    return RemoveEnumValueOp(name, value, where, enum.labels, uses, _views_reading(schema, uses))


def _views_reading(schema: s.Schema, uses: Sequence[EnumUse]) -> tuple[s.View, ...]:
    return tuple(views_reading(schema, [(use.schema, use.table, use.column) for use in uses]))


def _with_enums(schema: s.Schema, where: str | None, change: Any) -> s.Schema:
    index, namespace = namespace_of(schema, where)
    changed = dataclasses.replace(namespace, enums=tuple(change(list(namespace.enums))))
    return replace_namespace(schema, index, changed)


def _replace_labels(schema: s.Schema, op: EnumOp, labels: tuple[str, ...]) -> s.Schema:
    enum = find_enum(schema, op.name, op.schema)
    return _with_enums(schema, op.schema, lambda enums: [dataclasses.replace(e, labels=labels) if e is enum else e
                                                         for e in enums])


@register(CreateEnumOp)
def _create(op: CreateEnumOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    if any(e.name == op.name for e in namespace_of(schema, op.schema)[1].enums):
        raise ProjectionError(f"enum type {op.name} already exists")
    return _with_enums(schema, op.schema, lambda enums: sorted([*enums, s.EnumType(op.name, op.schema, op.labels)],
                                                               key=lambda e: e.name))


@register(DropEnumOp)
def _drop(op: DropEnumOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    enum = find_enum(schema, op.name, op.schema)
    if uses_of(schema, op.name):
        raise ProjectionError(f"enum type {op.name} is the type of a column")
    return _with_enums(schema, op.schema, lambda enums: [e for e in enums if e is not enum])


@register(RenameEnumOp)
def _rename(op: RenameEnumOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    enum = find_enum(schema, op.name, op.schema)
    renamed = _with_enums(schema, op.schema, lambda enums: [dataclasses.replace(e, name=op.new_name) if e is enum
                                                            else e for e in enums])
    spaces = []
    for namespace in renamed.namespaces:
        tables = tuple(dataclasses.replace(t, columns=tuple(
            dataclasses.replace(c, type_name=op.new_name) if c.type_name == op.name else c for c in t.columns))
            for t in namespace.tables)
        spaces.append(dataclasses.replace(namespace, tables=tables))
    return dataclasses.replace(renamed, namespaces=tuple(spaces))


@register(RenameEnumValueOp)
def _rename_value(op: RenameEnumValueOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    labels = find_enum(schema, op.name, op.schema).labels
    if op.value not in labels:
        raise ProjectionError(f"enum type {op.name} has no value {op.value!r}")
    if op.new_value in labels:
        raise ProjectionError(f"enum type {op.name} already has the value {op.new_value!r}")
    return _replace_labels(schema, op, tuple(op.new_value if v == op.value else v for v in labels))


@register(AddEnumValueOp)
def _add_value(op: AddEnumValueOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    labels = find_enum(schema, op.name, op.schema).labels
    if op.value in labels:
        raise ProjectionError(f"enum type {op.name} already has the value {op.value!r}")
    neighbour = op.before if op.before is not None else op.after
    if neighbour is not None and neighbour not in labels:
        raise ProjectionError(f"enum type {op.name} has no value {neighbour!r}")
    return _replace_labels(schema, op, added_labels(AddEnumValueOp(op.name, op.value, op.schema, op.before,
                                                                   op.after, labels)))


@register(RemoveEnumValueOp)
def _remove_value(op: RemoveEnumValueOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    labels = find_enum(schema, op.name, op.schema).labels
    if op.value not in labels:
        raise ProjectionError(f"enum type {op.name} has no value {op.value!r}")
    for use in uses_of(schema, op.name):
        if use.default is not None and use.default.startswith(_literal(op.value) + "::"):
            raise ProjectionError(f"the default of {use.table}.{use.column} is {op.value!r}: give it another "
                                  "default first")
    return _replace_labels(schema, op, tuple(v for v in labels if v != op.value))


# --- read back from a revision ------------------------------------------------------------------


@reads("create enum", "drop enum", "rename enum", "rename enum value", "add enum value",
       f"add enum value {COMMITTED}", "remove enum value")
def rebuilt(what: str, statements: Sequence[Marked]) -> EnumOp:
    """The operation that wrote these statements (what the undo of an added or removed value needs
    from the schema is filled in when the script is read: :func:`completed`)."""
    first = statements[0].sql
    if what in ("create enum", "drop enum"):
        where, name, rest = after(r"(CREATE|DROP) TYPE\s+", first)
        labels = tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", rest))
        return CreateEnumOp(name, labels, where) if what == "create enum" else DropEnumOp(name, (), where)
    if what == "rename enum":
        where, name, rest = after(r"ALTER TYPE\s+", first)
        _none, new_name, _rest = after(r"\s+RENAME TO\s+", rest)
        return RenameEnumOp(name, new_name, where)
    where, name, rest = after(r"ALTER TYPE\s+", first)
    values = [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", rest)]
    if what == "rename enum value" and len(values) == 2:
        return RenameEnumValueOp(name, values[0], values[1], where)
    if what.startswith("add enum value") and values:
        position = re.search(r"\b(BEFORE|AFTER)\s+'", rest, re.IGNORECASE)
        kind = position.group(1).upper() if position else None
        return AddEnumValueOp(name, values[0], where, values[1] if kind == "BEFORE" else None,
                              values[1] if kind == "AFTER" else None, commit=what.endswith(COMMITTED))
    if what == "remove enum value":
        created = next((m.sql for m in statements if m.sql.upper().startswith("CREATE TYPE")), None)
        if created is not None:
            kept = tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", created))
            return RemoveEnumValueOp(name, "", where, kept)
    raise ValueError(f"not the statements of {what}")


def completed(op: EnumOp, schema: s.Schema) -> EnumOp:
    """``op`` read from a script, with what it needs from ``schema`` (the database before it)."""
    try:
        enum = find_enum(schema, op.name, op.schema)
    except ProjectionError:
        return op
    if isinstance(op, DropEnumOp) and not op.labels:
        return DropEnumOp(op.name, enum.labels, op.schema)
    if isinstance(op, AddEnumValueOp) and not op.labels:
        return add_value(schema, op.name, op.value, op.schema, op.before, op.after, op.commit)
    if isinstance(op, RemoveEnumValueOp) and not op.value:
        gone = [v for v in enum.labels if v not in op.labels]
        if len(gone) == 1:
            return remove_value(schema, op.name, gone[0], op.schema)
    return op
