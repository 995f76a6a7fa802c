"""Type text as people write it (``VARCHAR(120)``, ``NUMERIC(10, 2)``, ``JSONB``,
``TIMESTAMP WITH TIME ZONE``, ``INTEGER[]``) -> SQLAlchemy type, per dialect.

Names come from each dialect's own reflection table (``ischema_names``), so
what the app reflects it can also parse; SQLAlchemy's generic names are
accepted everywhere.
"""

from __future__ import annotations

import difflib
import inspect
import re
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as satypes
from sqlalchemy.dialects import mysql, postgresql, sqlite

from gui_app.core.dialects import family, is_mysql

_SHAPE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_ ]*?)\s*(?:\((?P<args>[^()]*)\)(?P<rest>[A-Za-z ]*))?$")
_ARRAY = re.compile(r"(\s*\[\s*\])+$")
_GENERIC = ("BIGINT", "BINARY", "BLOB", "BOOLEAN", "CHAR", "CLOB", "DATE", "DATETIME", "DECIMAL", "DOUBLE",
            "DOUBLE_PRECISION", "FLOAT", "INTEGER", "INT", "JSON", "NCHAR", "NUMERIC", "NVARCHAR", "REAL",
            "SMALLINT", "TEXT", "TIME", "TIMESTAMP", "UUID", "VARBINARY", "VARCHAR")
_MODULES = {"postgresql": postgresql.base, "mysql": mysql.base, "mariadb": mysql.base, "sqlite": sqlite.base}


class TypeParseError(ValueError):
    """Text that names no type this dialect knows; the message suggests close names."""


@cache
def known_types(dialect: str) -> dict[str, type[Any]]:
    """Upper-case name -> type class, for ``dialect``."""
    names: dict[str, type[Any]] = {n: getattr(satypes, n) for n in _GENERIC if hasattr(satypes, n)}
    names["DOUBLE PRECISION"] = satypes.DOUBLE_PRECISION
    names["CHARACTER VARYING"] = satypes.VARCHAR
    names["CHARACTER"] = satypes.CHAR
    names["BOOL"] = satypes.BOOLEAN
    module = _MODULES.get(dialect)
    if module is not None:
        for name, cls in module.ischema_names.items():
            # PostgreSQL's name and "char" are read as plain String: created, they would be VARCHAR.
            if isinstance(cls, type) and cls is not satypes.String:
                names[name.upper().strip('"')] = cls
    if dialect == "postgresql":
        names["SERIAL"] = satypes.INTEGER
    return names


def type_names(dialect: str) -> list[str]:
    """What the type editor offers for completion."""
    return sorted(known_types(dialect))


def parse_type(text: str, dialect: str) -> Any:
    """Parse ``text`` into a SQLAlchemy type instance, or raise :class:`TypeParseError`."""
    stripped = " ".join((text or "").split())
    array = _ARRAY.search(stripped)
    dimensions = array.group().count("[") if array else 0
    body = stripped[: array.start()].strip() if array else stripped
    match = _SHAPE.match(body)
    if not body or match is None:
        raise TypeParseError(f"{text!r} is not a type; write it as NAME or NAME(arguments), e.g. VARCHAR(120).")
    words = f"{match['name']} {match['rest'] or ''}".upper().split()
    timezone = None
    for suffix, tz in ((["WITH", "TIME", "ZONE"], True), (["WITHOUT", "TIME", "ZONE"], False)):
        if words[-3:] == suffix:
            words, timezone = words[:-3], tz
    unsigned = words[-1:] == ["UNSIGNED"] and len(words) > 1
    if unsigned:
        words = words[:-1]
    name = " ".join(words)
    known = known_types(dialect)
    cls = known.get(name)
    if cls is None and dialect == "postgresql" and name == "NAME":
        raise TypeParseError("PostgreSQL's name type has no SQLAlchemy type: Alembic would create the column as "
                             "VARCHAR. Write VARCHAR(63) or TEXT, or add a name column with a custom SQL step.")
    if cls is None:
        close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise TypeParseError(f"{dialect} has no type {name}.{hint}")
    args = _arguments(match["args"], text)
    kwargs: dict[str, Any] = {}
    if timezone is not None:
        kwargs["timezone"] = timezone
    if unsigned:
        if not is_mysql(dialect):
            raise TypeParseError("UNSIGNED exists only on MySQL and MariaDB.")
        kwargs["unsigned"] = True
    if args and issubclass(cls, satypes.DateTime | satypes.Time):  # TIMESTAMP(3): fractional precision
        kwargs["precision"], args = args[0], args[1:]
    if not _takes(cls, args):
        raise TypeParseError(f"{name} does not take the arguments ({match['args']}).")
    try:
        type_ = cls(*args, **kwargs)
    except TypeError:
        raise TypeParseError(f"{name} does not take the arguments ({match['args']}).") from None
    if dimensions:
        if dialect != "postgresql":
            raise TypeParseError("Array types ([]) exist only on PostgreSQL.")
        type_ = postgresql.ARRAY(type_, dimensions=dimensions if dimensions > 1 else None)
    return type_


_SIZE_PARAMETERS = {"length", "precision", "scale", "display_width"}


def _takes(cls: type[Any], args: list[Any]) -> bool:
    """Positional arguments must be sizes (``length``, ``precision``...) or, for ENUM and SET, labels."""
    if not args:
        return True
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if parameters and parameters[0].kind is inspect.Parameter.VAR_POSITIONAL:
        return all(isinstance(a, str) for a in args)
    named = [p.name for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD][: len(args)]
    return len(named) == len(args) and all(n in _SIZE_PARAMETERS for n in named) and all(
        isinstance(a, int) for a in args)


def _arguments(raw: str | None, text: str) -> list[Any]:
    if raw is None or not raw.strip():
        return []
    values: list[Any] = []
    for part in raw.split(","):
        part = part.strip()
        if re.fullmatch(r"\d+", part):
            values.append(int(part))
        elif re.fullmatch(r"'(?:[^']|'')*'", part):
            values.append(part[1:-1].replace("''", "'"))  # ENUM('a', 'b') labels
        else:
            raise TypeParseError(f"{part!r} in {text!r} is neither a number nor a quoted label.")
    return values


def type_text(type_: Any, dialect: str) -> str:
    """How the dialect spells a type, for the editor's text field."""
    from gui_app.core.render import dialect_for

    try:
        return str(type_.compile(dialect=dialect_for(family(dialect))))
    except Exception:  # an unknown type: its generic spelling
        return str(type_) if not isinstance(type_, sa.types.NullType) else ""


def listed_values(type_: Any) -> tuple[str, ...] | None:
    """The values an ENUM (``enums``) or a MySQL SET (``values``) type allows; None for others."""
    if isinstance(type_, mysql.SET):
        return tuple(type_.values)
    values = getattr(type_, "enums", None)
    return tuple(values) if isinstance(values, list | tuple) else None
