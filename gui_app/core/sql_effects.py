"""What a custom SQL step does to existing data, read with a SQL parser (sqlglot) per dialect.

A custom step is SQL the user (or a script) wrote, so the app cannot know its effect the way
it knows an ``op.drop_table``; it reads it instead. Drops and truncations of tables, deletes
and updates (counted with their own ``WHERE``), and ``ALTER TABLE … DROP COLUMN`` destroy data.
Statements known to leave existing rows alone (creating, inserting, reading, commenting,
granting, adding to a table) do not. Anything else — a statement the parser only recognises
as an opaque command (``DO``, ``CALL``, a procedure body), or cannot parse — has an unknown
effect, and needs the same consent as a destructive one.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

DROPS_TABLE = "rows destroyed"
EMPTIES_TABLE = "rows destroyed"
DELETES = "rows deleted"
UPDATES = "rows overwritten"
DROPS_COLUMN = "non-null values destroyed"
DROPS_OTHER = "destroyed"
UNKNOWN = "unknown effect"
"""The same label as :data:`gui_app.core.op_facts.UNKNOWN_EFFECT` (a test holds them equal): the
highlighter reads this module at start, before Alembic, which ``op_facts`` imports, is loaded."""

SQLGLOT_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}
"""The app's dialect names as sqlglot names them."""


def parser_message(error: Exception) -> str:
    """A sqlglot error in one short line, without the terminal colours it marks the place with."""
    return _one_line(re.sub(r"\x1b\[[0-9;]*m", "", str(error)))[:120]


@dataclass(frozen=True)
class Effect:
    what: str
    """One of the constants above: how a count of it is labelled."""
    statement: str
    """The statement, one line, for messages."""
    table: tuple[str | None, str] | None = None
    """(schema, table) whose rows are counted; None when nothing can be counted."""
    where: str | None = None
    """The statement's own condition, in the dialect's SQL, for a delete or an update."""
    column: str | None = None

    @property
    def destructive(self) -> bool:
        return self.what != UNKNOWN

    def count_sql(self, quote: Callable[[str], str], doubled_percents: bool = False) -> str | None:
        """``SELECT count(*)`` of what this effect destroys; ``quote`` is the dialect's identifier
        quoting. ``doubled_percents``: the driver takes ``%`` for a placeholder (the format
        paramstyles), so the statement's own ``%`` (``LIKE 'a%'``) are doubled, as ``quote``
        doubles them in names."""
        if self.table is None or self.what == UNKNOWN:
            return None
        table = ".".join(quote(p) for p in self.table if p)
        if self.column is not None:
            return f"SELECT count(*) FROM {table} WHERE {quote(self.column)} IS NOT NULL"
        if self.where is not None:
            where = self.where.replace("%", "%%") if doubled_percents else self.where
            return f"SELECT count(*) FROM {table} WHERE {where}"
        return f"SELECT count(*) FROM {table}"


@functools.lru_cache(maxsize=512)  # risk labels are asked for at every repaint of the pending list
def effects(sql: str, dialect: str) -> tuple[Effect, ...]:
    """The effects on existing data of each statement in ``sql`` that has one (harmless ones leave none)."""
    return tuple(_effects(sql, dialect))


def _effects(sql: str, dialect: str) -> list[Effect]:
    import sqlglot
    from sqlglot import exp

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it warns on every statement it keeps opaque
    read = SQLGLOT_DIALECTS.get(dialect, dialect)
    try:
        statements = [s for s in sqlglot.parse(sql, read=read) if s is not None]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as error:
        return [Effect(UNKNOWN, f"{_one_line(sql)} (the SQL parser cannot read it: {parser_message(error)})")]
    found: list[Effect] = []
    for statement in statements:
        text = _one_line(statement.sql(dialect=read))
        if isinstance(statement, exp.Drop):
            kind = (statement.args.get("kind") or "").upper()
            if kind in ("TABLE", "SCHEMA", "DATABASE"):
                tables = statement.args.get("tables") or []
                found.extend(Effect(DROPS_TABLE if kind == "TABLE" else DROPS_OTHER, text,
                                    _table(t) if kind == "TABLE" else None) for t in tables or [None])
            elif kind not in ("INDEX", "VIEW", "SEQUENCE", "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE"):
                found.append(Effect(UNKNOWN, text))
        elif isinstance(statement, exp.TruncateTable):
            found.extend(Effect(EMPTIES_TABLE, text, _table(t)) for t in statement.expressions)
        elif isinstance(statement, exp.Delete | exp.Update):
            target = statement.this
            where = statement.args.get("where")
            # A join (MySQL's multi-table DELETE, UPDATE ... FROM): its rows cannot be counted on one table.
            joined = not isinstance(target, exp.Table) or any(
                statement.args.get(key) for key in ("from", "from_", "using", "tables", "joins")) \
                or bool(target.args.get("joins"))
            found.append(Effect(DELETES if isinstance(statement, exp.Delete) else UPDATES, text,
                                None if joined else _table(target),
                                where.this.sql(dialect=read) if where is not None else None))
        elif isinstance(statement, exp.Alter):
            for action in statement.args.get("actions") or []:
                if isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "COLUMN":
                    for column in action.args.get("tables") or []:
                        found.append(Effect(DROPS_COLUMN, text, _table(statement.this), column=column.name))
        elif not isinstance(statement, _harmless()):
            found.append(Effect(UNKNOWN, text))
    return found


def _harmless() -> tuple[type, ...]:
    """Statements that leave existing rows as they are."""
    from sqlglot import exp

    return (exp.Create, exp.Insert, exp.Select, exp.Union, exp.Comment, exp.Grant, exp.Set, exp.Pragma, exp.Use,
            exp.Describe, exp.Show, exp.Analyze)


def _table(node: object) -> tuple[str | None, str] | None:
    from sqlglot import exp

    if not isinstance(node, exp.Table) or not node.name:
        return None
    return (node.db or None, node.name)


def _one_line(text: str) -> str:
    return " ".join(text.split())
