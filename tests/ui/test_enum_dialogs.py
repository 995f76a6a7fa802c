"""Pagila's ``mpaa_rating`` edited from the tree: a value added before another, renamed, removed
(the dialog saying which columns are rewritten and which views made again), the type renamed, a
new type; each one pending operation that undoes."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from gui_app.core.enum_ops import AddEnumValueOp, CreateEnumOp, RemoveEnumValueOp, RenameEnumOp, RenameEnumValueOp
from gui_app.ui.main_window import MainWindow
from tests.conftest import ServerDatabases, load_corpus
from tests.ui.editing import menu_action, run_dialog

RATING = ("public", "Enums", "mpaa_rating")


def _last(window: MainWindow) -> Any:
    assert window.context.pending is not None
    return window.context.pending.plan.operations[-1]


def test_enum_values_and_types_edited_from_the_tree(qtbot: QtBot, window: MainWindow,
                                                    pg_databases: ServerDatabases) -> None:
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    window.connecting.open_url_text(pg_databases.url(name))
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)

    def add(dialog: Any) -> None:
        assert "no row is rewritten" in dialog.effect.text()
        dialog.new_value.setText("U")
        dialog.position.setCurrentText("before PG")

    assert run_dialog(qtbot, menu_action(window, RATING, "Add value…").trigger, add) == ""
    added = _last(window)
    assert isinstance(added, AddEnumValueOp) and added.before == "PG" and not added.commit
    assert window.context.pending.plan.risks(0) == []  # type: ignore[union-attr]
    enum = next(e for n in window.context.pending.plan.projected.namespaces  # type: ignore[union-attr]
                for e in n.enums if e.name == "mpaa_rating")
    assert enum.labels[:3] == ("G", "U", "PG")

    def rename(dialog: Any) -> None:
        dialog.value.setCurrentText("NC-17")
        dialog.new_value.setText("NC 17")

    assert run_dialog(qtbot, menu_action(window, RATING, "Rename value…").trigger, rename) == ""
    assert isinstance(_last(window), RenameEnumValueOp)
    seen: dict[str, str] = {}

    def remove(dialog: Any) -> None:
        dialog.value.setCurrentText("U")
        seen["effect"] = dialog.effect.text()

    assert run_dialog(qtbot, menu_action(window, RATING, "Remove value…").trigger, remove) == ""
    assert "film.rating" in seen["effect"] and "film_list" in seen["effect"]
    assert isinstance(_last(window), RemoveEnumValueOp)
    assert run_dialog(qtbot, menu_action(window, RATING, "Rename type…").trigger,
                      lambda d: d.name.setText("rating")) == ""
    assert isinstance(_last(window), RenameEnumOp)

    def new(dialog: Any) -> None:
        dialog.name.setText("mood")
        dialog.values.setPlainText("sad\nok\nhappy\n")

    assert run_dialog(qtbot, menu_action(window, ("public",), "New enum type…").trigger, new) == ""
    made = _last(window)
    assert isinstance(made, CreateEnumOp) and made.labels == ("sad", "ok", "happy")
    pending = window.context.pending
    assert pending is not None
    for _ in range(5):
        pending.undo_stack.undo()
    assert not pending.plan.operations
