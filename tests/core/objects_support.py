"""What the tests of the app's own operations (views, enums, sequences, routines, triggers,
domains) share: reading a catalog, and a plan's revision written, read back and run under plain
``alembic``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gui_app.core.marked_ops import MarkedOp
from gui_app.core.op_facts import describe
from gui_app.core.plan import Plan
from gui_app.core.project import AlembicProject
from gui_app.core.render import render_sql
from gui_app.core.script_reader import load_script, reversible
from tests.core.test_project import alembic, make_project


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows ``sql`` reads from the database at ``url``."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(sa.text(sql))]
    engine.dispose()
    return found


def same(operations: list[Any]) -> list[Any]:
    """The app's own operations as they are (they compare by value), Alembic's by their labels."""
    return [op if isinstance(op, MarkedOp) else describe(op) for op in operations]


def round_trip(url: str, dialect: str, plan: Plan, tmp_path: Path) -> Path:
    """The plan's revision, which runs without the app (marked SQL), read back as the same
    operations with the same downgrade, then upgraded under ``alembic``; the project's ini."""
    ini = make_project(tmp_path, url)
    written = AlembicProject(ini).write_revision(plan.operations, dialect, "objects", None, base=plan.base)
    assert "/* alembic-studio " in Path(written.path).read_text()
    read = load_script(written.path)
    back = reversible(read.upgrade, plan.base, dialect, read.downgrade)
    assert same(back) == same(plan.operations)
    assert render_sql(back, dialect, None, downgrade=True) == render_sql(plan.operations, dialect, None,
                                                                          downgrade=True)
    upgraded = alembic(ini, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    return ini
