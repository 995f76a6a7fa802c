"""Edits that only PostgreSQL has, on a real PostgreSQL database."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from gui_app.ui.main_window import MainWindow
from tests.conftest import ServerDatabases
from tests.ui.editing import menu_action, pending_calls, preview, run_dialog, status_of


def _open_database_with(qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases, *statements: str) -> str:
    """A new database holding what ``statements`` create, opened in ``window``; its name."""
    name = pg_databases.create()
    engine = create_engine(pg_databases.url(name))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()
    window.connecting.open_url_text(pg_databases.url(name))
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=15_000)
    return name

def test_exclusion_constraint_and_its_reflected_drop(qtbot: QtBot, window: MainWindow,
                                                     pg_databases: ServerDatabases) -> None:
    name = _open_database_with(
        qtbot, window, pg_databases,
        "CREATE TABLE booking (id int PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL)",
        "CREATE TABLE hold (id int PRIMARY KEY, during tsrange, CONSTRAINT ex_hold_during EXCLUDE USING gist "
        "(during WITH &&))")
    assert status_of(window, ("public", "Tables", "hold", "Exclusion constraints", "ex_hold_during")) == "same"

    def fill(d: Any) -> None:
        d.elements.setPlainText("during WITH &&")
        d.where.setText("room > 0")

    trigger = menu_action(window, ("public", "Tables", "booking"), "Add exclusion constraint…").trigger
    assert run_dialog(qtbot, trigger, fill) == ""
    menu_action(window, ("public", "Tables", "hold", "Exclusion constraints", "ex_hold_during"),
                "Drop constraint").trigger()
    calls = pending_calls(window)
    assert calls[0].startswith("op.create_exclude_constraint('ex_booking', 'booking', (sa.column('during'), '&&')")
    assert calls[1] == "op.drop_constraint('ex_hold_during', 'hold')"
    assert status_of(window, ("public", "Tables", "booking", "Exclusion constraints", "ex_booking")) == "new"
    sql, _upgrade, downgrade = preview(qtbot, window, "postgresql")
    assert "ALTER TABLE booking ADD CONSTRAINT ex_booking EXCLUDE USING gist (during WITH &&) WHERE (room > 0)" in sql
    assert "ALTER TABLE hold DROP CONSTRAINT ex_hold_during" in sql
    assert "op.execute('ALTER TABLE hold ADD CONSTRAINT ex_hold_during EXCLUDE USING gist (during WITH &&)')" \
        in downgrade

    # The SQL runs on the real server, and its downgrade restores the reflected definition.
    engine = create_engine(pg_databases.url(name))
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
        defs = dict(conn.execute(text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                      "WHERE contype = 'x'")).all())
    engine.dispose()
    assert defs == {"ex_booking": "EXCLUDE USING gist (during WITH &&) WHERE ((room > 0))"}


def test_table_comment_set_and_removed(qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    _open_database_with(qtbot, window, pg_databases, "CREATE TABLE books (id int PRIMARY KEY)")
    books = ("public", "Tables", "books")
    assert run_dialog(qtbot, menu_action(window, books, "Table comment…").trigger,
                      lambda d: d.comment.setPlainText("Every book we sell")) == ""
    assert status_of(window, books) == "changed"
    assert run_dialog(qtbot, menu_action(window, books, "Table comment…").trigger,
                      lambda d: d.remove_button.click()) == ""
    calls = pending_calls(window)
    assert calls[0].startswith("op.create_table_comment('books', 'Every book we sell'")
    assert calls[1].startswith("op.drop_table_comment('books', existing_comment='Every book we sell'")
    sql, _upgrade, downgrade = preview(qtbot, window, "postgresql")
    assert "COMMENT ON TABLE books IS 'Every book we sell'" in sql and "COMMENT ON TABLE books IS NULL" in sql
    assert "op.create_table_comment('books', 'Every book we sell'" in " ".join(downgrade.split()).replace("( ", "(")
    mysql, _u, _d = preview(qtbot, window, "mysql")
    assert "ALTER TABLE books COMMENT 'Every book we sell'" in mysql


def test_a_name_column_is_edited_without_its_type_changing(qtbot: QtBot, window: MainWindow,
                                                           pg_databases: ServerDatabases) -> None:
    """A reflected type the editor cannot create (PostgreSQL's name) is left as it is when the
    column is edited; typing name for a new column is refused, not turned into VARCHAR."""
    _open_database_with(qtbot, window, pg_databases, "CREATE TABLE roles (id int PRIMARY KEY, rolname name NOT NULL)")
    trigger = menu_action(window, ("public", "Tables", "roles", "rolname"), "Edit column…").trigger
    assert run_dialog(qtbot, trigger, lambda d: d.nullable.setChecked(True)) == ""
    assert pending_calls(window) == ["op.alter_column('roles', 'rolname', existing_type=sa.String(), nullable=True)"]

    def typed_name(d: Any) -> None:
        d.name.setText("owner")
        d.type_edit.setText("name")

    refusal = run_dialog(qtbot, menu_action(window, ("public", "Tables", "roles"), "Add column…").trigger, typed_name)
    assert "would create the column as VARCHAR" in refusal


def test_a_revision_saved_with_one_alter_table_per_table(qtbot: QtBot, window: MainWindow,
                                                        pg_databases: ServerDatabases, tmp_path: Any) -> None:
    """Save as revision with *one ALTER TABLE per table* ticked: the file holds the statement the
    app sends, and plain ``alembic`` upgrades and downgrades with it."""
    import sqlalchemy as sa

    from gui_app.core import edits
    from gui_app.core.reflect import reflect
    from gui_app.core.verification import differences
    from tests.core.test_project import alembic, make_project

    name = _open_database_with(qtbot, window, pg_databases,
                               "CREATE TABLE track (id int PRIMARY KEY, title varchar(40), ms int)",
                               "INSERT INTO track VALUES (1, 'a', 1000)")
    pending = window.context.pending
    assert pending is not None
    base = pending.plan.base
    pending.add([edits.alter_column(pending.plan.projected.table("track"), "ms", type_=sa.BigInteger())])
    pending.add([edits.alter_column(pending.plan.projected.table("track"), "title", type_=sa.String(200))])
    projected = pending.plan.projected
    ini = make_project(tmp_path, pg_databases.url(name))
    files = window.files
    assert files.link_project(str(ini))

    def fill(dialog: Any) -> bool:
        assert not dialog.combine.isHidden()
        dialog.message.setText("widen track")
        dialog.combine.setChecked(True)
        return True

    files.run_dialog = fill
    assert files.save_revision()
    (written,) = (tmp_path / "migrations" / "versions").glob("*_widen_track.py")
    text = written.read_text()
    assert "'    ALTER COLUMN ms TYPE BIGINT,\\n'" in text and "op.alter_column" not in text, text
    assert alembic(ini, "upgrade", "head").returncode == 0
    url = pg_databases.url(name)
    dialect = sa.create_engine(url).dialect
    assert differences(projected, reflect(url), dialect) == []
    assert alembic(ini, "downgrade", "-1").returncode == 0
    assert differences(base, reflect(url), dialect) == []


def test_lock_column_says_what_each_edit_locks_rewrites_and_reads(qtbot: QtBot, window: MainWindow,
                                                                   pg_databases: ServerDatabases) -> None:
    """The pending list's Lock column: the rewrite of a type change with the table's size, a
    widening that is catalog only, an index build that reads the table and blocks writes (its
    online alternative in the tooltip)."""
    from PySide6.QtCore import Qt

    _open_database_with(qtbot, window, pg_databases,
                        "CREATE TABLE album (id int PRIMARY KEY, year int, title varchar(60))",
                        "INSERT INTO album SELECT g, 1960 + g % 60, 'album ' || g FROM generate_series(1, 5000) g",
                        "ANALYZE album")
    album = ("public", "Tables", "album")
    assert run_dialog(qtbot, menu_action(window, (*album, "year"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("BIGINT")) == ""
    assert run_dialog(qtbot, menu_action(window, (*album, "title"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("VARCHAR(120)")) == ""
    assert run_dialog(qtbot, menu_action(window, album, "Add index…").trigger,
                      lambda d: d.columns.set_checked(["title"])) == ""
    panel = window.pending_panel
    model = panel.model
    assert not panel.view.isColumnHidden(model.LOCK)
    assert model.headerData(model.LOCK, Qt.Orientation.Horizontal) == "Lock"
    texts = [model.index(row, model.LOCK).data() for row in range(3)]
    assert texts[0].startswith("rewrites album (≈5,000 rows, ") and texts[0].endswith(
        " kB) · blocks reads and writes on album"), texts[0]
    assert texts[1] == "catalog only · blocks reads and writes on album"
    assert texts[2].startswith("reads album (≈5,000 rows, ") and texts[2].endswith("· blocks writes on album")
    tooltip = model.index(2, model.LOCK).data(Qt.ItemDataRole.ToolTipRole)
    assert "SHARE on album: blocks writes" in tooltip and "CREATE INDEX CONCURRENTLY" in tooltip
    assert not model.index(0, model.LOCK).data(Qt.ItemDataRole.DecorationRole).isNull()


def test_lock_column_is_hidden_where_the_dialect_has_no_model(demo_window: MainWindow) -> None:
    panel = demo_window.pending_panel
    assert panel.view.isColumnHidden(panel.model.LOCK)  # the demo is SQLite
