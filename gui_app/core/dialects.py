"""Database names, and types, as the SQL tools see them.

MariaDB speaks MySQL's dialect: SQLAlchemy, Alembic and sqlglot each have one dialect for both,
so rendering, projection and parsing use ``family()``; what differs between the two servers
(reflection details, recovery) still looks at the name itself.
"""

from __future__ import annotations

from typing import Any

MYSQL_FAMILY = ("mysql", "mariadb")


def family(name: str) -> str:
    """The dialect ``name`` renders and parses as: ``mariadb`` → ``mysql``, others as they are."""
    return "mysql" if name == "mariadb" else name


def is_mysql(name: str) -> bool:
    """Whether ``name`` is MySQL or MariaDB."""
    return name in MYSQL_FAMILY


def spelled(type_: Any, dialect: Any) -> str:
    """How ``dialect`` (a SQLAlchemy dialect) writes ``type_`` in DDL; a type it cannot compile
    (unknown to SQLAlchemy) by its generic name."""
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # an unknown type has no DDL of its own
        return str(type_)


def takes_percent_placeholders(dialect: Any) -> bool:
    """Whether ``dialect``'s driver reads ``%`` as a placeholder (the format paramstyles: psycopg,
    PyMySQL): SQL handed to it as it is carries each literal ``%`` doubled, and SQL compiled for
    it comes out so."""
    return getattr(dialect, "paramstyle", None) in ("format", "pyformat")


def dialect_key(dialect: Any) -> tuple[Any, ...]:
    """What tells two dialect objects' output apart: the name, MariaDB or not, the server version."""
    return dialect.name, bool(getattr(dialect, "is_mariadb", False)), dialect.server_version_info
