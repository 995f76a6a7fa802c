"""The ER diagram's layout: every table placed, no two boxes overlapping, a referenced table above
the tables that refer to it, and every foreign key drawn from its column to the referenced column
without crossing a box; on Chinook (the corpus) and on hand-made awkward cases."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import sqlalchemy as sa

from gui_app.core.diagram_layout import Box, Layout, layout, tables_to_draw
from gui_app.core.diagram_svg import table_id, to_svg
from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from tests.conftest import load_corpus


def _schema(tmp_path: Path, *statements: str) -> Schema:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'diagram.db'}")
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    read = reflect(engine)
    engine.dispose()
    return read


def _crosses(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the axis-parallel segment a-b passes through the inside of ``box`` (its border and
    the points on it, where a line starts or ends, do not count)."""
    (x1, y1), (x2, y2) = a, b
    if y1 == y2:
        low, high = sorted((x1, x2))
        return box.y < y1 < box.bottom and low < box.right and high > box.x
    low, high = sorted((y1, y2))
    return box.x < x1 < box.right and low < box.bottom and high > box.y


def assert_clean(placed: Layout) -> None:
    boxes = list(placed.boxes.values())
    for i, one in enumerate(boxes):
        for other in boxes[i + 1:]:
            assert not one.overlaps(other), (one, other)
    for link in placed.links:
        points = link.points
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(points)), points
        for a, b in itertools.pairwise(points):
            for box in boxes:
                assert not _crosses(box, a, b), (link.child, link.parent, a, b, box.table)
        child, parent = placed.boxes[link.child], placed.boxes[link.parent]
        assert points[0][0] in (child.x, child.right) and child.y < points[0][1] < child.bottom
        assert points[-1][0] in (parent.x, parent.right) and parent.y < points[-1][1] < parent.bottom
    assert all(b.x >= 0 and b.y >= 0 and b.right <= placed.width and b.bottom <= placed.height for b in boxes)


def test_chinook_every_table_placed_and_every_key_drawn_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "chinook.sqlite"
    load_corpus("chinook", "sqlite", str(target))
    schema = reflect(f"sqlite:///{target}")
    tables = tables_to_draw(schema)
    placed = layout(tables)
    assert set(placed.boxes) == {(t.schema, t.name) for t in schema.tables}
    assert len(placed.links) == sum(len(t.foreign_keys) for t in schema.tables) == 11
    assert_clean(placed)
    # A referenced table sits above the tables that refer to it: Artist above Album above Track.
    y = {key[1]: box.y for key, box in placed.boxes.items()}
    assert y["Artist"] < y["Album"] < y["Track"]
    # The key starts at its own column's row and ends at the referenced column's row.
    album_key = next(link for link in placed.links if link.child[1] == "Album")
    album, artist = placed.boxes[album_key.child], placed.boxes[album_key.parent]
    column = [c.name for c in schema.table("Album").columns].index("ArtistId")
    assert album_key.points[0][1] == album.row_y(column)
    assert album_key.points[-1][1] == artist.row_y([c.name for c in schema.table("Artist").columns].index("ArtistId"))


def test_cycles_self_references_and_lone_tables(tmp_path: Path) -> None:
    schema = _schema(
        tmp_path,
        "CREATE TABLE person (id integer PRIMARY KEY, manager_id integer REFERENCES person (id), "
        "team_id integer REFERENCES team (id))",
        "CREATE TABLE team (id integer PRIMARY KEY, lead_id integer REFERENCES person (id))",
        "CREATE TABLE project (id integer PRIMARY KEY, team_id integer REFERENCES team (id))",
        "CREATE TABLE note (id integer PRIMARY KEY, body text)",
        "CREATE TABLE setting (key text PRIMARY KEY, value text)")
    placed = layout(tables_to_draw(schema))
    assert len(placed.boxes) == 5 and len(placed.links) == 4
    assert_clean(placed)
    loop = next(link for link in placed.links if link.child == link.parent)
    assert loop.points[0][0] == loop.points[-1][0] == placed.boxes[loop.child].right


def test_focus_keeps_a_table_and_its_neighbours_up_to_a_depth(tmp_path: Path) -> None:
    schema = _schema(
        tmp_path,
        "CREATE TABLE a (id integer PRIMARY KEY)",
        "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id))",
        "CREATE TABLE c (id integer PRIMARY KEY, b_id integer REFERENCES b (id))",
        "CREATE TABLE d (id integer PRIMARY KEY, c_id integer REFERENCES c (id))",
        "CREATE TABLE other (id integer PRIMARY KEY)")
    names = [t.name for t in tables_to_draw(schema, focus=(None, "b"), depth=1)]
    assert names == ["a", "b", "c"]
    assert [t.name for t in tables_to_draw(schema, focus=(None, "b"), depth=2)] == ["a", "b", "c", "d"]
    assert [t.name for t in tables_to_draw(schema, focus=(None, "b"), depth=0)] == ["b"]
    with pytest.raises(KeyError, match="no table 'zz'"):
        tables_to_draw(schema, focus=(None, "zz"))


