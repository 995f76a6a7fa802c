"""Checks an operation against the schema it will run on, with messages for people.

Errors stop the operation from entering the plan; warnings are shown and kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import sa_build, sqlite_ddl
from gui_app.core.dialects import is_mysql
from gui_app.core.expressions import index_uses_column, references_column
from gui_app.core.online import OnlineOp
from gui_app.core.projection import ProjectionError, find_table
from gui_app.core.schema import ForeignKey, Schema, Table

NAME_LIMITS = {"postgresql": 63, "mysql": 64, "mariadb": 64}


@dataclass(frozen=True)
class Problem:
    """One message about an edit: an error refuses it, a warning is shown and kept."""

    level: str  # "error" or "warning"
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def sentence(text: str) -> str:
    """``text`` as a sentence: its first letter capital, a full stop at the end; every other letter
    as it was (a name such as ``Artist`` or a value such as ``'G'`` keeps its case)."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def name_problem(name: str | None, what: str, dialect: str, required: bool = True) -> str | None:
    """Why ``name`` cannot be used, or None. Quotes, spaces, unicode and reserved words are fine:
    SQLAlchemy quotes them; only what no database accepts is refused."""
    if name is None or not name.strip():
        return f"The {what} needs a name." if required else None
    if name != name.strip():
        return f"The {what} name {name!r} starts or ends with white space."
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return f"The {what} name {name!r} holds a control character (tab, line break…)."
    limit = NAME_LIMITS.get(dialect)
    if limit is not None and len(name.encode("utf-8")) > limit:
        return f"The {what} name {name!r} is longer than {dialect}'s limit of {limit} bytes."
    return None


def default_problem(sql: str | None, dialect: str | None = None, what: str = "default") -> str | None:
    """A server default is one SQL expression: refuse statement separators and comments,
    which could only end the statement early; with ``dialect``, refuse what the dialect's SQL
    parser (sqlglot) cannot read as an expression (``1 +``), before it fails at apply time. The same
    holds for a CHECK condition or an index's WHERE: ``what`` names it in the message."""
    if sql is None:
        return None
    if not sql.strip():
        return f"The {what} is empty; leave it out instead."
    tokens = sqlite_ddl.tokenize(sql)
    if any(t.text == ";" for t in tokens):
        return f"The {what} {sql!r} holds a ';': one expression, not statements, is expected."
    if sqlite_ddl.has_comment(sql):
        return f"The {what} {sql!r} holds a comment; write the expression alone."
    if sum(t.text == "(" for t in tokens) != sum(t.text == ")" for t in tokens):
        return f"The {what} {sql!r} has unbalanced parentheses."
    if any(t.kind == "punct" and t.text in "'\"`[" for t in tokens):
        return f"The {what} {sql!r} has an unclosed quote."
    return _expression_problem(sql, dialect, what) if dialect else None


def _expression_problem(sql: str, dialect: str, what: str) -> str | None:
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    from gui_app.core.sql_effects import SQLGLOT_DIALECTS, parser_message

    if dialect not in SQLGLOT_DIALECTS:
        return None
    # MySQL's ON UPDATE clause is written with the default, but is not part of its expression.
    expression = re.sub(r"\s+ON\s+UPDATE\s+.*$", "", sql, flags=re.IGNORECASE | re.DOTALL) \
        if is_mysql(dialect) else sql
    try:
        sqlglot.parse_one(f"SELECT {expression}", read=SQLGLOT_DIALECTS[dialect], error_level=sqlglot.ErrorLevel.RAISE)
    except (ParseError, TokenError) as error:
        return f"The {what} {sql!r} is not a valid {dialect} expression ({parser_message(error)})."
    return None


def literal_problem(value: str | None) -> str | None:
    """Alembic's offline SQL turns tabs into spaces, so a value holding one would change."""
    if value is not None and "\t" in value:
        return "The default holds a tab, which SQL scripts cannot carry unchanged; use spaces."
    if value is not None and "\x00" in value:
        return "The default holds a NUL character, which SQL text cannot carry."
    return None


