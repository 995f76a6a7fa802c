"""Migration scripts from the GUI: linked project, save as revision, standalone script, export,
open, autosave and restore after a crash, and the question on closing."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from gui_app.core.render import render_sql
from gui_app.ui.application import create_window, open_initial
from gui_app.ui.main_window import MainWindow
from gui_app.ui.migration_files import autosave_folder
from tests.ui.editing import menu_action, open_script, pending_calls, preview, run_dialog

T = ("main", "Tables")


def _edit(qtbot: QtBot, window: MainWindow) -> None:
    def add(d: Any) -> None:
        d.name.setText("subtitle")
        d.type_edit.setText("VARCHAR(120)")

    assert run_dialog(qtbot, menu_action(window, (*T, "books"), "Add column…").trigger, add) == ""
    menu_action(window, (*T, "books", "Indexes", "ix_books_title"), "Drop index").trigger()


def autosave_path(url: URL) -> Path:
    """Where the pending list of the database at ``url`` is autosaved."""
    from gui_app.core import autosaves
    from gui_app.core.urls import url_without_password

    return autosaves.path_for(autosave_folder(), url_without_password(url))


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _project(folder: Path, database: Path) -> Path:
    subprocess.run([sys.executable, "-m", "alembic", "init", str(folder / "migrations")], cwd=folder, check=True,
                   capture_output=True)
    ini = folder / "alembic.ini"
    ini.write_text(ini.read_text().replace("sqlalchemy.url = driver://user:pass@localhost/dbname",
                                           f"sqlalchemy.url = sqlite:///{database}"))
    return ini


def _accepting(fill: Any) -> Any:
    def run(dialog: Any) -> bool:
        fill(dialog)
        return True

    return run


def test_save_as_revision_into_a_linked_project(qtbot: QtBot, demo_window: MainWindow, tmp_path: Path) -> None:
    _edit(qtbot, demo_window)
    copy = tmp_path / "copy.sqlite"
    shutil.copy(demo_window.context.database.url.database, copy)  # type: ignore[union-attr, arg-type]
    ini = _project(tmp_path, copy)
    files = demo_window.files
    assert files.link_project(str(ini))
    files.run_dialog = _accepting(lambda d: d.message.setText("add subtitle"))
    assert files.save_revision()
    (written,) = (tmp_path / "migrations" / "versions").glob("*_add_subtitle.py")
    assert _mode(written) == 0o600  # it holds the plan; the project's folder is left as it is
    rows = demo_window.revisions.rows()
    assert len(rows) == 1 and rows[0][1] == "add subtitle" and rows[0][3] == "head"
    upgraded = subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
                              capture_output=True, text=True)
    assert upgraded.returncode == 0, upgraded.stderr
    conn = sqlite3.connect(copy)
    assert "subtitle" in [r[1] for r in conn.execute("PRAGMA table_info(books)")]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ix_books_title'").fetchone() == (0,)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] in written.name


def test_save_revision_and_apply_stamps_it(qtbot: QtBot, demo_window: MainWindow, tmp_path: Path) -> None:
    database = Path(demo_window.context.database.url.database)  # type: ignore[union-attr, arg-type]
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    conn.commit()
    conn.close()
    demo_window.context.refresh()
    qtbot.waitUntil(lambda: not demo_window.context.loading, timeout=15_000)
    _edit(qtbot, demo_window)
    files = demo_window.files
    assert files.link_project(str(_project(tmp_path, database)))

    def fill(dialog: Any) -> None:
        dialog.message.setText("first")
        dialog.apply_now.setChecked(True)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "applyDialog"
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)  # type: ignore[attr-defined]
        dialog.apply_button.click()  # type: ignore[attr-defined]

    files.run_dialog = _accepting(fill)
    QTimer.singleShot(0, confirm)
    assert files.save_revision()
    qtbot.waitUntil(lambda: not pending_calls(demo_window) and not demo_window.context.loading, timeout=20_000)
    (written,) = (tmp_path / "migrations" / "versions").glob("*_first.py")
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(written.name.split("_")[0],)]
    assert "subtitle" in [r[1] for r in conn.execute("PRAGMA table_info(books)")]
    assert demo_window.revisions.rows()[0][3] == "head, current"


def test_standalone_script_export_and_open(qtbot: QtBot, demo_window: MainWindow, tmp_path: Path) -> None:
    _edit(qtbot, demo_window)
    files = demo_window.files
    pending = demo_window.context.pending
    assert pending is not None
    script = tmp_path / "standalone.py"
    files.ask_save_path = lambda _title, _filters, _suggested: str(script)
    assert files.save_script()
    text = script.read_text()
    assert "down_revision: Union[str, Sequence[str], None] = None" in text
    assert "batch_op.add_column(sa.Column('subtitle', sa.VARCHAR(length=120), nullable=True))" in text

    exported = tmp_path / "upgrade.sql"
    files.ask_save_path = lambda _title, _filters, _suggested: str(exported)
    files.run_dialog = _accepting(lambda d: d.dialect.setCurrentIndex(d.dialect.findData("postgresql")))
    assert files.export_sql()
    assert exported.read_text() == render_sql(pending.plan.operations, "postgresql", pending.plan.base)
    assert _mode(script) == _mode(exported) == 0o600

    calls = pending_calls(demo_window)
    while pending.undo_stack.canUndo():
        demo_window.undo_action.trigger()
    assert open_script(qtbot, demo_window, str(script))
    assert pending_calls(demo_window) == calls
    demo_window.undo_action.trigger()  # opening is one step
    assert pending_calls(demo_window) == []


def test_a_broken_script_is_reported_and_changes_nothing(qtbot: QtBot, demo_window: MainWindow,
                                                          tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("from alembic import op\nrevision = 'x'\ndown_revision = None\n\n"
                      "def upgrade():\n    op.drop_column('books', 'no_such_column')\n")
    assert open_script(qtbot, demo_window, str(broken))
    box = demo_window.error_box
    assert box is not None and "no column 'no_such_column'" in box.text()
    assert pending_calls(demo_window) == []


def test_autosave_survives_a_crash_and_is_offered_back(qtbot: QtBot, demo_window: MainWindow,
                                                       settings: QSettings) -> None:
    _edit(qtbot, demo_window)
    calls = pending_calls(demo_window)
    assert demo_window.context.database is not None
    saved = autosave_path(demo_window.context.database.url)
    demo_window.files.finish_autosaves()  # written on the autosave thread
    assert saved.is_file() and "batch_op.add_column" in saved.read_text()
    assert "password" not in saved.read_text().splitlines()[0]
    assert saved.read_text().splitlines()[1] == "# alembic-studio operations: 2"
    assert (_mode(saved), _mode(saved.parent)) == (0o600, 0o700)  # it holds the plan and the URL
    settings.sync()
    assert _mode(Path(settings.fileName())) == 0o600

    # A new process after a crash, started on this database: the same data folder, a new window.
    again = create_window(settings)
    qtbot.addWidget(again)
    asked: list[str] = []
    again.files.ask_yes_no = lambda title, _text: asked.append(title) or True
    again.files.ask_save_discard_cancel = lambda _count: "discard"
    again.show()
    open_initial(again, demo_window.context.database.url.render_as_string())
    qtbot.waitUntil(lambda: len(pending_calls(again)) == len(calls), timeout=15_000)
    assert asked == ["Restore pending changes?"]
    assert pending_calls(again) == calls


def test_closing_with_pending_changes_asks(qtbot: QtBot, demo_window: MainWindow) -> None:
    _edit(qtbot, demo_window)
    demo_window.files.ask_save_discard_cancel = lambda _count: "cancel"
    assert not demo_window.close()
    assert demo_window.context.database is not None
    saved = autosave_path(demo_window.context.database.url)
    demo_window.files.finish_autosaves()
    assert demo_window.isVisible() and saved.is_file()
    demo_window.files.ask_save_discard_cancel = lambda _count: "discard"
    assert demo_window.close()
    assert not saved.exists()


def test_alembic_ini_given_at_start_is_linked(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    ini = _project(tmp_path, tmp_path / "db.sqlite")
    open_initial(window, None, str(ini))
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    assert window.files.project is not None and window.files.project.ini_path == ini.resolve()
    assert str(ini.resolve()) in window.revisions.title.text()


def test_compare_with_another_database_fills_the_pending_list(qtbot: QtBot, demo_window: MainWindow,
                                                                tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    other = tmp_path / "other.sqlite"
    shutil.copy(demo_window.context.database.url.database, other)  # type: ignore[union-attr, arg-type]
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20) NOT NULL)")
    conn.execute("ALTER TABLE books ADD COLUMN subtitle VARCHAR(50)")
    conn.commit()
    conn.close()
    told: list[tuple[str, str, list[str]]] = []
    demo_window.files.tell = lambda title, text, details: told.append((title, text, details))
    demo_window.files.compare_with(make_url(f"sqlite:///{other}"))
    qtbot.waitUntil(lambda: len(pending_calls(demo_window)) == 2 and bool(told), timeout=15_000)
    assert told == [("Compared with notes", f"Comparing with sqlite:///{other} left out what one database "
                     "cannot express or read (1 note); see the details.",
                     ["expression index ux_customers_email_lower cannot be read on sqlite (SQLAlchemy does not "
                      "read such indexes there); it is not compared"])]
    calls = pending_calls(demo_window)
    assert calls[0].startswith("op.create_table('tags'")
    assert calls[1].startswith("op.add_column('books', sa.Column('subtitle'")
    assert demo_window.context.pending.undo_stack.undoText() == f"Match sqlite:///{other}"  # type: ignore[union-attr]


def test_save_revision_dialog_says_when_the_database_is_not_at_a_head(qtbot: QtBot) -> None:
    from gui_app.ui.widgets.script_dialogs import SaveRevisionDialog

    behind = SaveRevisionDialog(["bbb"], ("aaa",))
    qtbot.addWidget(behind)
    assert "The database is at aaa, not at a head" in behind.warning.text()
    branched = SaveRevisionDialog(["ccc", "ddd"], ("ddd",))
    qtbot.addWidget(branched)
    assert "The project has 2 heads" in branched.warning.text()
    assert branched.down_revision() == "ddd"
    fresh = SaveRevisionDialog([], ())
    qtbot.addWidget(fresh)
    assert fresh.down_revision() is None and fresh.warning.isHidden()
    assert fresh.combine.isHidden()  # SQLite rebuilds a table once per run of alterations already
    for dialect in ("postgresql", "mysql", "mariadb"):
        server = SaveRevisionDialog([], (), None, dialect)
        qtbot.addWidget(server)
        assert not server.combine.isHidden() and not server.combine.isChecked()


SCRIPT_HEAD = "from alembic import op\nimport sqlalchemy as sa\nrevision = 'x'\ndown_revision = None\n\n"


def test_a_script_is_read_only_from_a_trusted_folder_and_the_answer_is_kept(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, settings: QSettings) -> None:
    script = tmp_path / "x_add.py"
    script.write_text(SCRIPT_HEAD + "open('ran', 'w').close()\n\n"
                      "def upgrade():\n    op.add_column('books', sa.Column('extra', sa.Integer))\n")
    assert not open_script(qtbot, demo_window, str(script), trust=False)
    assert pending_calls(demo_window) == [] and not (tmp_path / "ran").exists()  # its code never ran
    assert open_script(qtbot, demo_window, str(script))
    assert pending_calls(demo_window) == ["op.add_column('books', sa.Column('extra', sa.Integer(), nullable=True))"]
    demo_window.files.ask_trust = lambda _folder: pytest.fail("asked again for a trusted folder")  # type: ignore
    demo_window.undo_action.trigger()
    with qtbot.waitSignal(demo_window.files.script_read, timeout=60_000):
        assert demo_window.files.open_script(str(script))
    assert len(pending_calls(demo_window)) == 1


def test_a_script_that_exits_or_hangs_neither_closes_nor_freezes_the_app(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gui_app.core import script_probe

    exits = tmp_path / "x_exit.py"
    exits.write_text(SCRIPT_HEAD + "def upgrade():\n    import sys\n    sys.exit(0)\n")
    assert open_script(qtbot, demo_window, str(exits))
    box = demo_window.error_box
    assert demo_window.isVisible() and box is not None
    assert "x_exit.py upgrade() calls sys.exit(0)" in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()

    monkeypatch.setattr(script_probe, "TIMEOUT", 2.0)
    sleeps = tmp_path / "x_sleep.py"
    sleeps.write_text(SCRIPT_HEAD + "print('starting')\nimport time\ntime.sleep(60)\n\ndef upgrade():\n    pass\n")
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(50)
    started = time.monotonic()
    assert open_script(qtbot, demo_window, str(sleeps))
    timer.stop()
    assert time.monotonic() - started < 15
    assert len(ticks) > 10  # the event loop kept running meanwhile
    box = demo_window.error_box
    assert box is not None and "x_sleep.py was still running after 2 s" in box.text()
    assert "it printed: starting" in box.text()
    assert pending_calls(demo_window) == []


def test_a_project_stays_linked_across_a_refresh_but_not_to_another_database(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Path) -> None:
    database = Path(demo_window.context.database.url.database)  # type: ignore[union-attr, arg-type]
    assert demo_window.files.link_project(str(_project(tmp_path, database)))
    demo_window.refresh_action.trigger()
    qtbot.waitUntil(lambda: not demo_window.context.loading, timeout=15_000)
    assert demo_window.files.project is not None
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    demo_window.connecting.open_url_text(f"sqlite:///{other}")
    qtbot.waitUntil(lambda: not demo_window.context.loading and demo_window.context.database is not None
                    and demo_window.context.database.url.database == str(other), timeout=15_000)
    assert demo_window.files.project is None
    assert demo_window.revisions.tree.topLevelItemCount() == 0
    assert demo_window.revisions.title.text() == ("The database records no Alembic revision. No Alembic project "
                                                  "is linked (File → Link Alembic project…).")


def test_the_revisions_panel_says_where_the_database_is(qtbot: QtBot, demo_window: MainWindow,
                                                        tmp_path: Path) -> None:
    """With or without a project, the panel names the revision the database records; with one,
    that revision's row is marked current, and a revision the project lacks is said to be missing."""
    _edit(qtbot, demo_window)
    copy = tmp_path / "copy.sqlite"
    shutil.copy(demo_window.context.database.url.database, copy)  # type: ignore[union-attr, arg-type]
    files = demo_window.files
    assert files.link_project(str(_project(tmp_path, copy)))
    files.run_dialog = _accepting(lambda d: d.message.setText("add subtitle"))
    assert files.save_revision()
    written = files.project.revisions()[0].revision  # type: ignore[union-attr]
    with sqlite3.connect(copy) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (written,))
    demo_window.connecting.open_url_text(f"sqlite:///{copy}")
    qtbot.waitUntil(lambda: not demo_window.context.loading and demo_window.context.database is not None
                    and demo_window.context.database.url.database == str(copy), timeout=15_000)
    assert files.link_project(str(tmp_path / "alembic.ini"))  # linking again after the database changed
    panel = demo_window.revisions
    assert panel.title.text().startswith(f"The database is at {written}.\n")
    assert [row[0] for row in panel.rows() if "current" in row[3]] == [written]
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'feedfacecafe'")
    demo_window.refresh_action.trigger()
    qtbot.waitUntil(lambda: not demo_window.context.loading, timeout=15_000)
    assert panel.title.text().startswith("The database is at feedfacecafe. This project has no revision "
                                         "feedfacecafe.\n"), panel.title.text()


