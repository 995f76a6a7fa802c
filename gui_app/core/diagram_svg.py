"""An ER diagram as SVG text: one group per table whose ``id`` is the table's name (qualified by
its schema where that is not the default one), so documentation tools and tests can find it;
foreign keys as orthogonal lines, a crow's foot at the referring table and a bar at the
referenced one. Every name and type goes through XML escaping: a name may hold any character."""

from __future__ import annotations

from html import escape

from gui_app.core import schema as s
from gui_app.core.diagram_layout import (
    HEADER,
    PADDING,
    Layout,
    TableName,
    column_type,
    frames,
    key_of,
    markers,
    text_columns,
)

STYLE = """
.table rect.body { fill: #ffffff; stroke: #4a5a6a; stroke-width: 1; }
.table rect.head { fill: #dde6ef; stroke: #4a5a6a; stroke-width: 1; }
.table text { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 12px; fill: #1d2733; }
.table text.name { font-weight: bold; }
.table text.type { fill: #5b6b7b; }
.table text.marks { fill: #8a5a00; font-size: 10px; }
.table.view rect.body { stroke-dasharray: 5 3; }
.table text.kind { font-style: italic; fill: #5b6b7b; }
.fk { fill: none; stroke: #6b7c8c; stroke-width: 1.2; }
.schema rect { fill: none; stroke: #8a9aaa; stroke-dasharray: 2 3; }
.schema text { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 16px; font-weight: bold; fill: #5b6b7b; }
"""


def table_id(key: TableName, default_schema: str | None) -> str:
    """The SVG group's ``id``: the name, qualified where the schema is not the default one."""
    where, name = key
    return name if where is None or where == default_schema else f"{where}.{name}"


def to_svg(placed: Layout, tables: list[s.Table], default_schema: str | None,
           views: dict[TableName, str] | None = None, notes: dict[TableName, str] | None = None) -> str:
    """The diagram as SVG; the boxes named in ``views`` are views (``view`` or ``materialized
    view``): dashed, their kind in the header, in a group of class ``table view``; ``notes`` are
    written in other boxes' headers (a partitioned table's partitions)."""
    width, height = round(placed.width), round(placed.height)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">',
             f"<style>{STYLE}</style>",
             "<defs>"
             '<marker id="many" viewBox="0 0 12 12" refX="1" refY="6" markerWidth="12" markerHeight="12" '
             'orient="auto-start-reverse"><path d="M12,6 L1,1 M12,6 L1,6 M12,6 L1,11" fill="none" '
             'stroke="#6b7c8c"/></marker>'
             '<marker id="one" viewBox="0 0 12 12" refX="11" refY="6" markerWidth="12" markerHeight="12" '
             'orient="auto"><path d="M6,1 L6,11" fill="none" stroke="#6b7c8c"/></marker>'
             "</defs>",
             f'<rect width="{width}" height="{height}" fill="#f7f9fb"/>']
    for name, (x, y, w, h) in frames(placed, default_schema).items():
        parts.append(f'<g class="schema"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"/>'
                     f'<text x="{x:.1f}" y="{y - 6:.1f}">{escape(name)}</text></g>')
    parts.append('<g id="foreign-keys">')
    for link in placed.links:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in link.points)
        title = f"{link.name or 'foreign key'}: {link.child[1]} ({', '.join(link.columns)}) → " \
                f"{link.parent[1]} ({', '.join(link.referred_columns)})"
        parts.append(f'<polyline class="fk" points="{points}" marker-start="url(#many)" marker-end="url(#one)">'
                     f"<title>{escape(title)}</title></polyline>")
    parts.append("</g>")
    for table in tables:
        box = placed.boxes.get(key_of(table))
        if box is None:
            continue
        kind = (views or {}).get(key_of(table))
        note = kind or (notes or {}).get(key_of(table))
        parts.append(f'<g class="{"table view" if kind else "table"}" '
                     f'id="{escape(table_id(key_of(table), default_schema))}">')
        parts.append(f'<rect class="body" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                     f'height="{box.height:.1f}"/>')
        parts.append(f'<rect class="head" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                     f'height="{HEADER:.1f}"/>')
        parts.append(f'<text class="name" x="{box.x + PADDING:.1f}" y="{box.y + HEADER / 2 + 4:.1f}">'
                     f"{escape(table.name)}</text>")
        if note:
            parts.append(f'<text class="kind" x="{box.right - PADDING:.1f}" y="{box.y + HEADER / 2 + 4:.1f}" '
                         f'text-anchor="end">{escape(note)}</text>')
        name_x, type_x, _marks_x = text_columns(table)
        for index, column in enumerate(table.columns):
            y = box.row_y(index) + 4
            parts.append(f'<text x="{box.x + name_x:.1f}" y="{y:.1f}">{escape(column.name)}</text>'
                         f'<text class="type" x="{box.x + type_x:.1f}" y="{y:.1f}">{escape(column_type(column))}</text>'
                         f'<text class="marks" x="{box.right - PADDING:.1f}" y="{y:.1f}" text-anchor="end">'
                         f"{escape(markers(table, column))}</text>")
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

