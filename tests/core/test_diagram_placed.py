"""A diagram whose boxes the user placed: saved positions kept exactly, a table without one put in
free space near its neighbours without moving any other box, saved routes kept while they fit and
every other key routed around the boxes; on Chinook and on hand-made cases."""

from __future__ import annotations

import itertools
from pathlib import Path

from gui_app.core.diagram_layout import layout, tables_to_draw
from gui_app.core.diagram_placed import BoxIndex, _crossings, layout_placed, link_id
from gui_app.core.reflect import reflect
from tests.conftest import load_corpus
from tests.core.test_diagram_layout import _schema, assert_clean


def _chinook(tmp_path: Path) -> list:  # type: ignore[type-arg]
    target = tmp_path / "chinook.sqlite"
    load_corpus("chinook", "sqlite", str(target))
    return tables_to_draw(reflect(f"sqlite:///{target}"))


def test_without_positions_it_is_the_layered_layout(tmp_path: Path) -> None:
    tables = _chinook(tmp_path)
    assert layout_placed(tables, {}) == layout(tables)


def test_saved_positions_and_routes_are_kept_exactly(tmp_path: Path) -> None:
    tables = _chinook(tmp_path)
    auto = layout(tables)
    positions = {k: (b.x, b.y) for k, b in auto.boxes.items()}
    routes = {link_id(link): link.points for link in auto.links}
    again = layout_placed(tables, positions, routes)
    assert again.boxes == auto.boxes and again.links == auto.links


def test_a_moved_box_keeps_its_place_and_its_keys_are_routed_around_every_box(tmp_path: Path) -> None:
    tables = _chinook(tmp_path)
    auto = layout(tables)
    positions = {k: (b.x, b.y) for k, b in auto.boxes.items()}
    routes = {link_id(link): link.points for link in auto.links}
    track = next(k for k in positions if k[1] == "Track")
    right = max(b.right for b in auto.boxes.values())
    positions[track] = (right + 200, 40.0)  # out to the right, above everything
    kept = {link_id(link): link.points for link in auto.links if track not in (link.child, link.parent)}
    placed = layout_placed(tables, positions, kept)
    assert (placed.boxes[track].x, placed.boxes[track].y) == (right + 200, 40.0)
    assert all((placed.boxes[k].x, placed.boxes[k].y) == p for k, p in positions.items())
    assert_clean(placed)
    untouched = [link for link in placed.links if track not in (link.child, link.parent)]
    assert untouched and all(link.points == routes[link_id(link)] for link in untouched)


def test_a_table_without_a_position_goes_beside_its_neighbours_and_moves_no_other(tmp_path: Path) -> None:
    tables = _chinook(tmp_path)
    without = [t for t in tables if t.name != "InvoiceLine"]
    before = layout(without)
    positions = {k: (b.x, b.y) for k, b in before.boxes.items()}
    routes = {link_id(link): link.points for link in before.links}
    placed = layout_placed(tables, positions, routes)
    assert all((placed.boxes[k].x, placed.boxes[k].y) == p for k, p in positions.items())
    assert_clean(placed)
    new = next(b for k, b in placed.boxes.items() if k[1] == "InvoiceLine")
    neighbours = [b for k, b in placed.boxes.items() if k[1] in ("Invoice", "Track")]

    def gap(a: object, b: object) -> float:
        ax, ay = a.x + a.width / 2, a.y + a.height / 2  # type: ignore[attr-defined]
        bx, by = b.x + b.width / 2, b.y + b.height / 2  # type: ignore[attr-defined]
        return abs(ax - bx) + abs(ay - by)

    # Nearer its neighbours than the diagram is wide: beside them, not at an edge.
    assert min(gap(new, b) for b in neighbours) < before.width / 2
    assert len(placed.links) == sum(len(t.foreign_keys) for t in tables)


def test_a_route_a_box_now_covers_is_routed_again(tmp_path: Path) -> None:
    schema = _schema(tmp_path, "CREATE TABLE a (id integer PRIMARY KEY)",
                     "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id))",
                     "CREATE TABLE c (id integer PRIMARY KEY)")
    tables = tables_to_draw(schema)
    positions = {(None, "a"): (100.0, 100.0), (None, "b"): (600.0, 100.0), (None, "c"): (1000.0, 600.0)}
    first = layout_placed(tables, positions)
    link = first.links[0]
    assert_clean(first)
    # c put where the key ran: the saved route no longer fits and a new one goes around c.
    xs = [x for x, _y in link.points]
    positions[(None, "c")] = ((min(xs) + max(xs)) / 2 - 20, link.points[1][1] - 30)
    second = layout_placed(tables, positions, {link_id(link): link.points})
    assert second.links[0].points != link.points
    assert_clean(second)
    index = BoxIndex(second.boxes.values())
    assert _crossings(second.links[0].points, index, 0.0) == 0


def test_boxes_are_never_placed_overlapping_even_when_many_are_new(tmp_path: Path) -> None:
    statements = ["CREATE TABLE hub (id integer PRIMARY KEY)"] + [
        f"CREATE TABLE spoke{i} (id integer PRIMARY KEY, hub_id integer REFERENCES hub (id))" for i in range(12)]
    tables = tables_to_draw(_schema(tmp_path, *statements))
    placed = layout_placed(tables, {(None, "hub"): (300.0, 300.0)})
    assert placed.boxes[(None, "hub")].x == 300.0
    for one, other in itertools.combinations(placed.boxes.values(), 2):
        assert not one.overlaps(other)
    assert all(b.x >= 0 and b.y >= 0 for b in placed.boxes.values())
    assert_clean(placed)
