"""What each operation costs on MySQL 8: the ``ALGORITHM`` and ``LOCK`` the server can run it with.

MySQL has ``INSTANT``, ``INPLACE`` and ``COPY`` (no ``NOCOPY``); the modes read as MariaDB's
(:mod:`gui_app.core.locks_mariadb`). The facts come from the MySQL 8.0 Reference Manual, *Online
DDL Operations* (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html):
``INSTANT`` adds a column from 8.0.12 (at the end; anywhere from 8.0.29), drops one from 8.0.29
and renames one from 8.0.28, and sets or drops a default; extending a ``VARCHAR`` within the same
length-byte size is in place and metadata only; a change of nullability rebuilds the table in
place; a type change, a ``CHECK`` and (with ``foreign_key_checks`` on) a ``FOREIGN KEY`` copy the
table with ``LOCK=SHARED``; secondary indexes are built and dropped in place; renaming a table is
instant. The machines the tests run on have MariaDB, not MySQL: these rules are checked by the
dry run on the user's server (:mod:`gui_app.core.mysql_algorithms`), which shows any step the
server ran otherwise, in red.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic.operations import ops

from gui_app.core import schema as s
from gui_app.core.locks import CATALOG, REWRITE, SCAN, Prediction, TableName
from gui_app.core.locks_mariadb import constraint_kind, predict_with, same_varchar_class


def predict_mysql(op: ops.MigrateOperation, before: s.Schema, version: tuple[int, ...],
                  existed: Iterable[TableName] | None = None) -> Prediction:
    return predict_with(_predict, op, before, version, existed)


def _predict(op: ops.MigrateOperation, table: s.Table | None, version: tuple[int, ...]) \
        -> tuple[str, str, str, str | None] | None:
    if isinstance(op, ops.DropTableOp):
        return ("INSTANT/EXCLUSIVE", CATALOG, "DROP TABLE takes no ALGORITHM: the table is removed under an "
                "exclusive metadata lock, after every open transaction on it ends", None)
    if isinstance(op, ops.RenameTableOp):
        return "INSTANT/NONE", CATALOG, "a rename changes metadata only", None
    if isinstance(op, ops.AddColumnOp):
        column = op.column
        if column.computed is not None and column.computed.persisted is not False:
            return "COPY/SHARED", REWRITE, "a stored generated column is computed for every row", None
        if column.autoincrement is True:
            return "INPLACE/SHARED", REWRITE, "an auto-increment column rebuilds the table; writes wait", None
        if column.foreign_keys:
            return "COPY/SHARED", REWRITE, "its foreign key copies the table while every row is checked", None
        if version >= (8, 0, 12):
            return "INSTANT/NONE", CATALOG, "a new column is metadata only (8.0.12+)", None
        return "INPLACE/NONE", REWRITE, "before 8.0.12 a new column rebuilds the table", None
    if isinstance(op, ops.DropColumnOp):
        if version >= (8, 0, 29):
            return "INSTANT/NONE", CATALOG, "a dropped column is hidden in metadata (8.0.29+)", None
        return "INPLACE/NONE", REWRITE, "before 8.0.29 a dropped column rebuilds the table", None
    if isinstance(op, ops.AlterColumnOp):
        return _alter_column(op, table, version)
    if isinstance(op, ops.CreateIndexOp | ops.CreateUniqueConstraintOp):
        return "INPLACE/NONE", SCAN, "the index is built from every row; reads and writes go on", None
    if isinstance(op, ops.DropIndexOp):
        return "INPLACE/NONE", CATALOG, "the index is dropped from metadata", None
    if isinstance(op, ops.CreatePrimaryKeyOp):
        return "INPLACE/NONE", REWRITE, "the table is rebuilt in its new primary key order", None
    if isinstance(op, ops.CreateCheckConstraintOp):
        return "COPY/SHARED", REWRITE, "the table is copied while every row is checked; writes wait", None
    if isinstance(op, ops.CreateForeignKeyOp):
        return ("COPY/SHARED", REWRITE, "with foreign_key_checks on, the table is copied while every row is "
                "checked; writes wait", "SET foreign_key_checks = 0 for the statement (INPLACE, LOCK=NONE, rows "
                "not checked)")
    if isinstance(op, ops.DropConstraintOp):
        if constraint_kind(op, table) == "primary":
            return "COPY/SHARED", REWRITE, "without its primary key the table is copied", None
        return "INPLACE/NONE", CATALOG, "the constraint is dropped from metadata", None
    if isinstance(op, ops.CreateTableCommentOp | ops.DropTableCommentOp):
        return "INPLACE/NONE", CATALOG, "a comment is metadata only", None
    return None


def _alter_column(op: ops.AlterColumnOp, table: s.Table | None, version: tuple[int, ...]) \
        -> tuple[str, str, str, str | None]:
    column = next((c for c in (table.columns if table else ()) if c.name == op.column_name), None)
    if op.modify_type is not None:
        old = op.existing_type if op.existing_type is not None else (column.sa_type if column else None)
        if not same_varchar_class(old, op.modify_type):
            return "COPY/SHARED", REWRITE, "the type change copies the table; writes wait", None
    if op.modify_nullable is not None:
        return "INPLACE/NONE", REWRITE, "a change of NULL / NOT NULL rebuilds the table in place", None
    if op.modify_type is not None:
        return "INPLACE/NONE", CATALOG, "VARCHAR extended within the same length bytes: metadata only", None
    if op.modify_name is not None and version < (8, 0, 28):
        return "INPLACE/NONE", CATALOG, "before 8.0.28 a rename runs in place, metadata only", None
    if op.modify_comment is not False and op.modify_name is None and op.modify_server_default is False:
        return "INPLACE/NONE", CATALOG, "a comment is metadata only", None
    return "INSTANT/NONE", CATALOG, "a rename or default is metadata only", None
