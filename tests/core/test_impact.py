"""What each operation destroys is counted per operation, on the schema the database has, and one
count that cannot run never takes the others with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core import edits
from gui_app.core import schema as s
from gui_app.core.impact import count_impacts
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect
from tests.side_by_side import database_with


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                                     pytest.param("mysql", marks=pytest.mark.mysql)])
def test_a_key_on_a_column_the_plan_adds_does_not_lose_the_other_counts(
        request: pytest.FixtureRequest, tmp_path: Path, dialect: str) -> None:
    url = database_with(dialect, [
        "CREATE TABLE artist (id INTEGER PRIMARY KEY)", "CREATE TABLE track (id INTEGER PRIMARY KEY)",
        "CREATE TABLE playlist_track (id INTEGER PRIMARY KEY)",
        "INSERT INTO playlist_track VALUES (1), (2), (3)", "INSERT INTO track VALUES (1)"], tmp_path, request)
    base = reflect(url)
    plan = Plan(base, base.dialect)
    plan.append(edits.add_column(base.table("track"), edits.ColumnSpec("original_artist_id", sa.Integer())))
    plan.append(edits.create_foreign_key(plan.projected.table("track"), s.ForeignKey(
        "fk_track_original_artist", ("original_artist_id",), None, "artist", ("id",))))
    plan.append(edits.drop_table(plan.projected.table("playlist_track")))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        impacts = count_impacts(conn, base, plan.operations)
    engine.dispose()
    assert [(i.index, i.text) for i in impacts] == [(2, "3 rows destroyed")]