def column_dependents(schema: Schema, table: Table, column: str) -> list[tuple[str, Table, str | None]]:
    """What uses a column: (kind, owning table, name); kind is index, primary, unique, check or foreignkey."""
    found: list[tuple[str, Table, str | None]] = []
    found.extend(("index", table, ix.name) for ix in table.indexes
                 if index_uses_column(ix.elements, ix.expression_flags, column))
    if table.primary_key is not None and column in table.primary_key.columns:
        found.append(("primary", table, table.primary_key.name))
    found.extend(("unique", table, u.name) for u in table.unique_constraints if column in u.columns)
    found.extend(("check", table, c.name) for c in table.check_constraints if references_column(c.sqltext, column))
    found.extend(("foreignkey", table, fk.name) for fk in table.foreign_keys if column in fk.columns)
    for other in schema.tables:
        for fk in other.foreign_keys:
            if fk.referred_table == table.name and fk.referred_schema == table.schema and column in fk.referred_columns:
                found.append(("foreignkey", other, fk.name))
    return found


def _blocks_drop(user: tuple[str, Table, str | None], table: Table, column: str, dialect: str) -> bool:
    """Whether the database refuses to drop a column because of this user of it. PostgreSQL drops
    the table's own indexes and constraints with the column; MySQL narrows indexes and keys and
    drops a CHECK on that column alone; SQLite refuses them all. A key in another table that refers
    to the column stops both (PostgreSQL would need CASCADE), and MySQL keeps a table's own foreign
    key and a CHECK over several columns."""
    kind, owner, name = user
    if dialect == "sqlite" or owner is not table:
        return True
    if is_mysql(dialect):
        if kind == "foreignkey":
            return True
        if kind == "check":  # by name, and by what it reads (unnamed ones share a name)
            return any(references_column(check.sqltext, other.name)
                       for check in table.check_constraints if check.name == name
                       and references_column(check.sqltext, column) for other in table.columns if other.name != column)
    return False


def _dependent_text(kind: str, table: Table, name: str | None) -> str:
    label = {"index": "index", "primary": "primary key", "unique": "unique constraint",
             "check": "check constraint", "foreignkey": "foreign key"}[kind]
    return f"{label} {name or '(unnamed)'} on {table.name}"


def validate(schema: Schema, op: ops.MigrateOperation, dialect: str) -> list[Problem]:
    problems: list[Problem] = []
    try:
        problems.extend(_check(schema, op, dialect))
    except ProjectionError as error:
        problems.append(Problem("error", sentence(str(error))))
    return problems


def _check(schema: Schema, op: ops.MigrateOperation, dialect: str) -> list[Problem]:
    found = _Found(dialect)
    _rules(op, schema, found)
    return [Problem("error", m) for m in found.errors] + [Problem("warning", m) for m in found.warnings]


@dataclass
class _Found:
    """What the rules of one operation found, and the checks they share."""

    dialect: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def name(self, value: Any, what: str, required: bool = True) -> None:
        problem = name_problem(value if isinstance(value, str) else None, what, self.dialect, required)
        if problem:
            self.errors.append(problem)

    def default(self, value: Any) -> None:
        if isinstance(value, sa.DefaultClause):
            value = value.arg
        if isinstance(value, str):  # a literal SQLAlchemy quotes itself
            problem = literal_problem(value)
            if problem:
                self.errors.append(problem)
            return
        if isinstance(value, sa.TextClause):
            value = value.text
        problem = default_problem(value) if isinstance(value, str) else None
        if problem:
            self.errors.append(problem)


@singledispatch
def _rules(op: ops.MigrateOperation, schema: Schema, found: _Found) -> None:
    """The rules of one kind of operation (one registration per kind, like the projection's);
    an operation without rules of its own passes."""


@_rules.register
def _online(op: OnlineOp, schema: Schema, found: _Found) -> None:
    """The online form changes the schema as its plain operation does: the same rules."""
    _rules(op.plain, schema, found)


@_rules.register
def _(op: ops.CreateTableOp, schema: Schema, found: _Found) -> None:
    found.name(op.table_name, "table")
    columns = [c for c in op.columns if isinstance(c, sa.Column)]
    if not columns:
        found.errors.append(f"Table {op.table_name} needs at least one column.")
    seen: set[str] = set()
    for col in columns:
        found.name(col.name, "column")
        found.default(col.server_default)
        if col.name in seen:
            found.errors.append(f"Column {col.name!r} appears twice in table {op.table_name}.")
        seen.add(col.name)
    if schema.find_table(op.table_name, op.schema) is not None:
        found.errors.append(f"Table {op.table_name} already exists.")
    for constraint in op.columns:
        if isinstance(constraint, sa.Constraint) and isinstance(constraint.name, str):
            found.name(constraint.name, "constraint")
    if columns and not found.errors:
        found.warnings.extend(_created_foreign_key_problems(schema, op))


