"""The main window driven as a user would: start, browse, filter, connect, fail, recover."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.tree_index import Kind
from gui_app.ui.widgets.connection_dialog import ConnectionDialog

DEMO_TABLES = ["authors", "book_authors", "book_categories", "books", "categories", "customers", "order_lines",
               "orders", "publishers", "reviews", "shipments"]


def _child_names(window: MainWindow, *path: str) -> list[str]:
    model = window.browser.model
    node = model.tree.find_path(path)
    assert node is not None, path
    parent = model.index_of_node(node)
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def test_starts_on_demo_database_and_shows_its_tables(demo_window: MainWindow) -> None:
    assert _child_names(demo_window, "main", "Tables") == DEMO_TABLES
    assert _child_names(demo_window, "main", "Views") == ["book_sales"]
    assert demo_window.server_label.text().startswith("sqlite 3.")
    assert "demo.sqlite" in demo_window.windowTitle()
    columns = _child_names(demo_window, "main", "Tables", "books")
    assert columns[:3] == ["id", "title", "isbn"]
    assert {"Foreign keys", "Indexes", "Unique constraints", "Check constraints"} <= set(columns)


def test_column_row_shows_type_and_flags(demo_window: MainWindow) -> None:
    model = demo_window.browser.model
    node = model.tree.find_path(("main", "Tables", "books", "price"))
    assert node is not None
    index = model.index_of_node(node)
    assert model.index(index.row(), 1, index.parent()).data() == "NUMERIC(8, 2)"
    assert model.index(index.row(), 2, index.parent()).data() == "NOT NULL DEFAULT 0"
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None


def test_filter_finds_a_column_and_clearing_restores_expansion(qtbot: QtBot, demo_window: MainWindow) -> None:
    browser = demo_window.browser
    view, model = browser.view, browser.model
    authors = model.index_of_node(model.tree.find_path(("main", "Tables", "authors")))  # type: ignore[arg-type]
    view.setExpanded(authors, True)
    assert browser.select_path(("main", "Tables", "authors", "born"))

    qtbot.keyClicks(browser.filter_edit, "unit_pr")
    assert [model.tree.names[n] for n in model.matches] == ["unit_price"]
    assert browser.match_label.text() == "1 match"
    found = model.index_of_node(model.matches[0])
    assert found.isValid() and model.tree.kinds[model.node(found)] is Kind.COLUMN
    assert view.isExpanded(found.parent()), "the table holding the match is opened"
    assert _child_names(demo_window, "main", "Tables") == ["order_lines"]

    browser.filter_edit.clear()
    authors = model.index_of_node(model.tree.find_path(("main", "Tables", "authors")))  # type: ignore[arg-type]
    assert view.isExpanded(authors)
    order_lines = model.index_of_node(model.tree.find_path(("main", "Tables", "order_lines")))  # type: ignore[arg-type]
    assert not view.isExpanded(order_lines), "expansion made for the filter is not kept"
    assert browser.selected_path() == ("main", "Tables", "authors", "born")


def test_filter_matching_a_table_shows_all_its_children(qtbot: QtBot, demo_window: MainWindow) -> None:
    qtbot.keyClicks(demo_window.browser.filter_edit, "shipments")
    assert "carrier" in _child_names(demo_window, "main", "Tables", "shipments")
    qtbot.keyClicks(demo_window.browser.filter_edit, "-nothing")
    assert demo_window.browser.match_label.text() == "0 matches"
    assert demo_window.browser.model.rowCount() == 0


def test_details_panel_shows_the_selected_column(demo_window: MainWindow) -> None:
    assert demo_window.browser.select_path(("main", "Tables", "books", "price"))
    text = demo_window.details.toPlainText()
    assert "column price" in text and "NUMERIC(8, 2)" in text
    assert "unknown (not reported by this database)" in text  # SQLite has no comments
    assert demo_window.browser.select_path(("main", "Tables", "shipments", "Foreign keys", "fk_shipments_order_line"))
    assert "order_lines" in demo_window.details.toPlainText()


def test_triggers_show_under_their_table_with_their_event(qtbot: QtBot, demo_window: MainWindow) -> None:
    loaded = demo_window.context.database
    assert loaded is not None and loaded.url.database
    with contextlib.closing(sqlite3.connect(loaded.url.database)) as conn:
        conn.execute("CREATE TRIGGER trg_books_stamp AFTER UPDATE OF price ON books "
                     "BEGIN UPDATE books SET created_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END")
        conn.commit()
    demo_window.refresh_action.trigger()
    path = ("main", "Tables", "books", "Triggers", "trg_books_stamp")
    qtbot.waitUntil(lambda: demo_window.browser.model.tree.find_path(path) is not None, timeout=15_000)
    tree = demo_window.browser.model.tree
    node = tree.find_path(path)
    assert node is not None and tree.kinds[node] is Kind.TRIGGER
    assert (tree.types[node], tree.details[node]) == ("trigger", "AFTER UPDATE OF price ON books")
    assert demo_window.browser.select_path(path)
    text = demo_window.details.toPlainText()
    assert "trigger trg_books_stamp" in text and "SET created_at = CURRENT_TIMESTAMP" in text


def test_bad_connection_keeps_the_dialog_with_the_error_and_the_app_stays_usable(
        qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, str] = {}

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectionDialog)
        dialog.kind.setCurrentIndex(1)  # PostgreSQL
        dialog.host.setText("127.0.0.1")
        dialog.port.setValue(1)
        dialog.password.setText("hunter2")
        dialog.database.setText("nowhere")
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: dialog.checking is None, timeout=15_000)
        seen["message"], seen["still open"] = dialog.message.text(), str(dialog.isVisible())
        seen["kept"] = f"{dialog.host.text()}:{dialog.port.value()}/{dialog.database.text()} {dialog.password.text()}"
        dialog.reject()

    QTimer.singleShot(0, fill_dialog)
    demo_window.connect_action.trigger()
    assert seen["still open"] == "True" and seen["kept"] == "127.0.0.1:1/nowhere hunter2"
    assert seen["message"].startswith("Could not connect: ") and "127.0.0.1" in seen["message"]
    assert "hunter2" not in seen["message"]
    # The demo schema is still shown and the app still works.
    assert _child_names(demo_window, "main", "Tables") == DEMO_TABLES
    assert demo_window.refresh_action.isEnabled()
    demo_window.refresh_action.trigger()
    qtbot.waitUntil(lambda: not demo_window.context.loading, timeout=15_000)
    assert demo_window.context.database is not None
    assert all("hunter2" not in url for url in demo_window.context.recent_urls())


def test_connection_dialog_checks_input_and_builds_urls(qtbot: QtBot) -> None:
    dialog = ConnectionDialog(["sqlite:///x.db"])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.message.text() == "Choose a SQLite database file."
    dialog.kind.setCurrentIndex(2)
    assert dialog.port.value() == 3306
    dialog.database.setText("shop")
    dialog.password.setText("p@ss word")
    dialog.accept()
    url = dialog.url()
    assert url is not None and url.drivername == "mysql+pymysql" and url.password == "p@ss word"
    dialog.kind.setCurrentIndex(3)
    dialog.url_edit.setText("::not a url with secret::")
    dialog.accept()
    assert "not a database URL" in dialog.message.text() and "secret" not in dialog.message.text()
    dialog.recent.activated.emit(1)
    assert dialog.url_edit.text() == "sqlite:///x.db"


def test_cancel_loading_keeps_the_previous_database(qtbot: QtBot, demo_window: MainWindow) -> None:
    before = demo_window.context.database
    with qtbot.waitSignal(demo_window.context.loading_cancelled):
        demo_window.context.refresh()
        demo_window.cancel_action.trigger()
    demo_window.context.jobs.wait(10_000)
    qtbot.wait(50)
    assert demo_window.context.database is before
    assert not demo_window.progress.isVisible()


def test_recent_connections_menu_reopens_without_password(qtbot: QtBot, demo_window: MainWindow) -> None:
    actions = demo_window.recent_menu.actions()
    assert actions and actions[0].text().startswith("sqlite:///")
    actions[0].trigger()
    qtbot.waitUntil(lambda: not demo_window.context.loading, timeout=15_000)
    assert demo_window.context.database is not None


@pytest.mark.parametrize(("url", "said"), [
    ("postgresql://postgres:hunter2@127.0.0.1:abc/x", "the port 'abc' is not a number"),
    ("mysql://root:hunter2@127.0.0.1/test?charset=bogus", "MySQL has no character set 'bogus'"),
    ("mysql://root:hunter2@127.0.0.1/test?bogus_arg=1", "PyMySQL has no connection option 'bogus_arg'"),
])
def test_a_bad_url_opens_an_error_dialog_saying_what_is_wrong(qtbot: QtBot, demo_window: MainWindow,
                                                              url: str, said: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui_app.ui.widgets.connection_dialog import ConnectionDialog

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectionDialog)
        dialog.kind.setCurrentIndex(dialog.kind.count() - 1)  # a URL typed in
        dialog.url_edit.setText(url)
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        shown = dialog.message.text()
        dialog.reject()
        seen.append(shown)

    seen: list[str] = []
    QTimer.singleShot(0, fill_dialog)
    demo_window.connect_action.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert said in seen[0] and "hunter2" not in seen[0]

    demo_window.connecting.open_url_text(url)  # a URL given at start or from the recent list
    box = demo_window.error_box
    assert box is not None and box.isVisible()
    assert said in box.text() and "hunter2" not in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert demo_window.context.database is not None  # the demo is still open


def test_a_sqlite_file_given_by_its_path_at_start_is_opened(qtbot: QtBot, window: MainWindow, tmp_path: Any) -> None:
    from gui_app.ui.application import open_initial

    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    open_initial(window, str(path))
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    assert window.context.database.url.database == str(path.resolve())  # type: ignore[union-attr]
    assert [t.name for t in window.context.database.schema.tables] == ["notes"]  # type: ignore[union-attr]


def test_undo_and_redo_keep_their_text_and_name_the_step_on_hover(qtbot: QtBot, demo_window: MainWindow) -> None:
    from tests.ui.editing import hover_tip, menu_action

    toolbar = demo_window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None
    undo_button, redo_button = (toolbar.widgetForAction(a) for a in (demo_window.undo_action,
                                                                     demo_window.redo_action))
    assert not demo_window.undo_action.isEnabled() and hover_tip(qtbot, undo_button) == "Undo"
    menu_action(demo_window, ("main", "Tables", "reviews"), "Drop table").trigger()
    width = toolbar.sizeHint().width()
    changes: list[str] = []
    for action in (demo_window.undo_action, demo_window.redo_action):
        action.changed.connect(lambda action=action: changes.append(action.text()))
    menu_action(demo_window, ("main", "Tables", "books"), "Drop table").trigger()
    assert changes == []  # nothing for the toolbar to lay out again
    assert demo_window.undo_action.text() == "&Undo"
    assert demo_window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert hover_tip(qtbot, undo_button) == "Undo drop_table books"
    assert toolbar.sizeHint().width() == width
    demo_window.undo_action.trigger()
    assert demo_window.redo_action.text() == "&Redo" and demo_window.redo_action.isEnabled()
    assert hover_tip(qtbot, redo_button) == "Redo drop_table books"
    assert hover_tip(qtbot, undo_button) == "Undo drop_table reviews"
    demo_window.redo_action.trigger()
    assert not demo_window.redo_action.isEnabled() and len(demo_window.context.pending.plan) == 2  # type: ignore[union-attr]


def test_an_edit_does_not_lay_out_the_main_window_again(qtbot: QtBot, demo_window: MainWindow) -> None:
    """The pending count, the preview's state and the undo step change at every edit; none of them
    may make the window place its docks again (several milliseconds of the GUI thread per edit)."""
    from tests.ui.editing import menu_action

    window = demo_window
    menu_action(window, ("main", "Tables", "reviews"), "Drop table").trigger()  # enables apply, save…
    qtbot.waitUntil(lambda: not window.preview.rendering, timeout=10_000)
    qtbot.wait(50)
    layouts: list[str] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.LayoutRequest:
                layouts.append(watched.objectName() or type(watched).__name__)
            return False

    watch = Watch()
    for widget in (window, window.pending_dock, window.preview_dock):
        widget.installEventFilter(watch)
    for table in ("books", "customers"):
        menu_action(window, ("main", "Tables", table), "Drop table").trigger()
        qtbot.waitUntil(lambda: not window.preview.rendering, timeout=10_000)
        qtbot.wait(50)
    assert window.pending_panel.count.text() == "3 pending operations"
    assert window.preview.status.text() == "3 operations"
    assert layouts == []


@pytest.mark.postgresql
def test_the_connect_dialog_opens_on_the_current_connection(qtbot: QtBot, window: MainWindow,
                                                            pg_databases: Any) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_databases.url(pg_databases.create()))
    window.connecting.open_url_text(url.render_as_string(hide_password=False))
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    seen: dict[str, Any] = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectionDialog)
        seen.update(kind=dialog.kind.currentText(), host=dialog.host.text(), port=dialog.port.value(),
                    user=dialog.user.text(), database=dialog.database.text(), password=dialog.password.text())
        dialog.reject()

    QTimer.singleShot(0, look)
    window.connect_action.trigger()
    assert seen == {"kind": "PostgreSQL", "host": url.host, "port": url.port or 5432, "user": url.username,
                    "database": url.database, "password": ""}


def test_undo_and_redo_work_with_the_focus_in_the_filter_box(qtbot: QtBot, demo_window: MainWindow) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest

    from tests.ui.editing import menu_action, pending_calls

    assert demo_window.focusWidget() is not demo_window.browser.filter_edit  # not grabbed at start
    menu_action(demo_window, ("main", "Tables", "reviews"), "Drop table").trigger()
    assert pending_calls(demo_window) == ["op.drop_table('reviews')"]
    demo_window.activateWindow()
    demo_window.focus_filter()
    QTest.keyClicks(demo_window.browser.filter_edit, "boo")
    assert demo_window.browser.filter_edit.hasFocus()
    QTest.keyClick(demo_window.browser.filter_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pending_calls(demo_window) == []
    redo = QKeySequence(QKeySequence.StandardKey.Redo)[0]  # the platform's own: Ctrl+Shift+Z or Ctrl+Y
    QTest.keyClick(demo_window.browser.filter_edit, redo.key(), redo.keyboardModifiers())
    assert pending_calls(demo_window) == ["op.drop_table('reviews')"]
    assert demo_window.browser.filter_edit.text() == "boo"  # the box's own text was left alone


def test_a_normal_connect_does_not_say_loading_was_cancelled(qtbot: QtBot, demo_window: MainWindow) -> None:
    messages: list[str] = []
    demo_window.statusBar().messageChanged.connect(messages.append)
    demo_window.refresh_action.trigger()
    qtbot.waitUntil(lambda: not demo_window.context.loading, timeout=15_000)
    assert messages and not any("cancelled" in m for m in messages), messages
    assert any(" tables, " in m and " in sqlite:" in m for m in messages), messages


def test_the_layout_is_kept_as_it_changes_so_a_crash_does_not_lose_it(qtbot: QtBot, window: MainWindow,
                                                                      settings: QSettings) -> None:
    from gui_app.ui.application import create_window
    from gui_app.ui.main_window import GEOMETRY_KEY, LAYOUT_KEY

    window.resize(700, 500)
    window.preview_dock.hide()
    qtbot.waitUntil(lambda: settings.value(GEOMETRY_KEY) is not None and settings.value(LAYOUT_KEY) is not None,
                    timeout=5_000)
    # No close: the next start (after a crash, say) reads what was written while the window was in use.
    again = create_window(QSettings(settings.fileName(), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 500)
    assert not again.preview_dock.isVisible()


def test_a_views_columns_are_in_the_tree_and_the_filter_finds_them(qtbot: QtBot, demo_window: MainWindow) -> None:
    tree = demo_window.browser.model.tree
    view = tree.find_path(("main", "Views", "book_sales"))
    assert view is not None and tree.details[view] == "4 columns"
    assert [tree.names[c] for c in tree.children[view]] == ["book_id", "title", "copies", "revenue"]
    qtbot.keyClicks(demo_window.browser.filter_edit, "revenue")
    qtbot.waitUntil(lambda: bool(demo_window.browser.model.matches), timeout=5_000)
    found = demo_window.browser.model.matches
    assert [tuple(_path(tree, n)) for n in found] == [("main", "Views", "book_sales", "revenue")]


def _path(tree: Any, node: int) -> list[str]:
    names = []
    while node > 0:
        names.append(tree.names[node])
        node = tree.parents[node]
    return names[::-1]


def test_with_nothing_open_the_window_says_what_to_do_first(qtbot: QtBot, window: MainWindow, tmp_path: Any) -> None:
    from sqlalchemy.engine import URL

    from gui_app.core.demo import ensure_demo_database

    assert window.pages.currentWidget() is window.start_page
    page_text = window.start_page.text.toPlainText()
    assert "Open a database" in page_text and "First edits to try on the demo" in page_text
    window.connecting.demo_url = URL.create("sqlite", database=str(ensure_demo_database(tmp_path)))
    qtbot.mouseClick(window.start_page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.context.database is not None, timeout=15_000)
    assert window.pages.currentWidget() is not window.start_page
    assert window.browser.isVisible()
    # On the demo, the details panel keeps the suggested edits in view until something is selected.
    assert "Right-click books → Add column…" in window.details.toPlainText()


def test_a_database_that_cannot_be_read_leaves_the_start_page(qtbot: QtBot, window: MainWindow,
                                                             tmp_path: Any) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    window.connecting.open_url_text(f"sqlite:///{broken}")
    qtbot.waitUntil(lambda: window.error_box is not None and window.error_box.isVisible(), timeout=15_000)
    assert window.pages.currentWidget() is window.start_page
    window.error_box.close()


def test_help_getting_started_opens_the_page_and_its_buttons_start_the_step(qtbot: QtBot,
                                                                          demo_window: MainWindow) -> None:
    demo_window.getting_started_action.trigger()
    dialog = demo_window.getting_started_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Apply or save" in dialog.page.text.toPlainText()  # type: ignore[attr-defined]
    seen: dict[str, Any] = {}

    def in_connect_dialog() -> None:
        active = QApplication.activeModalWidget()
        seen["dialog"] = type(active).__name__
        assert active is not None
        active.close()

    QTimer.singleShot(0, in_connect_dialog)
    dialog.page.connect_button.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "dialog" in seen, timeout=5_000)
    assert seen["dialog"] == "ConnectionDialog" and not dialog.isVisible()
