"""Functions and procedures as operations of the app's own (PostgreSQL, MySQL/MariaDB): created,
given a new definition, dropped. Each is written as the whole CREATE statement the user wrote (or
the server printed), so its body is never rebuilt from parts; a drop and a replacement carry the
definition they remove, and their reverse puts it back exactly.

PostgreSQL replaces a routine in place (``CREATE OR REPLACE``: calls under way finish with the old
body) as long as its result type stays; MySQL and MariaDB drop it and create it again. A
definition is one statement: PostgreSQL's driver would run a second one after it, so anything
after the routine's own text is refused. Written into a revision as marked statements
(:mod:`gui_app.core.marked_ops`).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations, ops

from gui_app.core import schema as s
from gui_app.core.marked_ops import Marked, MarkedOp, one_statement, qualified, reads, target
from gui_app.core.projection import (
    ProjectionError,
    dialect_of,
    namespace_of,
    printed_name,
    register,
    replace_namespace,
)

KINDS = ("function", "procedure")
_HEAD = re.compile(r"\s*CREATE\s+(?P<replace>OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?"
                   r"(?P<kind>FUNCTION|PROCEDURE)\s+(?:IF\s+NOT\s+EXISTS\s+)?", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Head:
    """What a CREATE FUNCTION/PROCEDURE statement makes: its kind, schema, name and arguments."""

    kind: str
    schema: str | None
    name: str
    arguments: str


def head(definition: str, dialect_name: str) -> Head:
    """The routine ``definition`` creates (ValueError where it is not a CREATE FUNCTION or
    PROCEDURE with its arguments in parentheses). Its ``arguments`` are as PostgreSQL prints them
    to tell it apart from another of its name (without defaults, the IN mode left out); on
    MySQL/MariaDB none (a name is one routine)."""
    found = _HEAD.match(definition)
    if found is None:
        raise ValueError("a routine is made by CREATE FUNCTION or CREATE PROCEDURE")
    where, name, rest = target(definition[found.end():])
    opening = re.match(r"\s*\(", rest)
    if opening is None:
        raise ValueError("its arguments follow its name, in parentheses (empty ones where there are none)")
    arguments = _until_closing(rest[opening.end():])
    kind = found["kind"].lower()
    if dialect_name != "postgresql":
        return Head(kind, where, name, "")
    plain = plain_arguments(drop_arguments(arguments))
    if kind == "procedure":  # PostgreSQL prints a procedure's IN too
        plain = ", ".join(item if re.match(r"(IN|OUT|INOUT|VARIADIC)\s", item, re.IGNORECASE) else f"IN {item}"
                          for item in _split(plain))
    return Head(kind, where, name, plain)


def plain_arguments(arguments: str) -> str:
    """Arguments in one spelling: whitespace folded, the default mode (IN) left out."""
    return ", ".join(re.sub(r"^IN\s+", "", item, flags=re.IGNORECASE) for item in _split(arguments))


def _split(arguments: str) -> list[str]:
    """The arguments one by one (commas inside parentheses or quotes are not separators)."""
    parts, depth, part, quote = [], 0, "", ""
    for char in arguments + ",":
        if quote:
            quote = "" if char == quote else quote
        elif char in ("'", '"'):
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            if part.strip():
                parts.append(" ".join(part.split()))
            part = ""
            continue
        part += char
    return parts


def _until_closing(text: str) -> str:
    """The text before the parenthesis that closes the one just opened (quotes respected)."""
    depth, index, quote = 1, 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"', "`"):
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[:index]
        index += 1
    raise ValueError("the parenthesis after its arguments is not closed")


def drop_arguments(arguments: str) -> str:
    """The arguments as DROP FUNCTION takes them: without defaults."""
    return ", ".join(re.split(r"\s+DEFAULT\s+|\s*=\s*", item, maxsplit=1, flags=re.IGNORECASE)[0]
                     for item in _split(arguments))


def _or_replace(statement: str) -> str:
    found = _HEAD.match(statement)
    if found is None or found["replace"]:
        return statement
    return statement[:found.start("kind")] + "OR REPLACE " + statement[found.start("kind"):]


class RoutineOp(MarkedOp):
    def __init__(self, name: str, kind: str, arguments: str, schema: str | None) -> None:
        self.name, self.kind, self.arguments, self.schema = name, kind, arguments, schema

    @property
    def mark(self) -> str:
        return self.what.replace("routine", self.kind)

    def dropping(self, dialect: sa.Dialect) -> str:
        named = qualified(dialect, self.schema, self.name)
        if dialect.name == "postgresql":
            return f"DROP {self.kind.upper()} {named}({drop_arguments(self.arguments)})"
        return f"DROP {self.kind.upper()} {named}"


@Operations.register_operation("create_routine")
class CreateRoutineOp(RoutineOp):
    what = "create routine"

    def __init__(self, name: str, kind: str, arguments: str, definition: str, schema: str | None = None) -> None:
        super().__init__(name, kind, arguments, schema)
        self.definition = definition.strip()

    @classmethod
    def create_routine(cls, operations: Operations, name: str, kind: str, arguments: str, definition: str,
                       schema: str | None = None) -> Any:
        return operations.invoke(cls(name, kind, arguments, definition, schema))

    def reverse(self) -> ops.MigrateOperation:
        return DropRoutineOp(self.name, self.kind, self.arguments, self.definition, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [one_statement(self.definition, dialect.name)]


@Operations.register_operation("drop_routine")
class DropRoutineOp(RoutineOp):
    what = "drop routine"

    def __init__(self, name: str, kind: str, arguments: str, definition: str, schema: str | None = None) -> None:
        super().__init__(name, kind, arguments, schema)
        self.definition = definition.strip()

    @classmethod
    def drop_routine(cls, operations: Operations, name: str, kind: str, arguments: str, definition: str,
                     schema: str | None = None) -> Any:
        return operations.invoke(cls(name, kind, arguments, definition, schema))

    def reverse(self) -> ops.MigrateOperation:
        return CreateRoutineOp(self.name, self.kind, self.arguments, self.definition, self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        return [self.dropping(dialect)]


@Operations.register_operation("replace_routine")
class ReplaceRoutineOp(RoutineOp):
    what = "replace routine"

    def __init__(self, name: str, kind: str, arguments: str, definition: str, old_definition: str,
                 schema: str | None = None) -> None:
        super().__init__(name, kind, arguments, schema)
        self.definition, self.old_definition = definition.strip(), old_definition.strip()

    @classmethod
    def replace_routine(cls, operations: Operations, name: str, kind: str, arguments: str, definition: str,
                        old_definition: str, schema: str | None = None) -> Any:
        return operations.invoke(cls(name, kind, arguments, definition, old_definition, schema))

    def reverse(self) -> ops.MigrateOperation:
        return ReplaceRoutineOp(self.name, self.kind, self.arguments, self.old_definition, self.definition,
                                self.schema)

    def statements(self, dialect: sa.Dialect) -> list[str]:
        statement = one_statement(self.definition, dialect.name)
        if dialect.name == "postgresql":
            return [_or_replace(statement)]
        return [self.dropping(dialect), statement]


def dropped(routine: s.Routine, schema: str | None) -> DropRoutineOp:
    return DropRoutineOp(routine.name, routine.kind, routine.arguments, routine.definition, schema)


def created(definition: str, schema: str | None, dialect_name: str, default: str | None = None) -> CreateRoutineOp:
    """The creation ``definition`` makes (ValueError where it is not one routine's CREATE
    statement, or names another schema than ``schema``; None: the ``default`` one)."""
    statement = one_statement(definition, dialect_name)
    made = head(statement, dialect_name)
    if made.schema is not None and made.schema != (schema or default):
        raise ValueError(f"it names the schema {made.schema}; make it from that schema")
    return CreateRoutineOp(made.name, made.kind, made.arguments, statement, schema)


# --- projection -----------------------------------------------------------------------------


def _named(op: RoutineOp) -> str:
    named = f"{op.schema}.{op.name}" if op.schema else op.name
    return f"{named}({op.arguments})" if op.arguments else named


def _same(routine: s.Routine, op: RoutineOp) -> bool:
    return routine.name == op.name and plain_arguments(routine.arguments) == plain_arguments(op.arguments)


def _existing(namespace: s.Namespace, op: RoutineOp) -> s.Routine:
    found = next((r for r in namespace.routines if _same(r, op)), None)
    if found is None:
        raise ProjectionError(f"there is no {op.kind} {_named(op)}")
    if found.kind != op.kind:
        raise ProjectionError(f"there is no {op.kind} {_named(op)}: it is a {found.kind}")
    return found


def _checked(op: CreateRoutineOp | ReplaceRoutineOp, dialect_name: str) -> None:
    if op.kind not in KINDS:
        raise ProjectionError(f"a routine is a function or a procedure, not a {op.kind}")
    try:
        made = head(one_statement(op.definition, dialect_name), dialect_name)
    except ValueError as error:
        raise ProjectionError(str(error)) from None
    if (made.kind, made.name) != (op.kind, op.name):
        raise ProjectionError(f"the definition makes the {made.kind} {made.name}, not the {op.kind} {op.name}")


def _with(schema: s.Schema, index: int, namespace: s.Namespace, routines: Sequence[s.Routine]) -> s.Schema:
    ordered = tuple(sorted(routines, key=lambda r: (r.name, r.arguments)))
    return replace_namespace(schema, index, dataclasses.replace(namespace, routines=ordered))


@register(CreateRoutineOp)
def _create(op: CreateRoutineOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    _checked(op, dialect_of(schema, dialect))
    postgresql = dialect_of(schema, dialect) == "postgresql"
    # PostgreSQL tells overloads apart by their arguments; MySQL and MariaDB by kind and name.
    if any((_same(r, op) if postgresql else (r.name.lower(), r.kind) == (op.name.lower(), op.kind))
           for r in namespace.routines):
        raise ProjectionError(f"the {op.kind} {_named(op)} already exists")
    made = s.Routine(op.name, namespace.name if op.schema else None, op.kind, op.arguments, op.definition)
    return _with(schema, index, namespace, [*namespace.routines, made])


@register(DropRoutineOp)
def _drop(op: DropRoutineOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    gone = _existing(namespace, op)
    callers = [f"{t.name}.{trigger.name}" for t in namespace.tables for trigger in t.triggers
               if _calls(trigger.definition, op.name)]
    if callers:
        raise ProjectionError(f"the triggers {', '.join(callers)} call {_named(op)}: drop them first")
    return _with(schema, index, namespace, [r for r in namespace.routines if r is not gone])


def _calls(trigger_definition: str, name: str) -> bool:
    """Whether a PostgreSQL trigger runs the function ``name`` (``EXECUTE FUNCTION x.name(...)``)."""
    quoted = re.escape(printed_name(name, "postgresql"))
    return re.search(rf"EXECUTE\s+(?:FUNCTION|PROCEDURE)\s+(?:\S+\.)?{quoted}\s*\(", trigger_definition,
                     re.IGNORECASE) is not None


@register(ReplaceRoutineOp)
def _replace(op: ReplaceRoutineOp, schema: s.Schema, dialect: sa.Dialect | None) -> s.Schema:
    index, namespace = namespace_of(schema, op.schema)
    old = _existing(namespace, op)
    _checked(op, dialect_of(schema, dialect))
    new = dataclasses.replace(old, definition=op.definition)  # its printed form is read back once it ran
    return _with(schema, index, namespace, [new if r is old else r for r in namespace.routines])


# --- reading a revision back ----------------------------------------------------------------


@reads("create function", "create procedure", "drop function", "drop procedure", "replace function",
       "replace procedure")
def rebuilt(what: str, statements: Sequence[Marked]) -> RoutineOp:
    """The operation that wrote these marked statements (what a drop or a replacement removes is
    filled in from the schema it runs on when the script is read: :func:`completed`)."""
    verb, kind = what.split()
    last = statements[-1].sql
    if verb == "drop":
        found = re.match(rf"DROP\s+{kind}\s+", last, re.IGNORECASE)
        if found is None:
            raise ValueError("not the statement this operation writes")
        where, name, rest = target(last[found.end():])
        arguments = _until_closing(rest.lstrip()[1:]) if rest.lstrip().startswith("(") else ""
        return DropRoutineOp(name, kind, arguments, "", where)
    made = head(last, "postgresql")  # on MySQL/MariaDB the arguments are let go by :func:`completed`
    if made.kind != kind:
        raise ValueError("the statement makes another kind of routine")
    if verb == "create":
        return CreateRoutineOp(made.name, kind, made.arguments, last, made.schema)
    return ReplaceRoutineOp(made.name, kind, made.arguments, last, "", made.schema)


def completed(op: RoutineOp, schema: s.Schema) -> RoutineOp:
    """``op`` read from a script, with what it needs to reverse taken from ``schema`` (the routine
    as it is before it runs): its arguments as the server prints them, its definition."""
    if (schema.dialect != "postgresql" and op.arguments) or (op.schema and op.schema == schema.default_schema):
        op = copy.copy(op)  # PostgreSQL prints a routine's schema even where it is the default one
        op.arguments = op.arguments if schema.dialect == "postgresql" else ""
        op.schema = None if op.schema == schema.default_schema else op.schema
    try:
        namespace = namespace_of(schema, op.schema)[1]
    except ProjectionError:
        return op
    same_name = [r for r in namespace.routines if r.name == op.name and r.kind == op.kind]
    old = next((r for r in same_name if _same(r, op)), same_name[0] if len(same_name) == 1 else None)
    if old is None:
        return op
    if isinstance(op, DropRoutineOp) and not op.definition:
        return DropRoutineOp(op.name, op.kind, old.arguments, old.definition, op.schema)
    if isinstance(op, ReplaceRoutineOp) and not op.old_definition:
        return ReplaceRoutineOp(op.name, op.kind, old.arguments, op.definition, old.definition, op.schema)
    return op