def _created_foreign_key_problems(schema: Schema, op: ops.CreateTableOp) -> list[str]:
    """The foreign keys written inside ``create_table``, checked as ``create_foreign_key`` is (one
    may refer to the table being created). Warnings, not errors: scripts written for the server
    (MySQL refers to any indexed column) or referring to schemas not loaded must still open; the
    New table dialog refuses them itself."""
    created = sa_build.table_from_sa(op.to_table(), None)
    problems = []
    for fk in created.foreign_keys:
        if schema.find_table(fk.referred_table, fk.referred_schema) is None \
                and not any(ns.holds(fk.referred_schema) for ns in schema.namespaces):
            continue  # a schema not loaded: nothing to check against
        problems.extend(new_table_foreign_key_problems(schema, created, fk))
    return problems


def new_table_foreign_key_problems(schema: Schema, created: Table, fk: ForeignKey) -> list[str]:
    """:func:`foreign_key_problems` of a key of ``created``, a table not in ``schema`` yet (it may
    refer to itself)."""
    itself = (fk.referred_schema, fk.referred_table) == (created.schema, created.name)
    target = created if itself else schema.find_table(fk.referred_table, fk.referred_schema)
    if target is None:
        return [f"There is no table {fk.referred_table} to refer to."]
    return foreign_key_problems(created, target, fk)


@_rules.register
def _(op: ops.DropColumnOp, schema: Schema, found: _Found) -> None:
    table = find_table(schema, op.table_name, op.schema)
    users = column_dependents(schema, table, op.column_name)
    blocking = [u for u in users if _blocks_drop(u, table, op.column_name, found.dialect)]
    if blocking:
        listed = ", ".join(_dependent_text(*u) for u in blocking)
        found.errors.append(f"Column {op.column_name} is used by {listed}; drop those first.")
    elif users:
        listed = ", ".join(_dependent_text(*u) for u in users)
        found.warnings.append(f"Dropping column {op.column_name} also drops or narrows {listed}.")
    if len(table.columns) == 1:
        found.errors.append(f"Column {op.column_name} is the only column of {table.name}; drop the table instead.")


@_rules.register
def _(op: ops.AddColumnOp, schema: Schema, found: _Found) -> None:
    found.name(op.column.name, "column")
    found.default(op.column.server_default)
    table = find_table(schema, op.table_name, op.schema)
    if any(c.name == op.column.name for c in table.columns):
        found.errors.append(f"Table {table.name} already has a column {op.column.name}.")
    if not op.column.nullable and op.column.server_default is None:
        found.warnings.append(f"Column {op.column.name} is NOT NULL without a default: adding it fails if "
                              f"{table.name} has rows.")


@_rules.register
def _(op: ops.AlterColumnOp, schema: Schema, found: _Found) -> None:
    table = find_table(schema, op.table_name, op.schema)
    if op.modify_name:
        found.name(op.modify_name, "column")
        if any(c.name == op.modify_name for c in table.columns):
            found.errors.append(f"Table {table.name} already has a column {op.modify_name}.")
    if op.modify_server_default is not False and op.modify_server_default is not None:
        found.default(op.modify_server_default)
    if op.modify_nullable is False:
        found.warnings.append(f"Making {op.column_name} NOT NULL fails if it holds NULLs.")


@_rules.register
def _(op: ops.RenameTableOp, schema: Schema, found: _Found) -> None:
    found.name(op.new_table_name, "table")
    if schema.find_table(op.new_table_name, op.schema) is not None:
        found.errors.append(f"Table {op.new_table_name} already exists.")


@_rules.register
def _(op: ops.CreateIndexOp, schema: Schema, found: _Found) -> None:
    found.name(op.index_name, "index")
    if any(ix.name == op.index_name for t in schema.tables for ix in t.indexes):
        found.errors.append(f"An index named {op.index_name} already exists.")


@_rules.register
def _(op: ops.CreateForeignKeyOp, schema: Schema, found: _Found) -> None:
    found.name(op.constraint_name, "foreign key", required=False)
    found.errors.extend(_foreign_key_errors(schema, op))


