"""The ER diagram of the projected schema: the boxes and keys :mod:`gui_app.core.diagram_layout`
places, drawn in a ``QGraphicsView`` that pans, zooms and edits.

The layout is computed off the GUI thread. At a low zoom a box is drawn as its outline and name
only (the columns could not be read anyway), and each box is cached as a picture for panning.
A table's pending status colours it as the tree does; a view's box is dashed and says which kind
it is; where several schemas are drawn, each is framed and named. Selection follows the tree both
ways; a box's context menu is the tree's own for that table, a double-click on a column edits it,
a drag from a column to a column of another table (or its own) opens the foreign key dialog
filled in, and a drag by a box's name moves the box (its keys follow, and are routed around the
boxes again once it is dropped); zoomed out, where a box shows its name only, a drag anywhere on
it moves it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from gui_app.core import schema as s
from gui_app.core.diagram_layout import (
    HEADER,
    PADDING,
    ROW,
    Box,
    Layout,
    Link,
    column_row_y,
    column_type,
    frames,
    markers,
)
from gui_app.ui.models.schema_tree import STATUS_COLOURS
from gui_app.ui.models.tree_index import Status

if TYPE_CHECKING:
    from gui_app.core.diagram_layout import TableName
    from gui_app.ui.widgets.diagram_panel import Marks

LinkColumns = Callable[[s.Table, str, s.Table, str], None]
"""Asked to add a foreign key: (referring table, its column, referenced table, referenced column)."""

OUTLINE_ONLY_BELOW = 0.4
"""Below this zoom a box shows its outline and name only."""
ZOOM_STEP = 1.15


class TableItem(QGraphicsItem):
    """One table's box: header with the name, a row per column (name, type, PK/FK/UQ/NN)."""

    def __init__(self, table: s.Table, box: Box, marks: Marks | None = None, view: str | None = None,
                 note: str | None = None) -> None:
        super().__init__()
        self.table, self.box = table, box
        self.view = view
        """``view`` or ``materialized view`` for a view's box (drawn dashed, its kind in the header)."""
        self.note = view or note
        """What the header says beside the name (a view's kind, a partitioned table's partitions)."""
        self.status = marks.status if marks is not None else Status.SAME
        self.column_status = marks.columns if marks is not None else {}
        self.before = marks.before if marks is not None else {}
        self.setPos(box.x, box.y)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setToolTip(self.table_tip())
        self.setZValue(1)

    def table_tip(self) -> str:
        if self.note is not None:
            return f"{self.table.name} ({self.note})"
        return self.table.name + {Status.NEW: " (new)", Status.CHANGED: " (changed)",
                                  Status.DROPPED: " (dropped)"}.get(self.status, "")

    def column_tip(self, name: str) -> str:
        """A column's change as the pending list makes it: ``title: VARCHAR(200) → VARCHAR(400)``."""
        status = self.column_status.get(name)
        column = next(c for c in self.table.columns if c.name == name)
        if status is Status.CHANGED and name in self.before:
            old = self.before[name]
            said = [f"{old.type_name} → {column.type_name}"] if old.type_name != column.type_name else []
            if old.nullable != column.nullable:
                said.append("NULL → NOT NULL" if not column.nullable else "NOT NULL → NULL")
            if old.default != column.default:
                said.append(f"default {old.default or 'none'} → {column.default or 'none'}")
            if old.comment != column.comment:
                said.append("comment changed")
            return f"{name}: {', '.join(said) or 'changed'}"
        if status is Status.NEW:
            return f"{name}: new, {column.type_name}"
        if status is Status.DROPPED:
            return f"{name}: dropped"
        return f"{name}: {column.type_name}"

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        column = self.column_at(event.pos().y())
        self.setToolTip(self.column_tip(column) if column is not None else self.table_tip())
        super().hoverMoveEvent(event)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.box.width, self.box.height)

    def column_at(self, y: float) -> str | None:
        """The column whose row holds ``y`` (item coordinates), if any."""
        index = int((y - HEADER) // ROW)
        if y < HEADER or not 0 <= index < len(self.table.columns):
            return None
        return self.table.columns[index].name

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        palette = widget.palette() if widget is not None else QPalette()
        rect = self.boundingRect()
        accent = STATUS_COLOURS.get(self.status)
        border = palette.color(QPalette.ColorRole.Highlight) if self.isSelected() else \
            accent if accent is not None else palette.color(QPalette.ColorRole.Mid)
        pen = QPen(border, 2.5 if self.isSelected() or accent is not None else 1)
        if self.view is not None:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRect(rect)
        header = QRectF(0, 0, rect.width(), HEADER)
        tint = QColor(accent if accent is not None else palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(60)
        painter.fillRect(header.adjusted(1, 1, -1, 0), tint)
        text = palette.color(QPalette.ColorRole.Text)
        font = QFont(painter.font())
        font.setBold(True)
        font.setStrikeOut(self.status is Status.DROPPED)
        detail = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if detail < OUTLINE_ONLY_BELOW:
            # The columns would be too small to read: the name alone, as large as the box lets it be.
            size = min(12 / max(detail, 0.01), rect.height() * 0.45)
            font.setPixelSize(max(1, round(size)))
            width = QFontMetricsF(font).horizontalAdvance(self.table.name)
            if width > rect.width() - 2 * PADDING:
                font.setPixelSize(max(1, round(size * (rect.width() - 2 * PADDING) / width)))
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.table.name)
            return
        font.setPixelSize(12)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(header.adjusted(PADDING, 0, -PADDING, 0), Qt.AlignmentFlag.AlignVCenter, self.table.name)
        font.setBold(False)
        if self.note is not None:
            font.setItalic(True)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(header.adjusted(PADDING, 0, -PADDING, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, self.note)
            font.setItalic(False)
        painter.setFont(font)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = QFontMetricsF(font)
        names = max((metrics.horizontalAdvance(c.name) for c in self.table.columns), default=0.0)
        for index, column in enumerate(self.table.columns):
            row = QRectF(PADDING, HEADER + ROW * index, rect.width() - 2 * PADDING, ROW)
            status = self.column_status.get(column.name)
            font.setStrikeOut(status is Status.DROPPED)
            font.setBold(status is Status.NEW)
            font.setItalic(status is Status.CHANGED)
            painter.setFont(font)
            painter.setPen(STATUS_COLOURS.get(status, text) if status is not None else text)
            painter.drawText(row, Qt.AlignmentFlag.AlignVCenter, column.name)
            painter.setPen(muted)
            painter.drawText(row.adjusted(names + 12, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, column_type(column))
            painter.drawText(row, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             markers(self.table, column))


class LinkItem(QGraphicsPathItem):
    """A foreign key: an orthogonal line, a crow's foot at the referring column, a bar at the referenced one."""

    def __init__(self, link: Link, colour: QColor) -> None:
        super().__init__()
        self.link = link
        self.follow(link.points)
        pen = QPen(colour, 1.2)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(0)
        self.setToolTip(f"{link.name or 'foreign key'}: {link.child[1]} ({', '.join(link.columns)}) → "
                        f"{link.parent[1]} ({', '.join(link.referred_columns)})")

    def follow(self, points: Sequence[tuple[float, float]]) -> None:
        """Draw the key through ``points``."""
        path = QPainterPath(QPointF(*points[0]))
        for point in points[1:]:
            path.lineTo(QPointF(*point))
        (x0, y0), (x1, _y1) = points[0], points[1]
        out = 10.0 if x1 >= x0 else -10.0
        for dy in (-5.0, 0.0, 5.0):  # the crow's foot: three prongs meeting out from the box's side
            path.moveTo(QPointF(x0, y0 + dy))
            path.lineTo(QPointF(x0 + out, y0))
        (xe, ye), (xp, _yp) = points[-1], points[-2]
        back = -6.0 if xe >= xp else 6.0
        path.moveTo(QPointF(xe + back, ye - 5))
        path.lineTo(QPointF(xe + back, ye + 5))
        self.setPath(path)


def elbow(child: QRectF, start_y: float, parent: QRectF, end_y: float) -> list[tuple[float, float]]:
    """A key's path while a box is dragged: out of the facing sides, one vertical between them
    (routed around the boxes once the box is dropped)."""
    if parent.center().x() >= child.center().x():
        start_x, end_x = child.right(), parent.left()
    else:
        start_x, end_x = child.left(), parent.right()
    middle = (start_x + end_x) / 2
    return [(start_x, start_y), (middle, start_y), (middle, end_y), (end_x, end_y)]


class SchemaFrame(QGraphicsRectItem):
    """The outline around one schema's boxes, its name above the top-left corner."""

    def __init__(self, name: str, rect: QRectF, colour: QColor) -> None:
        super().__init__(rect)
        pen = QPen(colour, 1, Qt.PenStyle.DotLine)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(-1)
        label = QGraphicsSimpleTextItem(name, self)
        font = QFont(label.font())
        font.setPixelSize(16)
        font.setBold(True)
        label.setFont(font)
        label.setBrush(colour)
        label.setPos(rect.left(), rect.top() - 22)


class DiagramScene(QGraphicsScene):
    """Boxes and keys; asks its owner for a table's context menu, for the menu of an empty spot,
    for a column's edit, and tells it where a box was moved."""

    def __init__(self, menu_for: Callable[[s.Table, QGraphicsSceneContextMenuEvent], None],
                 edit_column: Callable[[s.Table, str], None], link_columns: LinkColumns,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._menu_for, self._edit_column, self._link_columns = menu_for, edit_column, link_columns
        self.space_menu: Callable[[QPointF, QGraphicsSceneContextMenuEvent], None] | None = None
        """Asked for the menu of a spot where no box is (the panel's: *New table here…*)."""
        self.box_moved: Callable[[TableName, float, float], None] | None = None
        """Told where a box was dropped (its top-left corner, in scene coordinates)."""
        self.names_only: Callable[[], bool] = lambda: False
        """Whether the view is zoomed out so far that boxes show their names only: a press anywhere
        on a box then moves it (there is no column to start a key from, or to edit)."""
        self.items_by_table: dict[TableName, TableItem] = {}
        self.links_by_table: dict[TableName, list[LinkItem]] = {}
        self._drag: tuple[TableItem, str, QGraphicsLineItem] | None = None
        """A key being drawn: from this table's column, the line that follows the pointer."""
        self._moving: tuple[TableItem, QPointF, QPointF] | None = None
        """A box being moved: it, where the pointer holds it, and where it was."""

    def show(self, placed: Layout, tables: list[s.Table], marks: dict[TableName, Marks], colour: QColor,
             views: dict[TableName, str] | None = None, default_schema: str | None = None,
             notes: dict[TableName, str] | None = None) -> None:
        self.clear()
        self.items_by_table, self.links_by_table = {}, {}
        for link in placed.links:
            line = LinkItem(link, colour)
            self.addItem(line)
            self.links_by_table.setdefault(link.child, []).append(line)
            if link.parent != link.child:
                self.links_by_table.setdefault(link.parent, []).append(line)
        for table in tables:
            key = (table.schema, table.name)
            box = placed.boxes.get(key)
            if box is not None:
                item = TableItem(table, box, marks.get(key), (views or {}).get(key), (notes or {}).get(key))
                self.addItem(item)
                self.items_by_table[key] = item
        for name, (x, y, width, height) in frames(placed, default_schema).items():
            self.addItem(SchemaFrame(name, QRectF(x, y, width, height), colour))
        self.setSceneRect(0, 0, placed.width, placed.height)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        """A press on a box's name starts moving the box; on a column's row, drawing a foreign
        key from it (elsewhere the view pans)."""
        item = self._table_at(event.scenePos())
        if item is not None and event.button() == Qt.MouseButton.LeftButton \
                and (item.mapFromScene(event.scenePos()).y() < HEADER or self.names_only()):
            self.clearSelection()
            item.setSelected(True)
            self._moving = (item, event.scenePos() - item.pos(), item.pos())
            item.setZValue(3)
            event.accept()
            return
        column = item.column_at(item.mapFromScene(event.scenePos()).y()) if item is not None else None
        if item is None or column is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        line = QGraphicsLineItem(QLineF(event.scenePos(), event.scenePos()))
        pen = QPen(QColor("#2e7dd7"), 1.5, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        line.setPen(pen)
        line.setZValue(2)
        self.addItem(line)
        self._drag = (item, column, line)
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._moving is not None:
            item, grip, _was = self._moving
            corner = event.scenePos() - grip
            item.setPos(max(0.0, corner.x()), max(0.0, corner.y()))
            self._follow(item)
            event.accept()  # else the view takes the gesture for a click on the background, which clears the selection
            return
        if self._drag is None:
            super().mouseMoveEvent(event)
            return
        line = self._drag[2]
        line.setLine(QLineF(line.line().p1(), event.scenePos()))
        event.accept()

    def _follow(self, moved: TableItem) -> None:
        """The keys of a box being dragged follow it."""
        for link_item in self.links_by_table.get((moved.table.schema, moved.table.name), []):
            link = link_item.link
            child, parent = self.items_by_table.get(link.child), self.items_by_table.get(link.parent)
            if child is None or parent is None:
                continue
            start = child.pos().y() + column_row_y(child.box, child.table, link.columns) - child.box.y
            end = parent.pos().y() + column_row_y(parent.box, parent.table, link.referred_columns) - parent.box.y
            child_rect = child.sceneBoundingRect()
            if child is parent:
                x = child_rect.right() + 16
                link_item.follow([(child_rect.right(), start), (x, start), (x, end), (child_rect.right(), end)])
            else:
                link_item.follow(elbow(child_rect, start, parent.sceneBoundingRect(), end))

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._moving is not None:
            item, _grip, was = self._moving
            self._moving = None
            item.setZValue(1)
            event.accept()
            if item.pos() != was and self.box_moved is not None:
                self.box_moved((item.table.schema, item.table.name), item.pos().x(), item.pos().y())
            return
        if self._drag is None:
            super().mouseReleaseEvent(event)
            return
        source, column, line = self._drag
        self._drag = None
        self.removeItem(line)
        target = self._table_at(event.scenePos())
        referred = target.column_at(target.mapFromScene(event.scenePos()).y()) if target is not None else None
        if target is None or referred is None or (target is source and referred == column):
            self.clearSelection()  # a click on a column: its table is chosen
            source.setSelected(True)
            return
        self._link_columns(source.table, column, target.table, referred)

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        item = self._table_at(event.scenePos())
        if item is None:
            if self.space_menu is not None:
                self.space_menu(event.scenePos(), event)
            return
        self.clearSelection()
        item.setSelected(True)
        self._menu_for(item.table, event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self._table_at(event.scenePos())
        column = item.column_at(item.mapFromScene(event.scenePos()).y()) \
            if item is not None and not self.names_only() else None
        if item is not None and column is not None:
            self._edit_column(item.table, column)
            return
        super().mouseDoubleClickEvent(event)

    def _table_at(self, point: QPointF) -> TableItem | None:
        return next((i for i in self.items(point) if isinstance(i, TableItem)), None)


class DiagramView(QGraphicsView):
    """Pans by dragging, zooms with the wheel around the pointer; ``table_chosen`` says which
    table the user selected (schema, name)."""

    table_chosen = Signal(object)

    def __init__(self, menu_for: Callable[[s.Table, QGraphicsSceneContextMenuEvent], None],
                 edit_column: Callable[[s.Table, str], None], link_columns: LinkColumns,
                 parent: QWidget | None = None) -> None:
        self.diagram = DiagramScene(menu_for, edit_column, link_columns)
        super().__init__(self.diagram, parent)
        self.diagram.setParent(self)
        self.setObjectName("diagramView")
        self.setToolTip("Drag a box by its name to move it, from a column to a column of another table to add a "
                        "foreign key; right-click a box for its edits, an empty spot for a new table")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState
                                  | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self._syncing = False
        self.diagram.selectionChanged.connect(self._selection_changed)
        self.diagram.names_only = lambda: self.transform().m11() < OUTLINE_ONLY_BELOW

    def show_layout(self, placed: Layout, tables: list[s.Table], marks: dict[TableName, Marks],
                    views: dict[TableName, str] | None = None, default_schema: str | None = None,
                    notes: dict[TableName, str] | None = None) -> None:
        selected = self.selected_table()
        centre = self.mapToScene(self.viewport().rect().center()) if self.diagram.items_by_table else None
        self._syncing = True
        try:
            self.diagram.show(placed, tables, marks, self.palette().color(QPalette.ColorRole.Mid), views,
                              default_schema, notes)
            if selected is not None and selected in self.diagram.items_by_table:
                self.diagram.items_by_table[selected].setSelected(True)
        finally:
            self._syncing = False
        if centre is not None:  # a diagram that grew or shrank does not slide under the user's eyes
            self.centerOn(centre)

    def selected_table(self) -> TableName | None:
        chosen = [i for i in self.diagram.selectedItems() if isinstance(i, TableItem)]
        return (chosen[0].table.schema, chosen[0].table.name) if chosen else None

    def select_table(self, key: TableName | None) -> None:
        """Select (and bring into view) the box of ``key``; None clears the selection."""
        self._syncing = True
        try:
            self.diagram.clearSelection()
            item = self.diagram.items_by_table.get(key) if key is not None else None
            if item is not None:
                item.setSelected(True)
                self.ensureVisible(item)
        finally:
            self._syncing = False

    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.05 <= scale <= 4:
            self.scale(factor, factor)
            self._smooth_when_readable()

    def fit(self) -> None:
        self.fitInView(self.diagram.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._smooth_when_readable()

    def _smooth_when_readable(self) -> None:
        """Lines are antialiased only where the columns are drawn: zoomed out, hundreds of keys
        drawn smooth cost more than a frame when panning, and show no better."""
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.transform().m11() >= OUTLINE_ONLY_BELOW)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(ZOOM_STEP ** steps)
        event.accept()

    def _selection_changed(self) -> None:
        if not self._syncing:
            self.table_chosen.emit(self.selected_table())
