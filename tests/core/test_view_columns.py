"""A view's columns are read with it, on every database, so the tree can show them and the filter find them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui_app.core.reflect import reflect
from tests.side_by_side import database_with

CASES = {
    "sqlite": ["CREATE TABLE item (id INTEGER PRIMARY KEY, label VARCHAR(40), price NUMERIC(8, 2))",
               "CREATE VIEW cheap AS SELECT id, label, price * 2 AS doubled FROM item WHERE price < 10"],
    "postgresql": ["CREATE TABLE item (id integer PRIMARY KEY, label varchar(40), price numeric(8, 2))",
                   "CREATE VIEW cheap AS SELECT id, label, price * 2 AS doubled FROM item WHERE price < 10",
                   "CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS items FROM item"],
    "mysql": ["CREATE TABLE item (id int PRIMARY KEY, label varchar(40), price decimal(8, 2))",
              "CREATE VIEW cheap AS SELECT id, label, price * 2 AS doubled FROM item WHERE price < 10"],
}
MARKS = {"postgresql": [pytest.mark.postgresql], "mysql": [pytest.mark.mysql], "sqlite": []}


@pytest.mark.parametrize("dialect", [pytest.param(d, marks=MARKS[d]) for d in CASES])
def test_view_columns_are_reflected_in_order_with_their_types(dialect: str, tmp_path: Path,
                                                                request: pytest.FixtureRequest) -> None:
    url = database_with(dialect, CASES[dialect], tmp_path, request)
    schema = reflect(url)
    cheap = next(v for v in schema.views if v.name == "cheap")
    assert [c.name for c in cheap.columns] == ["id", "label", "doubled"]
    label = cheap.columns[1].type_name.lower()
    assert label in ("varchar(40)", "character varying(40)"), label
    if dialect == "postgresql":
        totals = next(v for v in schema.views if v.name == "totals")
        assert totals.materialized and [(c.name, c.type_name) for c in totals.columns] == [("items", "bigint")]
    assert [t.name for t in schema.tables] == ["item"]  # a view is still no table


def test_a_view_over_a_dropped_table_loses_only_its_own_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "views.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript("CREATE TABLE a (id INTEGER, n TEXT); CREATE TABLE b (x INTEGER);"
                           "CREATE VIEW va AS SELECT id, n FROM a; CREATE VIEW vb AS SELECT x FROM b; DROP TABLE b;")
    views = {v.name: [c.name for c in v.columns] for v in reflect(f"sqlite:///{path}").views}
    assert views == {"va": ["id", "n"], "vb": []}
