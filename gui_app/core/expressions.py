"""Column names inside SQL expressions a table keeps as text (CHECKs, generated columns, index
expressions and WHERE clauses), which databases rewrite themselves when a column is renamed."""

from __future__ import annotations

import dataclasses

from gui_app.core import sqlite_ddl
from gui_app.core.schema import Table


def references_column(sql: str, column: str) -> bool:
    """Whether an expression (a CHECK, an index expression) mentions ``column``."""
    wanted = column.casefold()
    return any(t.kind in ("word", "quoted") and t.identifier.casefold() == wanted for t in sqlite_ddl.tokenize(sql))


def index_uses_column(elements: tuple[str, ...], flags: tuple[bool, ...], column: str) -> bool:
    """Whether index elements (plain column names, or expressions where ``flags`` say so) use ``column``."""
    flags = flags or (False,) * len(elements)
    return any(references_column(e, column) if f else e == column for e, f in zip(elements, flags, strict=True))


def renamed_in_expression(sql: str, old: str, new_quoted: str) -> str:
    """``sql`` (a CHECK, generated column, index expression or WHERE of one table) with column
    ``old`` called ``new_quoted``. Function names and the type after ``::`` are left alone;
    unquoted names match regardless of case, as the databases read them."""
    tokens = sqlite_ddl.tokenize(sql)
    edits = []
    for i, token in enumerate(tokens):
        if token.kind == "word":
            if token.text.lower() != old.lower():
                continue
        elif token.kind != "quoted" or token.identifier != old:
            continue
        if i + 1 < len(tokens) and tokens[i + 1].text == "(":
            continue
        if i >= 2 and tokens[i - 1].text == ":" and tokens[i - 2].text == ":":
            continue
        edits.append(token)
    for token in reversed(edits):
        sql = sql[:token.start] + new_quoted + sql[token.end:]
    return sql


def with_column_renamed(table: Table, old: str, new_quoted: str) -> Table:
    """``table`` with column ``old`` renamed inside its CHECK texts, generated-column expressions
    and index expressions and WHERE clauses (plain column lists are left to the caller)."""

    def sql(text: str) -> str:
        return renamed_in_expression(text, old, new_quoted)

    return dataclasses.replace(
        table,
        columns=tuple(dataclasses.replace(c, computed=dataclasses.replace(c.computed, sqltext=sql(c.computed.sqltext)))
                      if c.computed is not None else c for c in table.columns),
        indexes=tuple(dataclasses.replace(ix, where=sql(ix.where) if ix.where else ix.where, elements=tuple(
            sql(e) if flag else e
            for e, flag in zip(ix.elements, ix.expression_flags or (False,) * len(ix.elements), strict=True)))
            for ix in table.indexes),
        check_constraints=tuple(dataclasses.replace(c, sqltext=sql(c.sqltext)) for c in table.check_constraints),
    )
