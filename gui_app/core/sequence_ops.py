"""Sequences as operations of the app's own (PostgreSQL, MariaDB): create, alter (type, increment,
bounds, start, cache, cycle, restart, the column it belongs to), rename, drop.

Each carries what it needs to reverse: a drop the whole definition and the value the sequence had
reached (undone, it starts again past every value it handed out, never handing one out twice); an
alteration the options it replaces. A restart is not undone: going back must not hand out values
again. Written into a revision as marked statements (:mod:`gui_app.core.marked_ops`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.marked_ops import NAME, Marked, MarkedOp, after, qualified, reads, target
from gui_app.core.projection import (
    ProjectionError,
    dialect_of,
    namespace_of,
    printed_name,
    qualified_name,
    register,
    replace_namespace,
)

TYPES = ("smallint", "integer", "bigint")
"""PostgreSQL's sequence types (MariaDB's are all ``bigint``)."""

OPTIONS = ("data_type", "increment", "min_value", "max_value", "start", "cache", "cycle", "owned_by")
"""What an alteration can change, in the order the statement names them."""

Options = Mapping[str, Any]


_UNSET: dict[str, Any] = {"data_type": None, "increment": None, "min_value": None, "max_value": None,
                          "start": None, "cache": None, "cycle": False, "owned_by": None}
"""An option a creation leaves out: the server's own (for the bounds: the type's)."""


def _full(options: Options) -> dict[str, Any]:
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise ValueError(f"a sequence has no option {', '.join(sorted(unknown))}")
    return {key: options.get(key, unset) for key, unset in _UNSET.items()}


def _clauses(options: Options, dialect: sa.Dialect, creating: bool = False) -> list[str]:
    """The option clauses of CREATE/ALTER SEQUENCE for ``options`` (every value checked: an integer
    is written from an int, a type from the list of types, a name through the quoting rules); a
    creation leaves out what is the server's own."""
    postgresql = dialect.name == "postgresql"
    quote = dialect.identifier_preparer.quote
    clauses = []
    for key in OPTIONS:
        if key not in options or (creating and key in ("data_type", "increment", "start", "cache", "owned_by")
                                  and options[key] is None):
            continue
        value = options[key]
        if key == "data_type":
            if postgresql:
                clauses.append(f"AS {_type(value)}")
        elif key == "increment":
            clauses.append(f"INCREMENT BY {_int(value)}")
        elif key == "min_value":
            clauses.append("NO MINVALUE" if value is None else f"MINVALUE {_int(value)}")
        elif key == "max_value":
            clauses.append("NO MAXVALUE" if value is None else f"MAXVALUE {_int(value)}")
        elif key == "start":
            clauses.append(f"START WITH {_int(value)}")
        elif key == "cache":
            clauses.append(f"CACHE {_int(value)}")
        elif key == "cycle":  # MariaDB's parser knows NOCYCLE only, in one word
            clauses.append("CYCLE" if value else "NO CYCLE" if postgresql else "NOCYCLE")
        elif key == "owned_by" and postgresql:
            clauses.append("OWNED BY NONE" if value is None else f"OWNED BY {quote(value[0])}.{quote(value[1])}")
    return clauses


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a whole number: {value!r}")
    return value


def _type(value: Any) -> str:
    if value not in TYPES:
        raise ValueError(f"a sequence's type is one of {', '.join(TYPES)}, not {value!r}")
    return str(value)


def options_of(sequence: s.Sequence) -> dict[str, Any]:
    """Every option ``sequence`` has, as an alteration or a creation names them."""
    return {key: getattr(sequence, key) for key in OPTIONS}


class SequenceOp(MarkedOp):
    def __init__(self, name: str, schema: str | None) -> None:
        self.name, self.schema = name, schema


