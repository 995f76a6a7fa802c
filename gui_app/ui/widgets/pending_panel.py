"""The pending list: each operation as its ``op.`` call with risk labels, undo history, removal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QStyle,
    QTabWidget,
    QTreeView,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from gui_app.ui import icons
from gui_app.ui.models.pending_model import PendingModel
from gui_app.ui.widgets.text_strip import TextStrip
from gui_app.ui.wording import plural

if TYPE_CHECKING:
    from gui_app.core.online import OnlineOp
    from gui_app.core.view_deps import AroundViewsOp
    from gui_app.ui.pending import PendingPlan



class PendingPanel(QWidget):
    def __init__(self, report_error: Callable[[str, str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pendingPanel")
        self._report_error = report_error
        self._pending: PendingPlan | None = None
        self.model = PendingModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("pendingList")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setModel(self.model)
        header = self.view.header()
        # The number and risk columns are fitted from what they hold (``_fit_columns``), not by
        # Qt measuring every row's cells after every edit.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(PendingModel.LOCK, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(PendingModel.LOCK, header.fontMetrics().horizontalAdvance("x") * 60)
        header.setStretchLastSection(False)
        self._fitted: tuple[int, frozenset[str]] | None = None
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset, self.model.dataChanged):
            signal.connect(self._fit_columns)
        self._fit_columns()
        self.history = QUndoView(self)
        self.history.setObjectName("pendingHistory")
        self.history.setEmptyLabel("Database as read")
        self.remove_button = QPushButton("Remove", self)
        icons.set_action_icon(self.remove_button.setIcon, "remove")
        self.remove_button.setToolTip("Remove the selected operation from the pending list")
        self.remove_button.clicked.connect(self.remove_selected)
        self.online_button = QPushButton("Make it online", self)
        self.online_button.setObjectName("makeOnline")
        icons.set_action_icon(self.online_button.setIcon, "online")
        self.online_button.setToolTip("Replace the selected operation by the sequence that lets reads and writes go "
                                      "on while it reads the table (CREATE INDEX CONCURRENTLY, NOT VALID then "
                                      "VALIDATE…); undoable")
        self.online_button.clicked.connect(self.make_selected_online)
        self.online_button.setEnabled(False)
        # The model tells of every change of the list (an online form swapped in or undone too).
        for signal in (self.view.selectionModel().currentChanged, self.model.modelReset, self.model.dataChanged,
                       self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_online)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        tabs = QTabWidget(self)
        tabs.addTab(self.view, "Operations")
        history = tabs.addTab(self.history, "History")
        icons.set_action_icon(lambda icon: tabs.setTabIcon(history, icon), "history")
        self.count = TextStrip(self)
        self.count.setObjectName("pendingCount")
        self.count.setContentsMargins(4, 0, 0, 0)  # the panel has none; the text would touch the edge
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._show_count)
        self._show_count()
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.online_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tabs, 1)
        layout.addLayout(buttons)

    def set_pending(self, pending: PendingPlan | None) -> None:
        from gui_app.core.lock_models import MODELLED

        self._pending = pending
        self.model.set_pending(pending)
        # Shown where the dialect has a lock-and-cost model, not as an empty column elsewhere.
        self.view.setColumnHidden(PendingModel.LOCK, pending is None or pending.dialect not in MODELLED)
        if pending is not None:
            self.history.setStack(pending.undo_stack)
        self._update_online()

    def _online_form(self) -> OnlineOp | None:
        row = self.selected_row()
        if self._pending is None or not 0 <= row < len(self._pending.plan):
            return None
        return self._pending.plan.online_form(row)

    def _show_count(self, *_args: object) -> None:
        """Here rather than in the dock's title: a new title re-lays out the whole window (its tab
        in the bottom dock area changes width), some milliseconds per edit."""
        count = self.model.rowCount()
        self.count.setText(plural(count, "pending operation") if count else "Nothing pending")

    def _update_online(self, *_args: object) -> None:
        online = self._online_form()
        self.online_button.setEnabled(online is not None)
        self.online_button.setToolTip(
            f"Run it online: {online.kind}. {online.failure[0].upper()}{online.failure[1:]}." if online is not None
            else "The selected operation has no online form here (or needs none: it reads no existing table "
                 "under a blocking lock)")

    def make_selected_online(self) -> None:
        if self._pending is not None:
            self._change_selected(self._pending.make_online, "Cannot make this operation online")

    def _change_selected(self, change: Callable[[int], None], refused: str) -> None:
        """``change`` the selected operation; a refusal is reported under the title ``refused``."""
        from gui_app.core.plan import PlanError

        row = self.selected_row()
        if row < 0:
            return
        try:
            change(row)
        except PlanError as error:
            self._report_error(refused, str(error))

    def _context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        online = menu.addAction("Make it online", self.make_selected_online)
        online.setObjectName("makeOnlineAction")
        online.setEnabled(self._online_form() is not None)
        views = menu.addAction("Re-create the views that read it", self.recreate_selected_views)
        views.setObjectName("recreateViewsAction")
        views.setEnabled(self._views_form() is not None)
        views.setToolTip("PostgreSQL refuses this change while views read the column: drop them before it and "
                         "create them again after it, from their definitions")
        menu.addAction("Remove", self.remove_selected)
        menu.exec(self.view.viewport().mapToGlobal(position))

    def _views_form(self) -> AroundViewsOp | None:
        row = self.selected_row()
        if self._pending is None or not 0 <= row < len(self._pending.plan):
            return None
        return self._pending.plan.views_form(row)

    def recreate_selected_views(self) -> None:
        if self._pending is not None:
            self._change_selected(self._pending.recreate_views, "Cannot re-create views around this operation")

    def _fit_columns(self, *_args: object) -> None:
        """The widest row number and the widest risk text in the list, measured once each."""
        digits, risks = len(str(self.model.rowCount())), frozenset(self.model.risk_texts())
        if self._fitted == (digits, risks):
            return
        self._fitted = (digits, risks)
        header, metrics = self.view.header(), self.view.fontMetrics()
        margin = self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        padding = 2 * margin + 2 * metrics.averageCharWidth()
        header.resizeSection(0, metrics.horizontalAdvance("9" * digits) + padding)
        widest = max((metrics.horizontalAdvance(text) for text in risks), default=0)
        header.resizeSection(2, max(widest, metrics.horizontalAdvance(PendingModel.HEADERS[2])) + padding)

    def selected_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def remove_selected(self) -> None:
        from gui_app.core.plan import PlanError

        row = self.selected_row()
        if self._pending is None or row < 0:
            return
        try:
            self._pending.remove(row)
        except PlanError as error:
            self._report_error("Cannot remove this operation", str(error))
