"""Where the diagram's boxes go: a box moved by its name stays there (in this window and the next),
the other boxes do not move, a table made with *New table here…* appears where the click was; the
user's own diagrams: made, filled by searching, narrowed, switched, kept per database."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsSceneContextMenuEvent
from pytestqt.qtbot import QtBot

from gui_app.core import diagram_store
from gui_app.core.urls import url_without_password
from gui_app.ui.application import create_window, open_initial
from gui_app.ui.main_window import MainWindow
from gui_app.ui.widgets.diagram_view import TableItem
from tests.ui.editing import pending_calls, run_dialog
from tests.ui.test_diagram import _diagram, box_menu


def _settled(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.diagram.laying_out, timeout=10_000)


def _boxes(window: MainWindow) -> dict[str, tuple[float, float]]:
    return {k[1]: (i.pos().x(), i.pos().y()) for k, i in window.diagram.view.diagram.items_by_table.items()}


def _drag_by_name(qtbot: QtBot, window: MainWindow, item: TableItem, by: QPoint) -> None:
    """Real mouse events on the view: pressed on the box's name, moved, released."""
    view = window.diagram.view
    start = view.mapFromScene(item.mapToScene(QPointF(30, 10)))
    assert view.viewport().rect().contains(start)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 5):
        QTest.mouseMove(view.viewport(), pos=start + by * step / 4)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + by)
    _settled(qtbot, window)


def _database(window: MainWindow) -> str:
    assert window.context.database is not None
    return url_without_password(window.context.database.url)


def test_a_box_moved_by_its_name_stays_there_and_no_other_moves(
        qtbot: QtBot, demo_window: MainWindow, settings: Any, tmp_path: Any) -> None:
    demo_window.resize(1400, 900)
    view = _diagram(qtbot, demo_window)
    view.resetTransform()
    view.zoom(0.6)
    books = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "books")
    view.centerOn(books)
    before = _boxes(demo_window)
    _drag_by_name(qtbot, demo_window, books, QPoint(120, 80))
    after = _boxes(demo_window)
    moved_x, moved_y = after["books"][0] - before["books"][0], after["books"][1] - before["books"][1]
    scale = view.transform().m11()
    assert abs(moved_x - 120 / scale) < 3 and abs(moved_y - 80 / scale) < 3, (moved_x, moved_y)
    assert {k: v for k, v in after.items() if k != "books"} == {k: v for k, v in before.items() if k != "books"}
    assert not pending_calls(demo_window)  # moving a box changes no schema
    assert view.selected_table() == (None, "books")  # the moved box stays chosen, in the tree too
    assert demo_window.browser.selected_path() == ("main", "Tables", "books")
    # The key from books follows it, and runs from its new place.
    link = next(line for line in view.diagram.links_by_table[(None, "books")] if line.link.child == (None, "books"))
    assert link.link.points[0][0] in (after["books"][0], after["books"][0] + books.box.width)
    # Kept, privately, for this database; a new window on it draws the box where it was left.
    folder = tmp_path / "data"
    kept = diagram_store.load(next(folder.rglob("diagrams")), _database(demo_window))
    assert kept.shown.positions[(None, "books")] == (round(after["books"][0], 1), round(after["books"][1], 1))
    second = create_window(settings)
    qtbot.addWidget(second)
    second.show()
    open_initial(second, None)
    qtbot.waitUntil(lambda: second.context.database is not None, timeout=15_000)
    _diagram(qtbot, second)
    try:
        again = _boxes(second)
        assert abs(again["books"][0] - after["books"][0]) < 0.1 and abs(again["books"][1] - after["books"][1]) < 0.1
        assert all(abs(again[k][0] - v[0]) < 0.1 and abs(again[k][1] - v[1]) < 0.1 for k, v in after.items())
    finally:
        second.context.jobs.wait(10_000)
    # Laid out again on request: the positions are forgotten.
    demo_window.diagram.choice.menu_actions["reset"].trigger()
    _settled(qtbot, demo_window)
    assert _boxes(demo_window) == before


