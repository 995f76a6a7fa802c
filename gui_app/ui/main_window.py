"""The main window composes the views, docks, menus and controllers; the controllers act.

Opening a database is :class:`~gui_app.ui.connect_flow.ConnectFlow`'s, applying the pending
list :class:`~gui_app.ui.apply_flow.ApplyFlow`'s, editing :class:`SchemaEditor`'s and files
:class:`MigrationFiles`'. The window shows their progress and messages and keeps the layout.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QMoveEvent, QResizeEvent, QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QGraphicsSceneContextMenuEvent,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QWidget,
)

from gui_app import __version__
from gui_app.ui import icons
from gui_app.ui.actions import ICON_PROPERTY, make_action
from gui_app.ui.apply_flow import ApplyFlow
from gui_app.ui.connect_flow import ConnectFlow
from gui_app.ui.context import AppContext, LoadedDatabase
from gui_app.ui.menus import ACTIONS, ALWAYS, EDIT, MENUS, TOOLBAR
from gui_app.ui.migration_files import MigrationFiles
from gui_app.ui.modal import run_modal
from gui_app.ui.models.tree_index import Kind, Status
from gui_app.ui.schema_editor import SchemaEditor
from gui_app.ui.step_tips import StepTip, step_action, step_tip
from gui_app.ui.widgets.details_panel import DetailsPanel
from gui_app.ui.widgets.pending_panel import PendingPanel
from gui_app.ui.widgets.preview_panel import PreviewPanel
from gui_app.ui.widgets.revision_panel import RevisionPanel
from gui_app.ui.widgets.schema_browser import SchemaBrowser
from gui_app.ui.wording import plural

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from gui_app.core import schema as s
    from gui_app.ui.pending import PendingPlan
    from gui_app.ui.widgets.diagram_panel import DiagramPanel

APP_TITLE = "Alembic Studio"
GEOMETRY_KEY = "window/geometry"
LAYOUT_KEY = "window/layout"
PREVIEW_DIALECT_KEY = "preview/dialect"
LAYOUT_SAVE_DELAY_MS = 800
"""How long the window and docks stay put before their layout is written to the settings."""



class MainWindow(QMainWindow):
    """The window of one database: tree, details, docks, menus; never runs a database query itself."""

    # One attribute per entry of menus.ACTIONS, set by _make_actions.
    connect_action: QAction
    demo_action: QAction
    refresh_action: QAction
    cancel_action: QAction
    quit_action: QAction
    filter_action: QAction
    about_action: QAction
    getting_started_action: QAction
    shortcuts_action: QAction
    timeouts_action: QAction
    new_table_action: QAction
    sql_step_action: QAction
    add_column_action: QAction
    preview_action: QAction
    apply_action: QAction
    link_project_action: QAction
    open_script_action: QAction
    save_revision_action: QAction
    save_script_action: QAction
    export_sql_action: QAction
    compare_action: QAction

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        # The layout is kept as it changes, not only on a clean close: a crash must not lose it.
        self._layout_timer = QTimer(self)
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(LAYOUT_SAVE_DELAY_MS)
        self._layout_timer.timeout.connect(self._save_layout)
        self.resize(1180, 760)
        self.error_box: QMessageBox | None = None
        self.last_menu: QMenu | None = None
        self.shortcuts_dialog: QDialog | None = None
        self.getting_started_dialog: QDialog | None = None
        self._shown_url: URL | None = None  # the database last read, to tell a refresh from another database

        self.browser = SchemaBrowser(self)
        self.details = DetailsPanel(self)
        self._diagram: DiagramPanel | None = None
        self.views = QTabWidget(self)
        self.views.setObjectName("schemaViews")
        self.views.addTab(self.browser, "Tree")
        self.views.addTab(QWidget(self), "Diagram")  # the panel is made when first shown: nothing at start
        self.views.currentChanged.connect(self._view_chosen)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.views)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        from gui_app.ui.widgets.getting_started import GettingStartedPage

        self.start_page = GettingStartedPage(self)
        self.pages = QStackedWidget(self)  # the start page until a database is being read, then the tree
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)
        self.browser.node_selected.connect(lambda node: self.details.show_node(self.browser.model.tree, node))
        self.browser.node_selected.connect(self._select_in_diagram)
        self.editor = SchemaEditor(context, self, self.show_error,
                                   lambda text: self.statusBar().showMessage(text, 15_000))
        self.browser.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.view.customContextMenuRequested.connect(self._tree_menu)
        self.undo_group = QUndoGroup(self)
        self.pending_panel = PendingPanel(self.show_error, self)
        self.preview = PreviewPanel(context.jobs, self)
        self.pending_dock = self._dock("Pending changes", "pendingDock", self.pending_panel,
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.preview_dock = self._dock("Preview", "previewDock", self.preview, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.revisions = RevisionPanel(self)
        self.revision_dock = self._dock("Revisions", "revisionDock", self.revisions,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.pending_dock, self.preview_dock)
        self.tabifyDockWidget(self.preview_dock, self.revision_dock)
        self.pending_dock.raise_()
        self.connecting = ConnectFlow(context, self, self.show_error)
        self.applying = ApplyFlow(context, self, self, self.show_message,
                                  lambda text: self.statusBar().showMessage(text, 10_000))
        self.files = MigrationFiles(context, self, self.show_error,
                                    lambda text: self.statusBar().showMessage(text, 15_000), self.applying)
        self.files.project_changed.connect(self._show_revisions)
        self.start_page.demo_requested.connect(self.connecting.open_demo)
        self.start_page.connect_requested.connect(self.connecting.show_dialog)
        self.start_page.project_requested.connect(lambda: self.files.link_project())
        from gui_app.ui.recovery_offer import RecoveryOffer

        self.recovery = RecoveryOffer(context, self, self.show_error,
                                      lambda text: self.statusBar().showMessage(text, 15_000))

        self._make_actions()
        self._make_status_bar()
        self.browser.view.setFocus()  # the tree, not the filter box (the first field in tab order)
        context.loading_started.connect(self._loading_started)
        context.loading_progress.connect(self.progress_shown)
        context.loaded.connect(self._loaded)
        context.loading_failed.connect(self._loading_failed)
        context.loading_cancelled.connect(self._loading_cancelled)
        context.recent_changed.connect(self._fill_recent_menu)
        context.pending_replaced.connect(self._pending_replaced)
        context.rebase_failed.connect(lambda reason: self.show_error(
            "The pending changes no longer fit the database", reason))
        self._fill_recent_menu()
        self._fill_recent_projects()
        self.files.project_changed.connect(self._fill_recent_projects)
        self.preview.dialect_chosen.connect(lambda key: context.settings.setValue(PREVIEW_DIALECT_KEY, key))
        self.preview.preferred = context.settings.value(PREVIEW_DIALECT_KEY, None)
        self._restore_layout()
        for dock in (self.pending_dock, self.preview_dock, self.revision_dock):
            dock.dockLocationChanged.connect(self._layout_changed)
            dock.topLevelChanged.connect(self._layout_changed)
            dock.visibilityChanged.connect(self._layout_changed)

    # --- construction ---------------------------------------------------------------------

    def _make_actions(self) -> None:
        for attribute, text, slot, shortcut, icon, tip, enabled in ACTIONS:
            action = make_action(self, text, self._slot(slot), shortcut=shortcut, icon=icon, tip=tip)
            action.setEnabled(enabled == ALWAYS)
            setattr(self, attribute, action)
        self.edit_actions = [getattr(self, entry[0]) for entry in ACTIONS if entry[6] == EDIT]
        self.undo_action = self._undo_redo(step_action(self, self.undo_group, redo=False), "undo")
        self.redo_action = self._undo_redo(step_action(self, self.undo_group, redo=True), "redo")
        self.recent_menu = QMenu("Recent connections", self)
        icons.set_action_icon(self.recent_menu.setIcon, "recent")
        self.recent_projects_menu = QMenu("Recent Alembic projects", self)
        icons.set_action_icon(self.recent_projects_menu.setIcon, "project")

        for title, entries in MENUS:
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry == "-":
                    menu.addSeparator()
                elif entry.startswith("@"):
                    item = getattr(self, entry[1:])
                    if isinstance(item, QMenu):
                        menu.addMenu(item)
                    else:  # a dock: its show/hide action
                        menu.addAction(item.toggleViewAction())
                else:
                    menu.addAction(getattr(self, entry))
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for entry in TOOLBAR:
            if entry == "-":
                toolbar.addSeparator()
            else:
                toolbar.addAction(getattr(self, entry))
        for action, redo in ((self.undo_action, False), (self.redo_action, True)):
            StepTip(toolbar.widgetForAction(action), partial(step_tip, self.undo_group, redo))

    def _slot(self, path: str) -> Any:
        """The callable an action table entry names: a method of the window or of one of its parts."""
        target: Any = self
        for part in path.split("."):
            target = getattr(target, part)
        return target

    def _undo_redo(self, action: QAction, icon: str) -> QAction:
        icons.set_action_icon(action.setIcon, icon)
        action.setProperty(ICON_PROPERTY, icon)
        return action

    def _cancel_work(self) -> None:
        """Cancel an apply between two operations (the transaction then rolls back), or loading."""
        if not self.applying.cancel():
            self.context.cancel_loading()

    def _make_status_bar(self) -> None:
        status = self.statusBar()
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setDefaultAction(self.cancel_action)
        self.cancel_button.hide()
        self.server_label = QLabel("Not connected", self)
        self.server_label.setObjectName("serverLabel")
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        status.addPermanentWidget(self.server_label)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.context.recent_urls()
        for entry in recent:
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda _checked=False, entry=entry: self.connecting.open_url_text(entry))
        self.recent_menu.setEnabled(bool(recent))

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # --- editing --------------------------------------------------------------------------

    def _pending_replaced(self, pending: PendingPlan) -> None:
        for stack in self.undo_group.stacks():
            self.undo_group.removeStack(stack)
        self.undo_group.addStack(pending.undo_stack)
        self.undo_group.setActiveStack(pending.undo_stack)
        self.pending_panel.set_pending(pending)
        self.preview.set_pending(pending)
        if self._diagram is not None:
            self._diagrams_of_database()
            self._diagram.show_schema(pending.plan.projected, pending.plan.base if len(pending.plan) else None)
        pending.changed.connect(self._show_projection)
        pending.changed.connect(self.files.autosave)
        for action in self.edit_actions:
            action.setEnabled(True)
        self._follow_pending_count()

    def _show_projection(self) -> None:
        """The tree shows the schema as the pending list leaves it, changes marked."""
        pending = self.context.pending
        if pending is None:
            return
        from gui_app.core.plan import renames

        plan = pending.plan
        self.browser.show_projection(plan.projected, plan.base if len(plan) else None,
                                     renames(plan.operations) if len(plan) else None)
        if self._diagram is not None:
            self._diagram.show_schema(plan.projected, plan.base if len(plan) else None)
        self._follow_pending_count()

    def _follow_pending_count(self) -> None:
        """The actions that need something pending follow the list's length (the panel shows it)."""
        count = len(self.context.pending.plan) if self.context.pending is not None else 0
        for action in (self.apply_action, self.save_revision_action, self.save_script_action, self.export_sql_action):
            action.setEnabled(count > 0)

    def _tree_menu(self, position: QPoint) -> None:
        model = self.browser.model
        node = model.node(self.browser.view.indexAt(position))
        tree = model.tree
        namespace = None
        walk = node
        while walk > 0:
            if tree.kinds[walk] is Kind.NAMESPACE:
                namespace = None if tree.objects[walk].is_default else tree.objects[walk].name
            walk = tree.parents[walk]
        menu = self.editor.menu_for(tree.kinds[node], tree.objects[node], tree.tables[node], tree.statuses[node],
                                    namespace, self.browser.view)
        self.last_menu = menu
        menu.popup(self.browser.view.viewport().mapToGlobal(position))

    @property
    def diagram(self) -> DiagramPanel:
        """The Diagram tab's panel, made the first time it is shown or asked for."""
        if self._diagram is None:
            from gui_app.ui.widgets import diagram_panel

            panel = diagram_panel.DiagramPanel(self.context.jobs, self._diagram_menu,
                                 lambda table, column: self.editor.edit_column(table, column), self._link_columns, self)
            panel.view.table_chosen.connect(self._select_in_tree)
            panel.new_table = lambda: self.editor.new_table(None)
            self._diagram = panel
            self._diagrams_of_database()
            placeholder, current = self.views.widget(1), self.views.currentIndex()
            self.views.blockSignals(True)
            try:
                self.views.removeTab(1)
                self.views.insertTab(1, panel, "Diagram")
                self.views.setCurrentIndex(current)
            finally:
                self.views.blockSignals(False)
            if placeholder is not None:
                placeholder.deleteLater()
            pending = self.context.pending
            if pending is not None:
                panel.show_schema(pending.plan.projected, pending.plan.base if len(pending.plan) else None)
        return self._diagram

    def _diagrams_of_database(self) -> None:
        """The Diagram tab shows the diagrams kept of the database now open."""
        database = self.context.database
        if self._diagram is None or database is None:
            return
        from gui_app.core.urls import url_without_password
        from gui_app.ui.application import data_dir

        self._diagram.open_database(data_dir() / "diagrams", url_without_password(database.url))

    def _view_chosen(self, index: int) -> None:
        if index == 1 and self._diagram is None:
            self.views.setCurrentWidget(self.diagram)

    def _diagram_menu(self, table: s.Table, event: QGraphicsSceneContextMenuEvent) -> None:
        """A box's context menu: the tree's own for that table."""
        namespace = None if table.schema is None or table.schema == self._default_schema() else table.schema
        item = self.diagram.view.diagram.items_by_table.get((table.schema, table.name))
        status = item.status if item is not None else Status.SAME
        menu = self.editor.menu_for(Kind.TABLE, table, table, status, namespace, self.diagram.view)
        self.diagram.extend_menu(menu, table)
        self.last_menu = menu
        menu.popup(event.screenPos())

    def _link_columns(self, table: s.Table, column: str, referred: s.Table, referred_column: str) -> None:
        """A key drawn on the diagram: the foreign key dialog, filled in with it."""
        from gui_app.core.schema import ForeignKey

        self.editor.add_foreign_key(table, ForeignKey(None, (column,), referred.schema, referred.name,
                                                      (referred_column,)))

    def _default_schema(self) -> str | None:
        pending = self.context.pending
        return pending.plan.base.default_schema if pending is not None else None

    def _select_in_diagram(self, node: int) -> None:
        table = self.browser.model.tree.tables[node] if node > 0 else None
        if self._diagram is not None:
            self._diagram.view.select_table((table.schema, table.name) if table is not None else None)

    def _select_in_tree(self, key: tuple[str | None, str] | None) -> None:
        pending = self.context.pending
        if key is None or pending is None:
            return
        projected = pending.plan.projected
        namespace = next((n for n in projected.namespaces if n.holds(key[0])), None)
        if namespace is not None:
            self.browser.select_path((namespace.name, "Tables", key[1]))

    def _add_column_to_selection(self) -> None:
        table = self.browser.model.tree.tables[self.browser.selected_node()]
        if table is None:
            self.show_error("Choose a table", "Select a table (or one of its columns) in the tree first.")
            return
        self.editor.add_column(table)

    def compare_with_database(self) -> None:
        from gui_app.ui.widgets.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.context.recent_urls(), self)
        dialog.setWindowTitle("Compare with another database")
        if run_modal(dialog) and (url := dialog.url()) is not None:
            self.files.compare_with(url)

    def _restore_layout(self) -> None:
        """Window size and place, and where the docks are, as the user left them."""
        geometry = self.context.settings.value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.context.settings.value(LAYOUT_KEY)
        if state is not None:
            self.restoreState(state)

    def _fill_recent_projects(self) -> None:
        self.recent_projects_menu.clear()
        projects = self.files.recent_projects()
        for path in projects:
            action = self.recent_projects_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, path=path: self.files.link_project(path))
        self.recent_projects_menu.setEnabled(bool(projects))

    def all_actions(self) -> list[QAction]:
        return self.findChildren(QAction)

    def show_getting_started(self) -> None:
        from gui_app.ui.widgets.getting_started import GettingStartedDialog

        dialog = GettingStartedDialog(self)
        dialog.page.demo_requested.connect(self.connecting.open_demo)
        dialog.page.connect_requested.connect(self.connecting.show_dialog)
        dialog.page.project_requested.connect(lambda: self.files.link_project())
        self.getting_started_dialog = dialog
        dialog.open()

    def show_shortcuts(self) -> None:
        from gui_app.ui.widgets.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.all_actions(), self)
        self.shortcuts_dialog = dialog
        dialog.open()

    def _show_revisions(self) -> None:
        current = self.files.current_heads() if self.context.database is not None else None
        self.revisions.show_project(self.files.project, current)
        if self.files.project is not None:
            self.revision_dock.show()

    # --- Busy: the status bar shows what the controllers are doing -------------------------

    def working(self, text: str) -> None:
        self.cancel_action.setEnabled(True)
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage(text)

    def progress_shown(self, label: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(label)

    def idle(self) -> None:
        self._loading_stopped()

    def show_timeouts(self) -> None:
        from gui_app.ui.widgets.timeouts_dialog import TimeoutsDialog

        dialog = TimeoutsDialog(self.context.settings, self)
        self.timeouts_dialog = dialog
        dialog.open()

    def _show_preview(self) -> None:
        self.preview_dock.show()
        self.preview_dock.raise_()

    # --- commands -------------------------------------------------------------------------

    def focus_filter(self) -> None:
        self.browser.filter_edit.setFocus()
        self.browser.filter_edit.selectAll()

    def show_about(self) -> None:
        import alembic
        import sqlalchemy
        from PySide6 import __version__ as pyside_version

        db = self.context.database
        server = f"{db.schema.dialect} {db.schema.server_version}" if db else "not connected"
        QMessageBox.about(self, "About Alembic Studio", (
            f"<h3>Alembic Studio {__version__}</h3><p>Visual schema editing that stays reviewable "
            "and reversible: every edit is an Alembic operation.</p>"
            f"<p>Qt (PySide6) {pyside_version}<br>SQLAlchemy {sqlalchemy.__version__}<br>"
            f"Alembic {alembic.__version__}<br>Database server: {server}</p>"))

    def show_error(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Critical) -> None:
        self.show_message(title, text, icon, QMessageBox.StandardButton.Ok)

    def show_message(self, title: str, text: str, icon: QMessageBox.Icon,
                     buttons: QMessageBox.StandardButton) -> QMessageBox:
        """A window-modal message that does not block the event loop; returned open."""
        box = QMessageBox(icon, title, text, buttons, self)
        box.setObjectName("errorBox")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_box = box
        box.open()
        return box

    # --- context signals ------------------------------------------------------------------

    def _loading_started(self, shown_url: str) -> None:
        self.pages.setCurrentIndex(1)
        self.statusBar().showMessage(f"Reading {shown_url}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_action.setEnabled(True)
        self.refresh_action.setEnabled(False)

    def _loading_stopped(self) -> None:
        if self.context.database is None:  # nothing open after all: back to what to do first
            self.pages.setCurrentWidget(self.start_page)
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_action.setEnabled(False)
        self.refresh_action.setEnabled(self.context.database is not None)

    def _loading_cancelled(self) -> None:
        self._loading_stopped()
        self.statusBar().showMessage("Loading cancelled", 5000)

    def _loaded(self, loaded: LoadedDatabase) -> None:
        from gui_app.core.urls import display_url

        self._loading_stopped()
        pending = self.context.pending
        if pending is not None and len(pending.plan):
            self._show_projection()
        else:
            self.browser.set_tree(loaded.tree)
        schema = loaded.schema
        self.server_label.setText(f"{schema.dialect} {schema.server_version}")
        shown = display_url(loaded.url)
        self.setWindowTitle(f"{shown} — {APP_TITLE}")
        if self._shown_url is not None and loaded.url != self._shown_url:
            self.files.unlink_project()
        self._shown_url = loaded.url
        from gui_app.ui.widgets.getting_started import DEMO_EDITS_HTML

        self.details.hint_html = DEMO_EDITS_HTML if loaded.url == self.connecting.demo_url else ""
        self.details.show_node(None, 0)
        self._show_revisions()  # the database's current revision may have moved
        self.files.offer_restore()
        self.recovery.check(loaded.url)
        if self.focusWidget() is self.browser.filter_edit and not self.browser.filter_edit.text():
            self.browser.view.setFocus()
        self.statusBar().showMessage(f"{plural(len(schema.tables), 'table')}, {plural(len(schema.views), 'view')} "
                                     f"in {shown}", 8000)

    def _loading_failed(self, shown_url: str, reason: str) -> None:
        self._loading_stopped()
        self.statusBar().showMessage("Could not open the database", 8000)
        self.show_error("Cannot open the database", f"Could not read {shown_url}:\n\n{reason}")

    def changeEvent(self, event: QEvent) -> None:
        """Light and dark appearance: when the system (or the user) changes the palette, every
        icon is drawn again in the new text colour so it stays legible."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            from gui_app.ui.actions import redraw_icons

            icons.forget_colours()
            redraw_icons(self.all_actions())
            self.browser.model.forget_icons()
            self.browser.view.viewport().update()
        super().changeEvent(event)

    def _layout_changed(self, *_args: object) -> None:
        if self.isVisible():
            self._layout_timer.start()

    def _save_layout(self) -> None:
        self.context.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.context.settings.setValue(LAYOUT_KEY, self.saveState())
        self.context.settings.sync()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout_changed()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self._layout_changed()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_close():
            event.ignore()
            return
        self._layout_timer.stop()
        self._save_layout()
        self.context.cancel_loading()
        self.context.jobs.wait(5000)
        self.files.finish_autosaves()
        super().closeEvent(event)
