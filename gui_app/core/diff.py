"""Compare a database with another database or with SQLAlchemy models, as Alembic operations.

Alembic's autogenerate does the comparison (types, nullability, server defaults,
comments, indexes, unique and foreign keys included); the operations it yields
carry the objects they drop, so their downgrade restores the first database.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from gui_app.core import timeouts
from gui_app.core.dialects import is_mysql
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


def reflected_metadata(conn: sa.Connection, schemas: Sequence[str | None]) -> sa.MetaData:
    metadata = sa.MetaData()
    with warnings.catch_warnings():  # expression indexes SQLAlchemy cannot reflect are left out on both sides
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        for schema in schemas:
            metadata.reflect(bind=conn, schema=schema, resolve_fks=False)
    for name in list(metadata.tables):
        if metadata.tables[name].name in BOOKKEEPING:
            metadata.remove(metadata.tables[name])
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


def diff_operations(source: sa.Connection, target: sa.MetaData) -> list[ops.MigrateOperation]:
    """Operations that make ``source``'s schema equal ``target``."""
    schemas = _schemas(source)
    existing = _existing_tables(source, schemas) | {t.fullname for t in target.tables.values()}
    drop_dangling_foreign_keys(target, existing)

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
    })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        script = produce_migrations(context, target)
    upgrade = script.upgrade_ops
    assert upgrade is not None
    operations = flatten(upgrade)
    if source.in_transaction():
        source.rollback()
    return operations


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


def diff_databases(source_url: Any, target_url: Any) -> list[ops.MigrateOperation]:
    source, target = timeouts.create_engine(make_url(source_url)), timeouts.create_engine(make_url(target_url))
    try:
        with target.connect() as conn:
            metadata = reflected_metadata(conn, _schemas(conn))
        with source.connect() as conn:
            return diff_operations(conn, metadata)
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
