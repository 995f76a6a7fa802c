"""SQLite triggers through table rebuilds and renames.

Rebuilding a table drops the old copy and its triggers with it, so they are created
again on the new table. Renaming a table or a column makes SQLite rewrite every
trigger body that names it; the projection follows by letting SQLite do the same
rename on an in-memory schema of the same shape.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from gui_app.core import sqlite_ddl
from gui_app.core.schema import Schema, Table, Trigger


def _stub(table: Table) -> str:
    """A table with the same name and column names: all a rename needs to resolve names."""
    columns = ", ".join(sqlite_ddl.quoted(c.name) for c in table.columns)
    return f"CREATE TABLE {sqlite_ddl.quoted(table.name)} ({columns})"


def after_rename(schema: Schema, statement: str) -> dict[str, tuple[Trigger, ...]]:
    """Each table's triggers (by table name) as they read after ``statement``, a RENAME of a
    table or column in the default namespace; empty when no trigger is there or SQLite could
    not follow the rename here (the texts then stay as they were)."""
    namespace = next((ns for ns in schema.namespaces if ns.is_default), None)
    if namespace is None or not any(t.triggers for t in namespace.tables):
        return {}
    conn = sqlite3.connect(":memory:")
    try:
        for table in namespace.tables:
            conn.execute(_stub(table))
        for view in namespace.views:  # trigger bodies may read views
            if view.definition:
                conn.execute(f"CREATE VIEW {sqlite_ddl.quoted(view.name)} AS {view.definition}")
        for table in namespace.tables:
            for trigger in table.triggers:
                conn.execute(trigger.definition)
        conn.execute("PRAGMA legacy_alter_table = OFF")
        conn.execute(statement)
        rows = conn.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    result: dict[str, list[Trigger]] = {}
    for table_name, name, sql in rows:
        result.setdefault(table_name, []).append(Trigger(name, sql))
    return {name: tuple(sorted(found, key=lambda t: t.name)) for name, found in result.items()}


def with_triggers(schema: Schema, triggers: dict[str, tuple[Trigger, ...]]) -> Schema:
    """``schema`` with the default namespace's tables carrying ``triggers`` (from :func:`after_rename`)."""
    if not triggers:
        return schema
    namespaces = []
    for ns in schema.namespaces:
        if ns.is_default:
            ns = dataclasses.replace(ns, tables=tuple(
                dataclasses.replace(t, triggers=triggers.get(t.name, ())) if t.triggers or t.name in triggers
                else t for t in ns.tables))
        namespaces.append(ns)
    return dataclasses.replace(schema, namespaces=tuple(namespaces))
