"""Where each table of an ER diagram goes, and how each foreign key is drawn: Qt-free, so the GUI's
view and the headless ``diagram`` command lay out the same picture.

A layered ("Sugiyama") layout, written here rather than taken from a library (the measured
alternatives are in ``packaging/README.md``): each connected group of tables is laid out on its
own, a referenced table above the tables that refer to it (cycles broken where a depth-first walk
meets them); the order within a layer follows the mean position of each table's neighbours,
swept down and up; a layer wider than the group's target width wraps into several rows. Groups are
packed side by side by schema, largest first, the tables no key connects in a grid at the end.

Every foreign key runs from its column's row on the referring table to the referenced column's
row, orthogonally and only through free space: out of the box's side into the gutter beside it,
along the gutter to the channel between two rows, along channels and the group's outer margins,
and in the same way into the referenced box. No box can overlap another or be crossed by a line.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass

from gui_app.core import schema as s

TableName = tuple[str | None, str]

CHAR = 7.0
"""Width of a character in the headless estimate (the GUI measures with its font instead)."""
ROW = 18.0
HEADER = 26.0
PADDING = 8.0
GUTTER = 48.0
"""Free space between two boxes of a row: the lanes a foreign key leaves or enters a box by."""
CHANNEL = 64.0
"""Free space between two rows: the lanes keys run along."""
MARGIN = 40.0
"""Free space around a group: the lanes a key between distant rows runs along."""
LANE = 5.0


@dataclass(frozen=True)
class Box:
    table: TableName
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def row_y(self, index: int) -> float:
        """The middle of column ``index``'s row (-1: the header)."""
        if index < 0:
            return self.y + HEADER / 2
        return self.y + HEADER + ROW * index + ROW / 2


@dataclass(frozen=True)
class Link:
    """A foreign key: from ``child`` (its ``columns``) to ``parent``, drawn through ``points``."""

    child: TableName
    parent: TableName
    name: str | None
    columns: tuple[str, ...]
    referred_columns: tuple[str, ...]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Layout:
    boxes: dict[TableName, Box]
    links: tuple[Link, ...]
    width: float
    height: float


Measure = Callable[[s.Table], tuple[float, float]]


def text_columns(table: s.Table) -> tuple[float, float, float]:
    """Where a box's three text columns start, from its left edge: the column names, their types,
    their markers (headless estimate)."""
    names = max((len(c.name) for c in table.columns), default=0) * CHAR
    types = max((len(column_type(c)) for c in table.columns), default=0) * CHAR
    return PADDING, PADDING + names + 2 * CHAR, PADDING + names + types + 4 * CHAR


def estimated_size(table: s.Table) -> tuple[float, float]:
    """A box's size from its text, in the headless estimate's units."""
    marks = max((len(markers(table, c)) for c in table.columns), default=0) * CHAR
    width = max((len(table.name) + 2) * CHAR + 2 * PADDING, text_columns(table)[2] + marks + PADDING)
    return width, HEADER + ROW * max(1, len(table.columns)) + PADDING / 2


def markers(table: s.Table, column: s.Column) -> str:
    """``PK``, ``FK``, ``UQ`` as the column takes part in each; ``NN`` when it is NOT NULL."""
    found = []
    if table.primary_key is not None and column.name in table.primary_key.columns:
        found.append("PK")
    if any(column.name in fk.columns for fk in table.foreign_keys):
        found.append("FK")
    if any(u.columns == (column.name,) for u in table.unique_constraints) or any(
            ix.unique and ix.elements == (column.name,) for ix in table.indexes):
        found.append("UQ")
    if not column.nullable:
        found.append("NN")
    return " ".join(found)


def column_type(column: s.Column) -> str:
    return column.type_name


