"""On opening a MySQL/MariaDB database whose last apply was interrupted: say what is there and
offer to finish it or to revert the part that ran (each in the background, then the database
is read again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from gui_app.core.dialects import is_mysql

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from gui_app.ui.context import AppContext


class RecoveryOffer(QObject):
    """Offers to finish or revert a MySQL/MariaDB apply that was interrupted (its journal remains)."""

    def __init__(self, context: AppContext, window: QWidget, report_error: Callable[[str, str], None],
                 notify: Callable[[str], None]) -> None:
        super().__init__(window)
        self.context, self.window = context, window
        self.report_error, self.notify = report_error, notify
        self.box: QMessageBox | None = None
        self.job: Any = None
        self._offered: set[str] = set()

    def check(self, url: URL) -> None:
        """Once per database and start: offer recovery when an interrupted apply is recorded."""
        from gui_app.core import recovery
        from gui_app.core.journal import Journal
        from gui_app.core.urls import url_without_password

        key = url_without_password(url)
        if not is_mysql(url.get_backend_name()) or key in self._offered:
            return
        journal = Journal.find(key)
        if journal is None or self.context.database is None:
            return
        self._offered.add(key)
        try:
            found = recovery.examine(journal, self.context.database.schema)
        except recovery.RecoveryError as error:
            self.report_error("An interrupted apply cannot be recovered", str(error))
            return
        listing = "\n".join(found.listing())
        box = QMessageBox(QMessageBox.Icon.Warning, "An apply to this database was interrupted",
                          f"{found.describe()[0].upper()}{found.describe()[1:]}.\n\n{listing}", parent=self.window)
        box.setObjectName("recoveryBox")
        box.setInformativeText("Finish runs the rest and stamps the database as the apply would have; Revert undoes "
                               "the steps that ran. Until then, applying to this database is refused.")
        finish = box.addButton("Finish", QMessageBox.ButtonRole.AcceptRole)
        revert = box.addButton("Revert", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.box = box

        def answered() -> None:
            clicked = box.clickedButton()
            if clicked in (finish, revert):
                self._run(url, finish=clicked is finish)

        box.finished.connect(answered)
        box.open()

    def _run(self, url: URL, finish: bool) -> None:
        from gui_app.core.apply import describe_apply_error
        from gui_app.core.progress import CancelToken, ProgressFn
        from gui_app.core.recovery import recover
        from gui_app.ui.workers import Job

        def run(_progress: ProgressFn, _cancel: CancelToken) -> Any:
            return recover(url, finish)

        job: Job[Any] = Job(run, describe_apply_error)
        done = "finished" if finish else "reverted"
        job.signals.succeeded.connect(lambda _result: self._done(url, f"The interrupted apply was {done}."))
        job.signals.failed.connect(lambda reason: self.report_error(f"The interrupted apply was not {done}", reason))
        self.job = job
        self.notify("Finishing the interrupted apply…" if finish else "Reverting the interrupted apply…")
        self.context.jobs.start(job)

    def _done(self, url: URL, message: str) -> None:
        self.job = None
        self.notify(message)
        self.context.open_database(url)
