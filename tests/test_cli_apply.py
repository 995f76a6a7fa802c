"""Headless ``sql`` and ``apply`` on the same engine as the GUI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import ServerDatabases
from tests.test_cli import run_cli

SCRIPT = str(Path(__file__).resolve().parent / "data" / "1a2b3c_add_things.py")


def _tracked_sqlite(path: Path, revision: str | None) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    if revision:
        conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_sql_prints_offline_sql_for_each_dialect() -> None:
    for dialect, wanted in (("postgresql", "id SERIAL NOT NULL"), ("mysql", "AUTO_INCREMENT"),
                            ("sqlite", "CREATE TABLE _alembic_tmp_account")):
        result = run_cli("sql", SCRIPT, "--dialect", dialect)
        assert result.returncode == 0, result.stderr
        assert "CREATE TABLE account (" in result.stdout and wanted in result.stdout
    down = run_cli("sql", SCRIPT, "--dialect", "postgresql", "--downgrade")
    assert down.stdout.split() == ["DROP", "INDEX", "ix_account_name;", "DROP", "TABLE", "account;"]


def test_apply_upgrade_stamps_and_downgrade_returns(tmp_path: Path) -> None:
    url = _tracked_sqlite(tmp_path / "db.sqlite", "0f0f0f")
    result = run_cli("apply", SCRIPT, url, "--yes")
    assert result.returncode == 0, result.stderr
    assert "applied: 7 operation(s), stamped 1a2b3c" in result.stderr
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("1a2b3c",)]
    assert conn.execute("SELECT id, name, description FROM account").fetchall() == [(1, "first", "one")]
    conn.close()
    again = run_cli("apply", SCRIPT, url, "--yes")
    assert again.returncode == 1
    assert again.stderr.strip().endswith("is at revision 1a2b3c, but this script applies to 0f0f0f")
    refused = run_cli("apply", SCRIPT, url, "--yes", "--downgrade")  # it drops the table and its row
    assert refused.returncode == 1
    assert "This destroys data, or may:\n  operation 2 (drop_table account): 1 row destroyed\n" in refused.stderr
    assert "refusing to apply" in refused.stderr and "--accept-data-loss" in refused.stderr
    down = run_cli("apply", SCRIPT, url, "--yes", "--downgrade", "--accept-data-loss")
    assert down.returncode == 0, down.stderr
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0f0f0f",)]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'account'").fetchone() == (0,)


def test_apply_without_yes_and_without_a_terminal_refuses(tmp_path: Path) -> None:
    url = _tracked_sqlite(tmp_path / "db.sqlite", "0f0f0f")
    result = run_cli("apply", SCRIPT, url)
    assert result.returncode == 1 and "pass --yes" in result.stderr
    assert "CREATE TABLE account" in result.stdout  # the SQL it would run is shown first


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    url = _tracked_sqlite(tmp_path / "db.sqlite", "0f0f0f")
    result = run_cli("apply", SCRIPT, url, "--dry-run")
    assert result.returncode == 0 and "dry run passed: 7 operation(s)" in result.stderr
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0f0f0f",)]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'account'").fetchone() == (0,)


@pytest.mark.parametrize("args", [("apply",), ("apply", SCRIPT), ("sql", SCRIPT),
                                  ("sql", SCRIPT, "--dialect", "oracle")])
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    assert run_cli(*args).returncode == 2


def test_missing_script_is_one_line_exit_1(tmp_path: Path) -> None:
    result = run_cli("sql", str(tmp_path / "nope.py"), "--dialect", "sqlite")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.postgresql
def test_apply_on_postgresql_rolls_back_a_failing_script(tmp_path: Path, pg_databases: ServerDatabases) -> None:
    url = pg_databases.url(pg_databases.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0f0f0f')")
    bad = tmp_path / "2b_bad.py"
    bad.write_text(Path(SCRIPT).read_text().replace('revision = "1a2b3c"', 'revision = "2b"').replace(
        "UPDATE account SET name = 'x' WHERE name IS NULL", "UPDATE no_such_table SET x = 1"))
    result = run_cli("apply", str(bad), url, "--yes")
    assert result.returncode == 1 and "Operation 6 (execute) failed" in result.stderr
    assert "Nothing was changed." in result.stderr
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0f0f0f"
        assert not sa.inspect(conn).has_table("account")
    good = run_cli("apply", SCRIPT, url, "--yes")
    assert good.returncode == 0, good.stderr
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "1a2b3c"
    engine.dispose()


def test_diff_prints_and_writes_a_revision(tmp_path: Path) -> None:
    from gui_app.core.demo import ensure_demo_database

    demo = ensure_demo_database(tmp_path / "demo")
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    source.write_bytes(demo.read_bytes())
    target.write_bytes(demo.read_bytes())
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20) NOT NULL)")
    conn.commit()
    conn.close()
    printed = run_cli("diff", f"sqlite:///{source}", f"sqlite:///{target}")
    assert printed.returncode == 0, printed.stderr
    assert "op.create_table('tags'" in printed.stdout and "op.drop_table('tags')" in printed.stdout
    # The demo's expression index cannot be read on SQLite: said in one line, no Python warning.
    assert printed.stderr.splitlines() == ["note: expression index ux_customers_email_lower cannot be read on sqlite "
                                           "(SQLAlchemy does not read such indexes there); it is not compared"]
    # Standard output is a whole revision: saved as it is, it runs.
    assert printed.stdout.startswith('"""match schema') and "\nrevision: str = '" in printed.stdout
    assert "from alembic import op\nimport sqlalchemy as sa\n" in printed.stdout
    redirected = tmp_path / "redirected.py"
    redirected.write_text(printed.stdout)
    dry = run_cli("apply", str(redirected), f"sqlite:///{source}", "--yes", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    out = tmp_path / "match.py"
    written = run_cli("diff", f"sqlite:///{source}", f"sqlite:///{target}", "-o", str(out), "-m", "match b")
    assert written.returncode == 0 and out.is_file() and '"""match b' in out.read_text()
    applied = run_cli("apply", str(out), f"sqlite:///{source}", "--yes")
    assert applied.returncode == 0, applied.stderr
    again = run_cli("diff", f"sqlite:///{source}", f"sqlite:///{target}")
    assert "op.create_table" not in again.stdout
    assert run_cli("diff", f"sqlite:///{source}").returncode == 2


@pytest.mark.parametrize(("dialect", "url"), [("postgresql", "postgresql://u@localhost/db"),
                                              ("mysql", "mysql+pymysql://u@localhost/db")])
def test_sql_equals_alembic_upgrade_sql(tmp_path: Path, dialect: str, url: str) -> None:
    import shutil
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "alembic", "init", str(tmp_path / "migrations")], cwd=tmp_path,
                   check=True, capture_output=True)
    ini = tmp_path / "alembic.ini"
    ini.write_text(ini.read_text().replace("sqlalchemy.url = driver://user:pass@localhost/dbname",
                                           f"sqlalchemy.url = {url}"))
    script = Path(SCRIPT).read_text().replace('down_revision = "0f0f0f"', "down_revision = None")
    (tmp_path / "migrations" / "versions" / "1a2b3c_add_things.py").write_text(script)
    theirs = subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head", "--sql"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    shutil.copy(tmp_path / "migrations" / "versions" / "1a2b3c_add_things.py", tmp_path / "script.py")
    ours = run_cli("sql", str(tmp_path / "script.py"), "--dialect", dialect)
    assert ours.returncode == 0, ours.stderr

    def statements(text: str) -> list[str]:
        found = []
        for chunk in text.split(";"):
            statement = " ".join(line for line in chunk.split("\n") if not line.startswith("--")).split()
            joined = " ".join(statement)
            if joined and "alembic_version" not in joined and joined not in ("BEGIN", "COMMIT"):
                found.append(joined)
        return found

    assert statements(ours.stdout) == statements(theirs.stdout)


def test_sql_for_sqlite_of_an_alteration_says_what_to_do_in_one_line(tmp_path: Path) -> None:
    script = tmp_path / "p1_widen.py"
    script.write_text('"""widen"""\nfrom alembic import op\nimport sqlalchemy as sa\nrevision = "p1"\n'
                      'down_revision = None\n\ndef upgrade():\n'
                      '    op.alter_column("user", "name", type_=sa.String(80), existing_type=sa.String(40))\n')
    result = run_cli("sql", str(script), "--dialect", "sqlite")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "SQLite alters table user by rebuilding it" in result.stderr and "apply --dry-run" in result.stderr


def test_diff_says_in_one_line_what_it_cannot_compare(tmp_path: Path) -> None:
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (source, target):
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
        conn.close()
    conn = sqlite3.connect(target)
    conn.execute("CREATE INDEX ix_item_lower ON item (lower(name))")
    conn.commit()
    conn.close()
    result = run_cli("diff", f"sqlite:///{source}", f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("note: expression index ix_item_lower cannot be read on sqlite (SQLAlchemy does "
                             "not read such indexes there); it is not compared\n")
