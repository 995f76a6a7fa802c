"""Compare a database with another database or with SQLAlchemy models, as Alembic operations.

Alembic's autogenerate does the comparison (types, nullability, server defaults,
comments, indexes, unique and foreign keys included); the operations it yields
carry the objects they drop, so their downgrade restores the first database.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from gui_app.core import diff_objects, timeouts
from gui_app.core.dialects import is_mysql
from gui_app.core.schema import Schema
from gui_app.core.verification import BOOKKEEPING


class DiffError(ValueError):
    """The comparison cannot run; the message says why."""


def flatten(container: ops.OpContainer) -> list[ops.MigrateOperation]:
    """Autogenerate groups changes per table; the pending list holds them one by one."""
    flat: list[ops.MigrateOperation] = []
    for op in container.ops:
        if isinstance(op, ops.ModifyTableOps):
            flat.extend(flatten(op))
        else:
            flat.append(op)
    return flat


def reflected_metadata(conn: sa.Connection, schemas: Sequence[str | None],
                       notes: list[str] | None = None) -> sa.MetaData:
    """The tables of ``conn``, as a target to compare with; ``notes`` receives the indexes
    SQLAlchemy cannot read there (expression indexes on SQLite), which are left out."""
    metadata = sa.MetaData()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa.exc.SAWarning)
        for schema in schemas:
            metadata.reflect(bind=conn, schema=schema, resolve_fks=False)
    unread = sorted({m.group(1) for w in caught if (m := _UNREAD_INDEX.search(str(w.message)))})
    if notes is not None:
        notes.extend(f"expression index {name} cannot be read on {conn.dialect.name} (SQLAlchemy does not read "
                     "such indexes there); it is not compared" for name in unread)
    for name in list(metadata.tables):
        if metadata.tables[name].name in BOOKKEEPING:
            metadata.remove(metadata.tables[name])
    metadata.info["dialect"] = conn.dialect.name  # a database of another kind is restated (diff_port)
    from gui_app.core.reflect import reflect

    # Views, sequences, enum types, routines and triggers are compared from the app's own reading.
    metadata.info[diff_objects.TARGET] = reflect(conn)
    return metadata


def _schemas(conn: sa.Connection) -> list[str | None]:
    if conn.dialect.name != "postgresql":
        return [None]
    inspector = sa.inspect(conn)
    default = inspector.default_schema_name
    names = [n for n in inspector.get_schema_names() if n not in ("information_schema",) and not n.startswith("pg_")]
    return [None if n == default else n for n in names]


def _existing_tables(conn: sa.Connection, schemas: Sequence[str | None]) -> set[str]:
    inspector = sa.inspect(conn)
    return {f"{schema}.{name}" if schema else name for schema in schemas for name in inspector.get_table_names(schema)}


def drop_dangling_foreign_keys(metadata: sa.MetaData, existing: set[str]) -> None:
    """Foreign keys to tables that do not exist (MySQL allows them with FOREIGN_KEY_CHECKS=0)
    cannot be compared or created; they are left out on both sides."""
    for table in metadata.tables.values():
        for fk in list(table.foreign_key_constraints):
            target = fk.elements[0].target_fullname.rsplit(".", 1)[0]
            if target not in existing:
                table.constraints.discard(fk)
                for element in fk.elements:
                    table.foreign_keys.discard(element)
                    if element.parent is not None:
                        element.parent.foreign_keys.discard(element)


def diff_operations(source: sa.Connection, target: sa.MetaData, notes: list[str] | None = None,
                    source_schema: Schema | None = None) -> list[ops.MigrateOperation]:
    """Operations that make ``source``'s schema equal ``target``; ``notes`` receives what the
    comparison could not carry over (a default another kind of database has no form of, an index
    the source's dialect cannot reflect), one line each. ``source_schema``: ``source`` as the app
    reads it, where the caller has it already (else it is read for the views, routines and the
    rest)."""
    from gui_app.core.diff_port import port_metadata

    found = notes if notes is not None else []
    schemas = _schemas(source)
    existing = _existing_tables(source, schemas) | {t.fullname for t in target.tables.values()}
    drop_dangling_foreign_keys(target, existing)
    found.extend(port_metadata(target, source))

    def include(item: Any, name: str | None, kind: str, _reflected: bool, _compare_to: Any) -> bool:
        if kind == "table":
            return name not in BOOKKEEPING
        if kind == "foreign_key_constraint":
            return bool(item.elements[0].target_fullname.rsplit(".", 1)[0] in existing)
        return True

    context = MigrationContext.configure(connection=source, opts={
        "compare_type": _compare_type,
        "compare_server_default": True,
        "include_schemas": len(schemas) > 1,
        "include_object": include,
        "alembic_studio_notes": found,
        diff_objects.SOURCE: source_schema,
    })
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        warnings.simplefilter("always", UserWarning)
        script = produce_migrations(context, target)
    upgrade = script.upgrade_ops
    assert upgrade is not None
    operations = flatten(upgrade)
    skipped = _skipped_expression_indexes(caught)
    operations += _expression_indexes_of_new_tables(operations, target, skipped)
    for caught_warning in caught:
        note = None if issubclass(caught_warning.category, sa.exc.SAWarning) \
            else _warning_note(caught_warning, source.dialect.name, skipped)
        if note is not None:
            found.append(note)
    operations = _in_creation_order(operations)
    _name_created_constraints(operations, source.dialect.name)
    if source.dialect.name == "postgresql":
        _types_made_once(operations, source)
    if source.in_transaction():
        source.rollback()
    return operations


_UNREAD_INDEX = re.compile(r"Skipped unsupported reflection of expression-based index (\S+)")
_SKIPPED_INDEX = re.compile(r"skipping metadata-specified expression-based index '([^']+)'")


def _skipped_expression_indexes(caught: list[warnings.WarningMessage]) -> set[str]:
    """Indexes autogenerate left out: SQLAlchemy cannot read expression indexes on some dialects."""
    return {m.group(1) for w in caught if (m := _SKIPPED_INDEX.search(str(w.message)))}


def _expression_indexes_of_new_tables(operations: list[ops.MigrateOperation], target: sa.MetaData,
                                      skipped: set[str]) -> list[ops.MigrateOperation]:
    """A new table has nothing to compare: its expression indexes are created all the same."""
    created = {(op.schema, op.table_name) for op in operations if isinstance(op, ops.CreateTableOp)}
    found: list[ops.MigrateOperation] = []
    for table in target.tables.values():
        if (table.schema, table.name) in created:
            found.extend(ops.CreateIndexOp.from_index(ix) for ix in table.indexes if ix.name in skipped)
    skipped.difference_update(str(op.index_name) for op in found if isinstance(op, ops.CreateIndexOp))
    return found


def _warning_note(caught: warnings.WarningMessage, dialect: str, skipped: set[str]) -> str | None:
    match = _SKIPPED_INDEX.search(str(caught.message))
    if match is None:
        return " ".join(str(caught.message).split())
    if match.group(1) not in skipped:
        return None  # created with its new table
    return (f"expression index {match.group(1)} cannot be compared on {dialect} (SQLAlchemy does not read "
            "such indexes there); it is left out")


def _in_creation_order(operations: list[ops.MigrateOperation]) -> list[ops.MigrateOperation]:
    """New tables ordered so that each is created after the tables its foreign keys refer to.

    Autogenerate puts the tables of a cycle (Sakila's ``staff`` and ``store``) first, with every
    key inline, and PostgreSQL and MySQL refuse a key to a table that does not exist yet. Here
    a table is created once the tables it refers to exist; in a cycle, the first table left is
    created without its keys to tables still to come, and those keys are added once all exist.
    """
    created = [op for op in operations if isinstance(op, ops.CreateTableOp)]
    if len(created) < 2:
        return operations
    names = {(op.schema, op.table_name) for op in created}

    def referred(fk: sa.ForeignKeyConstraint, schema: str | None) -> tuple[str | None, str]:
        parts = fk.elements[0].target_fullname.split(".")
        return (parts[-3] if len(parts) > 2 else schema), parts[-2]

    def keys(op: ops.CreateTableOp) -> list[sa.ForeignKeyConstraint]:
        return [c for c in op.columns if isinstance(c, sa.ForeignKeyConstraint)]

    order: list[ops.CreateTableOp] = []
    later: list[ops.MigrateOperation] = []
    made: set[tuple[str | None, str]] = set()
    waiting = list(created)
    while waiting:
        ready = [op for op in waiting
                 if all(referred(fk, op.schema) in made | {(op.schema, op.table_name)} or referred(fk, op.schema)
                        not in names for fk in keys(op))]
        if not ready:
            first = waiting[0]
            itself = (first.schema, first.table_name)
            cut = [fk for fk in keys(first) if referred(fk, first.schema) in names - made - {itself}]
            first.columns = [c for c in first.columns if not any(c is fk for fk in cut)]
            later.extend(ops.CreateForeignKeyOp.from_constraint(fk) for fk in cut)
            ready = [first]
        for op in ready:
            order.append(op)
            made.add((op.schema, op.table_name))
            waiting.remove(op)
    indexes = {(op.schema, op.table_name): [i for i in operations if isinstance(i, ops.CreateIndexOp)
                                            and (i.schema, i.table_name) == (op.schema, op.table_name)]
               for op in created}
    moved = {id(op) for op in created} | {id(i) for found in indexes.values() for i in found}
    block = [step for op in order for step in (op, *indexes[(op.schema, op.table_name)])] + later
    at = operations.index(created[0])
    rest = [op for op in operations if id(op) not in moved]
    before = sum(1 for op in operations[:at] if id(op) not in moved)
    return rest[:before] + block + rest[before:]


def _types_made_once(operations: list[ops.MigrateOperation], source: sa.Connection) -> None:
    """A new table's or column's enum type that the database holds already, or that the diff
    creates on its own, is not created again with the table (PostgreSQL refuses a second one)."""
    from sqlalchemy.dialects import postgresql

    from gui_app.core.enum_ops import CreateEnumOp

    made = {name for name in (e["name"] for e in sa.inspect(source).get_enums(schema="*"))}  # type: ignore[attr-defined]
    made |= {op.name for op in operations if isinstance(op, CreateEnumOp)}
    for op in operations:
        columns = op.columns if isinstance(op, ops.CreateTableOp) else \
            [op.column] if isinstance(op, ops.AddColumnOp) else []
        for column in columns:
            kind = getattr(column, "type", None)
            if isinstance(kind, postgresql.ENUM) and kind.name in made:
                kind.create_type = False


def _name_created_constraints(operations: list[ops.MigrateOperation], dialect: str) -> None:
    """A key the other database keeps unnamed (SQLite) gets the conventional name: Alembic can
    drop a constraint only by its name, so without one the revision could not be downgraded."""
    from gui_app.core import naming

    for op in operations:
        if isinstance(op, ops.CreateUniqueConstraintOp) and not op.constraint_name:
            op.constraint_name = naming.unique_name(op.table_name, op.columns, dialect)
        elif isinstance(op, ops.CreateForeignKeyOp) and not op.constraint_name:
            op.constraint_name = naming.foreign_key_name(op.source_table, op.local_cols, op.referent_table, dialect)


def _compare_type(_context: Any, inspected_column: sa.Column[Any], metadata_column: sa.Column[Any],
                  inspected_type: Any, metadata_type: Any) -> bool | None:
    """Alembic's own type comparison (None), plus MySQL's character set and collation, which it
    leaves out: a column converted from utf8mb3 to its table's utf8mb4 would compare equal."""
    if inspected_column.table is None or not isinstance(inspected_type, sa.String) \
            or not isinstance(metadata_type, sa.String) or not is_mysql(_context.dialect.name):
        return None
    have, want = _text_encoding(inspected_column, inspected_type), _text_encoding(metadata_column, metadata_type)
    if have[0] and want[0] and have[0] != want[0]:
        return True
    if have[1] and want[1] and have[1] != want[1]:
        return True
    return None


def _text_encoding(column: sa.Column[Any], type_: Any) -> tuple[str | None, str | None]:
    """(character set, collation) of a MySQL text column; where the column names none, its table's."""
    options = column.table.dialect_options["mysql"] if column.table is not None else {}
    table_charset, table_collation = options.get("default charset"), options.get("collate")
    charset = getattr(type_, "charset", None) or table_charset
    collation = getattr(type_, "collation", None)
    if collation is None and charset == table_charset:
        collation = table_collation
    return (charset.lower() if charset else None), (collation.lower() if collation else None)


def diff_databases(source_url: Any, target_url: Any, notes: list[str] | None = None) -> list[ops.MigrateOperation]:
    source, target = timeouts.create_engine(make_url(source_url)), timeouts.create_engine(make_url(target_url))
    try:
        with target.connect() as conn:
            metadata = reflected_metadata(conn, _schemas(conn), notes)
        with source.connect() as conn:
            return diff_operations(conn, metadata, notes)
    finally:
        source.dispose()
        target.dispose()


def load_models(spec: str) -> sa.MetaData:
    """``package.module:attribute`` -> a MetaData (or a declarative base / registry holding one)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise DiffError(f"expected package.module:metadata, not {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise DiffError(f"cannot import {module_name}: {error}") from None
    value: Any = module
    for part in attribute.split("."):
        value = getattr(value, part, None)
        if value is None:
            raise DiffError(f"{module_name} has no {attribute}")
    metadata = value if isinstance(value, sa.MetaData) else getattr(value, "metadata", None)
    if not isinstance(metadata, sa.MetaData):
        raise DiffError(f"{spec} is not a SQLAlchemy MetaData (or a declarative base)")
    return metadata