def test_at_start_every_autosave_is_offered_and_the_one_chosen_is_reconnected(
        qtbot: QtBot, demo_window: MainWindow, settings: QSettings, tmp_path: Path) -> None:
    """Two databases with unsaved pending lists: at start both are listed (database, time, count);
    choosing the second in the real dialog reconnects to it and restores its list without asking
    again; the first stays for later."""
    from gui_app.ui.widgets.autosave_dialog import AutosaveDialog

    _edit(qtbot, demo_window)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    demo_window.connecting.open_url_text(f"sqlite:///{other}")
    qtbot.waitUntil(lambda: demo_window.context.database is not None and not demo_window.context.loading
                    and demo_window.context.database.url.database == str(other), timeout=15_000)
    menu_action(demo_window, ("main", "Tables", "notes", "body"), "Drop column").trigger()
    assert len(pending_calls(demo_window)) == 1
    demo_window.files.finish_autosaves()  # the crash comes after both were written

    again = create_window(settings)  # after a crash: a new process, the same data folder
    qtbot.addWidget(again)
    asked: list[str] = []
    again.files.ask_yes_no = lambda title, _text: asked.append(title) or False
    again.files.ask_save_discard_cancel = lambda _count: "discard"
    seen: dict[str, Any] = {}

    def choose() -> None:
        from PySide6.QtWidgets import QApplication

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AutosaveDialog)
        seen["rows"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        row = next(i for i, text in enumerate(seen["rows"]) if "other.sqlite" in text)
        dialog.list.setCurrentRow(row)
        dialog.restore_button.click()

    again.files.ask_autosave = again.files._ask_autosave
    again.show()
    QTimer.singleShot(0, choose)
    open_initial(again, None)
    qtbot.waitUntil(lambda: len(pending_calls(again)) == 1, timeout=15_000)
    assert again.context.database is not None and again.context.database.url.database == str(other)
    assert "drop_column('notes', 'body')" in pending_calls(again)[0]
    assert asked == []  # chosen at start: not asked a second time
    assert len(seen["rows"]) == 2 and any("— 1 operation" in row for row in seen["rows"]) \
        and any("— 2 operations" in row for row in seen["rows"]), seen["rows"]


def test_without_a_url_the_last_connection_is_opened_again(qtbot: QtBot, window: MainWindow,
                                                          settings: QSettings, tmp_path: Path) -> None:
    last = tmp_path / "last.sqlite"
    with sqlite3.connect(last) as conn:
        conn.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY)")
    window.connecting.open_url_text(f"sqlite:///{last}")
    qtbot.waitUntil(lambda: window.context.database is not None and not window.context.loading, timeout=15_000)
    again = create_window(settings)
    qtbot.addWidget(again)
    again.files.ask_autosave = lambda _found: ("later", None)
    again.show()
    open_initial(again, None)
    qtbot.waitUntil(lambda: again.context.database is not None and not again.context.loading, timeout=15_000)
    assert again.context.database.url.database == str(last)


