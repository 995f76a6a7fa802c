"""Suggested names for new indexes and constraints (editable in every dialog).

The convention is Alembic's documented one: ``ix_<table>_<columns>``,
``uq_<table>_<columns>``, ``ck_<table>_<what>``, ``fk_<table>_<column>_<referred>``,
``pk_<table>``; names longer than the dialect allows are cut and given a short hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from gui_app.core import sqlite_ddl
from gui_app.core.validate import NAME_LIMITS


def _fit(name: str, dialect: str) -> str:
    limit = NAME_LIMITS.get(dialect)
    if limit is None or len(name.encode("utf-8")) <= limit:
        return name
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    cut = name.encode("utf-8")[: limit - 9].decode("utf-8", errors="ignore")
    return f"{cut}_{digest}"


def index_name(table: str, columns: Sequence[str], dialect: str, unique: bool = False) -> str:
    return _fit(f"{'ux' if unique else 'ix'}_{table}_{'_'.join(columns) or 'expr'}", dialect)


def unique_name(table: str, columns: Sequence[str], dialect: str) -> str:
    return _fit(f"uq_{table}_{'_'.join(columns)}", dialect)


def check_name(table: str, what: str, dialect: str) -> str:
    return _fit(f"ck_{table}_{what}", dialect)


def check_name_for(table: str, condition: str, columns: Sequence[str], dialect: str) -> str:
    """``ck_<table>_<the columns the condition mentions>`` (``condition`` when it names none)."""
    known = {c.casefold(): c for c in columns}
    mentioned: dict[str, None] = {}  # in the order the condition names them
    for token in sqlite_ddl.tokenize(condition):
        if token.kind in ("word", "quoted") and token.identifier.casefold() in known:
            mentioned[known[token.identifier.casefold()]] = None
    return check_name(table, "_".join(mentioned) or "condition", dialect)


def foreign_key_name(table: str, columns: Sequence[str], referred: str, dialect: str) -> str:
    return _fit(f"fk_{table}_{'_'.join(columns)}_{referred}", dialect)


def primary_key_name(table: str, dialect: str) -> str:
    return _fit(f"pk_{table}", dialect)
