"""Immutable, Qt-free snapshot of a reflected database schema.

Every object is a frozen dataclass holding tuples, so a snapshot can be shared
between the worker thread that built it and the GUI without copying. ``None``
in an optional attribute means "the database has none"; whether the dialect
could tell at all is recorded once per snapshot in ``Schema.unsupported``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Identity:
    always: bool
    start: int | None = None
    increment: int | None = None


@dataclass(frozen=True, slots=True)
class Computed:
    sqltext: str
    persisted: bool | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the type as the dialect names it, nullability, default, identity or generation."""

    name: str
    type_name: str
    """The type as the database spells it (``character varying(120)``, ``cube``)."""
    nullable: bool = True
    default: str | None = None
    """Server default as SQL text."""
    autoincrement: bool | None = None
    identity: Identity | None = None
    computed: Computed | None = None
    comment: str | None = None
    sa_type: Any = field(default=None, compare=False, repr=False)
    """SQLAlchemy type object; ``NullType`` when SQLAlchemy does not know the type."""


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    """A table's primary key: its name (None where the database names none) and columns in order."""

    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key from ``columns`` to ``ref_columns`` of another table, with its actions."""

    name: str | None
    columns: tuple[str, ...]
    referred_schema: str | None
    referred_table: str
    referred_columns: tuple[str, ...]
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool | None = None
    initially: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    """An index: plain columns or expressions (``elements``), with sorting, uniqueness and any condition."""

    name: str | None
    elements: tuple[str, ...]
    """Column names, or SQL text for expression elements (see ``expression_flags``)."""
    unique: bool = False
    expression_flags: tuple[bool, ...] = ()
    where: str | None = None
    method: str | None = None
    """Access method (``gin``) or MySQL index prefix (``FULLTEXT``, ``SPATIAL``)."""
    include: tuple[str, ...] = ()
    for_foreign_key: bool = False
    """MySQL/MariaDB made this index for a foreign key (same name); they rename or reuse it."""
    sorting: tuple[str, ...] = ()
    """Per element, what follows it in the index definition: ``""``, ``"DESC"``, ``"NULLS FIRST"``,
    ``"DESC NULLS LAST"``...; empty when every element is in the default order."""

    @property
    def labelled_elements(self) -> tuple[str, ...]:
        """Elements as the index definition spells them (``published DESC``)."""
        if not any(self.sorting):
            return self.elements
        return tuple(f"{e} {order}" if order else e for e, order in zip(self.elements, self.sorting, strict=True))

    @property
    def columns(self) -> tuple[str, ...]:
        flags = self.expression_flags or (False,) * len(self.elements)
        return tuple(e for e, is_expr in zip(self.elements, flags, strict=True) if not is_expr)


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    """A unique constraint (on MySQL/MariaDB also how a unique index is reported)."""

    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckConstraint:
    """A check constraint: its name and its condition as the database prints it."""

    name: str | None
    sqltext: str


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger and its CREATE TRIGGER statement as the database prints it (PostgreSQL:
    ``pg_get_triggerdef``; MySQL/MariaDB: without its ``DEFINER``; SQLite: as stored, which a
    table rebuild creates again)."""

    name: str
    definition: str
    enabled: bool = True
    """PostgreSQL: whether it fires (``ALTER TABLE … DISABLE TRIGGER`` keeps it, silent)."""

    @property
    def event(self) -> str:
        """``AFTER UPDATE OF price ON books``: what fires it, whitespace folded."""
        found = _TRIGGER_EVENT.search(self.definition)
        return " ".join(found.group(1).split()) if found else ""


