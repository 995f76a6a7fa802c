"""Migration scripts in the GUI: the linked Alembic project, saving, exporting and opening
scripts, and the autosave that lets the pending list survive a crash.

Questions to the user go through small hooks (``ask_*``) so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gui_app.ui.modal import run_modal

if TYPE_CHECKING:
    from alembic.operations import ops
    from sqlalchemy.engine import URL

    from gui_app.core.autosaves import Autosave
    from gui_app.core.plan import Plan
    from gui_app.core.project import AlembicProject
    from gui_app.core.schema import Schema
    from gui_app.core.script_reader import LoadedScript
    from gui_app.ui.apply_flow import ApplyFlow
    from gui_app.ui.context import AppContext
    from gui_app.ui.workers import Job

RECENT_PROJECTS_KEY = "projects/recent"
TRUSTED_KEY = "scripts/trusted_folders"
SCRIPT_FILTER = "Alembic migration scripts (*.py)"


def autosave_folder() -> Path:
    base = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return base / "autosave"


class MigrationFiles(QObject):
    """Scripts and revisions: open a script into the pending list, save the list as a revision or a
    file, export SQL, link a project, autosave and restore. Runs a script's code only in a child
    process or after the user trusted its folder."""

    project_changed = Signal()
    script_read = Signal()
    """A script opened in the background has been read (or failed, or was cancelled)."""

    def __init__(self, context: AppContext, window: QWidget, report_error: Callable[[str, str], None],
                 notify: Callable[[str], None], applying: ApplyFlow | None = None) -> None:
        super().__init__(window)
        self.context, self.window = context, window
        self.applying = applying
        """Where a revision just written goes to be applied and stamped (*Apply now*)."""
        self.report_error, self.notify = report_error, notify
        self.project: AlembicProject | None = None
        self.ask_open_path: Callable[[str, str], str | None] = self._ask_open_path
        self.ask_save_path: Callable[[str, str, str], str | None] = self._ask_save_path
        self.ask_yes_no: Callable[[str, str], bool] = self._ask_yes_no
        self.ask_trust: Callable[[str], bool] = self._ask_trust
        self.script_job: Job[LoadedScript] | None = None
        self.ask_save_discard_cancel: Callable[[int], str] = self._ask_save_discard_cancel
        self.run_dialog: Callable[[Any], bool] = lambda dialog: bool(run_modal(dialog))
        self._restore_offered: set[str] = set()
        """The databases whose autosave was offered in this run (once each)."""
        self._restore_accepted: str | None = None
        """A database the user chose at start to reconnect to and restore: restored without asking again."""
        self.ask_autosave: Callable[[list[Autosave]], tuple[str, Autosave | None]] = self._ask_autosave
        self.last_dialog: Any = None
        self.compare_job: Job[tuple[list[ops.MigrateOperation], list[str]]] | None = None
        self.tell: Callable[[str, str, list[str]], None] = self._tell
        from gui_app.ui.workers import JobRunner

        pool = QThreadPool(self)
        pool.setMaxThreadCount(1)  # autosaves are written one at a time, in the order of the changes
        self._autosave_jobs = JobRunner(self, pool)
        self._autosave_generation = 0
        """Title, text, and the lines behind it (notes a comparison could not carry over)."""

    # --- the linked project ----------------------------------------------------------------

    def link_project(self, ini_path: str | None = None) -> bool:
        from gui_app.core.project import AlembicProject, ProjectError

        path = ini_path or self.ask_open_path("Link an Alembic project", "Alembic configuration (alembic.ini *.ini)")
        if not path:
            return False
        try:
            self.project = AlembicProject(path)
            self.project.revisions()
        except ProjectError as error:
            self.project = None
            self.report_error("Cannot read the Alembic project", str(error))
            return False
        entry = str(self.project.ini_path)
        recent = [entry] + [p for p in self.recent_projects() if p != entry]
        self.context.settings.setValue(RECENT_PROJECTS_KEY, recent[:10])
        self.project_changed.emit()
        self.notify(f"Linked Alembic project {self.project.ini_path}")
        return True

    def unlink_project(self) -> None:
        """A project belongs to the database it was linked for: another database leaves it behind."""
        if self.project is None:
            return
        shown = self.project.ini_path
        self.project = None
        self.project_changed.emit()
        self.notify(f"Unlinked the Alembic project {shown}: it was linked for another database")

    def recent_projects(self) -> list[str]:
        from gui_app.ui.context import settings_list

        return settings_list(self.context.settings, RECENT_PROJECTS_KEY)

    def current_heads(self) -> tuple[str, ...]:
        """The revision(s) the connected database recorded when it was last read."""
        database = self.context.database
        return database.revisions if database is not None else ()

    # --- saving -----------------------------------------------------------------------------

    def _plan(self) -> Plan | None:
        pending = self.context.pending
        if pending is None or not len(pending.plan):
            self.notify("There are no pending changes to save.")
            return None
        return pending.plan

    def save(self) -> bool:
        """Save as a revision when a project is linked, else as a standalone script."""
        return self.save_revision() if self.project is not None else self.save_script()

    def save_script(self) -> bool:
        from gui_app.core.script_writer import file_name, new_revision_id, write_standalone

        plan = self._plan()
        if plan is None:
            return False
        path = self.ask_save_path("Save as migration script", SCRIPT_FILTER, file_name(new_revision_id(), "pending"))
        if not path:
            return False
        revision = write_standalone(Path(path), plan.operations, plan.dialect, Path(path).stem, base=plan.base)
        self.notify(f"Saved revision {revision} to {path}")
        return True

    def save_revision(self) -> bool:
        from gui_app.core.project import ProjectError
        from gui_app.ui.widgets.script_dialogs import SaveRevisionDialog

        plan = self._plan()
        if plan is None:
            return False
        if self.project is None and not self.link_project():
            return False
        assert self.project is not None
        dialog = SaveRevisionDialog(self.project.heads(), self.current_heads(), self.window, plan.dialect)
        self.last_dialog = dialog
        if not self.run_dialog(dialog):
            return False
        try:
            written = self.project.write_revision(plan.operations, plan.dialect, dialog.message.text(),
                                                  dialog.down_revision(), base=plan.base,
                                                  combine=not dialog.combine.isHidden() and dialog.combine.isChecked())
        except ProjectError as error:
            self.report_error("Cannot write the revision", str(error))
            return False
        self.project_changed.emit()
        self.notify(f"Saved revision {written.revision} to {written.path}")
        if dialog.apply_now.isChecked() and self.applying is not None:
            self.applying.apply_pending(stamp=written.revision)
        return True

    def export_sql(self) -> bool:
        from gui_app.core.private_files import write_private
        from gui_app.core.render import render_sql
        from gui_app.ui.widgets.script_dialogs import ExportSqlDialog

        plan = self._plan()
        if plan is None:
            return False
        dialog = ExportSqlDialog(plan.dialect, self.window)
        self.last_dialog = dialog
        if not self.run_dialog(dialog):
            return False
        dialect, downgrade = dialog.dialect.currentData(), bool(dialog.direction.currentData())
        path = self.ask_save_path("Export SQL", "SQL files (*.sql)",
                                  f"{'downgrade' if downgrade else 'upgrade'}_{dialect}.sql")
        if not path:
            return False
        write_private(Path(path), render_sql(plan.operations, dialect, plan.base, downgrade=downgrade, as_sent=True),
                      folder_too=False)
        self.notify(f"Exported the {dialect} SQL to {path}")
        return True

    # --- opening ----------------------------------------------------------------------------

    def open_script(self, path: str | None = None) -> bool:
        """Load a script's upgrade() into the pending list, as one undoable step, once the user
        trusts its folder. It is read in a child process first, then in the background; returns
        whether reading started (``script_read`` or an error follows)."""
        from gui_app.core.errors import describe_error
        from gui_app.core.progress import CancelToken, ProgressFn
        from gui_app.core.script_probe import probe
        from gui_app.core.script_reader import load_script
        from gui_app.ui.workers import Job

        chosen = path or self.ask_open_path("Open a migration script", SCRIPT_FILTER)
        if not chosen or not self._trusted(Path(chosen)):
            return False
        target = Path(chosen)

        def run(_progress: ProgressFn, cancel: CancelToken) -> LoadedScript:
            probe(target, cancelled=lambda: cancel.cancelled)
            return load_script(target)

        job: Job[LoadedScript] = Job(run, describe_error)
        job.signals.succeeded.connect(lambda script: self._read(script, f"Open {target.name}"))
        job.signals.failed.connect(lambda reason: self.report_error("Cannot open the migration script", reason))
        job.signals.cancelled.connect(lambda: self.notify(f"Reading {target.name} was cancelled"))
        job.signals.finished.connect(self._script_job_done)
        self.script_job = job
        self.notify(f"Reading {target.name}…")
        self.context.jobs.start(job)
        return True

    def _script_job_done(self) -> None:
        self.script_job = None
        self.script_read.emit()

    def _trusted(self, path: Path) -> bool:
        """Reading a script runs its Python code: asked once per folder, and remembered."""
        from gui_app.ui.context import settings_list

        folder = str(path.resolve().parent)
        trusted = settings_list(self.context.settings, TRUSTED_KEY)
        if folder in trusted:
            return True
        if not self.ask_trust(folder):
            return False
        self.context.settings.setValue(TRUSTED_KEY, [*trusted, folder])
        return True

    def _read(self, script: LoadedScript, label: str) -> None:
        from gui_app.core.plan import PlanError
        from gui_app.core.projection import ProjectionError
        from gui_app.core.script_reader import ScriptError, reversible

        pending = self.context.pending
        if pending is None:
            return
        try:
            operations = reversible(script.upgrade, pending.plan.projected, pending.dialect, script.downgrade)
            pending.add(operations, label)
        except (ScriptError, PlanError, ProjectionError) as error:
            self.report_error("Cannot open the migration script", str(error))
            return
        self.notify(f"{len(operations)} operation(s) from {script.path.name} are pending")

    def _load_into_pending(self, path: Path, label: str) -> bool:
        from gui_app.core.plan import PlanError
        from gui_app.core.projection import ProjectionError
        from gui_app.core.script_reader import ScriptError, load_script, reversible

        pending = self.context.pending
        if pending is None:
            return False
        try:
            script = load_script(path)
            operations = reversible(script.upgrade, pending.plan.projected, pending.dialect, script.downgrade)
            pending.add(operations, label)
        except (ScriptError, PlanError, ProjectionError) as error:
            self.report_error("Cannot open the migration script", str(error))
            return False
        self.notify(f"{len(operations)} operation(s) from {path.name} are pending")
        return True

    # --- comparing ----------------------------------------------------------------------------

    def compare_with(self, other: URL) -> None:
        """Add the operations that make the open database's schema equal ``other``'s (in the background)."""
        from gui_app.core.diff import diff_databases
        from gui_app.core.errors import describe_error
        from gui_app.core.progress import CancelToken, ProgressFn
        from gui_app.core.urls import display_url
        from gui_app.ui.workers import Job

        database = self.context.database
        if database is None or self.context.pending is None:
            return
        source = database.url

        def run(_progress: ProgressFn, _cancel: CancelToken) -> tuple[list[ops.MigrateOperation], list[str]]:
            notes: list[str] = []
            return diff_databases(source, other, notes), notes

        job: Job[tuple[list[ops.MigrateOperation], list[str]]] = Job(run, describe_error)
        shown = display_url(other)
        job.signals.succeeded.connect(lambda found: self._compared(found[0], found[1], shown))
        job.signals.failed.connect(lambda reason: self.report_error("Cannot compare the databases", reason))
        self.compare_job = job
        self.notify(f"Comparing with {shown}…")
        self.context.jobs.start(job)

    def _compared(self, operations: list[ops.MigrateOperation], notes: list[str], shown: str) -> None:
        from gui_app.core.plan import PlanError
        from gui_app.ui.wording import plural

        self.compare_job = None
        if not operations:
            self.notify(f"The schemas are the same as {shown}.")
        else:
            assert self.context.pending is not None
            try:
                self.context.pending.add(operations, f"Match {shown}")
            except PlanError as error:
                self.report_error("The differences cannot be added to the pending list", str(error))
                return
            self.notify(f"{plural(len(operations), 'operation')} make this database match {shown}")
        if notes:
            self.tell("Compared with notes", f"Comparing with {shown} left out what one database cannot express "
                      f"or read ({plural(len(notes), 'note')}); see the details.", notes)

    def _tell(self, title: str, text: str, details: list[str]) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setDetailedText("\n".join(details))
        box.exec()

    # --- crash safety -----------------------------------------------------------------------

    def autosave(self) -> None:
        """Write the pending list as a migration script after every change (remove it when empty),
        rendered and written on a thread of its own: one at a time, in order, and an autosave
        overtaken by a newer change is skipped."""
        from gui_app.core.urls import url_without_password
        from gui_app.ui.workers import Job

        pending, database = self.context.pending, self.context.database
        if database is None:
            return
        key = url_without_password(database.url)
        self._autosave_generation += 1
        generation = self._autosave_generation
        snapshot = (list(pending.plan.operations), pending.dialect, pending.plan.base) \
            if pending is not None and len(pending.plan) else None
        job: Job[None] = Job(lambda _progress, _cancel: self._write_autosave(key, snapshot, generation))
        job.signals.failed.connect(lambda reason: self.notify(f"Autosave failed: {reason}"))
        self._autosave_jobs.start(job)

    def _write_autosave(self, key: str, snapshot: tuple[list[ops.MigrateOperation], str, Schema] | None,
                        generation: int) -> None:
        """On the autosave thread; never touches a widget."""
        from gui_app.core import autosaves
        from gui_app.core.script_writer import standalone_script

        if generation != self._autosave_generation:
            return  # a newer change has its own autosave queued
        if snapshot is None:
            autosaves.remove(autosave_folder(), key)
            return
        operations, dialect, base = snapshot
        text = standalone_script(operations, dialect, "pending changes (autosave)", base=base)
        if generation == self._autosave_generation:
            autosaves.write(autosave_folder(), key, len(operations), text)

    def finish_autosaves(self, msecs: int = 10_000) -> None:
        """Wait until the autosaves queued so far are written (closing, or before removing one)."""
        self._autosave_jobs.wait(msecs)

    def _remove_autosave(self, key: str) -> None:
        """Remove the autosave of ``key``, after any write still queued for it."""
        from gui_app.core import autosaves

        self._autosave_generation += 1  # queued writes are overtaken: they skip
        self.finish_autosaves()
        autosaves.remove(autosave_folder(), key)

    def offer_autosaves_at_start(self, open_url: Callable[[str], None]) -> bool:
        """At start, before any database is opened: offer every autosaved pending list (database,
        time, operations); the one chosen is reconnected to and restored. Whether one was."""
        from gui_app.core import autosaves

        found = autosaves.find_all(autosave_folder())
        if not found:
            return False
        answer, chosen = self.ask_autosave(found)
        if answer == "discard":
            for autosave in found:
                autosave.path.unlink(missing_ok=True)
            return False
        if answer != "restore" or chosen is None:
            return False
        self._restore_accepted = chosen.database
        open_url(chosen.database)
        return True

    def offer_restore(self) -> None:
        """Once per database and run, when it has been read: restore its autosaved pending list
        (without asking again when the user chose it at start)."""
        from gui_app.core import autosaves
        from gui_app.core.urls import url_without_password

        if self.context.database is None:
            return
        key = url_without_password(self.context.database.url)
        if key in self._restore_offered:
            return
        self._restore_offered.add(key)
        found = autosaves.find(autosave_folder(), key)
        if found is None:
            return
        pending = self.context.pending
        if pending is not None and len(pending.plan):
            return  # the list carried over a refresh is newer than the file
        accepted, self._restore_accepted = self._restore_accepted == key, None
        if accepted or self.ask_yes_no("Restore pending changes?",
                                       "The last session ended with pending changes to this database that were "
                                       "not saved or applied. Restore them?"):
            self._load_into_pending(found.path, "Restore pending changes")
        else:
            self._remove_autosave(key)

    def confirm_close(self) -> bool:
        """Ask to save, discard or cancel when pending changes would be lost; True closes."""
        pending = self.context.pending
        if pending is not None and len(pending.plan):
            answer = self.ask_save_discard_cancel(len(pending.plan))
            if answer == "cancel" or (answer == "save" and not self.save()):
                return False
        if self.context.database is not None:
            from gui_app.core.urls import url_without_password

            self._remove_autosave(url_without_password(self.context.database.url))
        return True

    # --- default questions ------------------------------------------------------------------

    def _ask_open_path(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, title, "", filters)
        return path or None

    def _ask_save_path(self, title: str, filters: str, suggested: str) -> str | None:
        folder = self.project.versions_folder if self.project is not None else Path.cwd()
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(folder / suggested), filters)
        return path or None

    def _ask_trust(self, folder: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Trust the scripts in this folder?",
                          f"Opening a migration script runs its Python code, as you: it can read and write "
                          f"your files and reach the network, like running it with alembic would.\n\n{folder}",
                          QMessageBox.StandardButton.Cancel, self.window)
        box.setObjectName("trustBox")
        trust = box.addButton("Trust this folder", QMessageBox.ButtonRole.AcceptRole)
        box.setInformativeText("Only open scripts whose code you would run yourself. The answer is remembered "
                               "for this folder.")
        box.exec()
        return box.clickedButton() is trust

    def _ask_autosave(self, found: list[Autosave]) -> tuple[str, Autosave | None]:
        from gui_app.ui.widgets.autosave_dialog import AutosaveDialog

        dialog = AutosaveDialog(found, self.window)
        self.last_dialog = dialog
        run_modal(dialog)
        return dialog.answer, dialog.chosen()

    def _ask_yes_no(self, title: str, text: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        return QMessageBox.question(self.window, title, text, buttons) == QMessageBox.StandardButton.Yes

    def _ask_save_discard_cancel(self, count: int) -> str:
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved pending changes",
                          f"{count} pending change(s) have not been applied or saved.",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.window)
        box.setInformativeText("Save them as a migration script?")
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")