def test_autosave_is_rendered_off_the_gui_thread_and_the_last_change_wins(
        qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import sqlalchemy as sa

    from gui_app.core import edits, script_writer

    threads: list[str] = []
    render = script_writer.standalone_script

    def recorded(*args: Any, **kwargs: Any) -> str:
        threads.append(threading.current_thread().name)
        return render(*args, **kwargs)

    monkeypatch.setattr(script_writer, "standalone_script", recorded)
    pending = demo_window.context.pending
    assert pending is not None and demo_window.context.database is not None
    for n in range(6):  # a burst: autosaves overtaken by a newer change are skipped
        pending.add([edits.add_column(pending.plan.projected.table("books"), edits.ColumnSpec(f"c{n}", sa.Integer()))])
    demo_window.files.finish_autosaves()
    saved = autosave_path(demo_window.context.database.url)
    assert saved.read_text().splitlines()[1] == "# alembic-studio operations: 6"
    assert "'c5'" in saved.read_text()
    assert threads and threading.main_thread().name not in threads and len(threads) <= 6
    pending.undo_stack.undo()
    demo_window.files.finish_autosaves()
    assert saved.read_text().splitlines()[1] == "# alembic-studio operations: 5"


def test_the_previewed_upgrade_is_the_saved_scripts(qtbot: QtBot, demo_window: MainWindow) -> None:
    """On SQLite a rebuild carries its table's definition (copy_from): the preview shows it too."""
    import sqlalchemy as sa

    from gui_app.core import edits
    from gui_app.core.script_writer import bodies

    _edit(qtbot, demo_window)
    pending = demo_window.context.pending
    assert pending is not None
    books = pending.plan.projected.table("books")
    pending.add([edits.alter_column(books, "title", type_=sa.Integer())])  # another affinity: a rebuild
    _sql, upgrade, downgrade = preview(qtbot, demo_window, "sqlite")
    saved_upgrade, saved_downgrade, _imports = bodies(pending.plan.operations, "sqlite", pending.plan.base)
    assert "copy_from=" in upgrade
    assert upgrade.strip() == saved_upgrade.strip() and downgrade.strip() == saved_downgrade.strip()