_TRIGGER_EVENT = re.compile(r"\bTRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:\"(?:[^\"]|\"\")*\"|\S+)\s+(.*?)\s+"
                            r"(?:FOR\s+EACH\s+ROW\b|WHEN\b|BEGIN\b)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class ExclusionConstraint:
    """PostgreSQL ``EXCLUDE`` constraint, kept as the server spells its definition."""

    name: str | None
    definition: str


@dataclass(frozen=True, slots=True)
class Table:
    """One table as the database reports it (or as the plan leaves it), with its keys, indexes,
    constraints and, on SQLite, its stored ``CREATE TABLE`` text (``definition``)."""

    name: str
    schema: str | None
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    unique_constraints: tuple[UniqueConstraint, ...] = ()
    check_constraints: tuple[CheckConstraint, ...] = ()
    comment: str | None = None
    partition_of: str | None = None
    """Name of the parent table when this table is a partition."""
    partition_key: str | None = None
    """How a partitioned table splits its rows, as the server prints it (``RANGE (payment_date)``)."""
    partition_bound: str | None = None
    """A PostgreSQL partition's bounds (``FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')``)."""
    exclusions: tuple[ExclusionConstraint, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    definition: str | None = field(default=None, compare=False, repr=False)
    """SQLite: the CREATE TABLE text as stored, while the table is unchanged (None once edited)."""

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def partitioned(self) -> bool:
        return self.partition_key is not None

    @property
    def primary_key_columns(self) -> frozenset[str]:
        return frozenset(self.primary_key.columns) if self.primary_key else frozenset()

    @property
    def foreign_key_columns(self) -> frozenset[str]:
        return frozenset(c for fk in self.foreign_keys for c in fk.columns)


@dataclass(frozen=True, slots=True)
class View:
    """A view or materialized view: its query (as the server prints it), its columns, what it reads."""

    name: str
    schema: str | None
    definition: str | None
    materialized: bool = False
    columns: tuple[Column, ...] = ()
    """Its columns as the database reports them (name and type)."""
    uses: tuple[tuple[str, str, str | None], ...] = field(default=(), compare=False)
    """What it reads (PostgreSQL): (schema, relation, column), the column None where it reads the
    relation as a whole; a change that the server refuses while a view reads the column is made
    with the view dropped before and created again after it (:mod:`gui_app.core.view_deps`)."""


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    schema: str | None
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Domain:
    name: str
    schema: str | None
    type_name: str
    nullable: bool
    default: str | None
    checks: tuple[CheckConstraint, ...] = ()


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence (PostgreSQL, MariaDB) and its options as the server reports them; None where an
    option is not known (a bound left out: the type's own)."""

    name: str
    schema: str | None
    data_type: str | None = None
    """PostgreSQL: ``smallint``, ``integer`` or ``bigint``; MariaDB's are always ``bigint``: None."""
    start: int | None = None
    increment: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    cache: int | None = None
    cycle: bool = False
    owned_by: tuple[str, str] | None = None
    """PostgreSQL: the (table, column) it belongs to, in its own schema; dropped with that column."""
    identity: bool = False
    """PostgreSQL: it serves an identity column, and changes with that column, never on its own."""
    next_value: int | None = field(default=None, compare=False)
    """A value past every one it handed out or cached, as read: where it starts again when a drop
    is undone."""


@dataclass(frozen=True, slots=True)
class Routine:
    """A function or a procedure (PostgreSQL, MySQL/MariaDB) and the statement that makes it, as
    the server prints it (MySQL/MariaDB: without its ``DEFINER``)."""

    name: str
    schema: str | None
    kind: str
    """``function`` or ``procedure``."""
    arguments: str
    """PostgreSQL: the arguments that tell overloads apart, as the server prints them
    (``p_film_id integer, p_store_id integer``); MySQL/MariaDB, which have no overloads: ``""``."""
    definition: str
    returns: str | None = None

    @property
    def signature(self) -> str:
        return f"{self.name}({self.arguments})"


@dataclass(frozen=True, slots=True)
class Namespace:
    """One schema of the database (PostgreSQL schema, MySQL database, SQLite ``main``).

    ``name`` is the real name; tables in the default namespace carry ``schema=None``
    (SQLAlchemy's and Alembic's convention), the others carry ``schema=name``.
    """

    name: str
    tables: tuple[Table, ...] = ()
    views: tuple[View, ...] = ()
    enums: tuple[EnumType, ...] = ()
    domains: tuple[Domain, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    is_default: bool = True
    routines: tuple[Routine, ...] = ()

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def holds(self, schema: str | None) -> bool:
        """Whether this is the namespace ``schema`` names (None: the connection's default one)."""
        return (self.is_default and schema is None) or self.name == schema


@dataclass(frozen=True, slots=True)
class Schema:
    """A frozen snapshot of one database: namespaces of tables, views and types, as reflected.

    Immutable: the projection makes a new one for every operation and never changes one in place;
    nothing in it holds a connection."""

    dialect: str
    server_version: str
    default_schema: str | None
    namespaces: tuple[Namespace, ...]
    unsupported: frozenset[str] = frozenset()
    """Attributes this dialect cannot reflect (``comments``, ``sequences``...): shown as unknown."""

    def namespace(self, name: str | None) -> Namespace:
        for ns in self.namespaces:
            if ns.holds(name):
                return ns
        raise KeyError(name)

    def find_table(self, name: str, schema: str | None = None) -> Table | None:
        """The table ``name`` in ``schema`` (None: the default one), or None where there is none."""
        for ns in self.namespaces:
            if ns.holds(schema):
                return next((t for t in ns.tables if t.name == name), None)
        return None

    def table(self, name: str, schema: str | None = None) -> Table:
        return self.namespace(schema).table(name)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for ns in self.namespaces for t in ns.tables)

    @property
    def views(self) -> tuple[View, ...]:
        return tuple(v for ns in self.namespaces for v in ns.views)
