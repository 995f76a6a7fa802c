"""The Diagram tab: the projected schema drawn, selection shared with the tree both ways, the
tree's context menu on a box, a double-click on a column editing it, pending changes coloured."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QGraphicsSceneContextMenuEvent, QGraphicsSceneMouseEvent
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.tree_index import Status
from gui_app.ui.widgets.diagram_view import OUTLINE_ONLY_BELOW, TableItem
from tests.ui.editing import pending_calls, run_dialog

T = ("main", "Tables")


def _diagram(qtbot: QtBot, window: MainWindow) -> Any:
    window.views.setCurrentWidget(window.diagram)
    qtbot.waitUntil(lambda: not window.diagram.laying_out and bool(window.diagram.view.diagram.items_by_table),
                    timeout=10_000)
    return window.diagram.view


def box_menu(window: MainWindow, item: TableItem) -> dict[str, Any]:
    """The actions of the context menu of ``item``'s box, by text (the menu closed again)."""
    event = QGraphicsSceneContextMenuEvent(QGraphicsSceneContextMenuEvent.Type.GraphicsSceneContextMenu)
    event.setScenePos(item.mapToScene(QPointF(10, 5)))
    window.diagram.view.diagram.contextMenuEvent(event)
    menu = window.last_menu
    assert menu is not None
    actions = {a.text(): a for a in menu.actions()}
    menu.close()
    return actions


def test_every_table_is_drawn_and_selection_follows_the_tree_both_ways(qtbot: QtBot, demo_window: MainWindow) -> None:
    view = _diagram(qtbot, demo_window)
    projected = demo_window.context.pending.plan.projected  # type: ignore[union-attr]
    tables = {(t.schema, t.name) for t in projected.tables}
    views = {(v.schema, v.name) for v in projected.views}
    assert views and set(view.diagram.items_by_table) == tables | views  # views too, drawn as views
    assert all(view.diagram.items_by_table[k].view == "view" for k in views)
    assert all(view.diagram.items_by_table[k].view is None for k in tables)
    links = sum(len(t.foreign_keys) for t in demo_window.context.pending.plan.projected.tables)  # type: ignore[union-attr]
    assert len([i for i in view.diagram.items() if not isinstance(i, TableItem)]) == links
    key = next(k for k in tables if k[1] == "books")
    view.diagram.items_by_table[key].setSelected(True)
    assert demo_window.browser.selected_path() == (*T, "books")
    assert demo_window.browser.select_path((*T, "reviews", "rating"))  # a column: its table is chosen
    assert view.selected_table() == next(k for k in tables if k[1] == "reviews")
    assert "tables" in demo_window.diagram.status.text()


def test_the_context_menu_and_a_double_click_edit_as_the_tree_does(qtbot: QtBot, demo_window: MainWindow) -> None:
    view = _diagram(qtbot, demo_window)
    view.resetTransform()  # columns drawn: a double-click on one edits it
    books = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "books")
    actions = box_menu(demo_window, books)
    assert {"Add column…", "Add index…", "Rename table…", "Drop table"} <= set(actions)
    assert run_dialog(qtbot, actions["Add column…"].trigger,
                      lambda d: (d.name.setText("subtitle"), d.type_edit.setText("VARCHAR(80)"))) == ""
    assert any("subtitle" in call for call in pending_calls(demo_window))
    qtbot.waitUntil(lambda: not demo_window.diagram.laying_out, timeout=10_000)
    books = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "books")
    assert books.status is Status.CHANGED and "subtitle" in [c.name for c in books.table.columns]
    row = [c.name for c in books.table.columns].index("title")
    point = books.mapToScene(QPointF(20, 26 + 18 * row + 9))

    def double_click() -> None:
        click = QGraphicsSceneMouseEvent(QGraphicsSceneMouseEvent.Type.GraphicsSceneMouseDoubleClick)
        click.setScenePos(point)
        click.setButton(Qt.MouseButton.LeftButton)
        view.diagram.mouseDoubleClickEvent(click)

    def retype(dialog: Any) -> None:
        assert dialog.name.text() == "title"
        dialog.type_edit.setText("VARCHAR(400)")

    assert run_dialog(qtbot, double_click, retype) == ""
    assert any("'title'" in call and "400" in call for call in pending_calls(demo_window))


def test_zoom_fit_and_the_outline_drawn_when_small(qtbot: QtBot, demo_window: MainWindow, tmp_path: Any) -> None:
    view = _diagram(qtbot, demo_window)
    demo_window.resize(1200, 800)
    demo_window.show()
    view.fit()
    before = view.transform().m11()
    view.zoom(1.25)
    assert abs(view.transform().m11() - before * 1.25) < 1e-9
    view.zoom(0.001)  # out of bounds: refused
    assert abs(view.transform().m11() - before * 1.25) < 1e-9
    assert 0 < OUTLINE_ONLY_BELOW < 1
    from PySide6.QtGui import QPainter

    view.zoom(0.3 / view.transform().m11())  # below the level where columns are drawn: lines drawn plain
    assert not view.renderHints() & QPainter.RenderHint.Antialiasing
    view.zoom(1 / view.transform().m11())
    assert view.renderHints() & QPainter.RenderHint.Antialiasing
    assert not view.grab().isNull()


