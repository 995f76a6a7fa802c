"""The schema tree with its filter box; keeps expansion and selection across filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from gui_app.core.schema import Schema
from gui_app.ui.models.schema_tree import SchemaTreeModel
from gui_app.ui.models.tree_index import TreeIndex

if TYPE_CHECKING:
    from gui_app.core.plan import Renames

AUTO_EXPAND_LIMIT = 200
"""Up to this many matches, the tree opens to show each one."""


class _UndoGoesToTheApp(QObject):
    """The filter box claims Ctrl+Z for its own text; the app's undo (of the pending list) must
    win wherever the focus is in the main window, so the box lets those shortcuts pass."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()
            return True
        return False


class SchemaBrowser(QWidget):
    node_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SchemaTreeModel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("schemaFilter")
        self.filter_edit.setPlaceholderText("Filter tables, columns, keys, indexes… by name")
        self.filter_edit.setClearButtonEnabled(True)
        self._undo_passes = _UndoGoesToTheApp(self)
        self.filter_edit.installEventFilter(self._undo_passes)
        self.match_label = QLabel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("schemaTree")
        self.view.setUniformRowHeights(True)  # lets the view skip measuring 40,000 rows
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 260)
        header.resizeSection(1, 170)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.match_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self._expanded: set[tuple[str, ...]] = set()
        self._unfiltered_expansion: set[tuple[str, ...]] | None = None
        self._restoring = False
        self._selection: tuple[str, ...] | None = None
        """The user's last selection; kept while a filter hides it."""
        self.view.expanded.connect(lambda index: self._track(index, True))
        self.view.collapsed.connect(lambda index: self._track(index, False))
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.filter_edit.textChanged.connect(self.apply_filter)

    # --- public ----------------------------------------------------------------------------

    def set_tree(self, tree: TreeIndex) -> None:
        """Show a new snapshot, keeping what was open and selected where it still exists."""
        expanded = set(self._expanded)
        self.model.set_tree(tree)
        self._restore(expanded)
        if not expanded and self.model.rowCount() <= 20:
            self.view.expandToDepth(1)  # a first look: each schema and its folders open
        self._update_match_label()

    def show_projection(self, schema: Schema, base: Schema | None, renames: Renames | None = None) -> None:
        """Show ``schema`` with what differs from ``base`` marked (a rename as one changed object),
        reusing the nodes of the tree shown now for the tables that did not change."""
        from gui_app.core.long_lived import collector_paused, set_aside
        from gui_app.ui.models.tree_index import build_tree_index
        from gui_app.ui.models.tree_update import update_tree_index, wasteful

        tree = self.model.tree
        with collector_paused():
            # In place when only tables changed: the view then redoes only the rows that changed.
            in_place = not self.model.filter_text and not wasteful(tree)
            update = update_tree_index(tree, schema, base, renames) if in_place else None
            if update is None:
                self.set_tree(build_tree_index(schema, base, tree, renames))
        set_aside()
        if update is not None:
            self._restoring = True  # a removed row may take the current index along: not the user's choice
            try:
                self.model.apply_update(update)
            finally:
                self._restoring = False
            selected = self.selected_node()
            self._restore(set(self._expanded))  # rows put back come closed: open what was open, select again
            self._update_match_label()
            if self.selected_node() == selected:  # the same row may show a table changed in place: its details too
                self.node_selected.emit(selected)

    def apply_filter(self, text: str) -> None:
        if text.strip() and self._unfiltered_expansion is None:
            self._unfiltered_expansion = set(self._expanded)
        self.model.set_filter(text)
        if not self.model.filter_text:
            expanded = self._unfiltered_expansion or set()
            self._unfiltered_expansion = None
        else:
            expanded = set(self._expanded)
            if len(self.model.matches) <= AUTO_EXPAND_LIMIT:
                tree = self.model.tree
                for node in self.model.matches:
                    parent = tree.parents[node]
                    while parent > 0:
                        expanded.add(tree.path(parent))
                        parent = tree.parents[parent]
        self._restore(expanded)
        self._update_match_label()

    def selected_node(self) -> int:
        return self.model.node(self.view.currentIndex())

    def selected_path(self) -> tuple[str, ...] | None:
        node = self.selected_node()
        return self.model.tree.path(node) if node > 0 else None

    def select_path(self, path: tuple[str, ...]) -> bool:
        node = self.model.tree.find_path(path)
        if node is None:
            return False
        index = self.model.index_of_node(node)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    # --- internals -------------------------------------------------------------------------

    def _track(self, index: QModelIndex, expanded: bool) -> None:
        if self._restoring:
            return
        path = self.model.tree.path(self.model.node(index))
        if expanded:
            self._expanded.add(path)
        else:
            self._expanded.discard(path)

    def _restore(self, expanded: set[tuple[str, ...]]) -> None:
        self._restoring = True
        try:
            tree = self.model.tree
            for path in sorted(expanded, key=len):
                node = tree.find_path(path)
                if node is not None:
                    index = self.model.index_of_node(node)
                    if index.isValid():
                        self.view.setExpanded(index, True)
            self._expanded = expanded
            wanted = self._selection
            if wanted is None or not self.select_path(wanted):
                self.node_selected.emit(0)
        finally:
            self._restoring = False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.model.node(current)
        if not self._restoring and node > 0:
            self._selection = self.model.tree.path(node)
        self.node_selected.emit(node)

    def _update_match_label(self) -> None:
        if self.model.filter_text:
            count = len(self.model.matches)
            self.match_label.setText(f"{count} match" + ("" if count == 1 else "es"))
        else:
            self.match_label.setText("")
