"""The one object handed to every widget: settings, background jobs, and the open database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal

from gui_app.core.progress import CancelToken, ProgressFn
from gui_app.ui.workers import Job, JobRunner

if TYPE_CHECKING:
    from alembic.operations import ops
    from sqlalchemy.engine import URL

    from gui_app.core.schema import Schema
    from gui_app.core.table_sizes import TableSize
    from gui_app.ui.models.tree_index import TreeIndex
    from gui_app.ui.pending import PendingPlan

RECENT_KEY = "connections/recent"
NEEDS_PASSWORD_KEY = "connections/needs_password"
MAX_RECENT = 10


@dataclass(frozen=True)
class LoadedDatabase:
    """A database read in the background: its URL, schema snapshot, tree and current revisions."""

    url: URL
    schema: Schema
    tree: TreeIndex
    revisions: tuple[str, ...] = ()
    """What the database's alembic_version records (read with the schema, off the GUI thread)."""
    sizes: Mapping[tuple[str | None, str], TableSize] = field(default_factory=dict)
    """Each table's estimated rows and bytes (what a lock or a rewrite will cost)."""


def settings_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings from settings (INI files give back one string for a list of one)."""
    value = settings.value(key, [])
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _load(url: URL, progress: ProgressFn, cancel: CancelToken) -> LoadedDatabase:
    """Runs on a worker thread: connect, reflect, build the tree index."""
    from gui_app.core.connect import open_engine
    from gui_app.core.project import AlembicProject
    from gui_app.core.reflect import reflect
    from gui_app.core.table_sizes import read_sizes
    from gui_app.ui.models.tree_index import build_tree_index

    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            schema = reflect(conn, progress, cancel)
            revisions = AlembicProject.current_heads(conn)
            sizes = read_sizes(conn, schema.default_schema)
    finally:
        engine.dispose()
    from gui_app.core.long_lived import settle_long_lived

    progress("Building the tree", 1, 1)
    loaded = LoadedDatabase(url, schema, build_tree_index(schema), revisions, sizes)
    settle_long_lived()
    return loaded


class AppContext(QObject):
    """The one object handed to every controller and widget: the database shown, the pending list,
    settings, recent connections and the worker pool.

    It reads databases in the background and announces the result by signals; it never shows a
    widget of its own."""

    loading_started = Signal(str)
    loading_progress = Signal(str, int, int)
    loaded = Signal(object)
    """A :class:`LoadedDatabase`."""
    loading_failed = Signal(str, str)
    """(what was being opened, one-line reason)."""
    loading_cancelled = Signal()
    recent_changed = Signal()
    pending_replaced = Signal(object)
    """A new :class:`PendingPlan` (another database was opened)."""
    rebase_failed = Signal(str)
    """The database was read again but the pending operations no longer fit it."""

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.jobs = JobRunner(self)
        self.database: LoadedDatabase | None = None
        self.pending: PendingPlan | None = None
        self._loading: Job[LoadedDatabase] | None = None
        self._carry: list[ops.MigrateOperation] | None = None
        self._keep_password = False

    @property
    def loading(self) -> bool:
        return self._loading is not None

    def open_database(self, url: URL, carry: list[ops.MigrateOperation] | None = None,
                      keep_password: bool = False) -> None:
        """Reflect ``url`` in the background; ``loaded`` or ``loading_failed`` follows.

        With ``carry`` (after an apply), the pending list starts afresh on what the database now
        holds, with those operations (the ones that did not run) still pending. With
        ``keep_password``, a successful connection's password goes to the system keyring."""
        self._carry = carry
        self._keep_password = keep_password
        from gui_app.core.errors import describe_error
        from gui_app.core.urls import display_url

        self.cancel_loading()
        shown = display_url(url)

        def run(progress: ProgressFn, cancel: CancelToken) -> LoadedDatabase:
            return _load(url, progress, cancel)

        job: Job[LoadedDatabase] = Job(run, describe_error)
        job.signals.progress.connect(self.loading_progress)
        job.signals.succeeded.connect(lambda result: self._finish(job, result))
        job.signals.failed.connect(lambda reason: self._fail(job, shown, reason))
        job.signals.cancelled.connect(lambda: self._cancelled(job))
        self._loading = job
        self.loading_started.emit(shown)
        self.jobs.start(job)

    def refresh(self) -> None:
        if self.database is not None:
            self.open_database(self.database.url)

    def cancel_loading(self) -> None:
        if self._loading is not None:
            self._loading.cancel()
            self._loading = None
            self.loading_cancelled.emit()

    def _finish(self, job: Job[Any], result: LoadedDatabase) -> None:
        if job is not self._loading:
            return  # superseded or cancelled
        self._loading = None
        same_database = self.database is not None and self.database.url == result.url
        self.database = result
        self.remember(result.url)
        if self._keep_password:
            from gui_app.core import credentials

            credentials.store(result.url)
        carry, self._carry = self._carry, None
        if carry is not None:
            from gui_app.core.plan import Plan
            from gui_app.ui.pending import PendingPlan

            self.pending = PendingPlan(result.schema, result.schema.dialect, self, result.sizes)
            try:
                self.pending.plan = Plan(result.schema, result.schema.dialect, list(carry))
            except ValueError as error:
                self.rebase_failed.emit(str(error))
            self.pending_replaced.emit(self.pending)
        elif same_database and self.pending is not None:
            try:
                self.pending.rebase(result.schema, result.sizes)
            except ValueError as error:  # ProjectionError or PlanError: the list stays as it was
                self.rebase_failed.emit(str(error))
        else:
            from gui_app.ui.pending import PendingPlan  # SQLAlchemy and Alembic load after the first paint

            self.pending = PendingPlan(result.schema, result.schema.dialect, self, result.sizes)
            self.pending_replaced.emit(self.pending)
        self.loaded.emit(result)

    def _fail(self, job: Job[Any], shown: str, reason: str) -> None:
        if job is self._loading:
            self._loading = None
            self.loading_failed.emit(shown, reason)

    def _cancelled(self, job: Job[Any]) -> None:
        if job is self._loading:
            self._loading = None
            self.loading_cancelled.emit()

    # --- recent connections, never with a password ---------------------------------------

    def recent_urls(self) -> list[str]:
        return settings_list(self.settings, RECENT_KEY)

    def remember(self, url: URL) -> None:
        from gui_app.core.urls import url_without_password

        entry = url_without_password(url)
        recent = [entry] + [u for u in self.recent_urls() if u != entry]
        self.settings.setValue(RECENT_KEY, recent[:MAX_RECENT])
        if url.password:  # remember that it needs one, never the password itself
            needing = self._needing_password()
            if entry not in needing:
                self.settings.setValue(NEEDS_PASSWORD_KEY, [*needing, entry][-MAX_RECENT * 2:])
        self.recent_changed.emit()

    def needs_password(self, entry: str) -> bool:
        return entry in self._needing_password()

    def _needing_password(self) -> list[str]:
        return settings_list(self.settings, NEEDS_PASSWORD_KEY)