@_rules.register(ops.CreateUniqueConstraintOp)
@_rules.register(ops.CreateCheckConstraintOp)
@_rules.register(ops.CreatePrimaryKeyOp)
def _(op: ops.AddConstraintOp, schema: Schema, found: _Found) -> None:
    name: Any = getattr(op, "constraint_name", None)
    found.name(name, "constraint", required=False)
    table = find_table(schema, getattr(op, "table_name", ""), getattr(op, "schema", None))
    existing: list[str | None] = [u.name for u in table.unique_constraints]
    existing += [c.name for c in table.check_constraints] + [fk.name for fk in table.foreign_keys]
    if name and name in existing:
        found.errors.append(f"Table {table.name} already has a constraint named {name}.")
    if isinstance(op, ops.CreateUniqueConstraintOp | ops.CreatePrimaryKeyOp):
        for column in op.columns:
            if all(c.name != column for c in table.columns):
                found.errors.append(f"Table {table.name} has no column {column}.")
        if not op.columns:
            found.errors.append("Choose at least one column.")


@_rules.register(ops.CreateTableCommentOp)
@_rules.register(ops.DropTableCommentOp)
def _(op: ops.AlterTableOp, schema: Schema, found: _Found) -> None:
    if found.dialect == "sqlite":
        found.errors.append("SQLite keeps no table comments.")


@_rules.register
def _(op: ops.DropConstraintOp, schema: Schema, found: _Found) -> None:
    mysql_primary = op.constraint_type == "primary" and is_mysql(found.dialect)
    if mysql_primary:  # DROP PRIMARY KEY needs no name
        found.errors.extend(_mysql_key_still_needed(find_table(schema, op.table_name, op.schema)))
    elif not op.constraint_name:
        found.errors.append("Alembic can only drop a constraint that has a name.")


def _mysql_key_still_needed(table: Table) -> list[str]:
    """MySQL keeps an index under every foreign key; the primary key may be the only one."""
    if table.primary_key is None:
        return []
    others = [ix.elements for ix in table.indexes] + [u.columns for u in table.unique_constraints]
    found = []
    for fk in table.foreign_keys:
        width = len(fk.columns)
        if table.primary_key.columns[:width] == fk.columns and not any(o[:width] == fk.columns for o in others):
            found.append(f"MySQL needs an index on ({', '.join(fk.columns)}) for foreign key {fk.name}, and the "
                         "primary key is the only one; add an index or drop the foreign key first.")
    return found


def _foreign_key_errors(schema: Schema, op: ops.CreateForeignKeyOp) -> list[str]:
    source = find_table(schema, op.source_table, op.kw.get("source_schema"))
    try:
        target = find_table(schema, op.referent_table, op.kw.get("referent_schema"))
    except ProjectionError:
        return [f"There is no table {op.referent_table} to refer to."]
    name = op.constraint_name if isinstance(op.constraint_name, str) else None
    fk = ForeignKey(name, tuple(op.local_cols), target.schema, target.name, tuple(op.remote_cols),
                    op.kw.get("ondelete"), op.kw.get("onupdate"))
    return foreign_key_problems(source, target, fk)


def foreign_key_problems(source: Table, target: Table, fk: ForeignKey) -> list[str]:
    """Why ``fk`` of ``source`` cannot refer to ``target``: column counts, missing columns, types
    of another kind, SET NULL on a NOT NULL column, referred columns that are not a key."""
    if len(fk.columns) != len(fk.referred_columns) or not fk.columns:
        return ["Choose as many referred columns as local columns."]
    errors = []
    if "SET NULL" in ((fk.on_delete or "").upper(), (fk.on_update or "").upper()):
        required = [c for c in fk.columns if any(col.name == c and not col.nullable for col in source.columns)]
        if required:
            errors.append(f"SET NULL cannot apply to {', '.join(required)}: the column does not allow NULL.")
    for local, remote in zip(fk.columns, fk.referred_columns, strict=True):
        try:
            here = source.column(local)
        except KeyError:
            errors.append(f"There is no column {local} in {source.name}.")
            continue
        try:
            there = target.column(remote)
        except KeyError:
            errors.append(f"There is no column {remote} in {target.name}.")
            continue
        if not _compatible(here.sa_type, there.sa_type):
            errors.append(f"{source.name}.{local} ({here.type_name}) cannot refer to "
                          f"{target.name}.{remote} ({there.type_name}): the types differ.")
    keys = [set(target.primary_key.columns)] if target.primary_key else []
    keys += [set(u.columns) for u in target.unique_constraints]
    keys += [set(ix.columns) for ix in target.indexes if ix.unique]
    if set(fk.referred_columns) not in keys:
        errors.append(f"The referred columns of {target.name} are neither its primary key nor unique.")
    return errors


def _compatible(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return True
    try:
        return bool(a._type_affinity is b._type_affinity)
    except AttributeError:
        return True
