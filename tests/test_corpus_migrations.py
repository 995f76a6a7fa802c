"""Public projects' migration histories, revision by revision, through ``alembic`` and through the app.

For each chain in the corpus (and each of our own in ``tests/data/chains``, written after patterns
seen in public projects' histories) and each database it supports: every revision is applied with
``alembic upgrade`` to one fresh database and with ``alembic-studio apply`` to another, and the
two must agree after every step (the servers' own schema dumps, the rows, ``alembic_version``),
with exit 0 and no false alarm. Then both go down again as far as ``alembic`` itself gets; where
a project's own downgrade fails, the app fails on the same revision with the same error, in one
line, and on PostgreSQL and SQLite leaves the database as it was. ``sql`` prints what
``alembic upgrade --sql`` prints, and fails where it fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import corpus_file
from tests.side_by_side import Outcome, SideBySide, assert_same, fingerprint, fresh_pair

CHAINS = {  # chain: (dialects it runs on, target_metadata its env.py hands the scripts)
    "powerdns-admin": (("sqlite", "postgresql", "mysql"), None),
    "mailu": (("sqlite", "postgresql", "mysql"), "mailu.models:Base.metadata"),
    "ctfd": (("postgresql", "mysql"), None),  # CTFd never migrates SQLite (see the corpus README)
    "fieldlog": (("sqlite", "postgresql", "mysql"), None),  # ours: see tests/data/chains/README.md
    "memo": (("sqlite", "postgresql", "mysql"), None),  # ours too
    "shelf": (("sqlite", "postgresql", "mysql"), None),  # ours too
}
OWN_CHAINS = Path(__file__).parent / "data" / "chains"
MARKS = {"postgresql": [pytest.mark.postgresql], "mysql": [pytest.mark.mysql], "sqlite": []}
CASES = [pytest.param(chain, dialect, id=f"{chain}-{dialect}", marks=MARKS[dialect])
         for chain, (dialects, _) in CHAINS.items() for dialect in dialects]


def _runner(chain: str, tmp_path: Path) -> SideBySide:
    own = OWN_CHAINS / chain / "versions"
    versions = own if own.is_dir() else corpus_file("migrations", chain, "versions")
    shims = versions.parent / "shims"
    return SideBySide(versions, tmp_path, pythonpath=[shims] if shims.is_dir() else [],
                      target_metadata=CHAINS[chain][1])


def _server_error(outcome: Outcome) -> str | None:
    """The database's own words from a failure under ``alembic`` (its traceback's last SQLAlchemy
    error wrapping a driver error), or None when Python failed before any server answered."""
    for line in reversed(outcome.stderr.splitlines()):
        if match := re.match(r"^sqlalchemy\.exc\.\w+: \([\w.]+\) (.*)", line):
            message = match.group(1)
            return re.sub(r'^\(\d+, "', "", message)[:40]  # PyMySQL's (code, "message")
    return None


def _fails_alike(expected: Outcome, result: Outcome, label: str) -> None:
    """The app fails where ``alembic`` fails: one line, the server's own message when a server spoke
    (after the summary of what the plan destroys, printed before anything runs)."""
    assert result.returncode == 1, f"{label}: alembic failed, the app did not"
    lines = result.stderr.strip().splitlines()
    summary = lines[1:-1] if lines[0] == "This destroys data, or may:" else lines[:-1]
    assert all(line.startswith("  operation ") for line in summary), result.stderr
    assert result.last_line.startswith("alembic-studio apply: ")
    server = _server_error(expected)
    if server is not None:
        assert server in result.last_line, (expected.stderr[-600:], result.last_line)


@pytest.mark.parametrize(("chain", "dialect"), CASES)
def test_chain_up_and_down_like_alembic(request: pytest.FixtureRequest, tmp_path: Path, chain: str,
                                        dialect: str) -> None:
    runner = _runner(chain, tmp_path)
    pg = request.getfixturevalue("pg_databases") if dialect == "postgresql" else None
    mysql = request.getfixturevalue("mysql_databases") if dialect == "mysql" else None
    by_alembic, by_app = fresh_pair(dialect, tmp_path, pg, mysql)
    revisions = runner.revisions()
    reached = []
    for revision in revisions:
        _opens(revision.path, by_app, chain)
        expected = runner.alembic(by_alembic, "upgrade", revision.revision)
        result = runner.app("apply", revision.path, by_app, "--yes")
        if expected.returncode != 0:  # the project's own script fails here under alembic too
            _fails_alike(expected, result, f"up to {revision.revision}")
            break
        assert result.returncode == 0, f"{revision.revision}: {result.stderr}"
        assert_same(by_app, by_alembic, f"after upgrading to {revision.revision}")
        reached.append(revision)
    assert reached, "not one revision applied"
    for revision in reversed(reached):
        before = fingerprint(by_app)
        expected = runner.alembic(by_alembic, "downgrade", "-1")
        result = runner.app("apply", revision.path, by_app, "--yes", "--downgrade")
        if expected.returncode != 0:
            _fails_alike(expected, result, f"down from {revision.revision}")
            if dialect != "mysql":  # one transaction: nothing half-done
                assert fingerprint(by_app) == before
            break
        assert result.returncode == 0, f"down from {revision.revision}: {result.stderr}"
        assert_same(by_app, by_alembic, f"after downgrading {revision.revision}")


def _opens(path: str, url: str, chain: str) -> None:
    """*Open migration script* takes the revision into the pending list of a database at its
    down_revision (what the GUI does: read, rebuild reversible, check each operation, render)."""
    from gui_app.core.diff import load_models
    from gui_app.core.plan import Plan
    from gui_app.core.reflect import reflect
    from gui_app.core.render import render_python
    from gui_app.core.script_reader import load_script, reversible

    spec = CHAINS[chain][1]
    script = load_script(path, load_models(spec) if spec else None)
    base = reflect(url)
    dialect = "mysql" if base.dialect == "mariadb" else base.dialect
    plan = Plan(base, dialect)
    for op in reversible(script.upgrade, base, dialect, script.downgrade):
        plan.append(op)
    render_python(plan.operations, dialect, base=base)
    render_python(plan.operations, dialect, downgrade=True, base=base)


def _statements(text: str) -> list[str]:
    """SQL statements without comments, transaction framing and alembic_version bookkeeping."""
    statements = []
    for chunk in re.split(r";\s*\n", re.sub(r"(?m)^--.*\n?", "", text)):
        statement = " ".join(chunk.split())
        if statement and statement not in ("BEGIN", "COMMIT") and "alembic_version" not in statement:
            statements.append(statement)
    return statements


@pytest.mark.parametrize("chain", list(CHAINS))
@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_sql_is_what_alembic_upgrade_sql_prints(tmp_path: Path, chain: str, dialect: str) -> None:
    runner = _runner(chain, tmp_path)
    url = {"postgresql": "postgresql+psycopg://u@h/d", "mysql": "mysql+pymysql://u@h/d"}[dialect]
    for revision in runner.revisions():
        for direction in ("upgrade", "downgrade"):
            span = f"{revision.down_revision or 'base'}:{revision.revision}" if direction == "upgrade" \
                else f"{revision.revision}:{revision.down_revision or 'base'}"
            expected = runner.alembic(url, direction, span, "--sql")
            extra = ["--downgrade"] if direction == "downgrade" else []
            result = runner.app("sql", revision.path, "--dialect", dialect, *extra)
            label = f"{direction} {revision.revision}"
            if expected.returncode != 0:
                assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, label
                continue
            assert result.returncode == 0, f"{label}: {result.stderr}"
            assert _statements(result.stdout) == _statements(expected.stdout), label
