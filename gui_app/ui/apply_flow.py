"""Applying the pending list: the confirmation, the run in the background, and what follows it.

The main window composes this controller and shows its progress; the migration files hand
it a revision just written to apply and stamp in one step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from gui_app.ui.modal import run_modal
from gui_app.ui.wording import plural

if TYPE_CHECKING:
    from alembic.operations import ops
    from sqlalchemy.engine import URL

    from gui_app.core.apply_runner import ApplyFailed, ApplyReport
    from gui_app.core.mysql_algorithms import Accepted
    from gui_app.ui.context import AppContext
    from gui_app.ui.pending import PendingPlan
    from gui_app.ui.workers import Job


class Busy(Protocol):
    """Where long work shows itself (the main window's status bar)."""

    def working(self, text: str) -> None: ...
    def progress_shown(self, label: str, done: int, total: int) -> None: ...
    def idle(self) -> None: ...


MessageFn = Callable[[str, str, QMessageBox.Icon, QMessageBox.StandardButton], QMessageBox]
"""Shows a window-modal message box (title, text, icon, buttons) and returns it, open."""


class ApplyFlow(QObject):
    """Confirm, apply in the background, and make the pending list follow what really ran.

    Never applies without the confirmation dialog's consent, and never leaves the list claiming
    operations are pending that the database already holds."""

    def __init__(self, context: AppContext, window: QWidget, busy: Busy, show_message: MessageFn,
                 notify: Callable[[str], None]) -> None:
        super().__init__(window)
        self.context, self.window, self.busy = context, window, busy
        self.show_message, self.notify = show_message, notify
        self.job: Job[ApplyReport | ApplyFailed] | None = None

    def apply_pending(self, stamp: str | None = None) -> None:
        """Confirm, then apply in the background. With ``stamp`` (a revision just saved), the
        database is stamped with it in the same step."""
        from gui_app.ui.widgets.apply_dialog import ApplyDialog

        pending, database = self.context.pending, self.context.database
        if pending is None or database is None or not len(pending.plan):
            self.notify("There are no pending changes to apply.")
            return
        dialog = ApplyDialog(pending, database.url, self.context.jobs, self.window)
        if run_modal(dialog):
            self._run(pending, database.url, stamp, dialog.accepted_modes)

    def cancel(self) -> bool:
        """Cancel a running apply between two operations (the transaction then rolls back);
        whether one was running."""
        if self.job is None:
            return False
        self.job.cancel()
        return True

    def _run(self, pending: PendingPlan, url: URL, stamp: str | None = None,
             algorithms: Accepted | None = None) -> None:
        from gui_app.core.apply import ApplyFailed, apply_plan, describe_apply_error
        from gui_app.core.progress import CancelToken, ProgressFn
        from gui_app.ui.workers import Job

        operations, base = list(pending.plan.operations), pending.plan.base

        def run(progress: ProgressFn, cancel: CancelToken) -> ApplyReport | ApplyFailed:
            try:
                return apply_plan(url, operations, base, progress=progress, cancel=cancel, stamp=stamp,
                                  algorithms=algorithms)
            except ApplyFailed as failed:
                return failed  # delivered as a result: the list must follow what ran

        job: Job[ApplyReport | ApplyFailed] = Job(run, describe_apply_error)
        job.signals.progress.connect(self.busy.progress_shown)
        job.signals.succeeded.connect(lambda outcome: self._applied(outcome, operations, url, pending, stamp))
        job.signals.failed.connect(lambda reason: self._stopped(reason))
        job.signals.cancelled.connect(lambda: self._stopped("Cancelled; nothing was changed."))
        self.job = job
        self.busy.working("Applying the pending changes…")
        self.context.jobs.start(job)

    def _applied(self, outcome: ApplyReport | ApplyFailed, operations: list[ops.MigrateOperation], url: URL,
                 pending: PendingPlan, stamp: str | None) -> None:
        from gui_app.core.apply import ApplyFailed

        self.job = None
        self.busy.idle()
        if isinstance(outcome, ApplyFailed):
            if outcome.lock_timeout and not outcome.applied:
                self._offer_retry(str(outcome), pending, url, stamp)
                return
            self._error("The changes could not be applied", str(outcome))
            if outcome.applied:
                self.context.open_database(url, carry=operations[outcome.applied:])
            return
        if outcome.mismatches:
            self._error("The database differs from the expected schema",
                        "The changes were applied, but the database now differs from what the pending list "
                        "projected:\n\n" + "\n".join(outcome.mismatches))
        elif outcome.notes:  # what the user should know about how it went (a lost connection, a script's code)
            self.show_message("Applied, with notes", "\n\n".join(outcome.notes), QMessageBox.Icon.Information,
                              QMessageBox.StandardButton.Ok)
        self.notify(f"Applied {plural(outcome.applied, 'operation')}.")
        self.context.open_database(url, carry=[])

    def _offer_retry(self, text: str, pending: PendingPlan, url: URL, stamp: str | None) -> None:
        """Another session held a lock and nothing was changed: the same plan may run once it is done."""
        box = self.show_message("Waiting for a lock timed out", text, QMessageBox.Icon.Warning,
                                QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Retry and self.context.pending is pending:
                self._run(pending, url, stamp)

        box.finished.connect(answered)

    def _stopped(self, reason: str) -> None:
        self.job = None
        self.busy.idle()
        self._error("The changes could not be applied", reason)

    def _error(self, title: str, text: str) -> None:
        self.show_message(title, text, QMessageBox.Icon.Critical, QMessageBox.StandardButton.Ok)
