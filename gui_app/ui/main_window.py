"""The main window: schema tree and details, connection, refresh, progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolButton,
    QWidget,
)

from gui_app import __version__
from gui_app.ui import icons
from gui_app.ui.actions import ICON_PROPERTY, make_action
from gui_app.ui.context import AppContext, LoadedDatabase
from gui_app.ui.migration_files import MigrationFiles
from gui_app.ui.models.tree_index import Kind
from gui_app.ui.schema_editor import SchemaEditor
from gui_app.ui.widgets.details_panel import DetailsPanel
from gui_app.ui.widgets.pending_panel import PendingPanel
from gui_app.ui.widgets.preview_panel import PreviewPanel
from gui_app.ui.widgets.revision_panel import RevisionPanel
from gui_app.ui.widgets.schema_browser import SchemaBrowser

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from gui_app.ui.pending import PendingPlan

APP_TITLE = "Alembic Studio"
GEOMETRY_KEY = "window/geometry"
LAYOUT_KEY = "window/layout"
PREVIEW_DIALECT_KEY = "preview/dialect"



def _connection_problem(url: URL) -> str | None:
    """Why ``url`` cannot be connected to, in one line (the password never in it); None when it can."""
    from sqlalchemy import exc
    from sqlalchemy.pool import NullPool

    from gui_app.core import timeouts
    from gui_app.core.connect import DatabaseFileMissing, open_engine
    from gui_app.core.errors import describe_error

    try:
        engine = open_engine(url) if url.get_backend_name() == "sqlite" else \
            timeouts.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect():
                return None
        finally:
            engine.dispose()
    except DatabaseFileMissing as error:
        return str(error)
    except (exc.SQLAlchemyError, OSError, ValueError) as error:
        text = describe_error(error)
        return text.replace(url.password, "***") if url.password else text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.resize(1180, 760)
        self.error_box: QMessageBox | None = None
        self.apply_dialog: QDialog | None = None
        self._apply_job: Any = None
        self.last_menu: QMenu | None = None
        self.shortcuts_dialog: QDialog | None = None
        self.demo_url: URL | None = None
        self._shown_url: URL | None = None  # the database last read, to tell a refresh from another database

        self.browser = SchemaBrowser(self)
        self.details = DetailsPanel(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.browser)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.setCentralWidget(splitter)
        self.browser.node_selected.connect(lambda node: self.details.show_node(self.browser.model.tree, node))
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
        self.files = MigrationFiles(context, self, self.show_error,
                                    lambda text: self.statusBar().showMessage(text, 15_000))
        self.files.project_changed.connect(self._show_revisions)
        from gui_app.ui.recovery_offer import RecoveryOffer

        self.recovery = RecoveryOffer(context, self, self.show_error,
                                      lambda text: self.statusBar().showMessage(text, 15_000))

        self._make_actions()
        self._make_status_bar()
        self.browser.view.setFocus()  # the tree, not the filter box (the first field in tab order)
        context.loading_started.connect(self._loading_started)
        context.loading_progress.connect(self._loading_progress)
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

    # --- construction ---------------------------------------------------------------------

    def _make_actions(self) -> None:
        self.connect_action = make_action(self, "&Connect…", self.show_connection_dialog,
                                          shortcut="Ctrl+Shift+O", icon="connect", tip="Open another database")
        self.demo_action = make_action(self, "Open &demo database", self.open_demo, icon="demo")
        self.refresh_action = make_action(self, "&Refresh", self.context.refresh,
                                          shortcut=QKeySequence.StandardKey.Refresh, icon="refresh",
                                          tip="Reflect the database again")
        self.refresh_action.setEnabled(False)
        self.cancel_action = make_action(self, "Cancel", self._cancel_work, icon="cancel", shortcut="Esc")
        self.cancel_action.setEnabled(False)
        self.quit_action = make_action(self, "&Quit", self.close, shortcut=QKeySequence.StandardKey.Quit, icon="quit")
        self.filter_action = make_action(self, "&Filter objects", self.focus_filter,
                                         shortcut=QKeySequence.StandardKey.Find, icon="filter")
        self.about_action = make_action(self, "&About Alembic Studio", self.show_about, icon="about")
        self.timeouts_action = make_action(self, "&Timeouts…", self.show_timeouts, icon="timeouts",
                                           tip="How long to wait for a server, a lock, a count")
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icons.for_action("undo"))
        self.undo_action.setProperty(ICON_PROPERTY, "undo")
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.setIcon(icons.for_action("redo"))
        self.redo_action.setProperty(ICON_PROPERTY, "redo")
        # Qt names the step in the action's text ("Undo add_column books.subtitle"), which resizes
        # the toolbar after every edit: the text stays short, the step goes to the tooltip. Connected
        # after Qt's own update, so this one has the last word.
        self.undo_group.undoTextChanged.connect(lambda text: self._name_step(self.undo_action, "&Undo", text))
        self.undo_group.redoTextChanged.connect(lambda text: self._name_step(self.redo_action, "&Redo", text))
        self.new_table_action = make_action(self, "&New table…", lambda: self.editor.new_table(None),
                                            shortcut="Ctrl+Shift+N", icon="new_table")
        self.sql_step_action = make_action(self, "Custom &SQL step…", self.editor.sql_step, icon="sql_step",
                                           tip="Add SQL to the migration, with the SQL that undoes it")
        self.add_column_action = make_action(self, "&Add column…", self._add_column_to_selection,
                                             shortcut="Ctrl+Shift+C", icon="add_column")
        self.preview_action = make_action(self, "Show &preview", self._show_preview, shortcut="Ctrl+Shift+P",
                                          icon="sql_step")
        self.apply_action = make_action(self, "&Apply pending changes…", self.apply_pending,
                                        shortcut="Ctrl+Shift+A", icon="apply",
                                        tip="Run the pending changes on the database, after a confirmation")
        self.link_project_action = make_action(self, "&Link Alembic project…", lambda: self.files.link_project(),
                                               icon="project", tip="Open an alembic.ini to save revisions into")
        self.open_script_action = make_action(self, "&Open migration script…", lambda: self.files.open_script(),
                                              shortcut=QKeySequence.StandardKey.Open, icon="open_script")
        self.save_revision_action = make_action(self, "&Save as revision…", lambda: self.files.save_revision(),
                                                shortcut=QKeySequence.StandardKey.Save, icon="save")
        self.save_script_action = make_action(self, "Save as migration s&cript…", lambda: self.files.save_script(),
                                              shortcut="Ctrl+Shift+S", icon="save")
        self.export_sql_action = make_action(self, "&Export SQL…", lambda: self.files.export_sql(),
                                             shortcut="Ctrl+E", icon="export")
        self.compare_action = make_action(self, "Co&mpare with another database…", self.compare_with_database,
                                          icon="compare",
                                          tip="Add the changes that make this database match another one")
        self.edit_actions = [self.new_table_action, self.sql_step_action, self.add_column_action, self.apply_action,
                             self.open_script_action, self.save_revision_action, self.save_script_action,
                             self.export_sql_action, self.compare_action]
        for action in self.edit_actions:
            action.setEnabled(False)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.connect_action)
        self.recent_menu = QMenu("Recent connections", self)
        self.recent_menu.setIcon(icons.for_action("recent"))
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.link_project_action)
        file_menu.addAction(self.open_script_action)
        file_menu.addAction(self.save_revision_action)
        file_menu.addAction(self.save_script_action)
        file_menu.addAction(self.export_sql_action)
        file_menu.addAction(self.compare_action)
        file_menu.addSeparator()
        file_menu.addAction(self.refresh_action)
        file_menu.addAction(self.timeouts_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.new_table_action)
        edit_menu.addAction(self.add_column_action)
        edit_menu.addAction(self.sql_step_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.apply_action)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.filter_action)
        view_menu.addAction(self.preview_action)
        view_menu.addAction(self.pending_dock.toggleViewAction())
        view_menu.addAction(self.preview_dock.toggleViewAction())
        view_menu.addAction(self.revision_dock.toggleViewAction())
        help_menu = menu.addMenu("&Help")
        self.shortcuts_action = make_action(self, "&Keyboard shortcuts", self.show_shortcuts,
                                            shortcut=QKeySequence.StandardKey.HelpContents, icon="about")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        self.recent_projects_menu = QMenu("Recent Alembic projects", self)
        self.recent_projects_menu.setIcon(icons.for_action("project"))
        file_menu.insertMenu(self.open_script_action, self.recent_projects_menu)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.connect_action)
        toolbar.addAction(self.refresh_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addAction(self.new_table_action)
        toolbar.addAction(self.sql_step_action)
        toolbar.addSeparator()
        toolbar.addAction(self.apply_action)

    def _cancel_work(self) -> None:
        """Cancel loading, or an apply between two operations (the transaction then rolls back)."""
        if self._apply_job is not None:
            self._apply_job.cancel()
        else:
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
            action.triggered.connect(lambda _checked=False, entry=entry: self.open_url_text(entry))
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
        pending.changed.connect(self._show_projection)
        pending.changed.connect(self.files.autosave)
        for action in self.edit_actions:
            action.setEnabled(True)
        self._pending_count_shown()

    def _show_projection(self) -> None:
        """The tree shows the schema as the pending list leaves it, changes marked."""
        pending = self.context.pending
        if pending is None:
            return
        plan = pending.plan
        self.browser.show_projection(plan.projected, plan.base if len(plan) else None)
        self._pending_count_shown()

    def _pending_count_shown(self) -> None:
        """The dock's title and the actions that need something pending follow the list's length."""
        count = len(self.context.pending.plan) if self.context.pending is not None else 0
        self.pending_dock.setWindowTitle(f"Pending changes ({count})" if count else "Pending changes")
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
        if dialog.exec() and (url := dialog.url()) is not None:
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

    def show_shortcuts(self) -> None:
        from gui_app.ui.widgets.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.all_actions(), self)
        self.shortcuts_dialog = dialog
        dialog.open()

    def _show_revisions(self) -> None:
        self.revisions.show_project(self.files.project, self.files.current_heads())
        if self.files.project is not None:
            self.revision_dock.show()

    def apply_pending(self, stamp: str | None = None) -> None:
        """Confirm, then apply in the background; the pending list follows what really ran.
        With ``stamp`` (a revision just saved), the database is stamped with it in the same step."""
        from gui_app.ui.widgets.apply_dialog import ApplyDialog

        pending, database = self.context.pending, self.context.database
        if pending is None or database is None or not len(pending.plan):
            self.statusBar().showMessage("There are no pending changes to apply.", 5000)
            return
        dialog = ApplyDialog(pending, database.url, self.context.jobs, self)
        self.apply_dialog = dialog
        if dialog.exec():
            self._run_apply(pending, database.url, stamp)

    def _run_apply(self, pending: PendingPlan, url: URL, stamp: str | None = None) -> None:
        from gui_app.core.apply import ApplyFailed, apply_plan, describe_apply_error
        from gui_app.core.progress import CancelToken, ProgressFn
        from gui_app.ui.workers import Job

        operations, base = list(pending.plan.operations), pending.plan.base

        def run(progress: ProgressFn, cancel: CancelToken) -> Any:
            try:
                return apply_plan(url, operations, base, progress=progress, cancel=cancel, stamp=stamp)
            except ApplyFailed as failed:
                return failed  # delivered as a result: the list must follow what ran

        job: Job[Any] = Job(run, describe_apply_error)
        job.signals.progress.connect(self._loading_progress)
        job.signals.succeeded.connect(lambda outcome: self._applied(outcome, operations, url, pending, stamp))
        job.signals.failed.connect(lambda reason: self._apply_stopped(reason))
        job.signals.cancelled.connect(lambda: self._apply_stopped("Cancelled; nothing was changed."))
        self._apply_job = job
        self.cancel_action.setEnabled(True)
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage("Applying the pending changes…")
        self.context.jobs.start(job)

    def _applied(self, outcome: Any, operations: list[Any], url: URL, pending: PendingPlan,
                 stamp: str | None) -> None:
        from gui_app.core.apply import ApplyFailed

        self._apply_job = None
        self._loading_stopped()
        if isinstance(outcome, ApplyFailed):
            if outcome.lock_timeout and not outcome.applied:
                self._offer_retry(str(outcome), pending, url, stamp)
                return
            self.show_error("The changes could not be applied", str(outcome))
            if outcome.applied:
                self.context.open_database(url, carry=operations[outcome.applied:])
            return
        if outcome.mismatches:
            self.show_error("The database differs from the expected schema",
                            "The changes were applied, but the database now differs from what the pending list "
                            "projected:\n\n" + "\n".join(outcome.mismatches))
        elif outcome.notes:  # what the user should know about how it went (a lost connection, a script's code)
            self.show_error("Applied, with notes", "\n\n".join(outcome.notes), QMessageBox.Icon.Information)
        self.statusBar().showMessage(f"Applied {plural(outcome.applied, 'operation')}.", 10_000)
        self.context.open_database(url, carry=[])

    def _offer_retry(self, text: str, pending: PendingPlan, url: URL, stamp: str | None) -> None:
        """Another session held a lock and nothing was changed: the same plan may run once it is done."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Waiting for a lock timed out", text,
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("errorBox")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_box = box

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Retry and self.context.pending is pending:
                self._run_apply(pending, url, stamp)

        box.finished.connect(answered)
        box.open()

    def _apply_stopped(self, reason: str) -> None:
        self._apply_job = None
        self._loading_stopped()
        self.show_error("The changes could not be applied", reason)

    @staticmethod
    def _name_step(action: QAction, text: str, step: str) -> None:
        action.setText(text)
        action.setToolTip(f"{text.replace('&', '')} {step}" if step else text.replace("&", ""))

    def show_timeouts(self) -> None:
        from gui_app.ui.widgets.timeouts_dialog import TimeoutsDialog

        dialog = TimeoutsDialog(self.context.settings, self)
        self.timeouts_dialog = dialog
        dialog.open()

    def _show_preview(self) -> None:
        self.preview_dock.show()
        self.preview_dock.raise_()

    # --- commands -------------------------------------------------------------------------

    def show_connection_dialog(self) -> None:
        from gui_app.ui.widgets.connection_dialog import ConnectionDialog

        current = self.context.database.url if self.context.database is not None else None
        if current is not None and self.demo_url is not None and current == self.demo_url:
            current = None  # the demo is not a connection to offer again
        dialog = ConnectionDialog(self.context.recent_urls(), self, current, _connection_problem, self.context.jobs)
        self.connection_dialog = dialog
        if dialog.exec() and (url := dialog.url()) is not None:
            self.context.open_database(url, keep_password=dialog.remember_password.isChecked())

    def open_url_text(self, text: str) -> None:
        from sqlalchemy import exc

        from gui_app.core.urls import parse_url

        try:
            url = parse_url(text)
        except exc.ArgumentError as error:
            self.show_error("Cannot open the database", f"This is not a database URL that can be used: {error}.")
            return
        if url.password is None and self.context.needs_password(text):
            from gui_app.core import credentials

            password = credentials.lookup(url) or self.ask_password(url)
            if password is None:
                return
            url = url.set(password=password)
        self.context.open_database(url)

    def ask_password(self, url: URL) -> str | None:
        """The password of a remembered connection the keyring does not hold; None when cancelled."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from gui_app.core.urls import display_url

        text, ok = QInputDialog.getText(self, "Password", f"Password for {display_url(url)}",
                                        QLineEdit.EchoMode.Password)
        return text if ok else None

    def open_demo(self) -> None:
        if self.demo_url is not None:
            self.context.open_database(self.demo_url)

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
        """A window-modal message that does not block the event loop."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_box = box
        box.open()

    # --- context signals ------------------------------------------------------------------

    def _loading_started(self, shown_url: str) -> None:
        self.statusBar().showMessage(f"Reading {shown_url}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_action.setEnabled(True)
        self.refresh_action.setEnabled(False)

    def _loading_progress(self, label: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(label)

    def _loading_stopped(self) -> None:
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
        if self.files.project is not None:
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

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_close():
            event.ignore()
            return
        self.context.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.context.settings.setValue(LAYOUT_KEY, self.saveState())
        self.context.cancel_loading()
        self.context.jobs.wait(5000)
        super().closeEvent(event)
