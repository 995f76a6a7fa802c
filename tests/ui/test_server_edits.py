"""Edits made in the GUI on a real PostgreSQL and MariaDB database: the preview's SQL runs on the
server, and the database it leaves equals the schema the tree projected."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine

from gui_app.core.reflect import reflect
from gui_app.core.schema import Schema
from gui_app.ui.main_window import MainWindow
from tests.conftest import ServerDatabases
from tests.ui.editing import menu_action, preview, run_dialog

DDL = [
    "CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)",
    "CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, author_id INTEGER, "
    "pages INTEGER, CONSTRAINT fk_books_author FOREIGN KEY (author_id) REFERENCES authors (id))",
    "CREATE INDEX ix_books_title ON books (title)",
    "INSERT INTO authors VALUES (1, 'Austen')",
    "INSERT INTO books VALUES (1, 'Emma', 1, 474)",
]


def _shape(schema: Schema) -> dict[str, Any]:
    return {t.name: ([c.name for c in t.columns], [c.nullable for c in t.columns],
                     sorted(i.name or "" for i in t.indexes), sorted(fk.name or "" for fk in t.foreign_keys),
                     t.primary_key.columns if t.primary_key else ())
            for t in schema.tables}


def _edit_and_apply(qtbot: QtBot, window: MainWindow, url: str, dialect: str, schema_name: str) -> None:
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    tables = (schema_name, "Tables")

    def add_column(d: Any) -> None:
        d.name.setText("isbn")
        d.type_edit.setText("VARCHAR(13)")
        d.nullable.setChecked(False)
        d.default_kind.setCurrentText("Value")
        d.default.setText("unknown")

    assert run_dialog(qtbot, menu_action(window, (*tables, "books"), "Add column…").trigger, add_column) == ""

    def edit(d: Any) -> None:
        d.name.setText("page_count")
        d.type_edit.setText("BIGINT")

    assert run_dialog(qtbot, menu_action(window, (*tables, "books", "pages"), "Edit column…").trigger, edit) == ""
    assert run_dialog(qtbot, menu_action(window, (*tables, "books"), "Add index…").trigger,
                      lambda d: d.columns.set_checked(["isbn"])) == ""
    assert run_dialog(qtbot, menu_action(window, (*tables, "books"), "Add unique constraint…").trigger,
                      lambda d: d.columns.set_checked(["title", "author_id"])) == ""
    menu_action(window, (*tables, "books", "Foreign keys", "fk_books_author"), "Drop constraint").trigger()
    assert run_dialog(qtbot, menu_action(window, (*tables, "authors"), "Rename table…").trigger,
                      lambda d: d.name.setText("writers")) == ""

    def foreign_key(d: Any) -> None:
        d.columns.set_checked(["author_id"])
        d.referred.setCurrentText("writers")
        d.on_delete.setCurrentText("SET NULL")

    assert run_dialog(qtbot, menu_action(window, (*tables, "books"), "Add foreign key…").trigger, foreign_key) == ""
    sql, _upgrade, _downgrade = preview(qtbot, window, dialect)
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    engine.dispose()
    pending = window.context.pending
    assert pending is not None
    assert _shape(reflect(url)) == _shape(pending.plan.projected)


def _create(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in DDL:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.mark.postgresql
def test_postgresql_preview_runs_and_matches_the_projection(qtbot: QtBot, window: MainWindow,
                                                            pg_databases: ServerDatabases) -> None:
    url = pg_databases.url(pg_databases.create())
    _create(url)
    _edit_and_apply(qtbot, window, url, "postgresql", "public")


@pytest.mark.mysql
def test_mariadb_preview_runs_and_matches_the_projection(qtbot: QtBot, window: MainWindow,
                                                         mysql_databases: ServerDatabases) -> None:
    name = mysql_databases.create()
    url = mysql_databases.url(name)
    _create(url)
    _edit_and_apply(qtbot, window, url, "mysql", name)


@pytest.mark.mysql
def test_a_literal_default_typed_in_the_dialog_cannot_end_its_string_on_mariadb(
        qtbot: QtBot, window: MainWindow, mysql_databases: ServerDatabases) -> None:
    """MariaDB reads a backslash in a string as an escape: the literal must be rendered by the
    dialect, or ``\\', DROP COLUMN secret #`` ends the string and drops a column."""
    name = mysql_databases.create()
    url = mysql_databases.url(name)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE base (id INTEGER PRIMARY KEY, c VARCHAR(60), secret VARCHAR(20))")
        conn.exec_driver_sql("INSERT INTO base VALUES (1, 'x', 'kept')")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    hostile = "\\', DROP COLUMN secret #"

    def literal(d: Any) -> None:
        d.default_kind.setCurrentText("Value")
        d.default.setText(hostile)

    assert run_dialog(qtbot, menu_action(window, (name, "Tables", "base", "c"), "Edit column…").trigger,
                      literal) == ""
    sql, _upgrade, _downgrade = preview(qtbot, window, "mysql")
    with engine.begin() as conn:
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.exec_driver_sql(statement)
        conn.exec_driver_sql("INSERT INTO base (id) VALUES (2)")
        assert conn.exec_driver_sql("SELECT id, c, secret FROM base ORDER BY id").all() == [
            (1, "x", "kept"), (2, hostile, None)]
    engine.dispose()


