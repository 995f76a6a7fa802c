"""Read what SQLite keeps only in the CREATE statement text.

SQLite's PRAGMAs report columns, keys and indexes, but not constraint names,
CHECK constraints, generated-column expressions, AUTOINCREMENT, or the
expressions and WHERE clause of an index. Those are recovered here from the
``sql`` column of ``sqlite_master`` with a small tokenizer, so the catalog is
read once instead of once per table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

# Leading white space is consumed with each token, so every match yields one token.
# A parenthesised group holding no parentheses, quotes or comments, such as
# ``(12, 2)`` or ``(amount >= 0)``, is one ``group`` token: it is all a column
# definition needs of it, and tokenizing is the hot loop of SQLite reflection.
_GROUP = r"(?P<group>\((?:[^()'\"`\[\]\-/]|-(?!-)|/(?!\*))*\))"
_TOKEN_PATTERN = r"""
    \s*(?:
      (?P<space>--[^\n]*|/\*.*?\*/)
    | (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    | (?P<word>[^\W\d][\w$]*)
    | (?P<number>\d+(?:\.\d*)?)
    | (?P<punct>.)
    )
    """
_TOKEN = re.compile(_TOKEN_PATTERN, re.VERBOSE | re.DOTALL)
_TOKEN_GROUPED = re.compile(_TOKEN_PATTERN.replace("(?:\n", "(?:\n" + _GROUP + "|\n", 1), re.VERBOSE | re.DOTALL)

_TABLE_CONSTRAINT_STARTS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


class Token(NamedTuple):
    kind: str
    text: str
    start: int
    end: int
    upper: str
    """Upper-cased text for words (keyword tests), else empty."""

    @property
    def identifier(self) -> str:
        if self.kind == "quoted":
            quote = self.text[0]
            inner = self.text[1:-1]
            return inner if quote == "[" else inner.replace(quote * 2, quote)
        if self.kind == "string":
            return self.text[1:-1].replace("''", "'")
        return self.text


_new_token = tuple.__new__  # skips NamedTuple's Python-level __new__: tokenizing is the hot loop


def tokenize(sql: str, groups: bool = False) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    for m in (_TOKEN_GROUPED if groups else _TOKEN).finditer(sql):
        kind = m.lastgroup or "punct"
        if kind == "space":
            continue
        start, end = m.span(kind)
        text = sql[start:end]
        append(_new_token(Token, (kind, text, start, end, text.upper() if kind == "word" else "")))
    return tokens


def quoted(name: str) -> str:
    """``name`` as a double-quoted identifier (the inverse of :attr:`Token.identifier`)."""
    return '"' + name.replace('"', '""') + '"'


def elements(tokens: list[Token]) -> tuple[int, int, list[tuple[int, int]]]:
    """A CREATE TABLE's ``(`` and ``)`` and the token spans of the comma-separated elements between."""
    open_at = next(i for i, t in enumerate(tokens) if t.text == "(")
    close = _closing(tokens, open_at)
    return open_at, close, _split_commas(tokens, open_at + 1, close)


def has_comment(sql: str) -> bool:
    """Whether ``sql`` holds a ``--`` or ``/* */`` comment outside quotes."""
    return any(m.lastgroup == "space" for m in _TOKEN.finditer(sql))


@dataclass(slots=True)
class ColumnDDL:
    name: str
    generated: str | None = None
    stored: bool | None = None
    autoincrement: bool = False


@dataclass(slots=True)
class TableDDL:
    columns: dict[str, ColumnDDL] = field(default_factory=dict)
    primary_key_name: str | None = None
    checks: list[tuple[str | None, str]] = field(default_factory=list)
    unique_names: dict[tuple[str, ...], str] = field(default_factory=dict)
    foreign_key_names: dict[tuple[tuple[str, ...], str], str] = field(default_factory=dict)
    """(local columns, referred table lower-cased) -> constraint name."""


def _closing(tokens: list[Token], open_at: int) -> int:
    """Index of the ``)`` matching the ``(`` at ``open_at`` (a group token closes itself)."""
    if tokens[open_at].kind == "group":
        return open_at
    depth = 0
    for i in range(open_at, len(tokens)):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses")


def _split_commas(tokens: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    parts, depth, begin = [], 0, start
    for i in range(start, end):
        text = tokens[i].text
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "," and depth == 0:
            parts.append((begin, i))
            begin = i + 1
    parts.append((begin, end))
    return parts


def _span(sql: str, tokens: list[Token], first: int, last: int) -> str:
    """Source text from token ``first`` to token ``last`` inclusive."""
    return sql[tokens[first].start : tokens[last].end]


def _inner(sql: str, tokens: list[Token], open_at: int) -> tuple[str, int]:
    """Text inside the parentheses opening at ``open_at``, and the index of the closing token."""
    token = tokens[open_at]
    if token.kind == "group":
        return token.text[1:-1].strip(), open_at
    close = _closing(tokens, open_at)
    return _span(sql, tokens, open_at + 1, close - 1), close


def _names_in_parens(tokens: list[Token], open_at: int) -> tuple[tuple[str, ...], int]:
    token = tokens[open_at]
    if token.kind == "group":  # no quotes inside, so names are bare words
        return tuple(part.split()[0] for part in token.text[1:-1].split(",") if part.strip()), open_at
    close = _closing(tokens, open_at)
    names = []
    for begin, end in _split_commas(tokens, open_at + 1, close):
        if begin < end:
            names.append(tokens[begin].identifier)
    return tuple(names), close


def _opens(token: Token) -> bool:
    return token.text[0] == "("


def parse_create_table(sql: str) -> TableDDL:
    tokens = tokenize(sql, groups=True)
    ddl = TableDDL()
    open_at = next((i for i, t in enumerate(tokens) if _opens(t)), None)
    if open_at is not None and tokens[open_at].kind == "group":  # a body with no parentheses inside
        tokens = tokenize(sql)
        open_at = next(i for i, t in enumerate(tokens) if _opens(t))
    if open_at is None or any(t.upper == "AS" for t in tokens[:open_at]):
        return ddl  # CREATE TABLE ... AS SELECT: no declared constraints
    close = _closing(tokens, open_at)
    for begin, end in _split_commas(tokens, open_at + 1, close):
        if begin >= end:
            continue
        if tokens[begin].upper in _TABLE_CONSTRAINT_STARTS:
            _read_table_constraint(sql, tokens, begin, end, ddl)
        else:
            _read_column(sql, tokens, begin, end, ddl)
    return ddl


def _read_table_constraint(sql: str, tokens: list[Token], i: int, end: int, ddl: TableDDL) -> None:
    name = None
    while i < end:
        word = tokens[i].upper
        if word == "CONSTRAINT":
            name = tokens[i + 1].identifier
            i += 2
            continue
        if word == "PRIMARY":
            ddl.primary_key_name = name
        elif word == "UNIQUE":
            paren = _next_paren(tokens, i, end)
            cols, _ = _names_in_parens(tokens, paren)
            if name:
                ddl.unique_names[cols] = name
        elif word == "CHECK":
            ddl.checks.append((name, _inner(sql, tokens, _next_paren(tokens, i, end))[0]))
        elif word == "FOREIGN":
            paren = _next_paren(tokens, i, end)
            cols, close = _names_in_parens(tokens, paren)
            if name and close + 2 < end and tokens[close + 1].upper == "REFERENCES":
                ddl.foreign_key_names[(cols, tokens[close + 2].identifier.lower())] = name
        return


def _next_paren(tokens: list[Token], i: int, end: int) -> int:
    while i < end and not _opens(tokens[i]):
        i += 1
    return i


def _read_column(sql: str, tokens: list[Token], begin: int, end: int, ddl: TableDDL) -> None:
    column = ColumnDDL(tokens[begin].identifier)
    ddl.columns[column.name] = column
    name: str | None = None
    i = begin + 1
    while i < end:
        tok = tokens[i]
        word = tok.upper
        if _opens(tok):
            i = _closing(tokens, i) + 1
            continue
        if word == "CONSTRAINT":
            name = tokens[i + 1].identifier
            i += 2
            continue
        if word == "PRIMARY":
            ddl.primary_key_name = name or ddl.primary_key_name
        elif word == "AUTOINCREMENT":
            column.autoincrement = True
        elif word == "UNIQUE" and name:
            ddl.unique_names[(column.name,)] = name
        elif word == "REFERENCES" and name and i + 1 < end:
            ddl.foreign_key_names[((column.name,), tokens[i + 1].identifier.lower())] = name
        elif word == "CHECK":
            text, close = _inner(sql, tokens, i + 1)
            ddl.checks.append((name, text))
            i = close + 1
            name = None
            continue
        elif word == "AS" and i + 1 < end and _opens(tokens[i + 1]):
            column.generated, close = _inner(sql, tokens, i + 1)
            column.stored = close + 1 < end and tokens[close + 1].upper == "STORED"
            i = close + 1
            continue
        if word in {"PRIMARY", "UNIQUE", "REFERENCES", "NOT", "NULL", "DEFAULT", "COLLATE"}:
            name = None
        i += 1


@dataclass(frozen=True, slots=True)
class IndexDDL:
    elements: tuple[str, ...]
    where: str | None


def parse_create_index(sql: str) -> IndexDDL:
    tokens = tokenize(sql)
    on = next(i for i, t in enumerate(tokens) if t.upper == "ON")
    open_at = _next_paren(tokens, on, len(tokens))
    close = _closing(tokens, open_at)
    elements = []
    for begin, end in _split_commas(tokens, open_at + 1, close):
        last = end - 1
        while last > begin and tokens[last].upper in {"ASC", "DESC"}:
            last -= 1
        elements.append(_span(sql, tokens, begin, last))
    where = None
    if close + 1 < len(tokens) and tokens[close + 1].upper == "WHERE":
        where = sql[tokens[close + 2].start : tokens[-1].end].rstrip(";").strip()
    return IndexDDL(tuple(elements), where)
