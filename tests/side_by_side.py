"""Run migration scripts through the real ``alembic`` command and through ``alembic-studio apply``
on two fresh databases, and read back what each left, in terms neither tool wrote.

The fingerprint of a database is the server's own account of its schema: ``pg_dump
--schema-only`` on PostgreSQL, ``SHOW CREATE TABLE`` on MariaDB/MySQL, and SQLite's table-valued
PRAGMAs (columns, foreign keys, indexes and their columns); the app's reflection is compared too,
and every table's rows and ``alembic_version``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import ServerDatabases

ENV_PY = '''"""Test environment: the URL from -x url=..., target_metadata from -x metadata=module:attr."""
import importlib

from alembic import context
from sqlalchemy import create_engine, pool

xargs = context.get_x_argument(as_dictionary=True)
url = xargs["url"]
target_metadata = None
if xargs.get("metadata"):
    module, _, attribute = xargs["metadata"].partition(":")
    target_metadata = importlib.import_module(module)
    for part in attribute.split("."):
        target_metadata = getattr(target_metadata, part)

if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
'''

INI = """[alembic]
script_location = {env}
version_locations = {versions}
path_separator = os
"""


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""


@dataclass
class SideBySide:
    """One folder of revision scripts, run by both tools."""

    versions: Path
    work: Path
    pythonpath: Sequence[Path] = ()
    target_metadata: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        folder = self.work / "alembic_env"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "env.py").write_text(ENV_PY)
        (folder / "script.py.mako").write_text("")
        self.ini = folder / "alembic.ini"
        self.ini.write_text(INI.format(env=folder, versions=self.versions))
        paths = [str(p) for p in self.pythonpath]
        self.env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
                    "PYTHONPATH": os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]).strip(os.pathsep)}

    def revisions(self) -> list[Any]:
        """The chain's scripts, first to last."""
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        sys.path[:0] = [str(p) for p in self.pythonpath if str(p) not in sys.path]
        scripts = ScriptDirectory.from_config(Config(str(self.ini)))
        return list(reversed(list(scripts.walk_revisions())))

    def alembic(self, url: str, *args: str) -> Outcome:
        extra = ["-x", f"metadata={self.target_metadata}"] if self.target_metadata else []
        return self._run([sys.executable, "-m", "alembic", "-c", str(self.ini), "-x", f"url={url}", *extra, *args])

    def app(self, *args: str) -> Outcome:
        """The app's command; ``apply`` consents to data loss as ``alembic`` never asks for it."""
        extra = ["--target-metadata", self.target_metadata] if self.target_metadata and args[0] in (
            "apply", "sql") else []
        if args[0] == "apply" and "--yes" in args:
            extra.append("--accept-data-loss")
        return self._run([sys.executable, "-m", "gui_app", *args, *extra])

    def _run(self, command: list[str]) -> Outcome:
        result = subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=600,
                                cwd=self.work, stdin=subprocess.DEVNULL)
        return Outcome(result.returncode, result.stdout, result.stderr)


def fresh_pair(dialect: str, tmp_path: Path, pg: ServerDatabases | None,
               mysql: ServerDatabases | None) -> tuple[str, str]:
    """Two empty databases of one dialect: (for alembic, for the app)."""
    if dialect == "sqlite":
        urls = []
        for name in ("by_alembic", "by_app"):
            path = tmp_path / f"{name}.sqlite"
            sqlite3.connect(path).close()
            urls.append(f"sqlite:///{path}")
        return urls[0], urls[1]
    servers = pg if dialect == "postgresql" else mysql
    assert servers is not None
    servers.skip_if_down()
    first, second = servers.create(), servers.create()
    suffix = "?charset=utf8mb4" if dialect == "mysql" else ""
    return servers.url(first) + suffix, servers.url(second) + suffix


