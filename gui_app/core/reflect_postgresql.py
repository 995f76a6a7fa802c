"""PostgreSQL facts beyond the inspector's tables, read once for every schema.

``format_type`` gives each column's type as the server spells it, which keeps
extension types (``cube``) that SQLAlchemy reflects as ``NullType``.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.exc import SAWarning

from gui_app.core.schema import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExclusionConstraint,
    Namespace,
    Routine,
    Sequence,
    Table,
    Trigger,
    View,
)

_USER_RELATIONS = """
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
      AND n.nspname NOT LIKE 'pg\\_temp%'
"""

_TYPE_NAMES = text(f"""
    SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), c.relkind
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid {_USER_RELATIONS}
      AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY n.nspname, c.relname, a.attnum
""")

_RELATIONS = text(f"""
    SELECT n.nspname, c.relname, c.relkind, c.relispartition,
           CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS definition,
           (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
            WHERE i.inhrelid = c.oid AND c.relispartition) AS parent,
           CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
           CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound
    FROM pg_class c {_USER_RELATIONS}
      AND (c.relkind IN ('v', 'm', 'p') OR (c.relkind = 'r' AND c.relispartition))
""")


# The value past every one handed out or cached (NULL before the first ``nextval``, or without the
# right to read it), as ``pg_sequences`` computes it.
_SEQUENCES = text(f"""
    SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS data_type, s.seqstart, s.seqincrement,
           s.seqmin, s.seqmax, s.seqcache, s.seqcycle, d.deptype, t.relname AS owner_table,
           a.attname AS owner_column,
           CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid) END
             AS last_value
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class t ON t.oid = d.refobjid
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid {_USER_RELATIONS}
""")

# Functions and procedures of the user's own: an extension's belong to the extension (and an
# aggregate or a window function has no CREATE FUNCTION text to edit).
_ROUTINES = text("""
    SELECT n.nspname, p.proname, CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
           pg_get_function_identity_arguments(p.oid) AS arguments, pg_get_functiondef(p.oid) AS definition,
           pg_get_function_result(p.oid) AS returns
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND p.prokind IN ('f', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                      AND d.deptype = 'e')
    ORDER BY 1, 2, 4
""")

# The user's triggers: not those PostgreSQL makes for foreign keys, nor a partition's copy of its
# parent's (it belongs to the parent, from PostgreSQL 13 on, when tgparentid came).
_TRIGGERS = """
    SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) AS definition, t.tgenabled
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND n.nspname NOT IN ('pg_catalog', 'information_schema') {children}
    ORDER BY 1, 2, 3
"""

_DOMAIN_TYPES = text("""
    SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod) AS base
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd'
""")

_VIEW_USES = text("""
    SELECT vn.nspname AS view_schema, v.relname AS view_name, un.nspname AS used_schema,
           u.relname AS used_name, a.attname AS used_column
    FROM pg_rewrite r
    JOIN pg_class v ON v.oid = r.ev_class AND v.relkind IN ('v', 'm')
    JOIN pg_namespace vn ON vn.oid = v.relnamespace
    JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
      AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
    JOIN pg_class u ON u.oid = d.refobjid
    JOIN pg_namespace un ON un.oid = u.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = u.oid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
    WHERE vn.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2, 3, 4, 5
""")
"""What each view reads: the relations (views too) and their columns, from the view's rewrite rule."""


_EXCLUSIONS = text(f"""
    SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid {_USER_RELATIONS}
      AND con.contype = 'x'
    ORDER BY con.conname
""")


@dataclass
class PostgresExtras:
    type_names: dict[tuple[str, str, str], str] = field(default_factory=dict)
    parents: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    """Partition -> (its parent, its bounds)."""
    partition_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    exclusions: defaultdict[tuple[str, str], list[ExclusionConstraint]] = field(
        default_factory=lambda: defaultdict(list))
    views: defaultdict[str, list[View]] = field(default_factory=lambda: defaultdict(list))
    sequences: defaultdict[str, list[Sequence]] = field(default_factory=lambda: defaultdict(list))
    enums: defaultdict[str, list[EnumType]] = field(default_factory=lambda: defaultdict(list))
    domains: defaultdict[str, list[Domain]] = field(default_factory=lambda: defaultdict(list))
    routines: defaultdict[str, list[Routine]] = field(default_factory=lambda: defaultdict(list))
    triggers: defaultdict[tuple[str, str], list[Trigger]] = field(default_factory=lambda: defaultdict(list))

    def namespace(self, name: str, is_default: bool, schema: str | None,
                  tables: tuple[Table, ...]) -> Namespace:
        def placed(table: Table) -> Table:
            key = (name, table.name)
            parent, bound = self.parents.get(key, (None, None))
            partition_key = self.partition_keys.get(key)
            exclusions = tuple(self.exclusions.get(key, ()))
            triggers = tuple(self.triggers.get(key, ()))
            if parent is None and partition_key is None and not exclusions and not triggers:
                return table
            return dataclasses.replace(table, partition_of=parent, partition_bound=bound,
                                       partition_key=partition_key, exclusions=exclusions, triggers=triggers)

        def owned(items: list[Any]) -> tuple[Any, ...]:
            return tuple(sorted((dataclasses.replace(i, schema=schema) for i in items), key=lambda i: i.name))

        return Namespace(
            name=name,
            is_default=is_default,
            tables=tuple(placed(t) for t in tables),
            views=owned(self.views[name]),
            enums=owned(self.enums[name]),
            domains=owned(self.domains[name]),
            sequences=owned(self.sequences[name]),
            routines=tuple(sorted((dataclasses.replace(r, schema=schema) for r in self.routines[name]),
                                  key=lambda r: (r.name, r.arguments))),
        )


