"""Views as operations of the app's own, registered the way Alembic documents new directives
(``Operations.register_operation``, ``implementation_for``, ``renderers.dispatch_for``): create a
view, replace its body, rename it, drop it, on the three databases; PostgreSQL's materialized
views too (create, drop, refresh). Each carries the definition it needs to reverse: a drop the
body it drops, a replacement the body it replaces.

A revision holds each as its marked statements (:mod:`gui_app.core.marked_ops`), so it runs under
plain ``alembic`` on a machine without the app and *Open migration script* rebuilds it. Where the
database needs two statements for one operation (SQLite replaces and renames a view by dropping
and creating it), both are marked.
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
from gui_app.core.projection import ProjectionError, namespace_of, qualified_name, register, replace_namespace

KEEPS_COLUMNS = "keeping its columns"


class ViewOp(MarkedOp):
    """One change to a view: ``name`` in ``schema`` (None: the default one)."""

    what = "view"

    def __init__(self, name: str, schema: str | None = None, materialized: bool = False) -> None:
        self.name, self.schema, self.materialized = name, schema, materialized

    @property
    def kind(self) -> str:
        return "materialized view" if self.materialized else "view"


@Operations.register_operation("create_view")
class CreateViewOp(ViewOp):
    what = "create view"

    def __init__(self, name: str, definition: str, schema: str | None = None, materialized: bool = False) -> None:
        super().__init__(name, schema, materialized)
        self.definition = definition

    @classmethod
    def create_view(cls, operations: Operations, name: str, definition: str, schema: str | None = None,
                    materialized: bool = False) -> Any:
        return operations.invoke(cls(name, definition, schema, materialized))

    def reverse(self) -> ops.MigrateOperation:
        return DropViewOp(self.name, self.definition, self.schema, self.materialized)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        materialized = "MATERIALIZED " if self.materialized else ""
        return [f"CREATE {materialized}VIEW {qualified(dialect, self.schema, self.name)} AS {body(self.definition)}"]


@Operations.register_operation("drop_view")
class DropViewOp(ViewOp):
    what = "drop view"

    def __init__(self, name: str, definition: str, schema: str | None = None, materialized: bool = False) -> None:
        super().__init__(name, schema, materialized)
        self.definition = definition

    @classmethod
    def drop_view(cls, operations: Operations, name: str, definition: str, schema: str | None = None,
                  materialized: bool = False) -> Any:
        return operations.invoke(cls(name, definition, schema, materialized))

    def reverse(self) -> ops.MigrateOperation:
        return CreateViewOp(self.name, self.definition, self.schema, self.materialized)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [f"DROP {self.kind.upper()} {qualified(dialect, self.schema, self.name)}"]


@Operations.register_operation("replace_view")
class ReplaceViewOp(ViewOp):
    """A new body for a view. MySQL and MariaDB replace it in place (``CREATE OR REPLACE``).
    PostgreSQL replaces in place only a body whose columns start as the old one's did, so it is
    dropped and created again unless ``in_place`` says the columns are kept (a replacement's
    reverse takes columns away where it added them); SQLite, and a materialized view, are always
    dropped and created again."""

    what = "replace view"

    def __init__(self, name: str, definition: str, old_definition: str, schema: str | None = None,
                 materialized: bool = False, in_place: bool = False) -> None:
        super().__init__(name, schema, materialized)
        self.definition, self.old_definition, self.in_place = definition, old_definition, in_place

    @classmethod
    def replace_view(cls, operations: Operations, name: str, definition: str, old_definition: str,
                     schema: str | None = None, materialized: bool = False, in_place: bool = False) -> Any:
        return operations.invoke(cls(name, definition, old_definition, schema, materialized, in_place))

    @property
    def mark(self) -> str:
        return f"{self.what} {KEEPS_COLUMNS}" if self.in_place else self.what

    def reverse(self) -> ops.MigrateOperation:
        return ReplaceViewOp(self.name, self.old_definition, self.definition, self.schema, self.materialized)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        target = qualified(dialect, self.schema, self.name)
        if dialect.name == "sqlite" or self.materialized or (dialect.name == "postgresql" and not self.in_place):
            materialized = "MATERIALIZED " if self.materialized else ""
            return [f"DROP {self.kind.upper()} {target}",
                    f"CREATE {materialized}VIEW {target} AS {body(self.definition)}"]
        return [f"CREATE OR REPLACE VIEW {target} AS {body(self.definition)}"]


@Operations.register_operation("rename_view")
class RenameViewOp(ViewOp):
    """A view renamed; SQLite cannot rename one, so there it is dropped and created under the new
    name from its ``definition``."""

    what = "rename view"

    def __init__(self, name: str, new_name: str, definition: str, schema: str | None = None,
                 materialized: bool = False) -> None:
        super().__init__(name, schema, materialized)
        self.new_name, self.definition = new_name, definition

    @classmethod
    def rename_view(cls, operations: Operations, name: str, new_name: str, definition: str,
                    schema: str | None = None, materialized: bool = False) -> Any:
        return operations.invoke(cls(name, new_name, definition, schema, materialized))

    def reverse(self) -> ops.MigrateOperation:
        return RenameViewOp(self.new_name, self.name, self.definition, self.schema, self.materialized)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        old = qualified(dialect, self.schema, self.name)
        new = dialect.identifier_preparer.quote(self.new_name)
        if dialect.name == "sqlite":
            return [f"DROP VIEW {old}",
                    f"CREATE VIEW {qualified(dialect, self.schema, self.new_name)} AS {body(self.definition)}"]
        if dialect.name in ("mysql", "mariadb"):
            return [f"RENAME TABLE {old} TO {qualified(dialect, self.schema, self.new_name)}"]
        return [f"ALTER {self.kind.upper()} {old} RENAME TO {new}"]


@Operations.register_operation("refresh_view")
class RefreshViewOp(ViewOp):
    """A PostgreSQL materialized view filled again from its query (it changes no definition; its
    reverse is nothing to undo, so it refreshes again)."""

    what = "refresh view"

    def __init__(self, name: str, schema: str | None = None) -> None:
        super().__init__(name, schema, True)

    @classmethod
    def refresh_view(cls, operations: Operations, name: str, schema: str | None = None) -> Any:
        return operations.invoke(cls(name, schema))

    def reverse(self) -> ops.MigrateOperation:
        return RefreshViewOp(self.name, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [f"REFRESH MATERIALIZED VIEW {qualified(dialect, self.schema, self.name)}"]


def dropped(views: Sequence[s.View]) -> list[DropViewOp]:
    """``views`` (in the order they were built) dropped: the last built first."""
    return [DropViewOp(v.name, v.definition or "", v.schema, v.materialized) for v in reversed(views)]


def created(views: Sequence[s.View]) -> list[CreateViewOp]:
    """``views`` created again from their definitions, in the order they were built."""
    return [CreateViewOp(v.name, v.definition or "", v.schema, v.materialized) for v in views]


def body(definition: str) -> str:
    """A view's query as a statement ends it: no trailing semicolon or blank."""
    return definition.strip().rstrip(";").rstrip()


