"""Operations of the app's own that a revision holds as plain SQL, so that it runs under ``alembic``
on a machine without the app: each is written as ``op.execute(sa.text(...))`` with its statements
exactly as they run, each statement starting with a comment that names the operation
(``/* alembic-studio replace view */``, ``/* alembic-studio add enum value (1 of 3) */``). Reading
a script back, :func:`gathered` turns each run of marked statements into its operation again,
through the reader its module registered for that name (:func:`reads`); a statement whose mark
or text does not read as the app writes it stays custom SQL.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import Operations, ops

MARK = "/* alembic-studio {what} */ "
_MARKED = re.compile(r"^/\* alembic-studio (?P<what>[a-z ]+?)(?: \((?P<part>\d+) of (?P<parts>\d+)\))? \*/ ")


class MarkedOp(ops.MigrateOperation):
    """An operation written as its marked statements; ``what`` names it in the marks."""

    what = ""

    def statements(self, dialect: sa.Dialect) -> list[str]:
        raise NotImplementedError

    @property
    def commits(self) -> bool:
        """Whether it commits the plan's work before it (runs in an ``autocommit_block()``)."""
        return False

    commits_because = ""
    """Why, in the comment above its ``autocommit_block()`` in a revision."""

    @property
    def mark(self) -> str:
        """What the comment before its statements calls it."""
        return self.what

    def marked(self, dialect: sa.Dialect) -> list[str]:
        """The statements, each starting with the comment that names this operation."""
        found = [_line_ended(sql, dialect.name) for sql in self.statements(dialect)]
        if len(found) == 1:
            return [MARK.format(what=self.mark) + found[0]]
        return [MARK.format(what=f"{self.mark} ({i} of {len(found)})") + sql for i, sql in enumerate(found, 1)]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self), getattr(self, "name", None), getattr(self, "schema", None)))


def _line_ended(sql: str, dialect_name: str) -> str:
    """``sql`` with a comment that ends it (``-- note``, MySQL's ``# note``) written as a block
    comment: offline SQL (``alembic upgrade --sql``) puts the ``;`` right after a statement, which
    would then be part of the comment, and the next statement with it."""
    last = sql.rsplit("\n", 1)[-1]
    if "--" not in last and "#" not in last:
        return sql
    from sqlglot import Dialect
    from sqlglot.errors import TokenError

    try:
        tokens = Dialect.get_or_raise(_SQLGLOT.get(dialect_name, dialect_name)).tokenize(sql)
    except (TokenError, ValueError):
        return f"{sql}\n/**/"  # cannot tell where the comment starts: something after it, on its own line
    end = tokens[-1].end + 1 if tokens else 0
    tail = sql[end:]
    if not tail.strip():
        return sql
    note = " ".join(line.strip().lstrip("-#").strip() for line in tail.splitlines() if line.strip())
    return f"{sql[:end]} /* {note.replace('*/', '* /')} */"


_SQLGLOT = {"postgresql": "postgres", "mariadb": "mysql"}


def qualified(dialect: sa.Dialect, schema: str | None, name: str) -> str:
    preparer = dialect.identifier_preparer
    return f"{preparer.quote_schema(schema)}.{preparer.quote(name)}" if schema else preparer.quote(name)


@functools.lru_cache(maxsize=16)
def for_text(dialect: sa.Dialect) -> sa.Dialect:
    """``dialect``, quoting names for statements that go through ``text()``. A dialect whose
    driver takes ``%`` for a placeholder (psycopg, PyMySQL) doubles it in a quoted name, and
    ``text()`` doubles it again: a view named ``v%1`` reached the server as ``"v%%1"``."""
    preparer = dialect.identifier_preparer
    if not preparer._double_percents:
        return dialect
    plain = copy.copy(dialect)
    plain.__dict__.pop("_type_memos", None)  # its literal processors double % too: built anew
    plain.identifier_preparer = copy.copy(preparer)
    plain.identifier_preparer.dialect = plain
    plain.identifier_preparer._strings = {}  # the cache holds the names quoted with % doubled
    plain.identifier_preparer._double_percents = False
    return plain


@functools.cache
def postgresql_quoting() -> sa.sql.compiler.IdentifierPreparer:
    """PostgreSQL's quoting of names in SQL that goes through ``text()`` (see :func:`for_text`), for
    statements the app writes without a connection's dialect at hand."""
    from sqlalchemy.dialects import postgresql

    return for_text(postgresql.dialect()).identifier_preparer  # type: ignore[no-untyped-call]


_READ_AS_PARAMETER = re.compile(r"(?<![:\w\\]):(?=\w)")
"""A colon ``text()`` may take for the start of a bound parameter (``' :x'``, ``"a :b"``): one not
after a word character, a colon or a backslash (``10:30``, ``::text`` and ``\\:`` stay as they are)."""


def for_execute(sql: str) -> str:
    """``sql`` for ``op.execute`` as a string, which Alembic runs through ``text()``: each colon it
    would read as a parameter escaped; anything else left as it is, so the script reads as the SQL."""
    return _READ_AS_PARAMETER.sub(r"\\:", sql)


def escaped(sql: str) -> sa.TextClause:
    """``sql`` as a statement with no bound parameters: a colon in it (a time literal, a cast)
    is text, never a parameter."""
    return sa.text(sql.replace(":", "\\:"))


