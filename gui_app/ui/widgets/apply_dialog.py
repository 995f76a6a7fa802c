"""Confirm before anything touches the database: the exact SQL, what it destroys, a dry run."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui_app.core.dialects import family
from gui_app.core.progress import CancelToken, ProgressFn
from gui_app.ui import colours
from gui_app.ui.widgets.highlighter import CodeHighlighter, code_font
from gui_app.ui.workers import Job, JobRunner

if TYPE_CHECKING:
    from collections.abc import Sequence

    from alembic.operations import ops
    from sqlalchemy.engine import URL

    from gui_app.core.apply_runner import ApplyReport
    from gui_app.core.impact import Impact
    from gui_app.core.lock_report import Blocked
    from gui_app.core.mysql_algorithms import Accepted
    from gui_app.ui.pending import PendingPlan

NO_ROLLBACK = ("<b>MySQL and MariaDB cannot roll back schema changes.</b> Each operation commits as it runs: "
               "if one fails, the ones before it stay applied and leave the pending list; the rest stay pending.")
ONE_TRANSACTION = "The whole plan runs in one transaction: if any operation fails, nothing is changed."


def _blocked_line(item: Blocked) -> str:
    """One table of the PostgreSQL timeline: from which operation, until when."""
    from gui_app.core.locks import table_label

    name = f"<b>{escape(table_label(item.table))}</b>"
    if item.brief:
        what = "reads and writes wait" if item.reads is not None else "writes wait"
        return f"{name}: {what} briefly in operation {item.writes} (a catalog change committed at once)"
    text = f"{name}: writes wait from operation {item.writes}"
    text += f", reads from operation {item.reads}" if item.reads is not None else ", reads go on"
    if item.until is not None:
        text += f", until operation {item.until} commits the work before it"
    return text


def _commits_part_way(numbers: list[int], operations: Sequence[ops.MigrateOperation]) -> str:
    from gui_app.core.online import OnlineOp

    listed = ", ".join(str(n) for n in numbers)
    text = (f"<b>Operation{'s' if len(numbers) > 1 else ''} {listed} commit{'' if len(numbers) > 1 else 's'} "
            "part-way</b> (an online operation, a script's own COMMIT or autocommit_block(), as under alembic): "
            "the plan runs in one transaction up to there, and if a later step fails, what ran before that commit "
            "stays applied.")
    for number in numbers:
        op = operations[number - 1]
        if isinstance(op, OnlineOp):
            text += (f"<br>Operation {number} runs online, outside the transaction, each statement committing "
                     f"on its own; {escape(op.failure)}.")
    return text


class ApplyDialog(QDialog):
    """The confirmation before applying: the exact SQL, what it destroys counted in the database, the
    consent it needs, and a dry run. Apply stays off until the counts are in or given up."""

    def __init__(self, pending: PendingPlan, url: URL, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("applyDialog")
        self.setWindowTitle("Apply pending changes")
        self.pending, self.url, self.jobs = pending, url, jobs
        self.impacts: list[Impact] | None = None
        self.accepted_modes: Accepted | None = None
        """What a MySQL/MariaDB dry run found the server accepts, sent with the apply."""
        self._job: Job[list[Impact]] | Job[ApplyReport] | None = None
        plan = pending.plan
        dialect = family(pending.dialect)
        from gui_app.core.render import render_sql

        count = len(plan)
        self.summary = QLabel(f"{count} operation{'s' if count != 1 else ''} will run on "
                              f"<b>{escape(_shown(url))}</b>.", self)
        from gui_app.core.op_facts import COMMITS_PART_WAY, DESTRUCTIVE, NARROWS, needs_consent, only_commits_part_way

        labels = [plan.risks(i) for i in range(count)]
        part_way = [number for number, found in enumerate(labels, start=1) if COMMITS_PART_WAY in found]
        note = _commits_part_way(part_way, plan.operations) if part_way else ONE_TRANSACTION
        self.transaction_note = QLabel(NO_ROLLBACK if dialect == "mysql" else note, self)
        self.transaction_note.setObjectName("applyTransactionNote")
        self.transaction_note.setWordWrap(True)
        self.locks = QLabel(self)
        self.locks.setObjectName("applyLocks")
        self.locks.setWordWrap(True)
        self._predictions = [plan.lock(i) for i in range(count)]
        self._modelled = any(p is not None for p in self._predictions)
        self.locks.setVisible(self._modelled)
        self.locks.setText(self._timeline())
        self.sessions = QLabel(self)
        self.sessions.setObjectName("applySessions")
        self.sessions.setWordWrap(True)
        self.sessions.setVisible(False)
        self.sql = QPlainTextEdit(render_sql(plan.operations, dialect, plan.base, as_sent=True), self)
        self.sql.setObjectName("applySql")
        self.sql.setReadOnly(True)
        self.sql.setFont(code_font())
        self.sql.highlighter = CodeHighlighter(self.sql.document(), "sql", dialect)  # type: ignore[attr-defined]
        self.destructive = QLabel("Counting what the destructive steps affect…", self)
        self.destructive.setObjectName("applyImpacts")
        self.destructive.setWordWrap(True)
        risky = [found for found in labels if needs_consent(found)]
        certain = any(label in (DESTRUCTIVE, NARROWS) for found in risky for label in found)
        self.confirm = QCheckBox("I understand that this destroys data" if certain else
                                 "I understand that it commits part-way: if a later step fails, what ran before "
                                 "that commit stays applied" if only_commits_part_way(risky) else
                                 "I understand that this may destroy data: what it does is known only when it runs",
                                 self)
        self.confirm.setVisible(bool(risky))
        self.outcome = QLabel(self)
        self.outcome.setObjectName("applyOutcome")
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.dry_run_button = QPushButton("Dry run", self)
        self.buttons.addButton(self.dry_run_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.dry_run_button.clicked.connect(self.dry_run)
        self.confirm.toggled.connect(lambda _on: self._update_buttons())
        self._risky = bool(risky)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.transaction_note)
        layout.addWidget(self.locks)
        layout.addWidget(self.sessions)
        layout.addWidget(self.sql, 1)
        layout.addWidget(self.destructive)
        layout.addWidget(self.confirm)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.resize(820, 600)
        self._update_buttons()
        self._count_impacts()  # then the sessions: listed after, the counting's own session is not among them

    def _timeline(self) -> str:
        """Which tables other sessions wait on, and when: in one transaction (PostgreSQL) every lock
        is held from the statement that takes it until COMMIT; step by step (MySQL/MariaDB) only
        while its statement runs."""
        from gui_app.core.lock_report import blocked_during, blocked_from
        from gui_app.core.locks import table_label

        if family(self.pending.dialect) == "mysql":
            during = blocked_during(self._predictions)
            if not during:
                return "No statement locks a table against other sessions' reads or writes."
            lines = "".join(
                f"<li><b>{escape(table_label(table))}</b>: writes wait during operation"
                f"{'s' if len(writes) > 1 else ''} {_numbers(writes)}"
                + (f", reads during {_numbers(reads)}" if reads else "") + "</li>" for table, writes, reads in during)
            return f"Each statement holds its lock while it runs:<ul>{lines}</ul>"
        blocked = blocked_from(self._predictions)
        if not blocked:
            return "No table is locked against other sessions' reads or writes."
        lines = "".join(f"<li>{_blocked_line(item)}</li>" for item in blocked)
        online = any(item.until is not None for item in blocked)
        return ("While it runs, until it commits" + (" (an online operation commits the work before it)"
                                                     if online else "") + f":<ul>{lines}</ul>")

    def _update_buttons(self) -> None:
        """Apply waits for the counts (or for them to be given up, which says why): consent is
        given to what they show."""
        counted = self.impacts is not None
        self.apply_button.setEnabled(counted and (not self._risky or self.confirm.isChecked()) and self._job is None)
        self.confirm.setEnabled(counted)
        self.dry_run_button.setEnabled(self._job is None)

    # --- background work ------------------------------------------------------------------

    def _count_impacts(self) -> None:
        url, base, operations = self.url, self.pending.plan.base, list(self.pending.plan.operations)

        def run(_progress: ProgressFn, _cancel: CancelToken) -> list[Impact]:
            from gui_app.core import timeouts
            from gui_app.core.impact import count_impacts

            engine = timeouts.create_engine(url)
            try:
                with engine.connect() as conn:
                    return count_impacts(conn, base, operations)
            finally:
                engine.dispose()

        from gui_app.core.errors import describe_error

        job: Job[list[Impact]] = Job(run, describe_error)
        job.signals.succeeded.connect(self._show_impacts)
        job.signals.failed.connect(self._impacts_failed)
        self.jobs.start(job)

    def _find_sessions(self) -> None:
        """The other sessions using the tables the plan locks: a long transaction among them would
        make the migration wait, and everyone queued behind the migration with it."""
        from gui_app.core.lock_report import blocked_from

        # Every table some operation locks against writes, and those an online operation reads
        # (it waits for the transactions that wrote them to end).
        tables = list(dict.fromkeys([item.table for item in blocked_from(self._predictions)] + [
            table for p in self._predictions if p is not None and p.online for table, _mode in p.locks]))
        url = self.url

        def run(_progress: ProgressFn, _cancel: CancelToken) -> list[str]:
            from gui_app.core import timeouts
            from gui_app.core.blockers import blocking_sessions

            engine = timeouts.create_engine(url)
            try:
                with engine.connect() as conn:
                    return blocking_sessions(conn, tables)
            finally:
                engine.dispose()

        from gui_app.core.errors import describe_error

        job: Job[list[str]] = Job(run, describe_error)
        job.signals.succeeded.connect(self._show_sessions)
        job.signals.failed.connect(lambda reason: self._show_sessions([f"could not be listed: {reason}"]))
        self.jobs.start(job)

    def _show_sessions(self, sessions: list[str]) -> None:
        if not sessions:
            return
        lines = "".join(f"<li>{escape(line)}</li>" for line in sessions)
        # PostgreSQL names the sessions holding locks on these tables; MySQL/MariaDB only those
        # with an open transaction (which tables it touched needs an optional plugin).
        who = ("Sessions have a transaction open now (MariaDB does not say on which tables); a statement waits "
               "for those that used its table" if family(self.pending.dialect) == "mysql" else
               "Other sessions are using these tables now; the migration waits for them")
        self.sessions.setText(f"<span style='color:{colours.caution_text()}'>{who}, and new queries on the table "
                              f"wait behind it:</span><ul>{lines}</ul>")
        self.sessions.setVisible(True)

    def _impacts_failed(self, reason: str) -> None:
        if self._modelled:
            self._find_sessions()
        self.impacts = []  # given up, visibly: Apply is possible again, with the reason on screen
        self.destructive.setText(f"<span style='color:#c0392b'>Could not count affected rows: "
                                 f"{escape(reason)}</span>")
        self._update_buttons()

    def _show_impacts(self, impacts: list[Impact]) -> None:
        if self._modelled:
            self._find_sessions()
        self.impacts = impacts
        self._update_buttons()
        if not impacts:
            self.destructive.setText("No existing rows are destroyed or in the way.")
            return
        lines = "".join(f"<li>Operation {i.index + 1} ({escape(i.operation)}): <b>{escape(i.text)}</b></li>"
                        for i in impacts)
        self.destructive.setText(f"<span style='color:#c0392b'>Affected rows:</span><ul>{lines}</ul>")

    def dry_run(self) -> None:
        url, base, operations = self.url, self.pending.plan.base, list(self.pending.plan.operations)

        def run(progress: ProgressFn, cancel: CancelToken) -> ApplyReport:
            from gui_app.core.apply import apply_plan

            return apply_plan(url, operations, base, dry_run=True, progress=progress, cancel=cancel)

        from gui_app.core.apply import describe_apply_error

        job: Job[ApplyReport] = Job(run, describe_apply_error)
        job.signals.succeeded.connect(self._dry_run_passed)
        job.signals.failed.connect(self._dry_run_failed)
        self._job = job
        self.outcome.setText("Dry run in progress…")
        self._update_buttons()
        self.jobs.start(job)

    def _dry_run_passed(self, report: ApplyReport) -> None:
        self._job = None
        self.accepted_modes = report.algorithms
        notes = "".join(f"<br>{escape(n)}" for n in report.notes)
        self.outcome.setText(f"<span style='color:#2e9d4a'>Dry run passed: all {report.applied} operations ran "
                            f"and were thrown away.</span>{notes}{self._measured(report)}{self._accepted_text()}")
        self._update_buttons()

    def _accepted_text(self) -> str:
        """MySQL/MariaDB: the ALGORITHM/LOCK the server accepted for each step, beside the prediction."""
        if self.accepted_modes is None or not self.accepted_modes.by_step:
            return ""
        from gui_app.core.mysql_algorithms import lines
        from gui_app.core.op_facts import describe

        predicted = [p.locks[0][1] if p is not None and p.locks else None for p in self._predictions]
        found = lines(self.accepted_modes, predicted, [describe(op) for op in self.pending.plan.operations])
        items = "".join(f"<li><span style='color:{colours.error_text()}'>{escape(text)}</span></li>" if differs
                        else f"<li>{escape(text)}</li>" for text, differs in found)
        return ("<br>Accepted by the server in the dry run; Apply sends each statement with it, so the server "
                f"stops rather than copy or lock more than this:<ul>{items}</ul>")

    def _measured(self, report: ApplyReport) -> str:
        """What each step locked, rewrote and read in the dry run, beside the prediction."""
        if not report.measured:
            return ""
        from gui_app.core.lock_report import compare
        from gui_app.core.op_facts import describe

        checks = compare(self._predictions, [describe(op) for op in self.pending.plan.operations], report.measured)
        # Every step that differs from its prediction is listed; the others up to a dozen lines.
        differing = [check for check in checks if check.differences]
        shown = differing + [check for check in checks if not check.differences][:max(0, 12 - len(differing))]
        shown.sort(key=lambda check: check.first)
        lines = "".join(
            f"<li><span style='color:{colours.error_text()}'>{escape(check.text())}</span></li>" if check.differences
            else f"<li>{escape(check.text())}</li>" for check in shown)
        rest = len(checks) - len(shown)
        more = f"<li>and {rest} more step{'s' if rest != 1 else ''} as predicted</li>" if rest else ""
        return f"<br>Measured in the dry run:<ul>{lines}{more}</ul>"

    def _dry_run_failed(self, reason: str) -> None:
        self._job = None
        self.outcome.setText(f"<span style='color:#c0392b'>Dry run failed: {escape(reason)}</span>")
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self._job is not None


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:-1]) + (" and " if len(numbers) > 1 else "") + str(numbers[-1])


def _shown(url: URL) -> str:
    from gui_app.core.urls import display_url

    return display_url(url)
