"""Applying from the GUI: the confirmation dialog, dry run, apply, failure and partial failure."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from gui_app.core.reflect import reflect
from gui_app.ui.main_window import MainWindow
from tests.conftest import ServerDatabases
from tests.ui.editing import choose_in_pending_menu, menu_action, open_script, pending_calls, preview, run_dialog

T = ("main", "Tables")


def _stage_destructive_plan(qtbot: QtBot, window: MainWindow) -> None:
    menu_action(window, (*T, "reviews"), "Drop table").trigger()

    def edit(d: Any) -> None:
        d.type_edit.setText("VARCHAR(300)")

    assert run_dialog(qtbot, menu_action(window, (*T, "books", "title"), "Edit column…").trigger, edit) == ""


def _drive_apply(qtbot: QtBot, window: MainWindow, steps: Any) -> None:
    """Open the apply dialog and let ``steps(dialog)`` act on it while it is shown."""
    from PySide6.QtCore import QTimer

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "applyDialog"
        steps(dialog)

    QTimer.singleShot(0, drive)
    window.apply_action.trigger()


def test_confirm_dry_run_then_apply(qtbot: QtBot, demo_window: MainWindow) -> None:
    _stage_destructive_plan(qtbot, demo_window)
    url = demo_window.context.database.url  # type: ignore[union-attr]
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        seen["sql"] = dialog.sql.toPlainText()
        seen["impacts"] = dialog.destructive.text()
        seen["apply enabled before confirming"] = dialog.apply_button.isEnabled()
        dialog.dry_run_button.click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
        seen["dry run"] = dialog.outcome.text()
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    _drive_apply(qtbot, demo_window, steps)
    qtbot.waitUntil(lambda: demo_window.context.pending is not None and not len(demo_window.context.pending.plan)
                    and not demo_window.context.loading, timeout=20_000)
    assert "DROP TABLE reviews" in seen["sql"]
    assert "UPDATE sqlite_master SET sql = 'CREATE TABLE books (" in seen["sql"]  # same affinity: in place
    assert "Operation 1 (drop_table reviews): <b>3 rows destroyed</b>" in seen["impacts"]
    assert seen["apply enabled before confirming"] is False
    assert "Dry run passed: all 2 operations ran and were thrown away." in seen["dry run"]
    after = reflect(url)
    assert "reviews" not in {t.name for t in after.tables}
    assert after.table("books").column("title").type_name == "VARCHAR(300)"
    assert pending_calls(demo_window) == []
    assert demo_window.browser.model.tree.find_path((*T, "reviews")) is None
    assert demo_window.error_box is None


def test_cancel_leaves_everything_as_it_was(qtbot: QtBot, demo_window: MainWindow) -> None:
    _stage_destructive_plan(qtbot, demo_window)
    url = demo_window.context.database.url  # type: ignore[union-attr]
    _drive_apply(qtbot, demo_window, lambda dialog: dialog.reject())
    assert len(pending_calls(demo_window)) == 2
    assert "reviews" in {t.name for t in reflect(url).tables}


def test_a_failing_plan_changes_nothing_and_keeps_the_pending_list(qtbot: QtBot, demo_window: MainWindow) -> None:
    def fill(d: Any) -> None:
        d.upgrade.setPlainText("UPDATE no_such_table SET x = 1")
        d.downgrade.setPlainText("SELECT 1")

    menu_action(demo_window, (*T, "reviews"), "Drop table").trigger()
    assert run_dialog(qtbot, demo_window.sql_step_action.trigger, fill) == ""
    url = demo_window.context.database.url  # type: ignore[union-attr]

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    _drive_apply(qtbot, demo_window, steps)
    qtbot.waitUntil(lambda: demo_window.error_box is not None and demo_window.error_box.isVisible(), timeout=20_000)
    assert "Operation 2 (execute) failed: no such table: no_such_table. Nothing was changed." in \
        demo_window.error_box.text()  # type: ignore[union-attr]
    demo_window.error_box.button(QMessageBox.StandardButton.Ok).click()  # type: ignore[union-attr]
    assert len(pending_calls(demo_window)) == 2
    assert "reviews" in {t.name for t in reflect(url).tables}


def test_mariadb_partial_failure_keeps_what_did_not_run(qtbot: QtBot, window: MainWindow,
                                                         mysql_databases: ServerDatabases) -> None:
    name = mysql_databases.create()
    url = mysql_databases.url(name)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE a (id INTEGER PRIMARY KEY, note VARCHAR(20))")
        conn.exec_driver_sql("CREATE TABLE b (id INTEGER PRIMARY KEY)")
    engine.dispose()
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    tables = (name, "Tables")

    def add(d: Any) -> None:
        d.name.setText("extra")
        d.type_edit.setText("INTEGER")

    assert run_dialog(qtbot, menu_action(window, (*tables, "a"), "Add column…").trigger, add) == ""

    def failing(d: Any) -> None:
        d.upgrade.setPlainText("INSERT INTO no_such_table VALUES (1)")
        d.downgrade.setPlainText("SELECT 1")

    assert run_dialog(qtbot, window.sql_step_action.trigger, failing) == ""
    menu_action(window, (*tables, "b"), "Drop table").trigger()

    def steps(dialog: Any) -> None:
        assert "cannot roll back" in dialog.transaction_note.text()
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    _drive_apply(qtbot, window, steps)
    qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(), timeout=20_000)
    assert "The first 1 operation(s) were applied." in window.error_box.text()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(pending_calls(window)) == 2 and not window.context.loading, timeout=20_000)
    calls = pending_calls(window)
    assert calls[0].startswith("op.execute('INSERT INTO no_such_table") and calls[1] == "op.drop_table('b')"
    assert "extra" in [c.name for c in reflect(url).table("a").columns]


def test_a_script_that_uses_the_connection_opens_and_applies(qtbot: QtBot, demo_window: MainWindow,
                                                             tmp_path: Any) -> None:
    script = tmp_path / "abc_data.py"
    script.write_text(
        "from alembic import op\nimport sqlalchemy as sa\nrevision = 'abc'\ndown_revision = None\n\n"
        "def upgrade():\n"
        "    bind = op.get_bind()\n"
        "    books = sa.table('books', sa.column('id', sa.Integer), sa.column('title', sa.String))\n"
        "    for row in bind.execute(sa.select(books.c.id, books.c.title)).all():\n"
        "        bind.execute(books.update().where(books.c.id == row.id).values(title=row.title.upper()))\n"
        "    with op.batch_alter_table('reviews', recreate='always',\n"
        "                              table_args=(sa.CheckConstraint('id > 0', name='ck_reviews_id'),)) as b:\n"
        "        b.add_column(sa.Column('note', sa.String(40)))\n\n"
        "def downgrade():\n    pass\n")
    assert open_script(qtbot, demo_window, str(script))
    calls = pending_calls(demo_window)
    assert calls == ["abc_data.py upgrade() runs as it is: it uses the database through op.get_bind() (line 7)"]
    url = demo_window.context.database.url  # type: ignore[union-attr]
    before = sa.create_engine(url)
    with before.connect() as conn:
        titles = sorted(r[0].upper() for r in conn.exec_driver_sql("SELECT title FROM books"))
    before.dispose()
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        seen["sql"] = dialog.sql.toPlainText()
        dialog.confirm.setChecked(True)
        if dialog.apply_button.isEnabled():
            dialog.apply_button.click()
        else:
            seen["blocked"] = dialog.destructive.text()
            dialog.reject()

    _drive_apply(qtbot, demo_window, steps)
    qtbot.waitUntil(lambda: "sql" in seen and demo_window.context.pending is not None
                    and (not len(demo_window.context.pending.plan) or "blocked" in seen)
                    and not demo_window.context.loading, timeout=20_000)
    assert "blocked" not in seen, seen.get("blocked")
    assert seen["sql"].startswith("-- abc_data.py upgrade() runs Python code against the database: it uses the "
                                  "database through op.get_bind() (line 7).\n")
    assert "abc_data.py upgrade() (line 9) cannot run without a database" in seen["sql"]
    after = sa.create_engine(url)
    with after.connect() as conn:
        assert sorted(r[0] for r in conn.exec_driver_sql("SELECT title FROM books")) == titles
    after.dispose()
    assert "note" in [c.name for c in reflect(url).table("reviews").columns]
    box = demo_window.error_box  # no error; what Alembic warned about while running the code is shown as notes
    assert box is None or (box.icon() == QMessageBox.Icon.Information and "abc_data.py" in box.text()), box.text()


def test_timeouts_are_set_in_a_dialog_and_kept(qtbot: QtBot, window: MainWindow, settings: Any) -> None:
    from gui_app.core import timeouts
    from gui_app.ui.application import create_window

    window.timeouts_action.trigger()
    dialog = window.timeouts_dialog
    assert dialog.isVisible() and dialog.boxes["lock"].value() == 5.0
    dialog.boxes["lock"].setValue(1.5)
    dialog.boxes["connect"].setValue(4)
    assert dialog.retries.value() == 3
    dialog.retries.setValue(6)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert (timeouts.current().lock, timeouts.current().connect, timeouts.current().lock_retries) == (1.5, 4.0, 6)
    timeouts.configure(timeouts.Timeouts())
    again = create_window(settings)  # the next start reads them back
    qtbot.addWidget(again)
    assert (timeouts.current().lock, timeouts.current().connect, timeouts.current().lock_retries) == (1.5, 4.0, 6)


@pytest.mark.postgresql
def test_a_held_lock_is_waited_for_in_bounds_named_and_retried(qtbot: QtBot, window: MainWindow,
                                                               pg_databases: ServerDatabases) -> None:
    """Counting waits no longer than its timeout and Apply stays off until it gives up; the apply
    then stops at the lock timeout naming the session, and Retry runs it once that session is done."""
    from gui_app.core import timeouts

    timeouts.configure(timeouts.Timeouts(lock=1.0, count=1.0, lock_retries=1))
    url = pg_databases.url(pg_databases.create())
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE busy (id INTEGER PRIMARY KEY, note VARCHAR(20))")
        conn.exec_driver_sql("INSERT INTO busy VALUES (1, 'a')")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    holder = sa.create_engine(url, connect_args={"application_name": "report-job"}).connect()
    holder.exec_driver_sql("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
    menu_action(window, ("public", "Tables", "busy", "note"), "Drop column").trigger()
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        seen["apply while counting"] = dialog.apply_button.isEnabled()
        seen["consent while counting"] = dialog.confirm.isEnabled()
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        seen["impacts"] = dialog.destructive.text()
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    try:
        _drive_apply(qtbot, window, steps)
        qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(), timeout=20_000)
        box = window.error_box
        assert box is not None
        assert "waited 1 s at each of 2 attempts for a lock" in box.text() and "application report-job" in box.text()
        assert "LOCK TABLE busy" in box.text() and "Nothing was changed." in box.text()
    finally:
        holder.rollback()
        holder.close()
    assert seen["apply while counting"] is False and seen["consent while counting"] is False
    assert "drop_column busy.note): <b>non-null values destroyed: not counted (timed out after 1 s)" \
        in seen["impacts"], seen["impacts"]
    assert "note" in [c.name for c in reflect(url).table("busy").columns]
    box.button(QMessageBox.StandardButton.Retry).click()
    qtbot.waitUntil(lambda: window.context.pending is not None and not len(window.context.pending.plan)
                    and not window.context.loading, timeout=20_000)
    assert [c.name for c in reflect(url).table("busy").columns] == ["id"]
    engine.dispose()


def test_custom_sql_that_destroys_rows_is_counted_and_needs_consent(qtbot: QtBot, demo_window: MainWindow) -> None:
    def step(d: Any) -> None:
        d.upgrade.setPlainText("DELETE FROM reviews WHERE rating < 5")
        d.downgrade.setPlainText("SELECT 1")

    assert run_dialog(qtbot, demo_window.sql_step_action.trigger, step) == ""
    url = demo_window.context.database.url  # type: ignore[union-attr]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        wanted = conn.exec_driver_sql("SELECT count(*) FROM reviews WHERE rating < 5").scalar()
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        seen["impacts"] = dialog.destructive.text()
        seen["consent shown"] = dialog.confirm.isVisibleTo(dialog)
        seen["apply before consent"] = dialog.apply_button.isEnabled()
        dialog.reject()

    _drive_apply(qtbot, demo_window, steps)
    qtbot.waitUntil(lambda: "impacts" in seen, timeout=10_000)
    deleted = f"{wanted} rows deleted" if wanted != 1 else "1 row deleted"
    assert f"Operation 1 (execute): <b>{deleted}</b>" in seen["impacts"], seen["impacts"]
    assert seen["consent shown"] is True and seen["apply before consent"] is False
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM reviews WHERE rating < 5").scalar() == wanted
    engine.dispose()


@pytest.mark.mysql
@pytest.mark.parametrize("finish", [True, False])
def test_an_interrupted_mariadb_apply_is_offered_to_finish_or_revert(
        qtbot: QtBot, window: MainWindow, mysql_databases: ServerDatabases, finish: bool) -> None:
    from sqlalchemy.engine import make_url

    from gui_app.core import apply, edits
    from gui_app.core.journal import Journal
    from gui_app.core.journal_steps import step_scripts
    from gui_app.core.op_facts import describe
    from gui_app.core.urls import url_without_password

    name = mysql_databases.create()
    url = mysql_databases.url(name)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)")
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('r1')")
    base = reflect(url)
    t = base.table("t")
    plan = [edits.add_column(t, edits.ColumnSpec("b", sa.Integer())),
            edits.add_column(t, edits.ColumnSpec("c", sa.String(10))),
            edits.drop_column(t, "a")]
    # What a kill after the second step leaves: two steps in the database, the journal saying so.
    apply.apply_plan(make_url(url), plan[:2], base, recovering=True)
    journal = Journal.begin(url_without_password(make_url(url)), step_scripts(plan, base.dialect, base),
                            [describe(op) for op in plan], "r2")
    journal.step_done(2)
    journal.step_started(2)
    assert [oct(p.stat().st_mode & 0o777) for p in (journal.path, journal.progress_path, journal.path.parent)] == [
        "0o600", "0o600", "0o700"]
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.recovery.box is not None and window.recovery.box.isVisible(), timeout=15_000)
    box = window.recovery.box
    assert box is not None
    assert "interrupted after 2 of 3 operation(s)" in box.text() and "the database holds the first 2" in box.text()
    assert "3. drop_column t.a: not run" in box.text()
    wanted = "Finish" if finish else "Revert"
    next(b for b in box.buttons() if b.text() == wanted).click()
    qtbot.waitUntil(lambda: window.recovery.job is None and not window.context.loading, timeout=30_000)
    with engine.connect() as conn:
        columns = [c["name"] for c in sa.inspect(conn).get_columns("t")]
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert (columns, version) == ((["id", "b", "c"], "r2") if finish else (["id", "a"], "r1"))
    assert Journal.find(url_without_password(make_url(url))) is None


def test_after_an_apply_the_list_count_and_actions_say_nothing_is_pending(qtbot: QtBot,
                                                                          demo_window: MainWindow) -> None:
    count = demo_window.pending_panel.count
    assert not demo_window.apply_action.isEnabled() and count.text() == "Nothing pending"
    _stage_destructive_plan(qtbot, demo_window)
    assert demo_window.apply_action.isEnabled() and count.text() == "2 pending operations"

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    _drive_apply(qtbot, demo_window, steps)
    qtbot.waitUntil(lambda: demo_window.context.pending is not None and not len(demo_window.context.pending.plan)
                    and not demo_window.context.loading, timeout=20_000)
    assert count.text() == "Nothing pending"
    assert not demo_window.apply_action.isEnabled() and not demo_window.save_revision_action.isEnabled()
    assert demo_window.new_table_action.isEnabled()


def test_a_step_that_commits_part_way_is_named_in_the_confirmation(qtbot: QtBot, demo_window: MainWindow,
                                                                   tmp_path: Any) -> None:
    script = tmp_path / "abd_enum.py"
    script.write_text(
        "from alembic import op\nimport sqlalchemy as sa\nrevision = 'abd'\ndown_revision = None\n\n"
        "def upgrade():\n"
        "    op.add_column('reviews', sa.Column('note', sa.String(40)))\n"
        "    with op.get_context().autocommit_block():\n"
        "        op.execute('CREATE TABLE audit (id integer)')\n\n"
        "def downgrade():\n    pass\n")
    assert open_script(qtbot, demo_window, str(script))
    url = demo_window.context.database.url  # type: ignore[union-attr]
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        seen["note"] = dialog.transaction_note.text()
        seen["consent"] = dialog.confirm.isVisible()
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    _drive_apply(qtbot, demo_window, steps)
    qtbot.waitUntil(lambda: "note" in seen and not len(demo_window.context.pending.plan)  # type: ignore[union-attr]
                    and not demo_window.context.loading, timeout=20_000)
    assert seen["note"].startswith("<b>Operation 1 commits part-way</b> (an online operation, a script's own "
                                   "COMMIT or autocommit_block(), as under alembic)")
    assert seen["consent"]
    assert "note" in [c.name for c in reflect(url).table("reviews").columns]
    assert reflect(url).table("audit") is not None


def test_postgresql_confirmation_shows_locks_sessions_and_what_the_dry_run_measured(
        qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    """From which operation each table waits, until COMMIT; the sessions using those tables now; the
    dry run's measured locks, rewrites and reads, each step beside its prediction."""
    url = pg_databases.create_with(
        "CREATE TABLE artist (id int PRIMARY KEY)",
        "CREATE TABLE album (id int PRIMARY KEY, artist_id int, year int, title varchar(60))",
        "INSERT INTO artist SELECT g FROM generate_series(1, 50) g",
        "INSERT INTO album SELECT g, 1 + mod(g, 50), 1960 + mod(g, 60), 'a' || g FROM generate_series(1, 500) g")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    album = ("public", "Tables", "album")
    assert run_dialog(qtbot, menu_action(window, album, "Add index…").trigger,
                      lambda d: d.columns.set_checked(["title"])) == ""
    assert run_dialog(qtbot, menu_action(window, (*album, "year"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("BIGINT")) == ""

    def foreign_key(d: Any) -> None:
        d.columns.set_checked(["artist_id"])
        d.referred.setCurrentText("artist")

    assert run_dialog(qtbot, menu_action(window, album, "Add foreign key…").trigger, foreign_key) == ""
    reader = sa.create_engine(url, connect_args={"application_name": "nightly-report"}).connect()
    reader.exec_driver_sql("SELECT count(*) FROM artist").all()  # its transaction stays open
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        try:
            seen["locks"] = dialog.locks.text()
            qtbot.waitUntil(lambda: dialog.sessions.isVisible(), timeout=10_000)
            seen["sessions"] = dialog.sessions.text()
            dialog.dry_run_button.click()
            qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
            seen["dry run"] = dialog.outcome.text()
        finally:
            seen["done"] = True
            dialog.reject()

    try:
        _drive_apply(qtbot, window, steps)
        qtbot.waitUntil(lambda: "done" in seen, timeout=30_000)
    finally:
        reader.rollback()
        reader.close()
    assert "<b>album</b>: writes wait from operation 1, reads from operation 2</li>" in seen["locks"]
    assert "<b>artist</b>: writes wait from operation 3, reads go on</li>" in seen["locks"]
    assert "application nightly-report" in seen["sessions"] and "SELECT count(*) FROM artist" in seen["sessions"]
    dry_run = seen["dry run"]
    assert "Dry run passed" in dry_run and "Measured in the dry run:" in dry_run
    assert "Operation 1 (create_index album.ix_album_title): SHARE on album, read album, " in dry_run
    assert "Operation 2 to 3 (alter_column album.year and 1 more): ACCESS EXCLUSIVE on album, SHARE ROW " \
           "EXCLUSIVE on artist, rewrote album, read artist, " in dry_run, dry_run
    assert dry_run.count("as predicted") == 2 and "differs" not in dry_run


def test_an_index_made_online_from_the_pending_list_is_built_concurrently(
        qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    """*Make it online* from the list's context menu and its button, undone and redone; the
    preview, the Lock column and the confirmation say what runs where; the index is built."""

    from gui_app.core.online import ConcurrentIndexOp, ValidateLaterOp

    url = pg_databases.create_with(
        "CREATE TABLE artist (id int PRIMARY KEY)",
        "CREATE TABLE album (id int PRIMARY KEY, artist_id int, title varchar(60))",
        "INSERT INTO artist SELECT g FROM generate_series(1, 50) g",
        "INSERT INTO album SELECT g, 1 + mod(g, 50), 'a' || g FROM generate_series(1, 500) g")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    album = ("public", "Tables", "album")
    assert run_dialog(qtbot, menu_action(window, album, "Add index…").trigger,
                      lambda d: d.columns.set_checked(["title"])) == ""

    def foreign_key(d: Any) -> None:
        d.columns.set_checked(["artist_id"])
        d.referred.setCurrentText("artist")

    assert run_dialog(qtbot, menu_action(window, album, "Add foreign key…").trigger, foreign_key) == ""
    panel, pending = window.pending_panel, window.context.pending
    assert pending is not None
    view, model = panel.view, panel.model
    assert not panel.online_button.isEnabled()  # nothing selected
    view.setCurrentIndex(model.index(0, 1))
    assert panel.online_button.isEnabled() and "CONCURRENTLY" in panel.online_button.toolTip()
    assert choose_in_pending_menu(window, 0, "makeOnlineAction")
    assert isinstance(pending.plan.operations[0], ConcurrentIndexOp)
    assert "online: writes go on" in model.index(0, model.LOCK).data()
    assert "autocommit_block" in model.index(0, 1).data()
    view.setCurrentIndex(model.index(1, 1))
    panel.online_button.click()
    assert isinstance(pending.plan.operations[1], ValidateLaterOp)
    pending.undo_stack.undo()
    assert not isinstance(pending.plan.operations[1], ValidateLaterOp) and panel.online_button.isEnabled()
    pending.undo_stack.redo()
    assert isinstance(pending.plan.operations[1], ValidateLaterOp) and not panel.online_button.isEnabled()
    sql, upgrade, _ = preview(qtbot, window, "postgresql")
    assert "COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_album_title ON album (title);\n\nBEGIN;" in sql
    assert "NOT VALID;\n\nALTER TABLE album VALIDATE CONSTRAINT fk_album_artist_id_artist;" in sql, sql
    assert upgrade.count("with op.get_context().autocommit_block():") == 2
    seen: dict[str, Any] = {}

    def steps(dialog: Any) -> None:
        qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
        seen["note"], seen["locks"] = dialog.transaction_note.text(), dialog.locks.text()
        seen["consent"] = dialog.confirm.text()
        dialog.confirm.setChecked(True)
        dialog.apply_button.click()

    _drive_apply(qtbot, window, steps)
    qtbot.waitUntil(lambda: "note" in seen and not len(window.context.pending.plan)  # type: ignore[union-attr]
                    and not window.context.loading, timeout=30_000)
    assert "Operation 1 runs online, outside the transaction" in seen["note"]
    assert "the app drops it again" in seen["note"]
    assert seen["consent"].startswith("I understand that it commits part-way")
    assert "<b>album</b>: writes wait briefly in operation 2 (a catalog change committed at once)" in seen["locks"]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT bool_and(convalidated) FROM pg_constraint WHERE contype = 'f'").scalar()
        assert conn.exec_driver_sql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_album_title'::regclass"
                                    ).scalar()
    engine.dispose()
