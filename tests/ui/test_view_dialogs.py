"""Views edited from the tree: a new view from the schema's menu, a new body, a rename and a drop
from the view's own menu, each one pending operation that undoes; the dialogs refuse what cannot be
a view."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from gui_app.core.view_ops import CreateViewOp, DropViewOp, RenameViewOp, ReplaceViewOp
from gui_app.ui.main_window import MainWindow
from tests.ui.editing import choose_in_pending_menu, menu_action, pending_calls, run_dialog


def _ops(window: MainWindow) -> list[Any]:
    assert window.context.pending is not None
    return list(window.context.pending.plan.operations)


def test_new_edited_renamed_and_dropped_views(qtbot: QtBot, demo_window: MainWindow) -> None:
    def fill_new(dialog: Any) -> None:
        assert dialog.materialized.isHidden()  # SQLite has no materialized views
        dialog.name.setText("cheap_books")
        dialog.query.setPlainText("SELECT id, title FROM books WHERE price < 10;")

    assert run_dialog(qtbot, menu_action(demo_window, ("main",), "New view…").trigger, fill_new) == ""
    made = _ops(demo_window)[-1]
    assert isinstance(made, CreateViewOp) and made.definition == "SELECT id, title FROM books WHERE price < 10"
    assert "CREATE VIEW cheap_books AS SELECT id, title FROM books WHERE price < 10" in pending_calls(demo_window)[-1]
    assert demo_window.browser.select_path(("main", "Views", "cheap_books"))

    def new_body(dialog: Any) -> None:
        assert dialog.name.isReadOnly() and dialog.name.text() == "cheap_books"
        dialog.query.setPlainText("SELECT id, title, price FROM books WHERE price < 12")

    assert run_dialog(qtbot, menu_action(demo_window, ("main", "Views", "cheap_books"), "Edit view…").trigger,
                      new_body) == ""
    replaced = _ops(demo_window)[-1]
    assert isinstance(replaced, ReplaceViewOp) and replaced.old_definition.endswith("price < 10")
    assert run_dialog(qtbot, menu_action(demo_window, ("main", "Views", "cheap_books"), "Rename view…").trigger,
                      lambda d: d.name.setText("bargains")) == ""
    assert isinstance(_ops(demo_window)[-1], RenameViewOp)
    menu_action(demo_window, ("main", "Views", "bargains"), "Drop view").trigger()
    dropped = _ops(demo_window)[-1]
    assert isinstance(dropped, DropViewOp) and dropped.definition.endswith("price < 12")
    assert demo_window.browser.model.tree.find_path(("main", "Views", "bargains")) is None
    # Each is one edit: undone one by one, the view comes back as it was.
    assert demo_window.context.pending is not None
    stack = demo_window.context.pending.undo_stack
    stack.undo()
    assert demo_window.browser.select_path(("main", "Views", "bargains"))
    for _ in range(3):
        stack.undo()
    assert not any(isinstance(op, CreateViewOp) for op in _ops(demo_window))
    assert demo_window.browser.model.tree.find_path(("main", "Views", "cheap_books")) is None


def test_the_dialogs_refuse_what_cannot_be_a_view(qtbot: QtBot, demo_window: MainWindow) -> None:
    def empty(dialog: Any) -> None:
        dialog.name.setText("nothing")

    assert run_dialog(qtbot, menu_action(demo_window, ("main",), "New view…").trigger, empty) == \
        "Write the view's query."

    def two(dialog: Any) -> None:
        dialog.name.setText("two")
        dialog.query.setPlainText("SELECT 1; DROP TABLE books")

    assert "one query" in run_dialog(qtbot, menu_action(demo_window, ("main",), "New view…").trigger, two)

    def taken(dialog: Any) -> None:
        dialog.name.setText("books")
        dialog.query.setPlainText("SELECT 1")

    assert "already exists" in run_dialog(qtbot, menu_action(demo_window, ("main",), "New view…").trigger, taken)
    view = next(v for v in demo_window.context.pending.plan.projected.views)  # type: ignore[union-attr]
    assert run_dialog(qtbot, menu_action(demo_window, ("main", "Views", view.name), "Edit view…").trigger,
                      lambda d: None) == "The query is the same as before."
    assert not _ops(demo_window)


def test_the_views_in_a_type_changes_way_recreated_from_the_pending_list(
        qtbot: QtBot, window: MainWindow, pg_databases: Any) -> None:
    from gui_app.core.op_facts import VIEWS_IN_THE_WAY
    from gui_app.core.view_deps import AroundViewsOp
    from tests.conftest import load_corpus

    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    window.connecting.open_url_text(pg_databases.url(name))
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    assert run_dialog(qtbot, menu_action(window, ("public", "Tables", "film", "length"), "Edit column…").trigger,
                      lambda d: d.type_edit.setText("INTEGER")) == ""
    panel, pending = window.pending_panel, window.context.pending
    assert pending is not None
    model = panel.model
    assert VIEWS_IN_THE_WAY in model.index(0, 2).data()
    assert choose_in_pending_menu(window, 0, "recreateViewsAction")
    assert isinstance(pending.plan.operations[0], AroundViewsOp)
    assert VIEWS_IN_THE_WAY not in (model.index(0, 2).data() or "")
    assert "DROP VIEW nicer_but_slower_film_list" in model.index(0, 1).data()
    pending.undo_stack.undo()
    assert not isinstance(pending.plan.operations[0], AroundViewsOp)