def read_extras(conn: Connection, insp: Inspector, tables_only: bool = False) -> PostgresExtras:
    """What SQLAlchemy's inspector does not read; ``tables_only``: what tables hold (column types,
    partitions, triggers, exclusions), without views, routines, sequences and types."""
    extras = PostgresExtras()
    view_columns: defaultdict[tuple[str, str], list[Column]] = defaultdict(list)
    for nsp, rel, att, type_name, relkind in conn.execute(_TYPE_NAMES):
        if relkind in ("v", "m"):
            view_columns[(nsp, rel)].append(Column(att, type_name))
        else:
            extras.type_names[(nsp, rel, att)] = type_name
    uses: defaultdict[tuple[str, str], list[tuple[str, str, str | None]]] = defaultdict(list)
    for row in () if tables_only else conn.execute(_VIEW_USES):
        used = (row.used_schema, row.used_name, row.used_column)
        if used not in uses[(row.view_schema, row.view_name)]:
            uses[(row.view_schema, row.view_name)].append(used)
    for row in conn.execute(_RELATIONS):
        if row.relkind in ("v", "m") and not tables_only:
            extras.views[row.nspname].append(View(row.relname, row.nspname, row.definition, row.relkind == "m",
                                                  tuple(view_columns[(row.nspname, row.relname)]),
                                                  tuple(uses[(row.nspname, row.relname)])))
        if row.relkind == "p":
            extras.partition_keys[(row.nspname, row.relname)] = row.partition_key
        if row.parent is not None:
            extras.parents[(row.nspname, row.relname)] = (row.parent, row.partition_bound)
    children = "AND t.tgparentid = 0" if (conn.dialect.server_version_info or (0,)) >= (13,) else ""
    for row in conn.execute(text(_TRIGGERS.format(children=children))):
        extras.triggers[(row.nspname, row.relname)].append(Trigger(row.tgname, row.definition, row.tgenabled != "D"))
    for row in conn.execute(_EXCLUSIONS):
        extras.exclusions[(row.nspname, row.relname)].append(ExclusionConstraint(row.conname, row.definition))
    if tables_only:
        return extras
    for row in conn.execute(_ROUTINES):
        extras.routines[row.nspname].append(Routine(row.proname, row.nspname, row.kind, row.arguments,
                                                    row.definition, row.returns))
    for row in conn.execute(_SEQUENCES):
        owner = (row.owner_table, row.owner_column) if row.owner_column is not None else None
        following = row.last_value + row.seqincrement if row.last_value is not None else row.seqstart
        extras.sequences[row.nspname].append(Sequence(
            row.relname, row.nspname, row.data_type, row.seqstart, row.seqincrement, row.seqmin, row.seqmax,
            row.seqcache, row.seqcycle, owner, row.deptype == "i", following))
    for enum in insp.get_enums(schema="*"):  # type: ignore[attr-defined]
        extras.enums[enum["schema"]].append(EnumType(enum["name"], enum["schema"], tuple(enum["labels"])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        domains = insp.get_domains(schema="*")  # type: ignore[attr-defined]
    # The base type as the server spells it: SQLAlchemy's drops a numeric's precision and scale.
    base_types = {(row.nspname, row.typname): row.base for row in conn.execute(_DOMAIN_TYPES)} if domains else {}
    for dom in domains:
        checks = tuple(CheckConstraint(c["name"], c["check"]) for c in dom.get("constraints") or ())
        type_name = base_types.get((dom["schema"], dom["name"]), str(dom["type"]))
        extras.domains[dom["schema"]].append(
            Domain(dom["name"], dom["schema"], type_name, bool(dom["nullable"]), dom.get("default"), checks))
    return extras