def tables_to_draw(schema: s.Schema, namespace: str | None = None, focus: TableName | None = None,
                   depth: int = 1, partitions: bool = True) -> list[s.Table]:
    """The tables of ``namespace`` (every namespace when None); with ``focus``, that table and
    its neighbours up to ``depth`` foreign-key hops away (in any namespace). Without
    ``partitions``, a partition is drawn only when it is the focus: its table stands for it (its
    header counts the partitions), as sixty monthly partitions would bury the schema."""
    def shown(table: s.Table) -> bool:
        return partitions or table.partition_of is None or key_of(table) == focus

    tables = [t for t in schema.tables if (namespace is None or t.schema == namespace
              or (t.schema is None and namespace == schema.default_schema)) and shown(t)]
    if focus is None:
        return tables
    by_key = {key_of(t): t for t in schema.tables}
    if focus not in by_key:
        raise KeyError(f"no table {focus[1]!r}" + (f" in schema {focus[0]!r}" if focus[0] else ""))
    linked = neighbours(t for t in schema.tables if shown(t))
    seen, frontier = {focus}, [focus]
    for _ in range(max(0, depth)):
        frontier = [n for node in frontier for n in sorted(linked.get(node, ()), key=_sort_key) if n not in seen]
        seen.update(frontier)
    return [by_key[key] for key in sorted(seen, key=_sort_key) if key in by_key]


def views_to_draw(schema: s.Schema, namespace: str | None = None) -> tuple[list[s.Table], dict[TableName, str]]:
    """The views of ``namespace`` (every namespace when None) as boxes to draw (their columns,
    no keys), and what each is: ``view`` or ``materialized view``."""
    views = [v for v in schema.views if namespace is None or v.schema == namespace
             or (v.schema is None and namespace == schema.default_schema)]
    return ([s.Table(v.name, v.schema, v.columns) for v in views],
            {(v.schema, v.name): "materialized view" if v.materialized else "view" for v in views})


def header_notes(schema: s.Schema, tables: Iterable[s.Table]) -> dict[TableName, str]:
    """What a box's header says beside its name: how many partitions a partitioned table has."""
    counts: dict[TableName, int] = {}
    for table in schema.tables:
        if table.partition_of is not None:
            parent = (table.schema, table.partition_of)
            counts[parent] = counts.get(parent, 0) + 1
    return {key_of(t): f"{counts[key_of(t)]} partition{'' if counts[key_of(t)] == 1 else 's'}"
            for t in tables if key_of(t) in counts}


def sized(notes: dict[TableName, str]) -> Measure:
    """The headless estimate, with room in a box's header for its note (a view's kind, a
    partitioned table's partitions) beside its name."""
    def measure(table: s.Table) -> tuple[float, float]:
        width, height = estimated_size(table)
        kind = notes.get(key_of(table))
        if kind is not None:
            width = max(width, (len(table.name) + len(kind) + 4) * CHAR + 2 * PADDING)
        return width, height
    return measure


