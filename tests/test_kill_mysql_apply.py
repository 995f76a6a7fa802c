"""kill -9 during an apply to MariaDB, twenty times: every interrupted run is detected, and
finished or reverted, leaving the schema and ``alembic_version`` consistent (MariaDB commits each
DDL statement, so a killed apply leaves its first steps in the database). The first two
operations on ``t`` are sent as one ALTER TABLE, the copy a kill most often lands in: recovery
finds them all done or all not."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import ServerDatabases

pytestmark = pytest.mark.mysql

SCRIPT = '''"""widen and index"""
from alembic import op
import sqlalchemy as sa

revision = "r2"
down_revision = "r1"


def upgrade():
    op.add_column("t", sa.Column("x", sa.Integer))
    op.alter_column("t", "b", type_=sa.String(80), existing_type=sa.String(40))
    op.create_index("ix_t_a", "t", ["a"])
    op.create_index("ix_t_b", "t", ["b"])
    op.create_table("u", sa.Column("id", sa.Integer, primary_key=True), sa.Column("t_id", sa.Integer))
    op.create_index("ix_t_ab", "t", ["a", "b"])
    op.add_column("u", sa.Column("note", sa.String(20)))
    op.create_index("ix_u_t", "u", ["t_id"])


def downgrade():
    op.drop_index("ix_u_t", "u")
    op.drop_table("u")
    op.drop_index("ix_t_ab", "t")
    op.drop_index("ix_t_b", "t")
    op.drop_index("ix_t_a", "t")
    op.alter_column("t", "b", type_=sa.String(40), existing_type=sa.String(80))
    op.drop_column("t", "x")
'''

BEFORE = ({"id", "a", "b"}, {"PRIMARY"}, False, "varchar(40)")
AFTER = ({"id", "a", "b", "x"}, {"PRIMARY", "ix_t_a", "ix_t_b", "ix_t_ab"}, True, "varchar(80)")


def _fresh(servers: ServerDatabases) -> str:
    url = servers.url(servers.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR(40))")
        conn.exec_driver_sql("INSERT INTO t SELECT seq, MOD(seq, 97), CONCAT('v', seq) FROM seq_1_to_40000")
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('r1')")
    engine.dispose()
    return url


def _state(url: str) -> tuple[tuple[set[str], set[str], bool, str], str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        columns = {c["name"] for c in inspector.get_columns("t")}
        indexes = {i["name"] for i in inspector.get_indexes("t")} | {"PRIMARY"}
        has_u = inspector.has_table("u")
        b_type = conn.exec_driver_sql("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE "
                                      "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND COLUMN_NAME = 'b'").scalar()
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        rows = conn.exec_driver_sql("SELECT count(*) FROM t").scalar()
    engine.dispose()
    assert rows == 40000
    return (columns, indexes, has_u, str(b_type)), str(version)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gui_app", *args], capture_output=True, text=True, env=env,
                          timeout=300, stdin=subprocess.DEVNULL)


def test_a_killed_apply_is_detected_and_finished_or_reverted(mysql_databases: ServerDatabases,
                                                             tmp_path: Path) -> None:
    script = tmp_path / "r2_widen.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    command = [sys.executable, "-m", "gui_app", "apply", str(script), "", "--yes", "--accept-data-loss"]
    journals = tmp_path / "data" / "AlembicStudio" / "Alembic Studio" / "journal"

    def run_until_journal(url: str) -> tuple[subprocess.Popen[bytes], float]:
        """Start an apply; return it once its journal exists (its steps begin), with the time that took."""
        child = subprocess.Popen([*command[:5], url, *command[6:]], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env)
        start = time.monotonic()
        while not list(journals.glob("*.progress")) and child.poll() is None and time.monotonic() - start < 60:
            time.sleep(0.005)
        return child, time.monotonic()

    timing_url = _fresh(mysql_databases)
    child, steps_began = run_until_journal(timing_url)
    # The journal's life is the window of its steps; the process's exit comes later and a kill
    # there interrupts nothing, so timing to the exit would waste runs on the teardown.
    while list(journals.glob("*.progress")) and child.poll() is None and time.monotonic() - steps_began < 120:
        time.sleep(0.002)
    steps_took = time.monotonic() - steps_began
    assert child.wait(120) == 0
    assert _state(timing_url) == (AFTER, "r2")
    randomly = random.Random(20261205)
    interrupted = 0
    for run in range(20):
        url = _fresh(mysql_databases)
        child, _ = run_until_journal(url)
        time.sleep(randomly.uniform(0, steps_took * 1.05))  # somewhere among its steps, or just after them
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        report = _cli(env, "recover", url)
        assert report.returncode == 0, report.stderr
        if report.stderr.startswith("no interrupted apply"):
            assert _state(url)[1] in ("r1", "r2")  # killed before its first step, or after its last
            assert _state(url) in ((BEFORE, "r1"), (AFTER, "r2"))
            continue
        interrupted += 1
        assert "was interrupted after" in report.stderr and "Run again with --finish or --revert" in report.stderr
        refused = _cli(env, "apply", str(script), url, "--yes", "--accept-data-loss")
        assert refused.returncode == 1 and "finish it or revert it first" in refused.stderr
        assert refused.stderr.strip().count("\n") == 0
        finish = run % 2 == 0
        done = _cli(env, "recover", url, "--finish" if finish else "--revert")
        assert done.returncode == 0, done.stderr
        assert _state(url) == ((AFTER, "r2") if finish else (BEFORE, "r1")), (run, report.stderr, done.stderr)
        assert _cli(env, "recover", url).stderr.startswith("no interrupted apply")
    assert interrupted >= 10, interrupted
