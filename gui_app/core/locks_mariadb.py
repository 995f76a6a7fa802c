"""What each operation costs on MariaDB: the ``ALGORITHM`` and ``LOCK`` the server can run it with.

A mode is ``ALGORITHM/LOCK``: ``INSTANT`` and ``NOCOPY`` change metadata (``NOCOPY`` may build an
index), ``INPLACE`` works inside InnoDB (rebuilding the table or only building an index) and
``COPY`` copies every row into a new table; ``LOCK=NONE`` lets reads and writes go on,
``SHARED`` blocks writes, ``EXCLUSIVE`` blocks both. Every form also takes an exclusive metadata
lock briefly at its start and end, so it waits for open transactions on the table.

The facts come from the MariaDB Knowledge Base, *InnoDB Online DDL Operations with the INSTANT,
NOCOPY, INPLACE and COPY Alter Algorithms* (https://mariadb.com/kb/en/innodb-online-ddl-overview/):
``ADD COLUMN`` is instant from 10.3.2 and at any position from 10.4; ``DROP COLUMN``, renames and
``VARCHAR`` extension within the same length-byte size are instant from 10.4; a change of
nullability rebuilds the table in place; other type changes, ``CHECK`` and (with
``foreign_key_checks`` on) ``FOREIGN KEY`` copy the table with ``LOCK=SHARED``. Each rule is
checked against the server in the tests, by asking it to run the statement with each algorithm
in turn, cheapest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from alembic.operations import ops

from gui_app.core import schema as s
from gui_app.core.locks import CATALOG, REWRITE, SCAN, Prediction, TableName
from gui_app.core.op_facts import table_of

_BYTES_PER_CHARACTER = (1, 4)
"""The narrowest and widest character sets a column may use (latin1 .. utf8mb4): a VARCHAR's
length bytes (1 up to 255 bytes, else 2) are known only within these bounds."""


Rules = Callable[[ops.MigrateOperation, "s.Table | None", tuple[int, ...]], "tuple[str, str, str, str | None] | None"]
"""One server's rules: (``ALGORITHM/LOCK``, cost, why, alternative) for an operation on a table."""


def predict_mariadb(op: ops.MigrateOperation, before: s.Schema, version: tuple[int, ...],
                    existed: Iterable[TableName] | None = None) -> Prediction:
    return predict_with(_predict, op, before, version, existed)


def predict_with(rules: Rules, op: ops.MigrateOperation, before: s.Schema, version: tuple[int, ...],
                 existed: Iterable[TableName] | None = None) -> Prediction:
    """A prediction from ``rules`` (MariaDB's here, MySQL's in :mod:`gui_app.core.locks_mysql`):
    a table the plan creates blocks nobody; a copy offers the online copy tools."""
    visible = set(existed) if existed is not None else {(t.schema, t.name) for t in before.tables}
    target = table_of(op)
    table = before.find_table(target[1], target[0]) if target else None
    here = (table.schema, table.name) if table else target
    if here is None or here not in visible:
        return Prediction((), None if here is None else CATALOG,
                          why="a table the plan creates: nobody else can wait on it" if here else
                          "custom SQL or code: what it locks cannot be told before it runs")
    found = rules(op, table, version)
    if found is None:
        return Prediction((), None, why="custom SQL or code: what it locks cannot be told before it runs")
    mode, cost, why, alternative = found
    if mode.startswith("COPY/") and table is not None and alternative is None:
        alternative = online_copy(op, table, before)
    return Prediction(((here, mode),), cost, rewrites=(here,) if cost == REWRITE else (),
                      scans=(here,) if cost == SCAN else (), why=why, alternative=alternative)


def _predict(op: ops.MigrateOperation, table: s.Table | None, version: tuple[int, ...]) \
        -> tuple[str, str, str, str | None] | None:
    modern = version >= (10, 4)
    if isinstance(op, ops.DropTableOp):
        return ("INSTANT/EXCLUSIVE", CATALOG, "DROP TABLE takes no ALGORITHM: the table is removed under an "
                "exclusive metadata lock, after every open transaction on it ends", None)
    if isinstance(op, ops.RenameTableOp):
        return "NOCOPY/EXCLUSIVE", CATALOG, "a rename changes metadata only, under an exclusive lock", None
    if isinstance(op, ops.AddColumnOp):
        if op.column.computed is not None and op.column.computed.persisted is not False:
            return "COPY/SHARED", REWRITE, "a stored generated column is computed for every row", None
        if version >= (10, 3, 2):
            return "INSTANT/NONE", CATALOG, "a new column is metadata only (10.3.2+)", None
        return "INPLACE/NONE", REWRITE, "before 10.3.2 a new column rebuilds the table", None
    if isinstance(op, ops.DropColumnOp):
        if modern:
            return "INSTANT/NONE", CATALOG, "a dropped column is hidden in metadata (10.4+)", None
        return "INPLACE/NONE", REWRITE, "before 10.4 a dropped column rebuilds the table", None
    if isinstance(op, ops.AlterColumnOp):
        return _alter_column(op, table, modern)
    if isinstance(op, ops.CreateIndexOp):
        return "NOCOPY/NONE", SCAN, "the index is built from every row; reads and writes go on", None
    if isinstance(op, ops.DropIndexOp):
        return "NOCOPY/NONE", CATALOG, "the index is dropped from metadata", None
    if isinstance(op, ops.CreateUniqueConstraintOp):
        return "NOCOPY/NONE", SCAN, "its unique index is built from every row; reads and writes go on", None
    if isinstance(op, ops.CreatePrimaryKeyOp):
        return "INPLACE/NONE", REWRITE, "the table is rebuilt in its new primary key order", None
    if isinstance(op, ops.CreateCheckConstraintOp):
        return "COPY/SHARED", REWRITE, "the table is copied while every row is checked; writes wait", None
    if isinstance(op, ops.CreateForeignKeyOp):
        return ("COPY/SHARED", REWRITE, "with foreign_key_checks on, the table is copied while every row is "
                "checked; writes wait", "SET foreign_key_checks = 0 for the statement (INPLACE, LOCK=NONE, rows "
                "not checked), or pt-online-schema-change / gh-ost")
    if isinstance(op, ops.DropConstraintOp):
        kind = constraint_kind(op, table)
        if kind == "foreignkey":
            return "INSTANT/NONE", CATALOG, "a foreign key is dropped from metadata", None
        if kind == "primary":
            return "COPY/SHARED", REWRITE, "without its primary key the table is copied", None
        return "NOCOPY/NONE", CATALOG, "the constraint is dropped from metadata", None
    if isinstance(op, ops.CreateTableCommentOp | ops.DropTableCommentOp):
        return "INSTANT/NONE", CATALOG, "a comment is metadata only", None
    return None