def test_a_key_drawn_from_a_column_to_another_tables_column_opens_the_dialog_filled_in(
        qtbot: QtBot, demo_window: MainWindow) -> None:
    view = _diagram(qtbot, demo_window)
    view.resetTransform()  # columns drawn: a key can be drawn from one
    items = {k[1]: i for k, i in view.diagram.items_by_table.items()}
    books, customers = items["books"], items["customers"]

    def at(item: TableItem, column: str) -> QPointF:
        row = [c.name for c in item.table.columns].index(column)
        return item.mapToScene(QPointF(20, 26 + 18 * row + 9))

    def mouse(kind: Any, point: QPointF) -> QGraphicsSceneMouseEvent:
        event = QGraphicsSceneMouseEvent(kind)
        event.setScenePos(point)
        event.setButton(Qt.MouseButton.LeftButton)
        return event

    view.diagram.mousePressEvent(mouse(QGraphicsSceneMouseEvent.Type.GraphicsSceneMousePress, at(books, "pages")))
    view.diagram.mouseMoveEvent(mouse(QGraphicsSceneMouseEvent.Type.GraphicsSceneMouseMove, at(customers, "id")))
    seen: dict[str, Any] = {}

    def check(dialog: Any) -> None:
        seen["columns"] = dialog.columns.checked()
        seen["referred"] = dialog.referred.currentText()
        seen["referred columns"] = dialog.referred_columns.checked()

    release = mouse(QGraphicsSceneMouseEvent.Type.GraphicsSceneMouseRelease, at(customers, "id"))
    assert run_dialog(qtbot, lambda: view.diagram.mouseReleaseEvent(release), check) == ""
    assert seen == {"columns": ["pages"], "referred": "customers", "referred columns": ["id"]}
    assert any(call.startswith("op.create_foreign_key('fk_") and "'books', 'customers', ['pages'], ['id']" in call
               for call in pending_calls(demo_window)), pending_calls(demo_window)
    # A press and release on one column draws nothing: it chooses the table.
    qtbot.waitUntil(lambda: not demo_window.diagram.laying_out, timeout=10_000)
    customers = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "customers")
    view.diagram.mousePressEvent(mouse(QGraphicsSceneMouseEvent.Type.GraphicsSceneMousePress, at(customers, "id")))
    view.diagram.mouseReleaseEvent(mouse(QGraphicsSceneMouseEvent.Type.GraphicsSceneMouseRelease, at(customers, "id")))
    assert view.selected_table() is not None and view.selected_table()[1] == "customers"
    assert demo_window.browser.selected_path() == (*T, "customers")


