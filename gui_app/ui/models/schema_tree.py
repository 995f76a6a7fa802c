"""Lazy item model over a :class:`TreeIndex`.

The node id is the ``internalId``; a node's visible children are computed the
first time the view asks for them. Filtering runs in Python over the index and
resets the model, which is far cheaper than a proxy model over this tree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from gui_app.core.changed_run import changed_run
from gui_app.ui import icons
from gui_app.ui.models.role_data import requested
from gui_app.ui.models.tree_index import Kind, Status, TreeIndex
from gui_app.ui.models.tree_update import TreeUpdate

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex
_NOT_SEARCHED = (Kind.ROOT, Kind.FOLDER)
STATUS_COLOURS = {Status.NEW: QColor("#2e9d4a"), Status.CHANGED: QColor("#c77700"), Status.DROPPED: QColor("#8a8a8a")}
STATUS_BRUSHES = {status: QBrush(colour) for status, colour in STATUS_COLOURS.items()}
_DISPLAY, _DECORATION = Qt.ItemDataRole.DisplayRole.value, Qt.ItemDataRole.DecorationRole.value
_FOREGROUND, _FONT = Qt.ItemDataRole.ForegroundRole.value, Qt.ItemDataRole.FontRole.value
_ASKED_ALWAYS = {Qt.ItemDataRole.TextAlignmentRole.value, Qt.ItemDataRole.CheckStateRole.value,
                 Qt.ItemDataRole.BackgroundRole.value, _DECORATION, _FOREGROUND, _FONT}
"""Roles a delegate asks for on every cell that this model leaves empty (unless said above)."""
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
"""Made once: combining Qt's flags runs Python's enum code, and the view asks for every row it lays out."""
STATUS_TIPS = {Status.NEW: "new: added by the pending changes", Status.CHANGED: "changed by the pending changes",
               Status.DROPPED: "dropped by the pending changes"}


class SchemaTreeModel(QAbstractItemModel):
    """The schema tree for Qt, over a :class:`TreeIndex` (node ids as ``internalId``): lazy, read
    only, filtered by name."""

    HEADERS = ("Name", "Type", "Details")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._tree = TreeIndex()
        self._tree.add(-1, Kind.ROOT, "")
        self._filter = ""
        self._matches: list[int] = []
        self._visible = bytearray()
        self._open: set[int] = set()
        self._rows: dict[int, list[int]] = {}
        self._row_of: dict[int, int] = {}
        self._icons: dict[Kind, QIcon] = {}
        self._searchable: list[int] | None = None

    # --- what the rest of the UI uses -------------------------------------------------

    @property
    def tree(self) -> TreeIndex:
        return self._tree

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def matches(self) -> list[int]:
        return self._matches

    def set_tree(self, tree: TreeIndex) -> None:
        self.beginResetModel()
        self._tree = tree
        self._searchable = None
        self._compute_filter()
        self.endResetModel()

    def apply_update(self, update: TreeUpdate) -> None:
        """The tree was updated in place (``tree_update``): tell the view which rows of which
        folders were removed and inserted, and which rows changed, rather than resetting it."""
        assert not self._filter, "an update in place is for the unfiltered tree"
        self._searchable = None
        for change in update.folders:
            rows = self._rows.get(change.folder)
            if rows is None:  # the view never asked for this folder's rows: they are read when it does
                continue
            parent = self.index_of_node(change.folder)
            old, new = rows, change.after
            first, old_end, new_end = changed_run(old, new)
            removed, inserted = old_end - first, new_end - first
            if removed:
                self.beginRemoveRows(parent, first, old_end - 1)
                for node in old[first:old_end]:
                    self._row_of.pop(node, None)
                self._set_rows(change.folder, old[:first] + old[old_end:], first)
                self.endRemoveRows()
            if inserted:
                self.beginInsertRows(parent, first, first + inserted - 1)
                self._set_rows(change.folder, new, first)
                self.endInsertRows()
            else:
                self._set_rows(change.folder, new, first)
        for node in update.touched:
            left = self.index_of_node(node)
            if left.isValid():
                self.dataChanged.emit(left, self.index_of_node(node, len(self.HEADERS) - 1))

    def _set_rows(self, node: int, rows: list[int], changed_from: int) -> None:
        self._rows[node] = rows
        for row in range(changed_from, len(rows)):
            self._row_of[rows[row]] = row

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = text.strip()
        self._compute_filter()
        self.endResetModel()

    def node(self, index: AnyIndex) -> int:
        return int(index.internalId()) if index.isValid() else 0

    def index_of_node(self, node: int, column: int = 0) -> QModelIndex:
        """The index of a node, or an invalid index when the filter hides it."""
        if node <= 0 or node >= len(self._tree):
            return QModelIndex()
        chain = []
        while node > 0:
            chain.append(node)
            node = self._tree.parents[node]
        parent = 0
        for step in reversed(chain):
            self._children_of(parent)
            if step not in self._row_of:
                return QModelIndex()
            parent = step
        return self.createIndex(self._row_of[chain[0]], column, chain[0])

    # --- filtering ---------------------------------------------------------------------

    def _compute_filter(self) -> None:
        self._rows.clear()
        self._row_of.clear()
        self._open.clear()
        tree = self._tree
        if not self._filter:
            self._matches = []
            self._visible = bytearray()
            return
        if self._searchable is None:
            alive = tree.alive()
            self._searchable = [i for i, k in enumerate(tree.kinds) if k not in _NOT_SEARCHED and alive[i]]
        needle = self._filter.casefold()
        folded = tree.folded_names
        self._matches = [i for i in self._searchable if needle in folded[i]]
        visible = bytearray(len(tree))
        parents = tree.parents
        for node in self._matches:
            while node >= 0 and not visible[node]:
                visible[node] = 1
                node = parents[node]
        self._visible = visible
        self._open.update(self._matches)

    def _children_of(self, node: int) -> list[int]:
        rows = self._rows.get(node)
        if rows is None:
            children = self._tree.children[node]
            if not self._filter or node in self._open:
                rows = children
                if self._filter:
                    self._open.update(children)
            else:
                visible = self._visible
                rows = [c for c in children if visible[c]]
            self._rows[node] = rows
            for row, child in enumerate(rows):
                self._row_of[child] = row
        return rows

    # --- QAbstractItemModel ------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(self.HEADERS):
            return QModelIndex()
        children = self._children_of(self.node(parent))
        if 0 <= row < len(children):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, child: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        parent = self._tree.parents[self.node(child)]
        if parent <= 0:
            return QModelIndex()
        self._children_of(self._tree.parents[parent])
        return self.createIndex(self._row_of[parent], 0, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children_of(self.node(parent)))

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = self.node(parent)
        if node in self._rows:
            return bool(self._rows[node])
        return bool(self._tree.children[node]) and (not self._filter or bool(self._children_of(node)))

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        column = index.column()
        tree = self._tree
        if role == Qt.ItemDataRole.DisplayRole:
            return (tree.names, tree.types, tree.details)[column][node]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            kind = tree.kinds[node]
            if kind not in self._icons:
                self._icons[kind] = icons.for_kind(kind.value)
            return self._icons[kind]
        status = tree.statuses[node]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = " ".join(t for t in (tree.names[node], tree.types[node], tree.details[node]) if t)
            return f"{text}\n({STATUS_TIPS[status]})" if status in STATUS_TIPS else text
        if role == Qt.ItemDataRole.ForegroundRole and status in STATUS_BRUSHES:
            return STATUS_BRUSHES[status]
        if role == Qt.ItemDataRole.FontRole:
            return self._font(tree.kinds[node] is Kind.FOLDER and column == 0, status)
        if role == NODE_ROLE:
            return node
        return None

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """A cell's roles in one call: a view's delegate asks for seven at once for every cell it
        paints, and seven calls into Python per cell made repainting the tree slow."""
        if not index.isValid():
            return
        node, column, tree = int(index.internalId()), index.column(), self._tree
        status = tree.statuses[node]
        for item in requested(roleDataSpan):
            role = item.role()
            if role == _DISPLAY:
                item.setData((tree.names, tree.types, tree.details)[column][node])
            elif role == _DECORATION and column == 0:
                kind = tree.kinds[node]
                if kind not in self._icons:
                    self._icons[kind] = icons.for_kind(kind.value)
                item.setData(self._icons[kind])
            elif role == _FOREGROUND and status in STATUS_BRUSHES:
                item.setData(STATUS_BRUSHES[status])
            elif role == _FONT and (status is not Status.SAME or (column == 0 and tree.kinds[node] is Kind.FOLDER)):
                item.setData(self._font(tree.kinds[node] is Kind.FOLDER and column == 0, status))
            elif role in _ASKED_ALWAYS:
                item.clearData()
            else:
                item.setData(self.data(index, role))

    def forget_icons(self) -> None:
        """Icons are drawn in the palette's colours; after a palette change they are drawn again."""
        self._icons.clear()  # the view asks again when it repaints

    def _font(self, folder: bool, status: Status) -> QFont | None:
        if not folder and status is Status.SAME:
            return None
        font = QFont()
        font.setItalic(folder or status is Status.CHANGED)
        font.setBold(status is Status.NEW)
        font.setStrikeOut(status is Status.DROPPED)
        return font
