"""PostgreSQL domains as operations of the app's own: created, dropped, given or relieved of a
default, of NOT NULL, of a check constraint. Each carries what its reverse needs (a drop the whole
domain, a change what it replaces).

A domain's type, default and checks are SQL the user writes; each statement is checked to be one
statement (:func:`gui_app.core.marked_ops.one_statement`) before it is written or run. NOT NULL and
a new check are checked by PostgreSQL against every column of the domain, reading each such table
under a SHARE lock (writes wait): they need the data to hold. Written into a revision as marked
statements (:mod:`gui_app.core.marked_ops`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.marked_ops import Marked, MarkedOp, after, one_statement, qualified, reads, target
from gui_app.core.projection import ProjectionError, namespace_of, register, replace_namespace

Check = tuple[str | None, str]
"""A check constraint of a domain: its name (None: PostgreSQL names it) and its condition."""


class DomainOp(MarkedOp):
    def __init__(self, name: str, schema: str | None) -> None:
        self.name, self.schema = name, schema

    def checked(self, statement: str) -> str:
        """``statement`` as written, refused (ValueError) where the SQL in it would make two."""
        return one_statement(statement, "postgresql")


def _check_clause(dialect: sa.Dialect, check: Check) -> str:
    named = f"CONSTRAINT {dialect.identifier_preparer.quote(check[0])} " if check[0] else ""
    return f"{named}CHECK ({check[1]})"


@Operations.register_operation("create_domain")
class CreateDomainOp(DomainOp):
    what = "create domain"

    def __init__(self, name: str, type_name: str, nullable: bool = True, default: str | None = None,
                 checks: Sequence[Check] = (), schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.type_name, self.nullable, self.default = type_name.strip(), nullable, default
        self.checks = tuple((n, c.strip()) for n, c in checks)

    @classmethod
    def create_domain(cls, operations: Operations, name: str, type_name: str, nullable: bool = True,
                      default: str | None = None, checks: Sequence[Check] = (), schema: str | None = None) -> Any:
        return operations.invoke(cls(name, type_name, nullable, default, checks, schema))

    def reverse(self) -> ops.MigrateOperation:
        return DropDomainOp(self.name, self.type_name, self.nullable, self.default, self.checks, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        parts = [f"CREATE DOMAIN {qualified(dialect, self.schema, self.name)} AS {self.type_name}"]
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        if not self.nullable:
            parts.append("NOT NULL")
        parts.extend(_check_clause(dialect, check) for check in self.checks)
        return [self.checked(" ".join(parts))]


@Operations.register_operation("drop_domain")
class DropDomainOp(DomainOp):
    what = "drop domain"

    def __init__(self, name: str, type_name: str = "", nullable: bool = True, default: str | None = None,
                 checks: Sequence[Check] = (), schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.type_name, self.nullable, self.default = type_name, nullable, default
        self.checks = tuple(checks)

    @classmethod
    def drop_domain(cls, operations: Operations, name: str, type_name: str = "", nullable: bool = True,
                    default: str | None = None, checks: Sequence[Check] = (), schema: str | None = None) -> Any:
        return operations.invoke(cls(name, type_name, nullable, default, checks, schema))

    def reverse(self) -> ops.MigrateOperation:
        return CreateDomainOp(self.name, self.type_name, self.nullable, self.default, self.checks, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [f"DROP DOMAIN {qualified(dialect, self.schema, self.name)}"]


@Operations.register_operation("set_domain_default")
class SetDomainDefaultOp(DomainOp):
    """A new default (None: none); ``old``: the one it replaces."""

    what = "set domain default"

    def __init__(self, name: str, default: str | None, old: str | None = None, schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.default, self.old = default, old

    @classmethod
    def set_domain_default(cls, operations: Operations, name: str, default: str | None, old: str | None = None,
                           schema: str | None = None) -> Any:
        return operations.invoke(cls(name, default, old, schema))

    def reverse(self) -> ops.MigrateOperation:
        return SetDomainDefaultOp(self.name, self.old, self.default, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        change = "DROP DEFAULT" if self.default is None else f"SET DEFAULT {self.default}"
        return [self.checked(f"ALTER DOMAIN {qualified(dialect, self.schema, self.name)} {change}")]


@Operations.register_operation("set_domain_nullable")
class SetDomainNullableOp(DomainOp):
    what = "set domain nullable"

    def __init__(self, name: str, nullable: bool, schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.nullable = nullable

    @classmethod
    def set_domain_nullable(cls, operations: Operations, name: str, nullable: bool, schema: str | None = None) -> Any:
        return operations.invoke(cls(name, nullable, schema))

    @property
    def mark(self) -> str:
        return "drop domain not null" if self.nullable else "set domain not null"

    def reverse(self) -> ops.MigrateOperation:
        return SetDomainNullableOp(self.name, not self.nullable, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        change = "DROP NOT NULL" if self.nullable else "SET NOT NULL"
        return [f"ALTER DOMAIN {qualified(dialect, self.schema, self.name)} {change}"]


@Operations.register_operation("add_domain_check")
class AddDomainCheckOp(DomainOp):
    what = "add domain check"

    def __init__(self, name: str, constraint: str, check: str, schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.constraint, self.check = constraint, check.strip()

    @classmethod
    def add_domain_check(cls, operations: Operations, name: str, constraint: str, check: str,
                         schema: str | None = None) -> Any:
        return operations.invoke(cls(name, constraint, check, schema))

    def reverse(self) -> ops.MigrateOperation:
        return DropDomainCheckOp(self.name, self.constraint, self.check, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [self.checked(f"ALTER DOMAIN {qualified(dialect, self.schema, self.name)} ADD "
                             f"{_check_clause(dialect, (self.constraint, self.check))}")]


@Operations.register_operation("drop_domain_check")
class DropDomainCheckOp(DomainOp):
    what = "drop domain check"

    def __init__(self, name: str, constraint: str, check: str = "", schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.constraint, self.check = constraint, check

    @classmethod
    def drop_domain_check(cls, operations: Operations, name: str, constraint: str, check: str = "",
                          schema: str | None = None) -> Any:
        return operations.invoke(cls(name, constraint, check, schema))

    def reverse(self) -> ops.MigrateOperation:
        return AddDomainCheckOp(self.name, self.constraint, self.check, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        quote = dialect.identifier_preparer.quote
        return [f"ALTER DOMAIN {qualified(dialect, self.schema, self.name)} DROP CONSTRAINT {quote(self.constraint)}"]


def dropped(domain: s.Domain, schema: str | None) -> DropDomainOp:
    return DropDomainOp(domain.name, domain.type_name, domain.nullable, domain.default,
                        tuple((c.name, c.sqltext) for c in domain.checks), schema)


def edited(domain: s.Domain, schema: str | None, default: str | None, nullable: bool,
           checks: Sequence[Check]) -> list[DomainOp]:
    """The operations that give ``domain`` this default, nullability and checks: checks that are
    gone (or changed) dropped first, then the default, NOT NULL, and the new checks."""
    now = {c.name: c.sqltext for c in domain.checks}
    wanted = {name: check for name, check in checks}
    found: list[DomainOp] = [DropDomainCheckOp(domain.name, name or "", check, schema) for name, check in now.items()
                             if name and wanted.get(name) != check]
    if (default or None) != domain.default:
        found.append(SetDomainDefaultOp(domain.name, default or None, domain.default, schema))
    if nullable != domain.nullable:
        found.append(SetDomainNullableOp(domain.name, nullable, schema))
    found.extend(AddDomainCheckOp(domain.name, name or "", check, schema) for name, check in checks
                 if now.get(name) != check)
    return found


# --- projection -----------------------------------------------------------------------------


def uses(schema: s.Schema, namespace: s.Namespace, name: str) -> list[tuple[str | None, str, str]]:
    """(schema, table, column) of each column of the domain (PostgreSQL prints the domain's name as
    its type, qualified where the domain is not on the search path)."""
    bare = {name, f'"{name}"', f"{namespace.name}.{name}", f'{namespace.name}."{name}"'}
    return [(t.schema, t.name, c.name) for t in schema.tables if not t.partition_of for c in t.columns
            if c.type_name in bare]


def _named(op: DomainOp) -> str:
    return f"{op.schema}.{op.name}" if op.schema else op.name


def _existing(namespace: s.Namespace, op: DomainOp) -> s.Domain:
    found = next((d for d in namespace.domains if d.name == op.name), None)
    if found is None:
        raise ProjectionError(f"there is no domain {_named(op)}")
    return found


def _with(schema: s.Schema, index: int, namespace: s.Namespace, domains: Sequence[s.Domain]) -> s.Schema:
    ordered = tuple(sorted(domains, key=lambda d: d.name))
    return replace_namespace(schema, index, dataclasses.replace(namespace, domains=ordered))


def _statements_hold(op: DomainOp) -> None:
    try:
        op.statements(_postgresql())
    except ValueError as error:
        raise ProjectionError(str(error)) from None


def _postgresql() -> sa.Dialect:
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()  # type: ignore[no-untyped-call,no-any-return]


def _changed(schema: s.Schema, op: DomainOp, **changes: Any) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    old = _existing(namespace, op)
    new = dataclasses.replace(old, **changes)
    return _with(schema, index, namespace, [new if d is old else d for d in namespace.domains])


@register(CreateDomainOp)
def _create(op: CreateDomainOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    if schema.dialect != "postgresql":
        raise ProjectionError("domains are PostgreSQL's")
    index, namespace = namespace_of(schema, op.schema)
    if any(d.name == op.name for d in namespace.domains) or any(e.name == op.name for e in namespace.enums):
        raise ProjectionError(f"a type named {_named(op)} already exists")
    if not op.type_name:
        raise ProjectionError("a domain is based on a type")
    _statements_hold(op)
    made = s.Domain(op.name, namespace.name if op.schema else None, op.type_name, op.nullable, op.default,
                    tuple(s.CheckConstraint(n, c) for n, c in op.checks))
    return _with(schema, index, namespace, [*namespace.domains, made])


@register(DropDomainOp)
def _drop(op: DropDomainOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    gone = _existing(namespace, op)
    columns = uses(schema, namespace, op.name)
    if columns:
        raise ProjectionError(f"the columns {', '.join(f'{t}.{c}' for _s, t, c in columns)} are of the domain "
                              f"{_named(op)}: give them another type first")
    return _with(schema, index, namespace, [d for d in namespace.domains if d is not gone])


@register(SetDomainDefaultOp)
def _set_default(op: SetDomainDefaultOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    _statements_hold(op)
    return _changed(schema, op, default=op.default)


@register(SetDomainNullableOp)
def _set_nullable(op: SetDomainNullableOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    return _changed(schema, op, nullable=op.nullable)


@register(AddDomainCheckOp)
def _add_check(op: AddDomainCheckOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    old = _existing(namespace_of(schema, op.schema)[1], op)
    if not op.constraint:
        raise ProjectionError("name the check: it is dropped by its name")
    if any(c.name == op.constraint for c in old.checks):
        raise ProjectionError(f"the domain {_named(op)} has a check {op.constraint} already")
    if not op.check:
        raise ProjectionError("write the check's condition (VALUE stands for the value)")
    _statements_hold(op)
    return _changed(schema, op, checks=(*old.checks, s.CheckConstraint(op.constraint, op.check)))


@register(DropDomainCheckOp)
def _drop_check(op: DropDomainCheckOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    old = _existing(namespace_of(schema, op.schema)[1], op)
    if all(c.name != op.constraint for c in old.checks):
        raise ProjectionError(f"the domain {_named(op)} has no check {op.constraint}")
    return _changed(schema, op, checks=tuple(c for c in old.checks if c.name != op.constraint))


# --- reading a revision back ----------------------------------------------------------------


@reads("create domain", "drop domain", "set domain default", "set domain not null", "drop domain not null",
       "add domain check", "drop domain check")
def rebuilt(what: str, statements: Sequence[Marked]) -> DomainOp:
    """The operation that wrote this statement (what a drop or a change replaces is filled in from
    the schema it runs on when the script is read: :func:`completed`). A creation is read back
    only where its parts are the app's own (a default or check holding these words is not)."""
    sql = statements[0].sql
    if what == "drop domain":
        where, name, _rest = after(r"DROP DOMAIN\s+", sql)
        return DropDomainOp(name, schema=where)
    if what == "create domain":
        where, name, rest = after(r"CREATE DOMAIN\s+", sql)
        found = re.match(r"\s+AS\s+(?P<type>.+?)(?=\s+DEFAULT\s|\s+NOT NULL\b|\s+CONSTRAINT\s|\s+CHECK\s|$)"
                         r"(?:\s+DEFAULT\s+(?P<default>.+?)(?=\s+NOT NULL\b|\s+CONSTRAINT\s|\s+CHECK\s|$))?"
                         r"(?P<not_null>\s+NOT NULL\b)?(?P<checks>.*)$", rest, re.IGNORECASE | re.DOTALL)
        if found is None:
            raise ValueError("not a CREATE DOMAIN the app writes")
        checks = [(m["name"] and target(m["name"])[1], m["check"]) for m in re.finditer(
            r"\s*(?:CONSTRAINT\s+(?P<name>\S+)\s+)?CHECK\s+\((?P<check>.*?)\)(?=\s+CONSTRAINT\s|\s+CHECK\s|\s*$)",
            found["checks"], re.IGNORECASE | re.DOTALL)]
        return CreateDomainOp(name, found["type"], not found["not_null"], found["default"], checks, where)
    where, name, rest = after(r"ALTER DOMAIN\s+", sql)
    if what == "set domain default":
        change = re.match(r"\s+(?:DROP DEFAULT\s*$|SET DEFAULT\s+(?P<default>.+)$)", rest, re.IGNORECASE | re.DOTALL)
        if change is None:
            raise ValueError("not a default the app writes")
        return SetDomainDefaultOp(name, change["default"], None, where)
    if what in ("set domain not null", "drop domain not null"):
        return SetDomainNullableOp(name, what.startswith("drop"), where)
    if what == "add domain check":
        check = re.match(r"\s+ADD CONSTRAINT\s+(?P<name>\S+)\s+CHECK\s+\((?P<check>.*)\)\s*$", rest,
                         re.IGNORECASE | re.DOTALL)
        if check is None:
            raise ValueError("not a check the app writes")
        return AddDomainCheckOp(name, target(check["name"])[1], check["check"], where)
    drop = re.match(r"\s+DROP CONSTRAINT\s+", rest, re.IGNORECASE)
    if drop is None:
        raise ValueError("not a statement the app writes")
    return DropDomainCheckOp(name, target(rest[drop.end():])[1], "", where)


def completed(op: DomainOp, schema: s.Schema) -> DomainOp:
    """``op`` read from a script, with what it needs to reverse taken from ``schema``."""
    try:
        old = _existing(namespace_of(schema, op.schema)[1], op)
    except ProjectionError:
        return op
    if isinstance(op, DropDomainOp) and not op.type_name:
        return dropped(old, op.schema)
    if isinstance(op, SetDomainDefaultOp) and op.old is None:
        return SetDomainDefaultOp(op.name, op.default, old.default, op.schema)
    if isinstance(op, DropDomainCheckOp) and not op.check:
        check = next((c.sqltext for c in old.checks if c.name == op.constraint), "")
        return DropDomainCheckOp(op.name, op.constraint, check, op.schema)
    return op