def test_the_same_drag_with_real_mouse_events_on_the_view(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Pressed on a column, the view does not pan: the scene draws the key."""
    from PySide6.QtTest import QTest

    demo_window.resize(1400, 900)
    demo_window.show()
    view = _diagram(qtbot, demo_window)
    view.resetTransform()
    view.zoom(0.6)  # both boxes in sight, their columns still drawn
    items = {k[1]: i for k, i in view.diagram.items_by_table.items()}
    books, customers = items["books"], items["customers"]
    view.centerOn(QPointF((books.x() + customers.x()) / 2, (books.y() + customers.y()) / 2))

    def at(item: TableItem, column: str) -> Any:
        row = [c.name for c in item.table.columns].index(column)
        return view.mapFromScene(item.mapToScene(QPointF(20, 26 + 18 * row + 9)))

    start, end = at(books, "pages"), at(customers, "id")
    assert view.viewport().rect().contains(start) and view.viewport().rect().contains(end)

    def drag() -> None:
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
        QTest.mouseMove(view.viewport(), pos=end)
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)

    assert run_dialog(qtbot, drag, lambda _dialog: None) == ""
    assert any("'books', 'customers', ['pages'], ['id']" in call for call in pending_calls(demo_window))


def test_export_the_whole_diagram_or_the_part_in_view(qtbot: QtBot, demo_window: MainWindow, tmp_path: Any) -> None:
    from xml.etree import ElementTree

    from PySide6.QtGui import QImage

    demo_window.resize(1200, 800)
    demo_window.show()
    _diagram(qtbot, demo_window)
    panel = demo_window.diagram
    answers = iter([str(tmp_path / "whole"), str(tmp_path / "whole.png"), str(tmp_path / "part.png")])
    panel.ask_save_path = lambda _title, _filters: next(answers)
    panel.export_actions["svg"].trigger()
    ids = {g.get("id") for g in ElementTree.parse(tmp_path / "whole.svg").getroot().iter("{http://www.w3.org/2000/svg}g")
           if g.get("class") == "table"}
    assert ids == {t.name for t in demo_window.context.pending.plan.projected.tables}  # type: ignore[union-attr]
    panel.export_actions["png"].trigger()
    whole = QImage(str(tmp_path / "whole.png"))
    panel.export_actions["visible"].trigger()
    part = QImage(str(tmp_path / "part.png"))
    assert not whole.isNull() and not part.isNull()
    assert part.size() == panel.view.viewport().size()
    assert panel.status.text() == "Exported to part.png"


def test_focus_on_a_table_and_its_neighbours(qtbot: QtBot, demo_window: MainWindow) -> None:
    view = _diagram(qtbot, demo_window)
    panel = demo_window.diagram
    every = len(view.diagram.items_by_table)
    assert "books" in panel.focus_names.stringList()
    panel.focus_edit.setText("orders")
    panel.focus_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: not panel.laying_out, timeout=10_000)
    shown = {k[1] for k in view.diagram.items_by_table}
    schema = demo_window.context.pending.plan.projected  # type: ignore[union-attr]
    neighbours = {fk.referred_table for fk in schema.table("orders").foreign_keys} | {
        t.name for t in schema.tables if any(fk.referred_table == "orders" for fk in t.foreign_keys)}
    assert shown == {"orders", *neighbours} == {"orders", "customers", "order_lines"}, shown
    assert panel.status.text().endswith("around orders")
    panel.depth_box.setValue(2)
    qtbot.waitUntil(lambda: not panel.laying_out, timeout=10_000)
    assert {"orders", "books", "shipments"} <= {k[1] for k in view.diagram.items_by_table}  # through order_lines
    panel.focus_edit.setText("nothing_like_it")
    panel.focus_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: not panel.laying_out, timeout=10_000)
    assert len(view.diagram.items_by_table) == every
    assert panel.status.text().startswith("No table 'nothing_like_it': every table is shown")
    panel.focus_edit.clear()
    panel.focus_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: not panel.laying_out, timeout=10_000)
    assert len(view.diagram.items_by_table) == every


def test_the_panel_is_made_only_when_its_tab_is_first_chosen(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Nothing of the diagram is built at start; clicking its tab builds and lays it out."""
    assert demo_window._diagram is None
    demo_window.views.setCurrentIndex(1)
    panel = demo_window._diagram
    assert panel is not None and demo_window.views.currentWidget() is panel
    assert demo_window.views.tabText(1) == "Diagram" and demo_window.views.count() == 2
    qtbot.waitUntil(lambda: not panel.laying_out and bool(panel.view.diagram.items_by_table), timeout=10_000)


def test_pending_changes_marked_on_tables_and_columns(qtbot: QtBot, demo_window: MainWindow) -> None:
    """A new column, a column whose type changes (old → new on hover), a dropped column kept
    struck through at the end of its table, and a dropped table kept, struck through."""
    from PySide6.QtWidgets import QGraphicsSceneHoverEvent

    from tests.ui.editing import menu_action

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger,
                      lambda d: (d.name.setText("subtitle"), d.type_edit.setText("VARCHAR(80)"))) == ""
    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books", "title"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("VARCHAR(400)")) == ""
    menu_action(demo_window, (*T, "books", "created_at"), "Drop column").trigger()
    menu_action(demo_window, (*T, "shipments"), "Drop table").trigger()
    view = _diagram(qtbot, demo_window)
    qtbot.waitUntil(lambda: not demo_window.diagram.laying_out, timeout=10_000)
    items = {k[1]: i for k, i in view.diagram.items_by_table.items()}
    books = items["books"]
    assert books.status is Status.CHANGED
    assert (books.column_status["subtitle"], books.column_status["title"], books.column_status["created_at"]) == (
        Status.NEW, Status.CHANGED, Status.DROPPED)
    assert [c.name for c in books.table.columns][-1] == "created_at"  # kept, last
    assert books.column_tip("title") == "title: VARCHAR(200) → VARCHAR(400)"
    assert books.column_tip("subtitle") == "subtitle: new, VARCHAR(80)"
    row = [c.name for c in books.table.columns].index("title")
    hover = QGraphicsSceneHoverEvent(QGraphicsSceneHoverEvent.Type.GraphicsSceneHoverMove)
    hover.setPos(QPointF(20, 26 + 18 * row + 9))
    books.hoverMoveEvent(hover)
    assert books.toolTip() == "title: VARCHAR(200) → VARCHAR(400)"
    assert items["shipments"].status is Status.DROPPED and items["shipments"].toolTip() == "shipments (dropped)"
    assert "authors" in items and items["authors"].status is Status.SAME
