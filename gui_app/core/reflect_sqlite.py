"""SQLite reflection that reads the catalog once.

SQLAlchemy's SQLite inspector re-reads ``sqlite_master`` for every table, so
its cost grows with the square of the table count. Here one query reads
``sqlite_master`` and one query per PRAGMA kind joins it with the
table-valued PRAGMA functions for all tables at once; what only the CREATE
text holds comes from :mod:`sqlite_ddl`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.sqlite.base import SQLiteDialect

from gui_app.core import sqlite_ddl
from gui_app.core.progress import Steps
from gui_app.core.schema import (
    CheckConstraint,
    Column,
    Computed,
    ForeignKey,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Table,
    Trigger,
    UniqueConstraint,
    View,
)

UNSUPPORTED = frozenset({"comments", "enums", "domains", "sequences", "index_method", "identity", "routines"})

_TABLES = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
           "AND (:everything OR name IN (SELECT value FROM json_each(:only)))")
_COLUMNS = (
    'SELECT m.name AS table_name, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden '
    f"FROM ({_TABLES}) m JOIN pragma_table_xinfo(m.name) p"
)
_VIEW_COLUMNS = (
    "SELECT m.name AS view_name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p "
    "WHERE m.type = 'view' ORDER BY m.name, p.cid"
)
_ONE_VIEW_COLUMNS = "SELECT :view AS view_name, name, type FROM pragma_table_info(:view) ORDER BY cid"
_FOREIGN_KEYS = (
    'SELECT m.name AS table_name, p.id, p.seq, p."table", p."from" AS from_column, p."to", '
    f"p.on_update, p.on_delete FROM ({_TABLES}) m JOIN pragma_foreign_key_list(m.name) p"
)
_INDEXES = (
    'SELECT m.name AS table_name, p.name, p."unique", p.origin, p.partial '
    f"FROM ({_TABLES}) m JOIN pragma_index_list(m.name) p"
)
_INDEX_COLUMNS = (
    'SELECT i.name AS index_name, x.seqno, x.cid, x.name, x."desc" '
    f"FROM ({_TABLES}) m JOIN pragma_index_list(m.name) i "
    "JOIN pragma_index_xinfo(i.name) x WHERE x.key = 1"
)


@lru_cache(maxsize=512)
def _sa_type(declared: str) -> Any:
    # Upper case, as SQLAlchemy reflects it: the lookup is case-sensitive, and `varchar(40)`
    # would otherwise fall through to NUMERIC affinity (a rebuild would then convert its text).
    return SQLiteDialect()._resolve_type_affinity(declared.upper())  # type: ignore[no-untyped-call]


def reflect_sqlite(conn: Connection, steps: Steps, only: set[tuple[str | None, str]] | None = None) -> Schema:
    # Plain DBAPI rows: SQLAlchemy's Row objects cost more than the PRAGMAs themselves here.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.row_factory = sqlite3.Row

    wanted = {"everything": only is None, "only": json.dumps(sorted(n for _s, n in only or ()))}

    def run(sql: str) -> list[Any]:
        rows: list[Any] = cursor.execute(sql, wanted if ":only" in sql else ()).fetchall()
        return rows

    steps.advance("Reading the catalog")
    master = run("SELECT type, name, tbl_name, sql FROM sqlite_master")
    steps.advance("Reading columns and keys")
    columns = _group(run(_COLUMNS))
    foreign_keys = _group(run(_FOREIGN_KEYS))
    indexes = _group(run(_INDEXES))
    index_columns = _group(run(_INDEX_COLUMNS))
    view_columns: defaultdict[str, list[Column]] = defaultdict(list)
    try:
        view_rows = run(_VIEW_COLUMNS)
    except sqlite3.Error:  # a view over a table that is gone cannot be read: the others one by one
        view_rows = []
        for name in (r["name"] for r in master if r["type"] == "view"):
            with contextlib.suppress(sqlite3.Error):  # that one is listed without columns
                view_rows.extend(cursor.execute(_ONE_VIEW_COLUMNS, {"view": name}).fetchall())
    for row in view_rows:
        view_columns[row["view_name"]].append(Column(row["name"], (row["type"] or "").upper()))
    cursor.close()
    steps.advance("Building tables")
    sql_of = {(r["type"], r["name"]): r["sql"] for r in master}
    triggers: defaultdict[str, list[Trigger]] = defaultdict(list)
    for row in master:
        if row["type"] == "trigger":
            triggers[row["tbl_name"]].append(Trigger(row["name"], row["sql"] or ""))
    tables = []
    for row in master:
        name = row["name"]
        if row["type"] != "table" or name.startswith("sqlite_") or (only is not None and (None, name) not in only):
            continue
        steps.check()
        tables.append(_table(name, row["sql"] or "", columns[name], foreign_keys[name], indexes[name],
                             index_columns, sql_of, columns, tuple(sorted(triggers[name], key=lambda t: t.name))))
    views = tuple(View(r["name"], None, _view_select(r["sql"] or ""), columns=tuple(view_columns[r["name"]]))
                  for r in master if r["type"] == "view")
    namespace = Namespace("main", tuple(sorted(tables, key=lambda t: t.name)),
                          tuple(sorted(views, key=lambda v: v.name)))
    return Schema("sqlite", sqlite3.sqlite_version, "main", (namespace,), UNSUPPORTED)


def _group(rows: Iterable[Any]) -> defaultdict[str, list[Any]]:
    grouped: defaultdict[str, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def _table(name: str, sql: str, cols: list[Any], fks: list[Any], idx: list[Any],
           index_columns: dict[str, list[Any]], sql_of: dict[tuple[str, str], str],
           all_columns: dict[str, list[Any]], triggers: tuple[Trigger, ...]) -> Table:
    ddl = sqlite_ddl.parse_create_table(sql)
    pk_cols = tuple(c["name"] for c in sorted((c for c in cols if c["pk"]), key=lambda c: c["pk"]))
    rowid_alias = len(pk_cols) == 1 and any(
        c["name"] == pk_cols[0] and c["type"].upper() == "INTEGER" for c in cols)
    columns = tuple(_column(c, ddl, rowid_alias and c["name"] == pk_cols[0]) for c in cols if c["hidden"] != 1)
    uniques, table_indexes = [], []
    for row in idx:
        members = index_columns.get(row["name"], [])
        names = tuple(m["name"] for m in members)
        if row["origin"] == "u":
            uniques.append(UniqueConstraint(ddl.unique_names.get(names), names))
        elif row["origin"] == "c":
            flags = tuple(m["cid"] == -2 for m in members)
            elements, where = names, None
            if row["partial"] or any(flags):  # only then does the CREATE INDEX text add anything
                parsed = sqlite_ddl.parse_create_index(sql_of.get(("index", row["name"])) or "")
                elements = tuple(text if expr else m["name"]
                                 for text, expr, m in zip(parsed.elements, flags, members, strict=False))
                where = parsed.where
            sorting = tuple("DESC" if m["desc"] else "" for m in members)
            table_indexes.append(Index(row["name"], elements, bool(row["unique"]), flags, where,
                                       sorting=sorting if any(sorting) else ()))
    return Table(
        name=name,
        schema=None,
        definition=sql,
        columns=columns,
        primary_key=PrimaryKey(ddl.primary_key_name, pk_cols) if pk_cols else None,
        foreign_keys=_foreign_keys(fks, ddl, all_columns),
        indexes=tuple(sorted(table_indexes, key=lambda i: i.name or "")),
        unique_constraints=tuple(uniques[::-1]),
        check_constraints=tuple(CheckConstraint(n, text) for n, text in ddl.checks),
        triggers=triggers,
    )


def _column(row: Any, ddl: sqlite_ddl.TableDDL, rowid_alias: bool) -> Column:
    name, hidden = row["name"], row["hidden"]
    parsed = ddl.columns.get(name)
    computed = None
    if hidden in (2, 3) and parsed is not None and parsed.generated is not None:
        computed = Computed(parsed.generated, hidden == 3)
    return Column(
        name=name,
        type_name=row["type"],
        nullable=not row["notnull"],
        default=row["dflt_value"],
        autoincrement=rowid_alias or bool(parsed and parsed.autoincrement),
        computed=computed,
        sa_type=_sa_type(row["type"]),
    )


def _foreign_keys(rows: list[Any], ddl: sqlite_ddl.TableDDL,
                  all_columns: dict[str, list[Any]]) -> tuple[ForeignKey, ...]:
    by_id: defaultdict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_id[row["id"]].append(row)
    result = []
    for fk_id in sorted(by_id, reverse=True):  # the PRAGMA lists them last-declared first
        parts = sorted(by_id[fk_id], key=lambda r: r["seq"])
        first = parts[0]
        referred_table = first["table"]
        local = tuple(p["from_column"] for p in parts)
        referred = tuple(p["to"] for p in parts)
        if any(r is None for r in referred):  # REFERENCES t without columns: t's primary key
            target = sorted((c for c in all_columns.get(referred_table, []) if c["pk"]), key=lambda c: c["pk"])
            referred = tuple(c["name"] for c in target)
        result.append(ForeignKey(
            name=ddl.foreign_key_names.get((local, referred_table.lower())),
            columns=local,
            referred_schema=None,
            referred_table=referred_table,
            referred_columns=referred,
            on_delete=_rule(first["on_delete"]),
            on_update=_rule(first["on_update"]),
        ))
    return tuple(result)


def _rule(value: str | None) -> str | None:
    return None if value in (None, "NO ACTION") else value


def _view_select(sql: str) -> str:
    tokens = sqlite_ddl.tokenize(sql)
    for token in tokens:
        if token.upper == "AS":
            return sql[token.end:].strip().rstrip(";")
    return sql