def frames(placed: Layout, default_schema: str | None) -> dict[str, tuple[float, float, float, float]]:
    """Where several schemas are drawn, the rectangle around each one's boxes (with room for its
    name above): x, y, width, height by schema name. None when one schema alone is drawn."""
    spans: dict[str, list[float]] = {}
    for (where, _name), box in placed.boxes.items():
        name = where if where is not None else (default_schema or "main")
        span = spans.setdefault(name, [box.x, box.y, box.right, box.bottom])
        span[0], span[1] = min(span[0], box.x), min(span[1], box.y)
        span[2], span[3] = max(span[2], box.right), max(span[3], box.bottom)
    if len(spans) < 2:
        return {}
    pad = MARGIN / 2
    return {name: (x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
            for name, (x0, y0, x1, y1) in sorted(spans.items())}


def key_of(table: s.Table) -> TableName:
    return table.schema, table.name


def referred_key(table: s.Table, fk: s.ForeignKey) -> TableName:
    return (fk.referred_schema if fk.referred_schema is not None else table.schema), fk.referred_table


def _sort_key(key: TableName) -> tuple[str, str]:
    return key[0] or "", key[1]


def neighbours(tables: Iterable[s.Table]) -> dict[TableName, set[TableName]]:
    """The tables each table is linked to by a foreign key, either way (itself left out)."""
    found: dict[TableName, set[TableName]] = {}
    for table in tables:
        for fk in table.foreign_keys:
            child, parent = key_of(table), referred_key(table, fk)
            if child != parent:
                found.setdefault(child, set()).add(parent)
                found.setdefault(parent, set()).add(child)
    return found


def layout(tables: Sequence[s.Table], measure: Measure = estimated_size) -> Layout:
    """Place ``tables`` and route the foreign keys between them."""
    by_key = {key_of(t): t for t in tables}
    sizes = {key: measure(table) for key, table in by_key.items()}
    parents: dict[TableName, list[TableName]] = {key: [] for key in by_key}
    for table in tables:
        for fk in table.foreign_keys:
            parent = referred_key(table, fk)
            if parent in by_key and parent != key_of(table) and parent not in parents[key_of(table)]:
                parents[key_of(table)].append(parent)
    groups = _components(by_key, parents)
    schemas = sorted({key[0] or "" for key in by_key})
    placed: list[tuple[list[list[TableName]], dict[TableName, tuple[float, float]], float, float]] = []
    starts_schema: list[bool] = []  # a schema's first group starts a new shelf, so schemas do not mix
    for where in schemas:
        mine = [g for g in groups if _schema_of(g) == where]
        first = len(placed)
        for group in sorted((g for g in mine if len(g) > 1), key=lambda g: -len(g)):
            placed.append(_layered(group, parents, sizes))
        single = sorted((key for g in mine if len(g) == 1 for key in g), key=_sort_key)
        if single:
            placed.append(_grid(single, sizes))
        starts_schema += [index == first for index in range(first, len(placed))]
    boxes: dict[TableName, Box] = {}
    rows_of: dict[TableName, int] = {}
    all_rows: list[tuple[float, float, float, float, list[TableName]]] = []  # x, y, width, height, members
    total_width = max((w for *_rest, w, _h in placed), default=0.0)
    shelf_limit = max(total_width, 2400.0)
    origin_x, origin_y = 2 * MARGIN, MARGIN + CHANNEL  # room for the lanes above and left of the first group
    x, y, shelf_height = origin_x, origin_y, 0.0
    for (rows, positions, width, height), new_schema in zip(placed, starts_schema, strict=True):
        if x > origin_x and (x + width > shelf_limit or new_schema):
            x, y, shelf_height = origin_x, y + shelf_height + 2 * MARGIN + CHANNEL, 0.0
        for key, (bx, by) in positions.items():
            w, h = sizes[key]
            boxes[key] = Box(key, x + bx, y + by, w, h)
        for row in rows:
            top = min(boxes[k].y for k in row)
            all_rows.append((x, top, width, max(boxes[k].height for k in row), row))
            for key in row:
                rows_of[key] = len(all_rows) - 1
        x += width + 2 * MARGIN
        shelf_height = max(shelf_height, height)
    links = _route(tables, by_key, boxes, rows_of, all_rows)
    width = max((b.right for b in boxes.values()), default=0.0) + 2 * MARGIN
    height = max((b.bottom for b in boxes.values()), default=0.0) + MARGIN + CHANNEL
    return Layout(boxes, tuple(links), width, height)


def _schema_of(group: list[TableName]) -> str:
    """The schema most of a connected group's tables are in (the first by name on a tie)."""
    counts: dict[str, int] = {}
    for key in group:
        counts[key[0] or ""] = counts.get(key[0] or "", 0) + 1
    return min(counts, key=lambda name: (-counts[name], name))


def _components(nodes: dict[TableName, s.Table], parents: dict[TableName, list[TableName]]) -> list[list[TableName]]:
    undirected: dict[TableName, set[TableName]] = {key: set() for key in nodes}
    for child, found in parents.items():
        for parent in found:
            undirected[child].add(parent)
            undirected[parent].add(child)
    seen: set[TableName] = set()
    groups = []
    for start in sorted(nodes, key=_sort_key):
        if start in seen:
            continue
        group, stack = [], [start]
        seen.add(start)
        while stack:
            node = stack.pop()
            group.append(node)
            for other in undirected[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        groups.append(sorted(group, key=_sort_key))
    return groups


def _layers(group: list[TableName], parents: dict[TableName, list[TableName]]) -> dict[TableName, int]:
    """Longest path from the tables that refer to none in the group; an edge that would close a
    cycle (met on the stack of a depth-first walk) does not count."""
    members = set(group)
    state: dict[TableName, int] = {}  # 1 on the stack, 2 done
    acyclic: dict[TableName, list[TableName]] = {key: [] for key in group}
    for start in group:
        if start in state:
            continue
        stack: list[tuple[TableName, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, index = stack.pop()
            found = [p for p in parents[node] if p in members]
            if index < len(found):
                stack.append((node, index + 1))
                parent = found[index]
                if state.get(parent) == 1:
                    continue  # closes a cycle
                acyclic[node].append(parent)
                if parent not in state:
                    state[parent] = 1
                    stack.append((parent, 0))
            else:
                state[node] = 2
    layer: dict[TableName, int] = {}
    for start in group:
        stack2 = [start]
        while stack2:
            node = stack2[-1]
            if node in layer:
                stack2.pop()
                continue
            pending = [p for p in acyclic[node] if p not in layer]
            if pending:
                stack2.extend(pending)
                continue
            layer[node] = 1 + max((layer[p] for p in acyclic[node]), default=-1)
            stack2.pop()
    return layer


def _layered(group: list[TableName], parents: dict[TableName, list[TableName]],
             sizes: dict[TableName, tuple[float, float]]) \
        -> tuple[list[list[TableName]], dict[TableName, tuple[float, float]], float, float]:
    layer = _layers(group, parents)
    members = set(group)
    linked: dict[TableName, list[TableName]] = {key: [] for key in group}
    for child in group:
        for parent in parents[child]:
            if parent in members:
                linked[child].append(parent)
                linked[parent].append(child)
    layers: list[list[TableName]] = [[] for _ in range(max(layer.values()) + 1)]
    for key in group:
        layers[layer[key]].append(key)
    position = {key: float(i) for nodes in layers for i, key in enumerate(nodes)}
    for sweep in range(6):
        order = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for index in order:
            def barycentre(key: TableName, index: int = index, down: bool = sweep % 2 == 0) -> float:
                near = [position[n] for n in linked[key] if (layer[n] < index if down else layer[n] > index)]
                return sum(near) / len(near) if near else position[key]
            layers[index].sort(key=barycentre)
            for i, key in enumerate(layers[index]):
                position[key] = float(i)
    area = sum((w + GUTTER) * (h + CHANNEL) for w, h in (sizes[k] for k in group))
    target = max(max(sizes[k][0] for k in group), (area * 1.6) ** 0.5)
    rows: list[list[TableName]] = []
    for nodes in layers:
        row: list[TableName] = []
        width = 0.0
        for key in nodes:
            w = sizes[key][0]
            if row and width + w > target:
                rows.append(row)
                row, width = [], 0.0
            row.append(key)
            width += w + GUTTER
        if row:
            rows.append(row)
    return _stack(rows, sizes)


def _grid(keys: list[TableName], sizes: dict[TableName, tuple[float, float]]) \
        -> tuple[list[list[TableName]], dict[TableName, tuple[float, float]], float, float]:
    area = sum((sizes[k][0] + GUTTER) * (sizes[k][1] + CHANNEL) for k in keys)
    target = max(max(sizes[k][0] for k in keys), (area * 1.6) ** 0.5)
    rows: list[list[TableName]] = [[]]
    width = 0.0
    for key in keys:
        if rows[-1] and width + sizes[key][0] > target:
            rows.append([])
            width = 0.0
        rows[-1].append(key)
        width += sizes[key][0] + GUTTER
    return _stack(rows, sizes)


def _stack(rows: list[list[TableName]], sizes: dict[TableName, tuple[float, float]]) \
        -> tuple[list[list[TableName]], dict[TableName, tuple[float, float]], float, float]:
    """Rows one under another, each centred on the widest; positions relative to the group."""
    widths = [sum(sizes[k][0] for k in row) + GUTTER * (len(row) - 1) for row in rows]
    widest = max(widths, default=0.0)
    positions: dict[TableName, tuple[float, float]] = {}
    y = 0.0
    for row, row_width in zip(rows, widths, strict=True):
        x = (widest - row_width) / 2
        for key in row:
            positions[key] = (x, y)
            x += sizes[key][0] + GUTTER
        y += max(sizes[k][1] for k in row) + CHANNEL
    return rows, positions, widest, y - CHANNEL


def drawn_keys(tables: Sequence[s.Table], drawn: Container[TableName]) \
        -> Iterator[tuple[s.Table, s.ForeignKey, TableName, TableName]]:
    """Each foreign key between two drawn tables: its table, itself, child and parent."""
    for table in tables:
        for fk in table.foreign_keys:
            parent = referred_key(table, fk)
            if parent in drawn:
                yield table, fk, key_of(table), parent


def _route(tables: Sequence[s.Table], by_key: dict[TableName, s.Table], boxes: dict[TableName, Box],
           rows_of: dict[TableName, int], rows: list[tuple[float, float, float, float, list[TableName]]]) -> list[Link]:
    links = []
    for lane, (table, fk, child, parent) in enumerate(drawn_keys(tables, boxes), start=1):
        points = _path(table, by_key[parent], fk, boxes[child], boxes[parent], rows_of, rows, lane)
        links.append(Link(child, parent, fk.name, tuple(fk.columns), tuple(fk.referred_columns), points))
    return links


def column_row_y(box: Box, table: s.Table, columns: Sequence[str]) -> float:
    """The middle of the row of the first of ``columns`` in ``table``'s box (its header where
    there is none, or it is not there)."""
    index = next((i for i, c in enumerate(table.columns) if columns and c.name == columns[0]), -1)
    return box.row_y(index)


def _path(child_table: s.Table, parent_table: s.Table, fk: s.ForeignKey, child: Box, parent: Box,
          rows_of: dict[TableName, int], rows: list[tuple[float, float, float, float, list[TableName]]],
          lane: int) -> tuple[tuple[float, float], ...]:
    """Orthogonal points from the child's column to the parent's, through gutters, channels and
    the group's margins only."""
    offset = (lane % 7 - 3) * LANE
    start_y = column_row_y(child, child_table, fk.columns)
    end_y = column_row_y(parent, parent_table, fk.referred_columns)
    if child.table == parent.table:  # a key to its own table: a loop in the gutter on its right
        x = child.right + GUTTER / 2 + offset
        return ((child.right, start_y), (x, start_y), (x, end_y), (parent.right, end_y))
    to_right = parent.x + parent.width / 2 >= child.x + child.width / 2
    start_x = child.right if to_right else child.x
    gutter_start = start_x + (GUTTER / 2 + offset if to_right else -GUTTER / 2 + offset)
    end_x = parent.x if to_right else parent.right
    gutter_end = end_x + (-GUTTER / 2 + offset if to_right else GUTTER / 2 + offset)
    child_row, parent_row = rows_of[child.table], rows_of[parent.table]
    row_x, row_top, row_width, row_height, _members = rows[child_row]
    channel_offset = ((lane * 11) % 9 - 4) * LANE
    if child_row == parent_row:
        channel = row_top - CHANNEL / 2 + channel_offset
        return ((start_x, start_y), (gutter_start, start_y), (gutter_start, channel), (gutter_end, channel),
                (gutter_end, end_y), (end_x, end_y))
    p_x, p_top, p_width, p_height, _ = rows[parent_row]
    going_up = p_top < row_top
    leave = row_top - CHANNEL / 2 + channel_offset if going_up else row_top + row_height + CHANNEL / 2 + channel_offset
    arrive = p_top + p_height + CHANNEL / 2 + channel_offset if going_up else p_top - CHANNEL / 2 + channel_offset
    adjacent = abs(parent_row - child_row) == 1 and row_x == p_x
    if adjacent:
        return ((start_x, start_y), (gutter_start, start_y), (gutter_start, leave), (gutter_end, leave),
                (gutter_end, end_y), (end_x, end_y))
    # Rows between them: along the channels to the group's margin on the nearer side, then to the parent's channel.
    left = min(row_x, p_x) - MARGIN / 2 + ((lane * 5) % 7 - 3) * LANE / 2
    right = max(row_x + row_width, p_x + p_width) + MARGIN / 2 + ((lane * 5) % 7 - 3) * LANE / 2
    side = left if (gutter_start - left) + (gutter_end - left) <= (right - gutter_start) + (right - gutter_end) \
        else right
    return ((start_x, start_y), (gutter_start, start_y), (gutter_start, leave), (side, leave), (side, arrive),
            (gutter_end, arrive), (gutter_end, end_y), (end_x, end_y))
