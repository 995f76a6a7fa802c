"""Triggers edited from the tree: Pagila's on PostgreSQL (disabled, given a new definition, a new
one from the template running a trigger function of the schema, dropped), and SQLite's; each one
pending operation that undoes, the tree marking it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from gui_app.core.trigger_ops import CreateTriggerOp, DropTriggerOp, ReplaceTriggerOp, SwitchTriggerOp
from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.tree_index import Status
from tests.conftest import ServerDatabases, load_corpus
from tests.ui.editing import menu_action, run_dialog


def _pending(window: MainWindow) -> Any:
    assert window.context.pending is not None
    return window.context.pending


def _node(window: MainWindow, path: tuple[str, ...]) -> tuple[Status, str]:
    tree = window.browser.model.tree
    node = tree.find_path(path)
    assert node is not None, path
    return tree.statuses[node], tree.details[node]


def test_postgresql_triggers_from_the_tree(qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    window.connecting.open_url_text(pg_databases.url(name))
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    actor = ("public", "Tables", "actor", "Triggers", "last_updated")
    menu_action(window, actor, "Disable trigger").trigger()
    assert isinstance(_pending(window).plan.operations[-1], SwitchTriggerOp)
    assert _node(window, actor) == (Status.CHANGED, "disabled · BEFORE UPDATE ON public.actor")
    menu_action(window, actor, "Enable trigger")  # offered now that it is disabled

    def edit(dialog: Any) -> None:
        text = dialog.definition.toPlainText()
        dialog.definition.setPlainText(text.replace("BEFORE UPDATE", "BEFORE INSERT OR UPDATE"))

    film = ("public", "Tables", "film", "Triggers", "last_updated")
    assert run_dialog(qtbot, menu_action(window, film, "Edit trigger…").trigger, edit) == ""
    assert isinstance(_pending(window).plan.operations[-1], ReplaceTriggerOp)
    assert run_dialog(qtbot, menu_action(window, film, "Edit trigger…").trigger,
                      lambda d: d.definition.setPlainText(d.definition.toPlainText().replace(
                          "ON public.film", "ON public.actor"))) == \
        "It is made on public.actor, not on film."

    def new(dialog: Any) -> None:
        text = dialog.definition.toPlainText()
        assert text.startswith("CREATE TRIGGER category_changed\nBEFORE UPDATE ON category")
        assert "EXECUTE FUNCTION" in text and "trigger_function" not in text  # one of Pagila's own

    assert run_dialog(qtbot, menu_action(window, ("public", "Tables", "category"), "Add trigger…").trigger, new) == ""
    made = _pending(window).plan.operations[-1]
    assert isinstance(made, CreateTriggerOp) and made.name == "category_changed"
    assert _node(window, ("public", "Tables", "category", "Triggers", "category_changed"))[0] is Status.NEW
    menu_action(window, ("public", "Tables", "city", "Triggers", "last_updated"), "Drop trigger").trigger()
    assert isinstance(_pending(window).plan.operations[-1], DropTriggerOp)
    for _ in range(4):
        _pending(window).undo_stack.undo()
    assert not _pending(window).plan.operations


def test_sqlite_trigger_from_the_template(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'films.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE films (id INTEGER PRIMARY KEY, title TEXT)")
    engine.dispose()
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    assert run_dialog(qtbot, menu_action(window, ("main", "Tables", "films"), "Add trigger…").trigger,
                      lambda d: None) == ""
    made = _pending(window).plan.operations[-1]
    assert isinstance(made, CreateTriggerOp) and made.definition.endswith("BEGIN\n  SELECT 1;\nEND")
    trigger = ("main", "Tables", "films", "Triggers", "films_changed")
    menu_action(window, trigger, "Drop trigger")
    assert window.last_menu is not None
    assert "Disable trigger" not in [a.text() for a in window.last_menu.actions()]  # PostgreSQL's alone