def test_mariadb_lock_column_and_confirmation_say_what_each_statement_blocks(
        qtbot: QtBot, window: MainWindow, mysql_databases: ServerDatabases) -> None:
    """MariaDB's model: a type change copies the table and blocks writes while it runs, a new
    column is instant; step by step, each statement holds its lock only while it runs."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication


    url = mysql_databases.create_with("CREATE TABLE album (id int PRIMARY KEY, year int, title varchar(60))",
                                      "INSERT INTO album VALUES (1, 1999, 'first'), (2, 2001, 'second')")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    album = (window.context.pending.plan.base.default_schema or "", "Tables", "album")  # type: ignore[union-attr]
    assert run_dialog(qtbot, menu_action(window, (*album, "year"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("BIGINT")) == ""
    assert run_dialog(qtbot, menu_action(window, album, "Add column…").trigger,
                      lambda d: (d.name.setText("rating"), d.type_edit.setText("INTEGER"))) == ""
    panel = window.pending_panel
    model = panel.model
    assert not panel.view.isColumnHidden(model.LOCK)
    assert model.index(0, model.LOCK).data().startswith("rewrites album (") and \
        model.index(0, model.LOCK).data().endswith(" · blocks writes on album")
    assert "COPY/SHARED on album: blocks writes" in model.index(0, model.LOCK).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, model.LOCK).data() == "catalog only"
    seen: dict[str, str] = {}
    reader = create_engine(url).connect()
    reader.exec_driver_sql("SELECT count(*) FROM album").all()  # its transaction stays open

    def look() -> None:
        dialog: Any = QApplication.activeModalWidget()
        try:
            seen["locks"] = dialog.locks.text()
            qtbot.waitUntil(lambda: dialog.sessions.isVisible(), timeout=10_000)
            seen["sessions"] = dialog.sessions.text()
        finally:
            dialog.reject()

    QTimer.singleShot(0, look)
    try:
        window.apply_action.trigger()
    finally:
        reader.rollback()
        reader.close()
    assert seen["locks"] == ("Each statement holds its lock while it runs:<ul><li><b>album</b>: writes wait during "
                             "operation 1</li></ul>")
    assert "Sessions have a transaction open now (MariaDB does not say on which tables)" in seen["sessions"]
    assert "in a transaction for" in seen["sessions"]  # MariaDB keeps no last statement of an idle session


def test_mariadb_dry_run_finds_the_algorithm_and_the_apply_sends_it(
        qtbot: QtBot, window: MainWindow, mysql_databases: ServerDatabases) -> None:
    """The confirmation's dry run lists the ALGORITHM/LOCK the server accepted for each step beside
    the prediction; Apply then sends each statement with it."""
    import sqlalchemy as sa
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    url = mysql_databases.create_with("CREATE TABLE album (id int PRIMARY KEY, year int, title varchar(60))",
                                      "CREATE TABLE track (id int PRIMARY KEY, name varchar(40))",
                                      "INSERT INTO album VALUES (1, 1999, 'first'), (2, 2001, 'second')")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    if window.context.pending.plan.base.dialect != "mariadb":  # type: ignore[union-attr]
        pytest.skip("the server is MySQL: the modes asserted are MariaDB's")
    where = window.context.pending.plan.base.default_schema or ""  # type: ignore[union-attr]
    assert run_dialog(qtbot, menu_action(window, (where, "Tables", "album", "year"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("BIGINT")) == ""
    assert run_dialog(qtbot, menu_action(window, (where, "Tables", "track"), "Add index…").trigger,
                      lambda d: d.columns.set_checked(["name"])) == ""
    seen: dict[str, str] = {}
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(" ".join(statement.split()))

    def steps() -> None:
        dialog: Any = QApplication.activeModalWidget()
        try:
            qtbot.waitUntil(lambda: dialog.impacts is not None, timeout=10_000)
            dialog.dry_run_button.click()
            qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
            seen["dry run"] = dialog.outcome.text()
        finally:
            if dialog.apply_button.isEnabled():
                dialog.apply_button.click()
            else:
                dialog.reject()

    QTimer.singleShot(0, steps)
    sa.event.listen(sa.engine.Engine, "after_cursor_execute", record)
    try:
        window.apply_action.trigger()
        qtbot.waitUntil(lambda: not len(window.context.pending.plan)  # type: ignore[union-attr]
                        and not window.context.loading, timeout=30_000)
    finally:
        sa.event.remove(sa.engine.Engine, "after_cursor_execute", record)
    assert "Accepted by the server in the dry run" in seen["dry run"]
    assert "Operation 1 (alter_column album.year): the server accepted COPY/SHARED — as predicted" in seen["dry run"]
    assert "Operation 2 (create_index track.ix_track_name): the server accepted NOCOPY/NONE — as predicted" \
        in seen["dry run"], seen["dry run"]
    assert "ALTER TABLE album MODIFY year BIGINT NULL, ALGORITHM=COPY, LOCK=SHARED" in sent, sent
    assert "CREATE INDEX ix_track_name ON track (name) ALGORITHM=NOCOPY LOCK=NONE" in sent