# --- projection -----------------------------------------------------------------------------


def _with_views(schema: s.Schema, index: int, namespace: s.Namespace, views: Sequence[s.View]) -> s.Schema:
    ordered = tuple(sorted(views, key=lambda v: v.name))
    return replace_namespace(schema, index, dataclasses.replace(namespace, views=ordered))


def _existing(namespace: s.Namespace, op: ViewOp) -> s.View:
    found = next((v for v in namespace.views if v.name == op.name), None)
    if found is None:
        raise ProjectionError(f"there is no view {qualified_name(op.name, op.schema)}")
    if found.materialized != op.materialized:
        raise ProjectionError(f"there is no {op.kind} {qualified_name(op.name, op.schema)}: it is a "
                              f"{'materialized ' if found.materialized else ''}view")
    return found


def _free(namespace: s.Namespace, where: str | None, name: str) -> None:
    if any(v.name == name for v in namespace.views) or any(t.name == name for t in namespace.tables):
        raise ProjectionError(f"a table or view named {qualified_name(name, where)} already exists")


@register(CreateViewOp)
def _create(op: CreateViewOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    _free(namespace, op.schema, op.name)
    made = s.View(op.name, namespace.name if op.schema else op.schema, body(op.definition), op.materialized)
    return _with_views(schema, index, namespace, [*namespace.views, made])


@register(DropViewOp)
def _drop(op: DropViewOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    gone = _existing(namespace, op)
    return _with_views(schema, index, namespace, [v for v in namespace.views if v is not gone])


@register(ReplaceViewOp)
def _replace(op: ReplaceViewOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    old = _existing(namespace, op)
    new = dataclasses.replace(old, definition=body(op.definition))  # its columns are read back once it ran
    return _with_views(schema, index, namespace, [new if v is old else v for v in namespace.views])


@register(RenameViewOp)
def _rename(op: RenameViewOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    old = _existing(namespace, op)
    _free(namespace, op.schema, op.new_name)
    new = dataclasses.replace(old, name=op.new_name)
    return _with_views(schema, index, namespace, [new if v is old else v for v in namespace.views])


@register(RefreshViewOp)
def _refresh(op: RefreshViewOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    _existing(namespace_of(schema, op.schema)[1], op)
    return schema


# --- reading a revision back ----------------------------------------------------------------


def _as_body(rest: str) -> str:
    found = re.match(r"\s+AS\s+", rest, re.IGNORECASE)
    if found is None:
        raise ValueError("no AS before the view's query")
    return rest[found.end():]


@reads("create view", "drop view", "replace view", f"replace view {KEEPS_COLUMNS}", "rename view", "refresh view")
def rebuilt(what: str, statements: Sequence[Marked]) -> ViewOp:
    """The operation that wrote these marked statements (``old_definition`` of a replacement, and
    the body of a drop, are filled in from the schema it runs on when the script is read)."""
    first = statements[0].sql
    materialized = bool(re.match(r"(CREATE|DROP|ALTER|REFRESH) MATERIALIZED", first, re.IGNORECASE))
    if what == "create view":
        where, name, rest = after(r"CREATE (MATERIALIZED )?VIEW\s+", first)
        return CreateViewOp(name, _as_body(rest), where, materialized)
    if what == "drop view":
        where, name, _rest = after(r"DROP (MATERIALIZED )?VIEW\s+", first)
        return DropViewOp(name, "", where, materialized)
    if what in ("replace view", f"replace view {KEEPS_COLUMNS}"):
        last = statements[-1].sql
        where, name, rest = after(r"CREATE (OR REPLACE )?(MATERIALIZED )?VIEW\s+", last)
        return ReplaceViewOp(name, _as_body(rest), "", where, materialized, what.endswith(KEEPS_COLUMNS))
    if what == "rename view":
        if first.upper().startswith("DROP VIEW"):  # SQLite: dropped and created again
            where, name, _rest = after(r"DROP VIEW\s+", first)
            _where, new_name, rest = after(r"CREATE VIEW\s+", statements[-1].sql)
            return RenameViewOp(name, new_name, _as_body(rest), where)
        if first.upper().startswith("RENAME TABLE"):
            where, name, rest = after(r"RENAME TABLE\s+", first)
            _where, new_name, _rest = after(r"\s+TO\s+", rest)
            return RenameViewOp(name, new_name, "", where)
        where, name, rest = after(r"ALTER (MATERIALIZED )?VIEW\s+", first)
        _none, new_name, _rest = after(r"\s+RENAME TO\s+", rest)
        return RenameViewOp(name, new_name, "", where, materialized)
    if what == "refresh view":
        where, name, _rest = after(r"REFRESH MATERIALIZED VIEW\s+", first)
        return RefreshViewOp(name, where)
    raise ValueError(f"unknown operation {what!r}")


def completed(op: ViewOp, schema: s.Schema) -> ViewOp:
    """``op`` read from a script, with what it needs to reverse taken from ``schema`` (the view as
    it is before it runs): the body a drop or a rename drops, the body a replacement replaces."""
    try:
        old = _existing(namespace_of(schema, op.schema)[1], op)
    except ProjectionError:
        return op
    if isinstance(op, DropViewOp) and not op.definition:
        return DropViewOp(op.name, old.definition or "", op.schema, op.materialized)
    if isinstance(op, ReplaceViewOp) and not op.old_definition:
        return ReplaceViewOp(op.name, op.definition, old.definition or "", op.schema, op.materialized, op.in_place)
    if isinstance(op, RenameViewOp) and not op.definition:
        return RenameViewOp(op.name, op.new_name, old.definition or "", op.schema, op.materialized)
    return op
