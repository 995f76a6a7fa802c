"""A diagram whose boxes the user placed: the saved positions kept as they are, a table without one
(a new table, or one added to the diagram) put in free space beside the tables it is linked to,
without moving any other, and every foreign key routed orthogonally around the boxes.

A key keeps the route saved with the diagram (first the layered layout's, through gutters and
channels) while that still fits; a key whose box moved, or whose route a box now covers, is routed
again: the elbow that runs clear of every box if one does, else a shortest path with few bends on
the lines just clear of the boxes near it (A* over that sparse grid), else the elbow that crosses
fewest boxes, so that one far-reaching key never costs seconds.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

from gui_app.core import schema as s
from gui_app.core.diagram_layout import (
    CHANNEL,
    GUTTER,
    Box,
    Layout,
    Link,
    Measure,
    TableName,
    column_row_y,
    drawn_keys,
    estimated_size,
    key_of,
    layout,
    neighbours,
)

Position = tuple[float, float]
Point = tuple[float, float]

CLEAR = 16.0
"""How far from a box the lines a key may run along lie."""
KEEP_OFF = 10.0
"""No key comes nearer a box than this (lanes are spread a few pixels either side of ``CLEAR``)."""
BEND = 40.0
"""What a bend costs, in pixels of length: a longer path with fewer bends reads better."""
CELL = 256.0


def layout_placed(tables: Sequence[s.Table], positions: Mapping[TableName, Position],
                  routes: Mapping[str, Sequence[Point]] | None = None, measure: Measure = estimated_size) -> Layout:
    """``tables`` with the boxes in ``positions`` where they were put and the others placed near
    their neighbours; a key keeps its route in ``routes`` (by :func:`link_id`) while that still
    leaves and enters the right rows and crosses no box, and is routed afresh otherwise. With no
    positions, the layered layout itself."""
    if not positions:
        return layout(tables, measure)
    by_key = {key_of(t): t for t in tables}
    boxes: dict[TableName, Box] = {}
    for key, table in by_key.items():
        if key in positions:
            x, y = positions[key]
            boxes[key] = Box(key, x, y, *measure(table))
    index = BoxIndex(boxes.values())
    linked = neighbours(tables)
    for key, table in by_key.items():
        if key not in boxes:
            near = [boxes[n] for n in sorted(linked.get(key, ()), key=lambda k: (k[0] or "", k[1])) if n in boxes]
            placed = free_spot(key, *measure(table), near, index)
            boxes[key] = placed
            index.add(placed)
    saved = routes or {}
    links = []
    for number, (table, fk, child, parent) in enumerate(drawn_keys(tables, boxes), start=1):
        start = column_row_y(boxes[child], table, fk.columns)
        end = column_row_y(boxes[parent], by_key[parent], fk.referred_columns)
        link = Link(child, parent, fk.name, tuple(fk.columns), tuple(fk.referred_columns), ())
        kept = saved.get(link_id(link))
        if kept is not None and _still_fits(tuple(kept), boxes[child], start, boxes[parent], end, index):
            points = tuple((float(x), float(y)) for x, y in kept)
        else:
            points = route(boxes[child], start, boxes[parent], end, index, number)
        links.append(Link(child, parent, fk.name, link.columns, link.referred_columns, points))
    width = max(b.right for b in boxes.values()) + 2 * CHANNEL
    height = max(b.bottom for b in boxes.values()) + 2 * CHANNEL
    return Layout(boxes, tuple(links), width, height)


def link_id(link: Link) -> str:
    """What names a key's route among a diagram's saved ones: its tables and columns."""
    def named(key: TableName) -> str:
        return key[1] if key[0] is None else f"{key[0]}.{key[1]}"
    return f"{named(link.child)}({','.join(link.columns)})->{named(link.parent)}({','.join(link.referred_columns)})"


def _still_fits(points: tuple[Point, ...], child: Box, start_y: float, parent: Box, end_y: float,
                index: BoxIndex) -> bool:
    """Whether a saved route still leaves the child's row and enters the parent's, crossing no box."""
    if len(points) < 2:
        return False
    (x0, y0), (x1, y1) = points[0], points[-1]
    near = 0.5  # saved positions and routes are rounded to a tenth of a pixel
    return (abs(y0 - start_y) < near and min(abs(x0 - child.x), abs(x0 - child.right)) < near
            and abs(y1 - end_y) < near and min(abs(x1 - parent.x), abs(x1 - parent.right)) < near
            and _crossings(points, index, 0.0) == 0)


class BoxIndex:
    """The boxes bucketed by area, to find the ones near a point or a rectangle quickly."""

    def __init__(self, boxes: Iterable[Box]) -> None:
        self.buckets: dict[tuple[int, int], list[Box]] = {}
        self.boxes: list[Box] = []
        for box in boxes:
            self.add(box)

    def add(self, box: Box) -> None:
        self.boxes.append(box)
        for cell in self._cells(box.x - CLEAR, box.y - CLEAR, box.right + CLEAR, box.bottom + CLEAR):
            self.buckets.setdefault(cell, []).append(box)

    @staticmethod
    def _cells(x0: float, y0: float, x1: float, y1: float) -> Iterable[tuple[int, int]]:
        for i in range(int(x0 // CELL), int(x1 // CELL) + 1):
            for j in range(int(y0 // CELL), int(y1 // CELL) + 1):
                yield i, j

    def within(self, x0: float, y0: float, x1: float, y1: float) -> set[Box]:
        found: set[Box] = set()
        for cell in self._cells(x0, y0, x1, y1):
            found.update(b for b in self.buckets.get(cell, ()) if b.x < x1 and x0 < b.right and b.y < y1
                         and y0 < b.bottom)
        return found

    def blocked(self, x: float, y: float, pad: float = KEEP_OFF) -> bool:
        """Whether ``(x, y)`` lies within ``pad`` of a box."""
        return any(b.x - pad < x < b.right + pad and b.y - pad < y < b.bottom + pad
                   for b in self.buckets.get((int(x // CELL), int(y // CELL)), ()))

    def bounds(self) -> tuple[float, float, float, float]:
        return (min(b.x for b in self.boxes), min(b.y for b in self.boxes),
                max(b.right for b in self.boxes), max(b.bottom for b in self.boxes))


def free_spot(key: TableName, width: float, height: float, near: list[Box], index: BoxIndex) -> Box:
    """A box of this size where it overlaps no box nor comes within a gutter of one: as close as
    can be to the middle of ``near`` (right of everything when it has no placed neighbour)."""
    if near:
        ax = sum(b.x + b.width / 2 for b in near) / len(near) - width / 2
        ay = sum(b.y + b.height / 2 for b in near) / len(near) - height / 2
    elif index.boxes:
        _x0, y0, x1, _y1 = index.bounds()
        ax, ay = x1 + GUTTER, y0
    else:
        ax, ay = CHANNEL, CHANNEL
    step = GUTTER / 2
    for ring in range(400):
        spots = [(ax + dx * step, ay + dy * step) for dx in range(-ring, ring + 1) for dy in range(-ring, ring + 1)
                 if max(abs(dx), abs(dy)) == ring]
        spots.sort(key=lambda p: (abs(p[0] - ax) + abs(p[1] - ay), p[1], p[0]))
        for x, y in spots:
            if x >= CHANNEL and y >= CHANNEL and \
                    not index.within(x - GUTTER, y - GUTTER, x + width + GUTTER, y + height + GUTTER):
                return Box(key, x, y, width, height)
    _x0, y0, x1, _y1 = index.bounds()
    return Box(key, x1 + GUTTER, y0, width, height)


def route(child: Box, start_y: float, parent: Box, end_y: float, index: BoxIndex, number: int = 0) \
        -> tuple[Point, ...]:
    """Orthogonal points from the child's side at ``start_y`` to the parent's side at ``end_y``,
    keeping ``KEEP_OFF`` away from every box; out of whichever sides make the path shortest."""
    spread = ((number * 7) % 9 - 4) * 1.5
    starts = {(child.x - CLEAR + spread, start_y): (child.x, start_y),
              (child.right + CLEAR + spread, start_y): (child.right, start_y)}
    ends = {(parent.x - CLEAR + spread, end_y): (parent.x, end_y),
            (parent.right + CLEAR + spread, end_y): (parent.right, end_y)}
    if child.table == parent.table:  # a key to its own table: a loop on its right
        x = child.right + CLEAR + spread
        return ((child.right, start_y), (x, start_y), (x, end_y), (child.right, end_y))
    cost, elbow = min(((_cost(p, index), p) for p in _elbows(starts, ends, child, parent, spread)),
                      key=lambda found: found[0])
    if cost < CROSSING:
        return elbow
    x0 = min(p[0] for p in (*starts, *ends))
    y0 = min(p[1] for p in (*starts, *ends))
    x1 = max(p[0] for p in (*starts, *ends))
    y1 = max(p[1] for p in (*starts, *ends))
    if any(not index.blocked(*p) for p in starts) and any(not index.blocked(*p) for p in ends):
        near = index.within(x0 - CHANNEL * 2, y0 - CHANNEL * 2, x1 + CHANNEL * 2, y1 + CHANNEL * 2)
        if len(near) <= SEARCH_LIMIT:
            path = _search(starts, ends, near, index, spread)
            if path is not None:
                return path
    return elbow  # walled in, or too far for a search: the elbow that crosses fewest boxes


def _elbows(starts: dict[Point, Point], ends: dict[Point, Point], child: Box, parent: Box, spread: float) \
        -> Iterable[tuple[Point, ...]]:
    """Paths of two or three bends between each pair of sides: a vertical in either gutter or
    between them, or a horizontal just above or below either box."""
    channels = (child.y - CLEAR + spread, child.bottom + CLEAR + spread,
                parent.y - CLEAR + spread, parent.bottom + CLEAR + spread)
    for (sx, sy), side in starts.items():
        for (ex, ey), end in ends.items():
            for mx in {sx, ex, (sx + ex) / 2}:
                yield _simple([side, (sx, sy), (mx, sy), (mx, ey), (ex, ey), end])
            for cy in channels:
                yield _simple([side, (sx, sy), (sx, cy), (ex, cy), (ex, ey), end])


CROSSING = 100_000.0
SEARCH_LIMIT = 200
"""Beyond this many boxes near a key the search costs more than it is worth (an elbow is used)."""


def _crossings(points: tuple[Point, ...], index: BoxIndex, pad: float) -> int:
    """How many times the path comes within ``pad`` of a box; the first and the last segment
    leave and enter their own boxes, which they may touch."""
    found = 0
    last = len(points) - 2
    own_start = index.within(points[0][0] - 0.5, points[0][1] - 0.5, points[0][0] + 0.5, points[0][1] + 0.5)
    own_end = index.within(points[-1][0] - 0.5, points[-1][1] - 0.5, points[-1][0] + 0.5, points[-1][1] + 0.5)
    for number, ((x0, y0), (x1, y1)) in enumerate(pairwise(points)):
        near = index.within(min(x0, x1) - pad + 0.5, min(y0, y1) - pad + 0.5,
                            max(x0, x1) + pad - 0.5, max(y0, y1) + pad - 0.5)
        if number == 0:
            near -= own_start
        if number == last:
            near -= own_end
        found += len(near)
    return found


def _cost(points: tuple[Point, ...], index: BoxIndex) -> float:
    """Length, bends and, far above both, each box a path runs near."""
    crossings = _crossings(points, index, KEEP_OFF)
    length = sum(abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in pairwise(points))
    return crossings * CROSSING + length + BEND * (len(points) - 2)


def _search(starts: dict[Point, Point], ends: dict[Point, Point], near: set[Box], index: BoxIndex,
            spread: float) -> tuple[Point, ...] | None:
    xs = sorted({p[0] for p in (*starts, *ends)} | {b.x - CLEAR + spread for b in near}
                | {b.right + CLEAR + spread for b in near})
    ys = sorted({p[1] for p in (*starts, *ends)} | {b.y - CLEAR + spread for b in near}
                | {b.bottom + CLEAR + spread for b in near})
    width, height = len(xs), len(ys)
    # What is closed, marked box by box over the few grid lines each covers: a node within
    # KEEP_OFF of a box, and a step whose middle is.
    node = bytearray(width * height)
    across = bytearray(width * height)  # the step from (i, j) to (i + 1, j)
    down = bytearray(width * height)  # the step from (i, j) to (i, j + 1)
    mid_x = [(a + b) / 2 for a, b in pairwise(xs)]
    mid_y = [(a + b) / 2 for a, b in pairwise(ys)]
    for box in index.within(xs[0] - KEEP_OFF, ys[0] - KEEP_OFF, xs[-1] + KEEP_OFF, ys[-1] + KEEP_OFF):
        left, right, top, bottom = box.x - KEEP_OFF, box.right + KEEP_OFF, box.y - KEEP_OFF, box.bottom + KEEP_OFF
        columns = range(bisect_right(xs, left), bisect_left(xs, right))
        rows = range(bisect_right(ys, top), bisect_left(ys, bottom))
        for j in rows:
            for i in columns:
                node[j * width + i] = 1
            for i in range(bisect_right(mid_x, left), bisect_left(mid_x, right)):
                across[j * width + i] = 1
        for j in range(bisect_right(mid_y, top), bisect_left(mid_y, bottom)):
            for i in columns:
                down[j * width + i] = 1
    column = {x: i for i, x in enumerate(xs)}
    row = {y: j for j, y in enumerate(ys)}
    goals = {row[y] * width + column[x] for x, y in ends}
    goal_points = list(ends)

    def guess(i: int, j: int) -> float:
        x, y = xs[i], ys[j]
        return min(abs(x - gx) + abs(y - gy) for gx, gy in goal_points)

    inf = float("inf")
    best = [inf] * (2 * width * height)  # per node and heading (0 along a row, 1 along a column)
    came = [-1] * (2 * width * height)
    queue: list[tuple[float, float, int]] = []
    for x, y in starts:
        at = row[y] * width + column[x]
        if not node[at]:
            for heading, cost in ((0, 0.0), (1, BEND)):  # a start leaves its box along its row
                best[2 * at + heading] = cost
                heapq.heappush(queue, (cost + guess(column[x], row[y]), cost, 2 * at + heading))
    while queue:
        _f, cost, state = heapq.heappop(queue)
        if cost > best[state]:
            continue
        at, heading = divmod(state, 2)
        if at in goals:
            walked = []
            while state >= 0:
                walked.append((xs[state // 2 % width], ys[state // 2 // width]))
                state = came[state]
            walked.reverse()
            return _simple([starts[walked[0]], *walked, ends[walked[-1]]])
        j, i = divmod(at, width)
        for other, turn, closed in ((at + 1, 0, i + 1 >= width or across[at]),
                                    (at - 1, 0, i == 0 or across[at - 1]),
                                    (at + width, 1, j + 1 >= height or down[at]),
                                    (at - width, 1, j == 0 or down[at - width])):
            if closed or node[other]:
                continue
            oj, oi = divmod(other, width)
            step = cost + abs(xs[oi] - xs[i]) + abs(ys[oj] - ys[j]) + (BEND if turn != heading else 0.0)
            target = 2 * other + turn
            if step < best[target]:
                best[target], came[target] = step, state
                heapq.heappush(queue, (step + guess(oi, oj), step, target))
    return None


def _simple(points: list[Point]) -> tuple[Point, ...]:
    """``points`` without those on the line between their neighbours."""
    simple = [points[0]]
    for here, after in pairwise(points[1:]):
        before = simple[-1]
        if (before[0] == here[0] == after[0]) or (before[1] == here[1] == after[1]) or here == before:
            continue
        simple.append(here)
    simple.append(points[-1])
    return tuple(simple)