def _alter_column(op: ops.AlterColumnOp, table: s.Table | None, modern: bool) -> tuple[str, str, str, str | None]:
    column = next((c for c in (table.columns if table else ()) if c.name == op.column_name), None)
    if op.modify_type is not None:
        old = op.existing_type if op.existing_type is not None else (column.sa_type if column else None)
        if not (modern and same_varchar_class(old, op.modify_type)):
            return "COPY/SHARED", REWRITE, "the type change copies the table; writes wait", None
    if op.modify_nullable is not None:
        return "INPLACE/NONE", REWRITE, "a change of NULL / NOT NULL rebuilds the table in place", None
    if op.modify_type is not None:
        return "INSTANT/NONE", CATALOG, "VARCHAR extended within the same length bytes (10.4+)", None
    if op.modify_name is not None and not modern:
        return "INPLACE/NONE", CATALOG, "before 10.4 a rename runs in place", None
    return "INSTANT/NONE", CATALOG, "a rename, default or comment is metadata only", None


def same_varchar_class(old: object, new: object) -> bool:
    """A VARCHAR lengthened without changing the size of its length prefix, for any character set."""
    if not (type(old) is type(new) and isinstance(old, sa.String) and isinstance(new, sa.String)):
        return False
    if isinstance(old, sa.Text | sa.CHAR | sa.Enum) or old.length is None or new.length is None:
        return False
    if new.length < old.length or getattr(old, "collation", None) != getattr(new, "collation", None):
        return False
    narrow, wide = _BYTES_PER_CHARACTER
    both_short = new.length * wide <= 255
    both_long = old.length * narrow > 255
    return both_short or both_long


def constraint_kind(op: ops.DropConstraintOp, table: s.Table | None) -> str | None:
    if op.constraint_type:
        return op.constraint_type
    if table is None:
        return None
    if any(fk.name == op.constraint_name for fk in table.foreign_keys):
        return "foreignkey"
    if table.primary_key is not None and table.primary_key.name == op.constraint_name:
        return "primary"
    return None


def online_copy(op: ops.MigrateOperation, table: s.Table, before: s.Schema) -> str | None:
    """The same change made by an online copy tool, which copies the rows in small chunks while
    writes go on (triggers or the binary log carry them over) and swaps the tables at the end:
    Percona's ``pt-online-schema-change`` (https://docs.percona.com/percona-toolkit/pt-online-schema-change.html)
    and GitHub's ``gh-ost`` (https://github.com/github/gh-ost), neither part of this app."""
    import shlex

    from gui_app.core.render import render_sql

    statements = [s.strip() for s in render_sql([op], "mysql", None).split(";") if s.strip()]
    if len(statements) != 1:
        return None
    match = re.match(r"ALTER TABLE (`[^`]+`|\S+) (.*)$", statements[0], re.DOTALL)
    if match is None:
        return None
    body = " ".join(match.group(2).split())
    database = table.schema or before.default_schema or "DATABASE"
    children = [t.name for t in before.tables for fk in t.foreign_keys if fk.referred_table == table.name
                and t.name != table.name]
    pt_osc = (f"pt-online-schema-change --alter {shlex.quote(body)} D={database},t={table.name}"
              + (" --alter-foreign-keys-method=auto" if children else "") + " --execute")
    if table.foreign_keys or children:
        gh_ost = "gh-ost cannot: the table has foreign keys"
    else:
        gh_ost = (f"gh-ost --database={database} --table={table.name} --alter={shlex.quote(body)} "
                  "--allow-on-master --execute")
    return f"an online copy tool, writes going on (needs a primary key or unique key): {pt_osc}; or {gh_ost}"