def test_the_svg_names_each_group_after_its_table_and_escapes_every_name(tmp_path: Path) -> None:
    schema = _schema(tmp_path, 'CREATE TABLE "a<b & \'c\'" (id integer PRIMARY KEY, "x>y" text)',
                     'CREATE TABLE plain (id integer PRIMARY KEY, ref integer REFERENCES "a<b & \'c\'" (id))')
    tables = tables_to_draw(schema)
    text = to_svg(layout(tables), tables, schema.default_schema)
    assert '<g class="table" id="a&lt;b &amp; &#x27;c&#x27;">' in text and '<g class="table" id="plain">' in text
    assert ">x&gt;y</text>" in text and "<x>y" not in text
    from xml.etree import ElementTree

    ElementTree.fromstring(text)  # well-formed
    assert table_id(("music", "track"), "public") == "music.track"
    assert table_id(("public", "track"), "public") == "track"


def test_schemas_are_laid_out_apart_framed_and_named(tmp_path: Path) -> None:
    from dataclasses import replace

    from gui_app.core.diagram_layout import frames

    schema = _schema(tmp_path, "CREATE TABLE a (id integer PRIMARY KEY)",
                     "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id))",
                     "CREATE TABLE c (id integer PRIMARY KEY)", "CREATE TABLE d (id integer PRIMARY KEY)")
    tables = tables_to_draw(schema)
    two = [replace(t, schema="sales" if t.name in ("a", "b") else "stock") for t in tables]
    two = [replace(t, foreign_keys=tuple(replace(fk, referred_schema="sales") for fk in t.foreign_keys))
           for t in two]
    placed = layout(two)
    assert_clean(placed)
    found = frames(placed, None)
    assert set(found) == {"sales", "stock"}
    (x1, y1, w1, h1), (x2, y2, w2, h2) = found["sales"], found["stock"]
    assert not (x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1)  # the frames do not overlap
    for key, box in placed.boxes.items():
        x, y, w, h = found[key[0] or ""]
        assert x < box.x and box.right < x + w and y < box.y and box.bottom < y + h
    assert frames(layout(tables), None) == {}  # one schema: no frame
    text = to_svg(placed, two, None)
    assert '<g class="schema">' in text and ">sales</text>" in text and ">stock</text>" in text


def test_views_are_drawn_as_views(tmp_path: Path) -> None:
    from gui_app.core.diagram_layout import sized, views_to_draw

    schema = _schema(tmp_path, "CREATE TABLE a (id integer PRIMARY KEY, name text)",
                     "CREATE VIEW named_a AS SELECT id, name FROM a")
    views, kinds = views_to_draw(schema)
    assert [v.name for v in views] == ["named_a"] and kinds == {(None, "named_a"): "view"}
    assert [c.name for c in views[0].columns] == ["id", "name"]
    tables = [*tables_to_draw(schema), *views]
    text = to_svg(layout(tables, sized(kinds)), tables, None, kinds)
    assert '<g class="table view" id="named_a">' in text and ">view</text>" in text


def test_partitions_are_stood_for_by_their_table(tmp_path: Path) -> None:
    from dataclasses import replace

    from gui_app.core.diagram_layout import header_notes

    schema = _schema(tmp_path, "CREATE TABLE customer (id integer PRIMARY KEY)",
                     "CREATE TABLE payment (id integer, customer_id integer REFERENCES customer (id))",
                     "CREATE TABLE payment_2024 (id integer, customer_id integer REFERENCES customer (id))",
                     "CREATE TABLE payment_2025 (id integer, customer_id integer REFERENCES customer (id))")
    namespace = schema.namespaces[0]
    parts = tuple(replace(t, partition_of="payment") if t.name.startswith("payment_") else t for t in namespace.tables)
    schema = replace(schema, namespaces=(replace(namespace, tables=parts),))
    assert len(tables_to_draw(schema)) == 4  # every table unless asked otherwise
    drawn = tables_to_draw(schema, partitions=False)
    assert [t.name for t in drawn] == ["customer", "payment"]
    assert header_notes(schema, drawn) == {(None, "payment"): "2 partitions"}
    # Focused on, a partition is drawn, with its neighbours (not its siblings).
    assert [t.name for t in tables_to_draw(schema, focus=(None, "payment_2024"), partitions=False)] == [
        "customer", "payment_2024"]
