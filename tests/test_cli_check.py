"""Headless ``check``: each operation's lock, cost and size against a real PostgreSQL database,
and the exit code that gates CI."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import ServerDatabases
from tests.test_cli import run_cli

SCRIPT = '''"""widen and index album

Revision ID: c0ffee000001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "c0ffee000001"
down_revision = None


def upgrade():
    op.add_column("album", sa.Column("rating", sa.Integer(), nullable=True))
    op.alter_column("album", "year", existing_type=sa.Integer(), type_=sa.BigInteger())
    op.create_index("ix_album_title", "album", ["title"])
    op.create_foreign_key("fk_track_album", "track", "album", ["album_id"], ["id"])
    op.create_table("review", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_index("ix_review_id", "review", ["id"])


def downgrade():
    op.drop_index("ix_review_id", "review")
    op.drop_table("review")
    op.drop_constraint("fk_track_album", "track", type_="foreignkey")
    op.drop_index("ix_album_title", "album")
    op.alter_column("album", "year", existing_type=sa.BigInteger(), type_=sa.Integer())
    op.drop_column("album", "rating")
'''


def _database(pg_databases: ServerDatabases) -> str:
    return pg_databases.create_with(
        "CREATE TABLE album (id int PRIMARY KEY, year int, title varchar(60))",
        "INSERT INTO album SELECT g, 1960 + mod(g, 60), 'album ' || g FROM generate_series(1, 4000) g",
        "CREATE TABLE track (id int PRIMARY KEY, album_id int)",
        "INSERT INTO track SELECT g, g FROM generate_series(1, 20) g",
        "ANALYZE")


def test_check_predicts_each_operation(tmp_path: Path, pg_databases: ServerDatabases) -> None:
    url = _database(pg_databases)
    script = tmp_path / "c0ffee000001_widen.py"
    script.write_text(SCRIPT)
    result = run_cli("check", str(script), url, "--json")
    assert result.returncode == 0, result.stderr
    found = {item["operation"]: item for item in json.loads(result.stdout)["operations"]}
    assert [item["index"] for item in found.values()] == [1, 2, 3, 4, 5, 6]
    rewrite = found["alter_column album.year"]
    assert (rewrite["lock"], rewrite["cost"], rewrite["tables"], rewrite["rows"]) == \
        ("ACCESS EXCLUSIVE", "rewrite", ["album"], 4000)
    assert rewrite["bytes"] > 100_000 and rewrite["estimate_s"] > 0
    assert (found["add_column album.rating"]["cost"], found["add_column album.rating"]["lock"]) == \
        ("catalog", "ACCESS EXCLUSIVE")
    index = found["create_index album.ix_album_title"]
    assert (index["lock"], index["cost"]) == ("SHARE", "scan") and "CONCURRENTLY" in index["alternative"]
    key = found["create_foreign_key track.fk_track_album"]
    assert (key["lock"], key["cost"], sorted(key["tables"])) == ("SHARE ROW EXCLUSIVE", "scan", ["album", "track"])
    # A table the script creates is seen by nobody else until commit: no lock anyone waits for.
    assert found["create_index review.ix_review_id"]["tables"] == []

    text = run_cli("check", str(script), url)
    assert text.returncode == 0, text.stderr
    assert "2. alter_column album.year\n   lock: ACCESS EXCLUSIVE on album (blocks reads and writes)\n" \
           "   cost: rewrite: rewrites album (≈4,000 rows, " in text.stdout


def test_fail_on_gates_by_level_and_table_size(tmp_path: Path, pg_databases: ServerDatabases) -> None:
    url = _database(pg_databases)
    script = tmp_path / "c0ffee000001_widen.py"
    script.write_text(SCRIPT)
    rewrite = run_cli("check", str(script), url, "--fail-on", "rewrite")
    assert rewrite.returncode == 3
    assert rewrite.stderr.splitlines() == [
        "alembic-studio check: operation 2 (alter_column album.year) rewrites album (--fail-on rewrite)"]
    scan = run_cli("check", str(script), url, "--fail-on", "scan", "--min-rows", "1000")
    assert scan.returncode == 3
    assert [line.split(" (--fail-on")[0] for line in scan.stderr.splitlines()] == [
        "alembic-studio check: operation 2 (alter_column album.year) rewrites album",
        "alembic-studio check: operation 3 (create_index album.ix_album_title) reads in full album",
        "alembic-studio check: operation 4 (create_foreign_key track.fk_track_album) reads in full album"]
    assert run_cli("check", str(script), url, "--fail-on", "rewrite", "--min-rows", "5000").returncode == 0
    exclusive = run_cli("check", str(script), url, "--fail-on", "exclusive", "--min-rows", "100")
    assert exclusive.returncode == 3 and len(exclusive.stderr.splitlines()) == 2  # add_column, alter_column


def test_check_says_which_databases_it_knows(tmp_path: Path) -> None:
    script = tmp_path / "c0ffee000001_widen.py"
    script.write_text(SCRIPT)
    sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}").connect().close()
    result = run_cli("check", str(script), f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("is sqlite: locks are predicted for PostgreSQL and MariaDB so far")


def test_a_table_not_read_still_counts_when_a_change_locks_it(tmp_path: Path, pg_databases: ServerDatabases) -> None:
    """Only the tables the script names are read; dropping a child still locks its parent."""
    url = pg_databases.create_with("CREATE TABLE parent (id int PRIMARY KEY)",
                                   "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id))",
                                   "CREATE TABLE other (id int PRIMARY KEY)")
    script = tmp_path / "c0ffee000002_drop.py"
    script.write_text(SCRIPT.replace("c0ffee000001", "c0ffee000002").split("def upgrade():")[0]
                      + "def upgrade():\n    op.drop_table('child')\n\n\ndef downgrade():\n    pass\n")
    result = run_cli("check", str(script), url, "--json")
    assert result.returncode == 0, result.stderr
    (dropped,) = json.loads(result.stdout)["operations"]
    assert (dropped["operation"], dropped["tables"], dropped["lock"]) == \
        ("drop_table child", ["child", "parent"], "ACCESS EXCLUSIVE")


ONLINE = '''"""index and key album online

Revision ID: c0ffee000002
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "c0ffee000002"
down_revision = None


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index("ix_album_title", "album", ["title"], postgresql_concurrently=True)
    with op.get_context().autocommit_block():
        op.create_foreign_key("fk_track_album", "track", "album", ["album_id"], ["id"], postgresql_not_valid=True)
        op.execute("ALTER TABLE track VALIDATE CONSTRAINT fk_track_album")


def downgrade():
    op.drop_constraint("fk_track_album", "track", type_="foreignkey")
    op.drop_index("ix_album_title", "album")
'''


def test_check_reads_the_online_forms_written_by_hand_and_passes_them(tmp_path: Path,
                                                                       pg_databases: ServerDatabases) -> None:
    """An index built CONCURRENTLY and a foreign key validated later, each in its
    ``autocommit_block()``, are read as the online operations they are: no write is blocked
    during a scan, so ``--fail-on scan`` still names them (they read every row) but
    ``--fail-on exclusive`` does not."""
    url = _database(pg_databases)
    script = tmp_path / "c0ffee000002_online.py"
    script.write_text(ONLINE)
    result = run_cli("check", str(script), url, "--json", "--fail-on", "exclusive")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["operations"]
    assert [(item["operation"], item["lock"], item["cost"]) for item in found] == [
        ("create_index album.ix_album_title (online)", "SHARE UPDATE EXCLUSIVE", "scan"),
        ("create_foreign_key track.fk_track_album (online)", "SHARE UPDATE EXCLUSIVE", "scan")]
    assert run_cli("check", str(script), url, "--fail-on", "scan").returncode == 3