@Operations.register_operation("create_sequence")
class CreateSequenceOp(SequenceOp):
    """A new sequence; ``restart`` (where it is not the start) sets where it begins handing out
    values, as when a dropped sequence comes back."""

    what = "create sequence"

    def __init__(self, name: str, options: Options, schema: str | None = None, restart: int | None = None) -> None:
        super().__init__(name, schema)
        self.options, self.restart = _full(options), restart

    @classmethod
    def create_sequence(cls, operations: Operations, name: str, options: Options, schema: str | None = None,
                               restart: int | None = None) -> Any:
        return operations.invoke(cls(name, options, schema, restart))

    def reverse(self) -> ops.MigrateOperation:
        return DropSequenceOp(self.name, self.options, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        named = qualified(dialect, self.schema, self.name)
        made = " ".join([f"CREATE SEQUENCE {named}", *_clauses(self.options, dialect, creating=True)])
        if self.restart is None or self.restart == self.options.get("start"):
            return [made]
        return [made, f"ALTER SEQUENCE {named} RESTART WITH {_int(self.restart)}"]


@Operations.register_operation("drop_sequence")
class DropSequenceOp(SequenceOp):
    """A sequence dropped; ``next_value`` is where it starts again if the drop is undone."""

    what = "drop sequence"

    def __init__(self, name: str, options: Options, schema: str | None = None, next_value: int | None = None) -> None:
        super().__init__(name, schema)
        self.options, self.next_value = _full(options) if options else {}, next_value

    @classmethod
    def drop_sequence(cls, operations: Operations, name: str, options: Options, schema: str | None = None,
                             next_value: int | None = None) -> Any:
        return operations.invoke(cls(name, options, schema, next_value))

    def reverse(self) -> ops.MigrateOperation:
        return CreateSequenceOp(self.name, self.options, self.schema, self.next_value)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [f"DROP SEQUENCE {qualified(dialect, self.schema, self.name)}"]


@Operations.register_operation("alter_sequence")
class AlterSequenceOp(SequenceOp):
    """Some of a sequence's options changed (``changes``, from ``old``: what they were), and where
    it goes on (``restart``)."""

    what = "alter sequence"

    def __init__(self, name: str, changes: Options, old: Options, schema: str | None = None,
                 restart: int | None = None) -> None:
        super().__init__(name, schema)
        self.changes, self.old, self.restart = dict(changes), dict(old), restart

    @classmethod
    def alter_sequence(cls, operations: Operations, name: str, changes: Options, old: Options,
                              schema: str | None = None, restart: int | None = None) -> Any:
        return operations.invoke(cls(name, changes, old, schema, restart))

    def reverse(self) -> ops.MigrateOperation:
        return AlterSequenceOp(self.name, self.old, self.changes, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        clauses = _clauses(self.changes, dialect)
        if self.restart is not None:
            clauses.append(f"RESTART WITH {_int(self.restart)}")
        return [" ".join([f"ALTER SEQUENCE {qualified(dialect, self.schema, self.name)}", *clauses])]


@Operations.register_operation("rename_sequence")
class RenameSequenceOp(SequenceOp):
    what = "rename sequence"

    def __init__(self, name: str, new_name: str, schema: str | None = None) -> None:
        super().__init__(name, schema)
        self.new_name = new_name

    @classmethod
    def rename_sequence(cls, operations: Operations, name: str, new_name: str,
                               schema: str | None = None) -> Any:
        return operations.invoke(cls(name, new_name, schema))

    def reverse(self) -> ops.MigrateOperation:
        return RenameSequenceOp(self.new_name, self.name, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        old = qualified(dialect, self.schema, self.name)
        if dialect.name == "postgresql":
            return [f"ALTER SEQUENCE {old} RENAME TO {dialect.identifier_preparer.quote(self.new_name)}"]
        return [f"RENAME TABLE {old} TO {qualified(dialect, self.schema, self.new_name)}"]


def dropped(sequence: s.Sequence, schema: str | None) -> DropSequenceOp:
    """``sequence`` dropped, carrying all it needs to come back where it was."""
    return DropSequenceOp(sequence.name, options_of(sequence), schema, sequence.next_value)


def altered(sequence: s.Sequence, wanted: Options, schema: str | None, restart: int | None = None) \
        -> AlterSequenceOp | None:
    """The alteration that gives ``sequence`` the options in ``wanted`` (None: nothing changes)."""
    now = options_of(sequence)
    changes = {key: value for key, value in wanted.items() if now.get(key) != value}
    if not changes and restart is None:
        return None
    return AlterSequenceOp(sequence.name, changes, {key: now[key] for key in changes}, schema, restart)


# --- projection -----------------------------------------------------------------------------


def _existing(namespace: s.Namespace, op: SequenceOp) -> s.Sequence:
    found = next((q for q in namespace.sequences if q.name == op.name), None)
    if found is None:
        raise ProjectionError(f"there is no sequence {qualified_name(op.name, op.schema)}")
    if found.identity:
        raise ProjectionError(f"sequence {qualified_name(op.name, op.schema)} serves an identity column: "
                              "change the column instead")
    return found


def _free(namespace: s.Namespace, where: str | None, name: str) -> None:
    relations: tuple[s.Sequence | s.Table | s.View, ...] = (*namespace.sequences, *namespace.tables, *namespace.views)
    if name in {relation.name for relation in relations}:  # one name space on both servers
        raise ProjectionError(f"a table, view or sequence named {qualified_name(name, where)} already exists")


def users(namespace: s.Namespace, name: str, dialect: str) -> list[str]:
    """``table.column`` of each column whose default draws from the sequence ``name``."""
    if dialect == "postgresql":
        pattern = re.compile(r"nextval\('(?:[^']*\.)?" + re.escape(_regclass_name(name)) + r"'::regclass\)")
    else:
        pattern = re.compile(r"nextval\((?:`[^`]*`\.)?`" + re.escape(name.replace("`", "``")) + r"`\)")
    return [f"{t.name}.{c.name}" for t in namespace.tables for c in t.columns
            if c.default is not None and pattern.search(c.default)]


def _regclass_name(name: str) -> str:
    """The name as PostgreSQL prints it inside a ``regclass`` literal."""
    return printed_name(name, "postgresql")


def _checked(sequence: s.Sequence, namespace: s.Namespace, dialect: str) -> s.Sequence:
    if dialect == "postgresql" and sequence.data_type is not None and sequence.data_type not in TYPES:
        raise ProjectionError(f"a sequence's type is one of {', '.join(TYPES)}")
    for key in ("start", "increment", "min_value", "max_value", "cache"):
        value = getattr(sequence, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ProjectionError(f"{key.replace('_', ' ')} must be a whole number")
    if sequence.increment == 0:
        raise ProjectionError("the increment cannot be 0")
    if sequence.cache is not None and sequence.cache < 1:
        raise ProjectionError("the cache holds at least 1 value")
    low, high = sequence.min_value, sequence.max_value
    if low is not None and high is not None and low >= high:
        raise ProjectionError("the smallest value must be below the largest")
    start = sequence.start
    if start is not None and ((low is not None and start < low) or (high is not None and start > high)):
        raise ProjectionError("the start must lie between the smallest and the largest value")
    if sequence.owned_by is not None:
        if dialect != "postgresql":
            raise ProjectionError("only PostgreSQL ties a sequence to a column")
        table = next((t for t in namespace.tables if t.name == sequence.owned_by[0]), None)
        if table is None or all(c.name != sequence.owned_by[1] for c in table.columns):
            raise ProjectionError(f"there is no column {'.'.join(sequence.owned_by)} beside the sequence")
    return sequence


def _with(schema: s.Schema, index: int, namespace: s.Namespace, sequences: Sequence[s.Sequence]) -> s.Schema:
    ordered = tuple(sorted(sequences, key=lambda q: q.name))
    return replace_namespace(schema, index, dataclasses.replace(namespace, sequences=ordered))


@register(CreateSequenceOp)
def _create(op: CreateSequenceOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    _free(namespace, op.schema, op.name)
    made = s.Sequence(op.name, namespace.name if op.schema else None, **{
        key: value for key, value in op.options.items() if key in OPTIONS})
    made = dataclasses.replace(_checked(made, namespace, dialect_of(schema, dialect)),
                               next_value=op.restart if op.restart is not None else made.start)
    return _with(schema, index, namespace, [*namespace.sequences, made])


@register(DropSequenceOp)
def _drop(op: DropSequenceOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    gone = _existing(namespace, op)
    using = users(namespace, op.name, dialect_of(schema, dialect))
    if using:
        raise ProjectionError(f"sequence {qualified_name(op.name, op.schema)} is the default of {', '.join(using)}: "
                              "give it another default first")
    return _with(schema, index, namespace, [q for q in namespace.sequences if q is not gone])


@register(AlterSequenceOp)
def _alter(op: AlterSequenceOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    old = _existing(namespace, op)
    unknown = set(op.changes) - set(OPTIONS)
    if unknown:
        raise ProjectionError(f"a sequence has no option {', '.join(sorted(unknown))}")
    new = _checked(dataclasses.replace(old, **op.changes), namespace, dialect_of(schema, dialect))
    if op.restart is not None:
        low, high = new.min_value, new.max_value
        if (low is not None and op.restart < low) or (high is not None and op.restart > high):
            raise ProjectionError("it cannot start again outside its smallest and largest value")
        new = dataclasses.replace(new, next_value=op.restart)
    return _with(schema, index, namespace, [new if q is old else q for q in namespace.sequences])


@register(RenameSequenceOp)
def _rename(op: RenameSequenceOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    old = _existing(namespace, op)
    _free(namespace, op.schema, op.new_name)
    using = users(namespace, op.name, dialect_of(schema, dialect))
    if using and dialect_of(schema, dialect) != "postgresql":
        raise ProjectionError(f"sequence {qualified_name(op.name, op.schema)} is the default of "
                              f"{', '.join(using)}, and MariaDB does not follow a renamed sequence: the default "
                              "would name one that is gone")
    new = dataclasses.replace(old, name=op.new_name)
    schema = _with(schema, index, namespace, [new if q is old else q for q in namespace.sequences])
    if not using:
        return schema
    # PostgreSQL's defaults hold the sequence itself, not its name: they print the new one.
    was, now = f"'{_regclass_name(op.name)}'::regclass", f"'{_regclass_name(op.new_name)}'::regclass"
    if op.schema:
        was, now = f"'{_regclass_name(op.schema)}.{was[1:]}", f"'{_regclass_name(op.schema)}.{now[1:]}"
    namespace = schema.namespaces[index]

    def follow(table: s.Table) -> s.Table:
        columns = tuple(dataclasses.replace(c, default=c.default.replace(was, now))
                        if c.default is not None and was in c.default else c for c in table.columns)
        return table if columns == table.columns else dataclasses.replace(table, columns=columns)

    return replace_namespace(schema, index, dataclasses.replace(
        namespace, tables=tuple(follow(t) for t in namespace.tables)))


# --- reading a revision back ----------------------------------------------------------------

_CLAUSE = re.compile(
    r"\s*(?:AS\s+(?P<data_type>smallint|integer|bigint)\b|INCREMENT\s+BY\s+(?P<increment>-?\d+)"
    r"|NO\s+MINVALUE\b(?P<no_min>)|MINVALUE\s+(?P<min_value>-?\d+)|NO\s+MAXVALUE\b(?P<no_max>)"
    r"|MAXVALUE\s+(?P<max_value>-?\d+)|START\s+WITH\s+(?P<start>-?\d+)|CACHE\s+(?P<cache>\d+)"
    r"|NO\s*CYCLE\b(?P<no_cycle>)|CYCLE\b(?P<cycle>)|OWNED\s+BY\s+NONE\b(?P<owned_none>)"
    rf"|OWNED\s+BY\s+(?P<owned_by>{NAME}\.{NAME})|RESTART\s+WITH\s+(?P<restart>-?\d+))", re.IGNORECASE)


def _read_clauses(text: str) -> tuple[dict[str, Any], int | None]:
    """The options and the restart value the clauses in ``text`` name (ValueError where a clause is
    not one the app writes)."""
    options: dict[str, Any] = {}
    restart = None
    position = 0
    while position < len(text.rstrip()):
        found = _CLAUSE.match(text, position)
        if found is None:
            raise ValueError(f"not a clause the app writes: {text[position:position + 40]!r}")
        position = found.end()
        groups = {key: value for key, value in found.groupdict().items() if value is not None}
        for key, value in groups.items():
            if key in ("increment", "min_value", "max_value", "start", "cache"):
                options[key] = int(value)
            elif key == "data_type":
                options[key] = value.lower()
            elif key in ("no_min", "no_max"):
                options["min_value" if key == "no_min" else "max_value"] = None
            elif key in ("cycle", "no_cycle"):
                options["cycle"] = key == "cycle"
            elif key == "owned_none":
                options["owned_by"] = None
            elif key == "owned_by":
                owner_schema, column, _rest = target(value)
                if owner_schema is None:
                    raise ValueError("OWNED BY names table.column")
                options["owned_by"] = (owner_schema, column)
            elif key == "restart":
                restart = int(value)
    return options, restart


@reads("create sequence", "drop sequence", "alter sequence", "rename sequence")
def rebuilt(what: str, statements: Sequence[Marked]) -> SequenceOp:
    """The operation that wrote these marked statements (what a drop or an alteration needs to
    reverse is filled in from the schema it runs on when the script is read: :func:`completed`)."""
    first = statements[0].sql
    if what == "create sequence":
        where, name, rest = after(r"CREATE SEQUENCE\s+", first)
        options, _restart = _read_clauses(rest)
        restart = None
        if len(statements) == 2:
            _where, _name, rest = after(r"ALTER SEQUENCE\s+", statements[1].sql)
            _options, restart = _read_clauses(rest)
        return CreateSequenceOp(name, options, where, restart)
    if what == "drop sequence":
        where, name, _rest = after(r"DROP SEQUENCE\s+", first)
        return DropSequenceOp(name, {}, where)
    if what == "alter sequence":
        where, name, rest = after(r"ALTER SEQUENCE\s+", first)
        changes, restart = _read_clauses(rest)
        return AlterSequenceOp(name, changes, {}, where, restart)
    if what == "rename sequence":
        if first.upper().startswith("RENAME TABLE"):
            where, name, rest = after(r"RENAME TABLE\s+", first)
            _where, new_name, _rest = after(r"\s+TO\s+", rest)
            return RenameSequenceOp(name, new_name, where)
        where, name, rest = after(r"ALTER SEQUENCE\s+", first)
        _none, new_name, _rest = after(r"\s+RENAME TO\s+", rest)
        return RenameSequenceOp(name, new_name, where)
    raise ValueError(f"unknown operation {what!r}")


def completed(op: SequenceOp, schema: s.Schema) -> SequenceOp:
    """``op`` read from a script, with what it needs to reverse taken from ``schema`` (the
    sequence as it is before it runs)."""
    try:
        old = _existing(namespace_of(schema, op.schema)[1], op)
    except ProjectionError:
        return op
    if isinstance(op, DropSequenceOp) and not op.options:
        return dropped(old, op.schema)
    if isinstance(op, AlterSequenceOp) and not op.old:
        now = options_of(old)
        return AlterSequenceOp(op.name, op.changes, {key: now[key] for key in op.changes}, op.schema, op.restart)
    return op
