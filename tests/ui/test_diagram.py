"""The Diagram tab: the projected schema drawn, selection shared with the tree both ways, the
tree's context menu on a box, a double-click on a column editing it, pending changes coloured."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication, QGraphicsSceneContextMenuEvent, QGraphicsSceneMouseEvent
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


def test_every_table_is_drawn_and_selection_follows_the_tree_both_ways(qtbot: QtBot, demo_window: MainWindow) -> None:
    view = _diagram(qtbot, demo_window)
    tables = {(t.schema, t.name) for t in demo_window.context.pending.plan.projected.tables}  # type: ignore[union-attr]
    assert set(view.diagram.items_by_table) == tables
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
    books = next(i for k, i in view.diagram.items_by_table.items() if k[1] == "books")
    event = QGraphicsSceneContextMenuEvent(QGraphicsSceneContextMenuEvent.Type.GraphicsSceneContextMenu)
    event.setScenePos(books.mapToScene(QPointF(10, 5)))
    view.diagram.contextMenuEvent(event)
    menu = demo_window.last_menu
    assert menu is not None
    actions = {a.text(): a for a in menu.actions()}
    menu.close()
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
    image = view.grab()
    assert not image.isNull()
    QTimer.singleShot(0, lambda: None)
    QApplication.processEvents()
