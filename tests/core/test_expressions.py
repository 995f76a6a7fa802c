"""Column renames inside the SQL texts a table keeps: CHECKs, generated columns, index expressions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gui_app.core import apply, edits
from gui_app.core.expressions import renamed_in_expression
from gui_app.core.plan import Plan
from gui_app.core.reflect import reflect


def test_only_the_column_is_renamed() -> None:
    cases = {
        "price >= 0": "unit_price >= 0",
        'PRICE > 0 AND "price" < 100': 'unit_price > 0 AND unit_price < 100',
        "price(1) + price": "price(1) + unit_price",  # a function of that name stays
        "'price' <> price": "'price' <> unit_price",  # so does a string
        "(price)::price > 0": "(unit_price)::price > 0",  # and a type after ::
        "prices > 0 AND items.price > 1": "prices > 0 AND items.unit_price > 1",
    }
    assert {sql: renamed_in_expression(sql, "price", "unit_price") for sql in cases} == cases


ITEMS = """
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    price NUMERIC NOT NULL CHECK (price >= 0),
    qty INTEGER NOT NULL DEFAULT 1,
    total NUMERIC GENERATED ALWAYS AS (price * qty) VIRTUAL,
    note TEXT
);
CREATE INDEX ix_items_double ON items (price * 2) WHERE price > 0;
INSERT INTO items (id, price, qty, note) VALUES (1, 2.5, 4, '7'), (2, 0, 1, 'x');
"""


def test_a_rebuild_after_a_rename_carries_the_new_name_into_every_expression(tmp_path: Path) -> None:
    path = tmp_path / "items.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(ITEMS)
    url = make_url(f"sqlite:///{path}")
    base = reflect(url)
    plan = Plan(base, "sqlite")
    plan.append(edits.alter_column(base.table("items"), "price", new_name="unit_price"))
    plan.append(edits.alter_column(plan.projected.table("items"), "note", type_=sa.Integer()))  # a rebuild
    projected = plan.projected.table("items")
    assert [c.sqltext for c in projected.check_constraints] == ["unit_price >= 0"]
    assert projected.column("total").computed is not None
    assert projected.column("total").computed.sqltext == "unit_price * qty"
    report = apply.apply_plan(url, plan.operations, base)
    assert report.mismatches == []
    items = reflect(url).table("items")
    assert [c.sqltext for c in items.check_constraints] == ["unit_price >= 0"]
    assert {ix.name: (ix.elements, ix.where) for ix in items.indexes} == {
        "ix_items_double": (("unit_price * 2",), "unit_price > 0")}
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT id, unit_price, qty, total, note FROM items ORDER BY id").fetchall() == [
        (1, 2.5, 4, 10.0, 7), (2, 0, 1, 0, 0)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