def test_new_table_here_puts_the_table_where_the_click_was(qtbot: QtBot, demo_window: MainWindow) -> None:
    view = _diagram(qtbot, demo_window)
    before = _boxes(demo_window)
    right = max(i.sceneBoundingRect().right() for i in view.diagram.items_by_table.values())
    spot = QPointF(right + 300, 120)
    event = QGraphicsSceneContextMenuEvent(QGraphicsSceneContextMenuEvent.Type.GraphicsSceneContextMenu)
    event.setScenePos(spot)
    view.diagram.contextMenuEvent(event)
    menu = demo_window.diagram.last_menu
    assert menu is not None
    here = next(a for a in menu.actions() if a.text() == "New table here…")
    menu.close()

    def fill(dialog: Any) -> None:
        dialog.name.setText("shelves")
        dialog.columns.add_row("label", "VARCHAR(40)", False, "", False, False, "")

    assert run_dialog(qtbot, here.trigger, fill) == ""
    assert any("'shelves'" in call for call in pending_calls(demo_window))
    _settled(qtbot, demo_window)
    after = _boxes(demo_window)
    assert after["shelves"] == (spot.x(), spot.y())
    assert {k: v for k, v in after.items() if k != "shelves"} == before
    assert view.diagram.items_by_table[(None, "shelves")].status.name == "NEW"


def test_own_diagrams_made_filled_by_search_narrowed_and_switched(
        qtbot: QtBot, demo_window: MainWindow, tmp_path: Any) -> None:
    view = _diagram(qtbot, demo_window)
    panel = demo_window.diagram
    every = set(view.diagram.items_by_table)
    orders = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "orders")
    orders.setSelected(True)
    panel.choice.ask_text = lambda _title, _label, _proposed: "Sales"
    panel.choice.menu_actions["new"].trigger()
    _settled(qtbot, demo_window)
    assert panel.choice.chooser.currentText() == "Sales"
    assert {k[1] for k in view.diagram.items_by_table} == {"orders"}  # starts with the selected table
    assert panel.choice.add_edit.isVisibleTo(panel) and not panel.focus_edit.isVisibleTo(panel)
    # Search to add: type a name, press Enter.
    panel.choice.add_edit.setText("customers")
    QTest.keyClick(panel.choice.add_edit, Qt.Key.Key_Return)
    _settled(qtbot, demo_window)
    assert {k[1] for k in view.diagram.items_by_table} == {"orders", "customers"}
    # A box's menu: its neighbours added, then one removed.
    orders = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "orders")
    actions = box_menu(demo_window, orders)
    assert "Add column…" in actions  # the tree's edits are there too
    actions["Add its neighbours to this diagram"].trigger()
    _settled(qtbot, demo_window)
    assert {k[1] for k in view.diagram.items_by_table} == {"orders", "customers", "order_lines"}
    customers = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "customers")
    box_menu(demo_window, customers)["Remove from this diagram"].trigger()
    _settled(qtbot, demo_window)
    assert {k[1] for k in view.diagram.items_by_table} == {"orders", "order_lines"}
    assert panel.status.text().startswith("Sales: 2 tables")
    # Back to every table, and the book as kept on disk.
    panel.choice.chooser.setCurrentText("All tables")
    _settled(qtbot, demo_window)
    assert set(view.diagram.items_by_table) == every
    kept = diagram_store.load(next((tmp_path / "data").rglob("diagrams")), _database(demo_window))
    assert [d.name for d in kept.diagrams] == ["All tables", "Sales"]
    assert kept.get("Sales").tables == ((None, "orders"), (None, "order_lines"))
    # Renamed and deleted.
    panel.choice.chooser.setCurrentText("Sales")
    panel.choice.ask_text = lambda _title, _label, _proposed: "Orders"
    panel.choice.menu_actions["rename"].trigger()
    assert [panel.choice.chooser.itemText(i) for i in range(panel.choice.chooser.count())] == ["All tables", "Orders"]
    panel.choice.menu_actions["delete"].trigger()
    _settled(qtbot, demo_window)
    assert panel.choice.chooser.count() == 1 and set(view.diagram.items_by_table) == every
    assert not panel.choice.menu_actions["delete"].isEnabled()


def test_zoomed_out_a_drag_anywhere_on_a_box_moves_it(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Where boxes show their names only there is no column to start a key from: the box moves."""
    from gui_app.ui.widgets.diagram_view import OUTLINE_ONLY_BELOW

    demo_window.resize(1400, 900)
    view = _diagram(qtbot, demo_window)
    view.resetTransform()
    view.zoom(OUTLINE_ONLY_BELOW * 0.9)
    books = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "books")
    view.centerOn(books)
    before = _boxes(demo_window)
    middle = view.mapFromScene(books.mapToScene(QPointF(books.box.width / 2, books.box.height / 2)))
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    for step in range(1, 5):
        QTest.mouseMove(view.viewport(), pos=middle + QPoint(15, 10) * step)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=middle + QPoint(60, 40))
    _settled(qtbot, demo_window)
    after = _boxes(demo_window)
    assert after["books"] != before["books"]
    assert {k: v for k, v in after.items() if k != "books"} == {k: v for k, v in before.items() if k != "books"}
    assert not pending_calls(demo_window)  # no key was drawn, nothing is pending
