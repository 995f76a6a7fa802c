"""Shared fixtures: offscreen Qt, isolated settings, and real throw-away databases.

Every PostgreSQL or MariaDB fixture creates its own uniquely named database and
drops it afterwards. When a server does not answer, the tests that need it skip
and say which server and address they tried.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("ALEMBIC_STUDIO_CORPUS", REPO.parent / "shared" / "corpus"))
PG_ADMIN_URL = os.environ.get("ALEMBIC_STUDIO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN_URL = os.environ.get("ALEMBIC_STUDIO_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/")

_server_state: dict[str, str | None] = {}


def _unreachable(admin_url: str) -> str | None:
    """None when the server answers, else why not (cached per run)."""
    if admin_url not in _server_state:
        from sqlalchemy import create_engine, text

        from gui_app.core.errors import describe_error

        engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            _server_state[admin_url] = None
        except Exception as error:
            _server_state[admin_url] = describe_error(error)
        finally:
            engine.dispose()
    return _server_state[admin_url]


def unique_name(prefix: str = "as_test") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


class ServerDatabases:
    """Creates and drops uniquely named databases on one server."""

    def __init__(self, admin_url: str, label: str) -> None:
        from sqlalchemy.engine import make_url

        self.admin_url = make_url(admin_url)
        self.label = label
        self.created: list[str] = []

    def skip_if_down(self) -> None:
        reason = _unreachable(str(self.admin_url.render_as_string(hide_password=False)))
        if reason is not None:
            where = f"{self.admin_url.host}:{self.admin_url.port}"
            pytest.skip(f"{self.label} at {where} does not answer: {reason}")

    def _admin(self):  # type: ignore[no-untyped-def]
        from sqlalchemy import create_engine

        return create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def create(self, name: str | None = None) -> str:
        from sqlalchemy import text

        name = name or unique_name()
        quote = '"' if self.admin_url.get_backend_name() == "postgresql" else "`"
        engine = self._admin()
        with engine.connect() as conn:
            extra = " CHARACTER SET utf8mb4" if quote == "`" else ""
            conn.execute(text(f"CREATE DATABASE {quote}{name}{quote}{extra}"))
        engine.dispose()
        self.created.append(name)
        return name

    def create_with(self, *statements: str) -> str:
        """A new database holding what ``statements`` make (run in one transaction); its URL."""
        from sqlalchemy import create_engine

        url = self.url(self.create())
        engine = create_engine(url)
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
        engine.dispose()
        return url

    def adopt(self, name: str) -> None:
        """Drop ``name`` at teardown even though something else created it."""
        self.created.append(name)

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from sqlalchemy import text

        engine = self._admin()
        with engine.connect() as conn:
            for name in self.created:
                if self.admin_url.get_backend_name() == "postgresql":
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                else:
                    conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        engine.dispose()
        self.created.clear()


def _databases(admin_url: str, label: str) -> Iterator[ServerDatabases]:
    dbs = ServerDatabases(admin_url, label)
    dbs.skip_if_down()
    try:
        yield dbs
    finally:
        dbs.drop_all()


@pytest.fixture
def pg_databases() -> Iterator[ServerDatabases]:
    yield from _databases(PG_ADMIN_URL, "PostgreSQL")


@pytest.fixture
def mysql_databases() -> Iterator[ServerDatabases]:
    yield from _databases(MYSQL_ADMIN_URL, "MariaDB/MySQL")


@pytest.fixture(scope="module")
def pg_module_databases() -> Iterator[ServerDatabases]:
    yield from _databases(PG_ADMIN_URL, "PostgreSQL")


@pytest.fixture(scope="module")
def mysql_module_databases() -> Iterator[ServerDatabases]:
    yield from _databases(MYSQL_ADMIN_URL, "MariaDB/MySQL")


def corpus_file(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"the real-world schema corpus is not at {CORPUS}")
    return path


def load_corpus(dataset: str, dialect: str, target: str) -> None:
    """Load a corpus schema with the corpus' own loader (its header documents it)."""
    loader = corpus_file("load.sh")
    if dialect == "mysql" and dataset == "sakila":
        _load_sakila(target)
        return
    env = dict(os.environ)
    result = subprocess.run(["bash", str(loader), dataset, dialect, target], env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"loading {dataset} into {dialect} failed: {result.stderr[-2000:]}")


def _load_sakila(target: str) -> None:
    """Sakila's snapshot names tables that do not exist in its views (``add1``, ``film_1212``).

    Its tables load, its views cannot; the client runs with ``--force`` so the
    tables are kept, as the corpus loader would stop at the first view.
    """
    import re

    client = shutil.which("mariadb") or shutil.which("mysql")
    if client is None:
        pytest.skip("the mariadb/mysql command-line client is not installed")
    source = corpus_file("sakila", "sakila-schema.sql").read_text(encoding="utf-8", errors="replace")
    skipped = re.compile(r"^(DROP DATABASE|CREATE DATABASE|USE |DROP SCHEMA IF EXISTS sakila|CREATE SCHEMA sakila)",
                         re.IGNORECASE)
    script = "\n".join(line for line in source.splitlines() if not skipped.match(line))
    subprocess.run([client, "-h", "127.0.0.1", "-P", "3306", "-u", "root", "--force", target],
                   input=script, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(autouse=True)
def _timeouts_restored() -> Iterator[None]:
    """The process's timeouts (set by a dialog or the command line) do not leak between tests."""
    from gui_app.core import timeouts

    before = timeouts.current()
    yield
    timeouts.configure(before)


@pytest.fixture(scope="session", autouse=True)
def _data_folder_of_the_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app's data folder (autosave, journals) in a temporary folder, for every test and every
    command they start: never the user's own."""
    before = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))
    yield
    if before is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = before
