"""Revisions written into a real Alembic project run under the real ``alembic`` command:
``upgrade head`` gives the projected schema, ``downgrade -1`` gives back the original."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gui_app.core.demo import ensure_demo_database
from gui_app.core.plan import Plan
from gui_app.core.project import AlembicProject, ProjectError
from gui_app.core.reflect import reflect
from gui_app.core.render import dialect_for
from gui_app.core.schema import Schema
from gui_app.core.script_reader import load_script, reversible
from gui_app.core.verification import differences
from tests.core.test_plan import CASES


def alembic(ini: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), *args], capture_output=True, text=True,
                          timeout=120)


def make_project(folder: Path, url: str) -> Path:
    result = subprocess.run([sys.executable, "-m", "alembic", "init", str(folder / "migrations")],
                            capture_output=True, text=True, cwd=folder, timeout=120)
    assert result.returncode == 0, result.stderr
    ini = folder / "alembic.ini"
    text = ini.read_text()
    ini.write_text(text.replace("sqlalchemy.url = driver://user:pass@localhost/dbname", f"sqlalchemy.url = {url}"))
    return ini


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_demo_database(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("case", sorted(c for c in CASES if "comment" not in c))  # SQLite keeps no comments
def test_revision_round_trip_under_alembic(case: str, tmp_path: Path, demo_file: Path) -> None:
    database = tmp_path / "db.sqlite"
    shutil.copy(demo_file, database)
    url = f"sqlite:///{database}"
    ini = make_project(tmp_path, url)
    base = reflect(url)
    plan = Plan(base, "sqlite")
    for op in CASES[case][0](plan.projected):
        plan.append(op)
    project = AlembicProject(ini)
    written = project.write_revision(plan.operations, "sqlite", f"test {case}", down_revision=None, base=base)
    assert Path(written.path).parent == project.versions_folder
    assert project.heads() == [written.revision]

    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    dialect = dialect_for("sqlite")
    assert differences(plan.projected, reflect(url), dialect) == []
    downgraded = alembic(ini, "downgrade", "-1")
    assert downgraded.returncode == 0, downgraded.stderr
    assert differences(base, reflect(url), dialect) == []

    # Open → save again keeps every operation.
    script = load_script(written.path)
    reopened = reversible(script.upgrade, base, "sqlite", script.downgrade)
    again = Plan(base, "sqlite", reopened)
    assert differences(plan.projected, again.projected, dialect) == []


def test_revision_history_and_heads(tmp_path: Path, demo_file: Path) -> None:
    database = tmp_path / "db.sqlite"
    shutil.copy(demo_file, database)
    ini = make_project(tmp_path, f"sqlite:///{database}")
    project = AlembicProject(ini)
    assert project.heads() == [] and project.revisions() == []
    base: Schema = reflect(f"sqlite:///{database}")
    plan = Plan(base, "sqlite")
    for op in CASES["add_column"][0](plan.projected):
        plan.append(op)
    first = project.write_revision(plan.operations, "sqlite", "first", None)
    second = project.write_revision([], "sqlite", "second", first.revision)
    history = project.revisions()
    assert [(r.revision, r.message, r.is_head) for r in history] == [
        (second.revision, "second", True), (first.revision, "first", False)]
    assert history[0].down_revision == first.revision and history[0].date
    with pytest.raises(ProjectError, match=r"no alembic\.ini"):
        AlembicProject(tmp_path / "nope.ini")
