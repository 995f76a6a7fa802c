"""Three views of the pending list: SQL for a chosen dialect, ``upgrade()`` and ``downgrade()``.

Rendering runs on the thread pool (a long plan takes a while) after a short
pause in editing; only the newest result is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui_app.core.dialects import family
from gui_app.core.progress import CancelToken, ProgressFn
from gui_app.ui import icons
from gui_app.ui.widgets.code_view import CodeView
from gui_app.ui.widgets.text_strip import TextStrip
from gui_app.ui.wording import plural
from gui_app.ui.workers import Job, JobRunner

if TYPE_CHECKING:
    from alembic.operations import ops

    from gui_app.core.schema import Schema
    from gui_app.ui.pending import PendingPlan


DIALECT_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB"}
EMPTY = "-- No pending changes. Edit the schema in the tree to add some."


def render_all(operations: list[ops.MigrateOperation], base: Schema, dialect: str) -> tuple[str, str, str]:
    """(SQL, upgrade body, downgrade body); runs on a worker thread."""
    from gui_app.core import render

    if not operations:
        return EMPTY, "    pass", "    pass"

    def safe(renderer: Callable[[], str]) -> str:
        try:
            return renderer()
        except Exception as error:  # shown in place of the text; the list itself is fine
            return f"-- Cannot render this: {error}"

    return (safe(lambda: render.render_sql(operations, dialect, base, as_sent=True)),
            # With the base, as the saved script has them (a SQLite rebuild carries its table's definition).
            safe(lambda: render.render_python(operations, dialect, base=base)),
            safe(lambda: render.render_python(operations, dialect, downgrade=True, base=base)))


class PreviewPanel(QWidget):
    dialect_chosen = Signal(str)
    """The user picked a preview dialect (remembered as the preferred one)."""

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPanel")
        self._jobs = jobs
        self._pending: PendingPlan | None = None
        self._job: Job[Any] | None = None
        self.dialect = QComboBox(self)
        self.dialect.setObjectName("previewDialect")
        for key, label in DIALECT_LABELS.items():
            self.dialect.addItem(label, key)
        self.copy_button = QPushButton("Copy", self)
        icons.set_action_icon(self.copy_button.setIcon, "copy")
        self.copy_button.clicked.connect(self.copy_current)
        self.status = TextStrip(self)  # says so at every edit: a label would re-lay out the window
        self.status.setObjectName("previewStatus")
        self.tabs = QTabWidget(self)
        self.sql = self._editor("sql")
        self.upgrade = self._editor("python")
        self.downgrade = self._editor("python")
        self.tabs.addTab(self.sql, "SQL")
        self.tabs.addTab(self.upgrade, "upgrade()")
        self.tabs.addTab(self.downgrade, "downgrade()")
        self._unshown: dict[QWidget, str] = {}
        """Rendered texts of the tabs not in view."""
        self.tabs.currentChanged.connect(lambda _i: self._show_current())
        top = QHBoxLayout()
        top.addWidget(QLabel("SQL dialect:", self))
        top.addWidget(self.dialect)
        top.addWidget(self.status, 1)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.render_now)
        self.preferred: Any = None
        self.dialect.currentIndexChanged.connect(lambda _i: self.schedule())
        self.dialect.currentIndexChanged.connect(  # the SQL is read with the tokenizer of its dialect
            lambda _i: self.sql.highlighter.set_dialect(str(self.dialect.currentData())))
        self.dialect.activated.connect(lambda _i: self.dialect_chosen.emit(str(self.dialect.currentData())))
        self.sql.setPlainText(EMPTY)

    def _editor(self, language: str) -> CodeView:
        return CodeView(language, self)

    def set_pending(self, pending: PendingPlan | None) -> None:
        if self._pending is not None:
            self._pending.changed.disconnect(self.schedule)
        self._pending = pending
        if pending is not None:
            pending.changed.connect(self.schedule)
            connected = family(pending.dialect)
            wanted = self.preferred if self.preferred in DIALECT_LABELS else connected
            self.dialect.setCurrentIndex(max(0, self.dialect.findData(wanted)))
        self.schedule()

    def schedule(self) -> None:
        self._timer.start()

    def render_now(self) -> None:
        self._timer.stop()
        if self._pending is None:
            return
        plan = self._pending.plan
        operations, base, dialect = list(plan.operations), plan.base, str(self.dialect.currentData())

        def run(_progress: ProgressFn, _cancel: CancelToken) -> tuple[str, str, str]:
            return render_all(operations, base, dialect)

        job: Job[tuple[str, str, str]] = Job(run)
        # A bound method, not a lambda: Qt drops the connection if this panel is destroyed first.
        job.signals.succeeded.connect(self._show)
        self._job = job
        self.status.setText("Rendering…")
        self._jobs.start(job)

    def _show(self, texts: tuple[str, str, str]) -> None:
        if self._job is None or self.sender() is not self._job.signals:
            return  # a newer edit is being rendered
        self._job = None
        self._unshown = dict(zip((self.sql, self.upgrade, self.downgrade), texts, strict=True))
        self._show_current()
        count = len(self._pending.plan) if self._pending is not None else 0
        self.status.setText(plural(count, "operation"))

    def _show_current(self) -> None:
        """Only the tab in view is brought up to date; the others when they are opened."""
        editor = self.tabs.currentWidget()
        text = self._unshown.pop(editor, None)
        if text is not None and isinstance(editor, CodeView):
            editor.set_text(text)  # only the lines this edit changed: the work follows the edit, not the plan

    @property
    def rendering(self) -> bool:
        return self._job is not None or self._timer.isActive()

    def copy_current(self) -> None:
        self._show_current()
        editor = self.tabs.currentWidget()
        if isinstance(editor, QPlainTextEdit):
            QApplication.clipboard().setText(editor.toPlainText())