@Operations.implementation_for(MarkedOp)
def _run(operations: Operations, operation: MarkedOp) -> None:
    """Its statements in the plan's transaction, or, where it ``commits``, in an
    ``autocommit_block()`` (the work before it committed first, as under ``alembic``)."""
    statements = operation.marked(for_text(operations.migration_context.dialect))
    with operations.get_context().autocommit_block() if operation.commits else contextlib.nullcontext():
        for sql in statements:
            operations.execute(escaped(sql))


@renderers.dispatch_for(MarkedOp)
def _render(context: AutogenContext, op: MarkedOp) -> list[str] | str:
    dialect = context.migration_context.dialect if context.migration_context is not None else None
    assert dialect is not None, "the statements are written for one database"
    prefix = str(context.opts.get("alembic_module_prefix", "op."))
    lines = [f"{prefix}execute(sa.text({escaped(sql).text!r}))" for sql in op.marked(for_text(dialect))]
    if op.commits:  # Alembic's printer indents after the colon and ends the block at the empty line
        return [f"# {op.commits_because}", f"with {prefix}get_context().autocommit_block():", *lines, ""]
    return lines if len(lines) > 1 else lines[0]


def one_statement(definition: str, dialect_name: str) -> str:
    """``definition`` (a routine's or a trigger's CREATE statement, written by hand) without a final
    semicolon; ValueError where PostgreSQL's driver would run more after it (MySQL/MariaDB and
    SQLite bodies hold semicolons of their own, and their drivers run one statement only)."""
    text = definition.strip()
    if dialect_name != "postgresql":
        return text[:-1].rstrip() if text.endswith(";") else text
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.errors import TokenError

    try:
        tokens = Postgres().tokenize(text)
    except TokenError as error:
        raise ValueError(f"the definition cannot be read: {error}") from None
    ends = [t for t in tokens if t.token_type.name == "SEMICOLON"]
    if ends and (len(ends) > 1 or ends[0] is not tokens[-1]):
        raise ValueError("the definition holds more than one statement")
    return text[:ends[0].start].rstrip() if ends else text


# --- reading a revision back ----------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    """One marked statement read from a script: the operation's name, which of how many, the SQL."""

    what: str
    part: int
    parts: int
    sql: str


Reader = Callable[[str, Sequence[Marked]], MarkedOp]
_READERS: dict[str, Reader] = {}


def reads(*names: str) -> Callable[[Reader], Reader]:
    """Register the function that rebuilds the operations marked with these names (it raises
    ValueError for statements it does not recognise)."""
    def register(reader: Reader) -> Reader:
        for name in names:
            _READERS[name] = reader
        return reader
    return register


def read_mark(op: ops.MigrateOperation) -> Marked | None:
    """The marked statement ``op`` runs, if it is one."""
    if not isinstance(op, ops.ExecuteSQLOp) or isinstance(op, ops.BulkInsertOp):
        return None
    text = op.sqltext.text if isinstance(op.sqltext, sa.TextClause) else op.sqltext
    if not isinstance(text, str):
        return None
    text = text.replace("\\:", ":")
    found = _MARKED.match(text)
    if found is None:
        return None
    return Marked(found["what"], int(found["part"] or 1), int(found["parts"] or 1), text[found.end():])


def gathered(recorded: Sequence[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """``recorded`` with each run of marked statements turned back into its operation."""
    result: list[ops.MigrateOperation] = []
    index = 0
    while index < len(recorded):
        mark = read_mark(recorded[index])
        reader = _READERS.get(mark.what) if mark is not None else None
        if mark is not None and reader is not None and mark.part == 1:
            run = [mark]
            for following in recorded[index + 1:index + mark.parts]:
                nxt = read_mark(following)
                if nxt is None or nxt.what != mark.what or nxt.part != len(run) + 1:
                    break
                run.append(nxt)
            if len(run) == mark.parts:
                try:
                    result.append(reader(mark.what, run))
                    index += len(run)
                    continue
                except ValueError:
                    pass
        result.append(recorded[index])
        index += 1
    return result


# --- names in the statements ------------------------------------------------------------------

NAME = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[\w$]+)'
_TARGET = re.compile(rf"(?P<schema>{NAME}\.)?(?P<name>{NAME})")


def unquoted(name: str) -> str:
    if name[:1] in ('"', "`"):
        return name[1:-1].replace(name[0] * 2, name[0])
    if name[:1] == "[":
        return name[1:-1]
    return name


def target(text: str) -> tuple[str | None, str, str]:
    """(schema, name, the rest) of the text that starts with a possibly qualified name."""
    found = _TARGET.match(text)
    if found is None:
        raise ValueError(f"no name at {text[:40]!r}")
    schema = unquoted(found["schema"][:-1]) if found["schema"] else None
    return schema, unquoted(found["name"]), text[found.end():]


def after(prefix_pattern: str, sql: str) -> tuple[str | None, str, str]:
    """The name after the words ``prefix_pattern`` matches at the start of ``sql``, and the rest."""
    found = re.match(prefix_pattern, sql, re.IGNORECASE)
    if found is None:
        raise ValueError(f"not the statement this operation writes: {sql[:60]!r}")
    return target(sql[found.end():])