def database_with(dialect: str, statements: Sequence[str], tmp_path: Path, request: Any, name: str = "db") -> str:
    """A fresh database of ``dialect`` (a SQLite file, or a new database on the test server) holding
    what ``statements`` create; its URL."""
    if dialect == "sqlite":
        path = tmp_path / f"{name}.sqlite"
        conn = sqlite3.connect(path)
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.close()
        return f"sqlite:///{path}"
    servers = request.getfixturevalue("pg_databases" if dialect == "postgresql" else "mysql_databases")
    url: str = servers.url(servers.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return url


def fingerprint(url: str) -> dict[str, Any]:
    """The schema and rows as the server reports them, with the database's own name taken out."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            dialect = conn.dialect.name
            database = engine.url.database or ""
            if dialect == "sqlite":
                native: Any = _sqlite_catalog(conn)
            elif dialect == "postgresql":
                native = _pg_dump(engine.url)
            else:
                native = _mysql_tables(conn)
            rows = _rows(conn)
    finally:
        engine.dispose()
    return json.loads(json.dumps({"native": native, "reflected": _reflected(url), "rows": rows},
                                 default=str).replace(os.path.basename(database), "DB"))


def _sqlite_catalog(conn: sa.Connection) -> dict[str, Any]:
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    catalog = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        indexes = {}
        for index in conn.exec_driver_sql(f"PRAGMA index_list({quoted})").mappings():
            name = index["name"] if index["origin"] == "c" else f"<{index['origin']}>"
            columns = [tuple(c) for c in conn.exec_driver_sql(
                f"PRAGMA index_xinfo(\"{index['name']}\")") if c[5]]
            indexes[f"{name} {[c[2] for c in columns]}"] = (index["unique"], index["partial"],
                                                            [(c[2], c[3]) for c in columns])
        catalog[table] = {
            "columns": [tuple(r) for r in conn.exec_driver_sql(f"PRAGMA table_xinfo({quoted})")],
            "foreign keys": sorted(tuple(r)[2:] for r in conn.exec_driver_sql(f"PRAGMA foreign_key_list({quoted})")),
            "indexes": indexes,
        }
    return catalog


def _pg_dump(url: sa.URL) -> list[str]:
    pg_dump = shutil.which("pg_dump")
    assert pg_dump is not None, "pg_dump is needed to compare PostgreSQL schemas"
    result = subprocess.run(
        [pg_dump, "--schema-only", "--no-owner", "--no-privileges", "-h", url.host or "127.0.0.1",
         "-p", str(url.port or 5432), "-U", url.username or "postgres", url.database or ""],
        capture_output=True, text=True, timeout=120, check=True)
    skipped = re.compile(r"^(--|SET |SELECT pg_catalog.set_config|\\(un)?restrict )")
    return [line for line in result.stdout.splitlines() if line.strip() and not skipped.match(line)]


def _mysql_tables(conn: sa.Connection) -> dict[str, str]:
    tables = [r[0] for r in conn.exec_driver_sql("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")]
    created = {}
    for table in sorted(tables):
        text = conn.exec_driver_sql(f"SHOW CREATE TABLE `{table.replace('`', '``')}`").one()[1]
        created[table] = _keys_sorted(re.sub(r" AUTO_INCREMENT=\d+", "", text))
    return created


def _keys_sorted(text: str) -> str:
    """MySQL lists unique and other indexes in the order they were made, and ``alembic`` makes a
    new table's indexes in the order of a Python set: that order is not part of the schema."""
    lines = text.splitlines()
    for kind in ("KEY ", "UNIQUE KEY "):
        keys = [i for i, line in enumerate(lines) if line.lstrip().startswith(kind)]
        ordered = sorted(lines[i].rstrip(",") for i in keys)
        for position, line in zip(keys, ordered, strict=True):
            lines[position] = line + ("," if lines[position].endswith(",") else "")
    return "\n".join(lines)


def _rows(conn: sa.Connection) -> dict[str, list[Any]]:
    inspector = sa.inspect(conn)
    found = {}
    for table in sorted(inspector.get_table_names()):
        rows = conn.execute(sa.select(sa.table(table, *[sa.column(c["name"]) for c in inspector.get_columns(table)])))
        found[table] = sorted((list(r) for r in rows), key=repr)
    return found


def _reflected(url: str) -> dict[str, Any]:
    from gui_app.core.reflect import reflect
    from gui_app.core.serialize import to_data

    return _sorted(to_data(reflect(url)))


def _sorted(value: Any) -> Any:
    """Lists of constraints and indexes in a fixed order (columns keep theirs); CREATE texts left
    out (SQLite keeps the text each tool wrote, which the PRAGMAs above compare by meaning)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items() if k not in ("definition", "database", "name_of_database")}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        if items and isinstance(items[0], dict) and "type_name" in items[0]:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


def difference(left: dict[str, Any], right: dict[str, Any], label: str,
               names: tuple[str, str] = ("by the app", "by alembic")) -> str:
    """A readable unified diff of two fingerprints, for an assertion's message."""
    import difflib

    def lines(value: dict[str, Any]) -> list[str]:
        return json.dumps(value, indent=1, sort_keys=True, default=str).replace("\\n", "\n").splitlines()

    diff = list(difflib.unified_diff(lines(left), lines(right), *names, lineterm="", n=2))
    return f"{label}:\n" + "\n".join(diff[:80])


def assert_same(by_app: str, by_alembic: str, label: str) -> None:
    left, right = fingerprint(by_app), fingerprint(by_alembic)
    assert left == right, difference(left, right, label)
