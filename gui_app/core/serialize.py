"""Schema snapshot -> plain data (for ``inspect --json``) and readable text."""

from __future__ import annotations

import dataclasses
from typing import Any

from gui_app.core.schema import Column, Namespace, Schema, Sequence, Table

_SKIPPED = {"sa_type"}


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...] | None:
    if cls not in _FIELDS:
        is_dc = dataclasses.is_dataclass(cls)
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _SKIPPED) if is_dc else ()
    return _FIELDS[cls] or None


def to_data(obj: Any) -> Any:
    """Dataclasses to dicts, tuples to lists; SQLAlchemy type objects are left out."""
    cls = type(obj)
    if cls is str or obj is None or cls is bool or cls is int:
        return obj
    if cls is tuple or cls is list:
        return [to_data(o) for o in obj]
    if cls is frozenset:
        return sorted(obj)
    names = _fields_of(cls)
    if names is not None:
        return {name: to_data(getattr(obj, name)) for name in names}
    return obj


def column_flags(table: Table, column: Column) -> list[str]:
    flags = []
    if column.name in table.primary_key_columns:
        flags.append("PK")
    if column.name in table.foreign_key_columns:
        flags.append("FK")
    if not column.nullable:
        flags.append("NOT NULL")
    if column.identity is not None:
        flags.append("IDENTITY ALWAYS" if column.identity.always else "IDENTITY")
    elif column.autoincrement:
        flags.append("AUTOINCREMENT")
    if column.computed is not None:
        flags.append(f"GENERATED ({column.computed.sqltext})")
    if column.default is not None:
        flags.append(f"DEFAULT {column.default}")
    return flags


def to_text(schema: Schema) -> str:
    lines = [f"{schema.dialect} {schema.server_version}"]
    for ns in schema.namespaces:
        lines.extend(_namespace_lines(ns))
    return "\n".join(lines) + "\n"


def _namespace_lines(ns: Namespace) -> list[str]:
    lines = [f"schema {ns.name}" + (" (default)" if ns.is_default else "")]
    for table in ns.tables:
        header = f"  table {table.name}"
        if table.partition_of:
            header += f" (partition of {table.partition_of}" + (f" {table.partition_bound})" if table.partition_bound
                                                                else ")")
        if table.partition_key:
            header += f" partitioned by {table.partition_key}"
        if table.comment:
            header += f"  -- {table.comment}"
        lines.append(header)
        for col in table.columns:
            flags = " ".join(column_flags(table, col))
            lines.append(f"    {col.name} {col.type_name}" + (f" {flags}" if flags else ""))
        for fk in table.foreign_keys:
            rule = f" ON DELETE {fk.on_delete}" if fk.on_delete else ""
            target = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
            lines.append(f"    foreign key {fk.name or ''} ({', '.join(fk.columns)}) -> "
                         f"{target} ({', '.join(fk.referred_columns)}){rule}")
        for ix in table.indexes:
            kind = "unique index" if ix.unique else "index"
            where = f" WHERE {ix.where}" if ix.where else ""
            lines.append(f"    {kind} {ix.name} ({', '.join(ix.labelled_elements)}){where}")
        for uq in table.unique_constraints:
            lines.append(f"    unique {uq.name or ''} ({', '.join(uq.columns)})")
        for ck in table.check_constraints:
            lines.append(f"    check {ck.name or ''} ({ck.sqltext})")
        lines.extend(f"    trigger {tr.name} ({tr.event})" + ("" if tr.enabled else " disabled")
                     for tr in table.triggers)
    lines.extend(f"  {'materialized view' if v.materialized else 'view'} {v.name}" for v in ns.views)
    lines.extend(f"  enum {e.name} ({', '.join(e.labels)})" for e in ns.enums)
    lines.extend(f"  domain {d.name} {d.type_name}" + ("" if d.nullable else " NOT NULL")
                 + (f" DEFAULT {d.default}" if d.default else "")
                 + "".join(f" CHECK ({c.sqltext})" for c in d.checks) for d in ns.domains)
    lines.extend(f"  sequence {s.name}" + _sequence_text(s) for s in ns.sequences)
    lines.extend(f"  {r.kind} {r.signature}" + (f" returns {r.returns}" if r.returns else "") for r in ns.routines)
    return lines


def _sequence_text(sequence: Sequence) -> str:
    """`` integer from 1 by 1, owned by actor.actor_id``: what is known of a sequence's options."""
    parts = [f" {sequence.data_type}" if sequence.data_type else "",
             f" from {sequence.start}" if sequence.start is not None else "",
             f" by {sequence.increment}" if sequence.increment is not None else "",
             " cycle" if sequence.cycle else "",
             f", {'identity of' if sequence.identity else 'owned by'} {'.'.join(sequence.owned_by)}"
             if sequence.owned_by else ""]
    return "".join(parts)
