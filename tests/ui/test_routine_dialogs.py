"""Functions and procedures edited from the tree (Pagila on PostgreSQL, and MariaDB): a new one
from the dialect's template, a new definition for one, a drop; refusals that keep the dialog open;
each one pending operation that undoes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from gui_app.core.routine_ops import CreateRoutineOp, DropRoutineOp, ReplaceRoutineOp
from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.tree_index import Status
from tests.conftest import ServerDatabases, load_corpus
from tests.ui.editing import menu_action, run_dialog


def _pending(window: MainWindow) -> Any:
    assert window.context.pending is not None
    return window.context.pending


def test_postgresql_functions_and_procedures_from_the_tree(qtbot: QtBot, window: MainWindow,
                                                           pg_databases: ServerDatabases) -> None:
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    window.connecting.open_url_text(pg_databases.url(name))
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    last_day = ("public", "Functions", "last_day")

    def edit(dialog: Any) -> None:
        text = dialog.definition.toPlainText()
        assert text.startswith("CREATE OR REPLACE FUNCTION public.last_day(timestamp with time zone)")
        dialog.definition.setPlainText(text.replace("SELECT CASE", "SELECT /* checked */ CASE"))

    assert run_dialog(qtbot, menu_action(window, last_day, "Edit function…").trigger, edit) == ""
    replaced = _pending(window).plan.operations[-1]
    assert isinstance(replaced, ReplaceRoutineOp) and "/* checked */" in replaced.definition
    tree = window.browser.model.tree
    assert tree.statuses[tree.find_path(last_day)] is Status.CHANGED
    assert run_dialog(qtbot, menu_action(window, last_day, "Edit function…").trigger, lambda d: None) == \
        "The definition is the same as before."
    assert run_dialog(qtbot, menu_action(window, last_day, "Edit function…").trigger,
                      lambda d: d.definition.setPlainText(d.definition.toPlainText() + ";\nDROP TABLE film")) == \
        "The definition holds more than one statement."
    assert run_dialog(qtbot, menu_action(window, last_day, "Edit function…").trigger,
                      lambda d: d.definition.setPlainText(d.definition.toPlainText().replace(
                          "last_day(timestamp with time zone)", "last_day(date)"))) == \
        "Another name or other arguments make another function: create it, then drop this one."

    def new(dialog: Any) -> None:
        assert dialog.definition.toPlainText().startswith("CREATE PROCEDURE new_procedure(p_id integer)")
        dialog.definition.setPlainText(dialog.definition.toPlainText().replace("new_procedure", "audit_it"))

    assert run_dialog(qtbot, menu_action(window, ("public",), "New procedure…").trigger, new) == ""
    made = _pending(window).plan.operations[-1]
    assert isinstance(made, CreateRoutineOp) and (made.name, made.kind, made.arguments) == \
        ("audit_it", "procedure", "IN p_id integer")
    new_tree = window.browser.model.tree
    assert new_tree.statuses[new_tree.find_path(("public", "Procedures", "audit_it"))] is Status.NEW
    assert run_dialog(qtbot, menu_action(window, ("public",), "New function…").trigger,
                      lambda d: d.definition.setPlainText("CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'")) == \
        "This makes a procedure, not a function."
    menu_action(window, ("public", "Functions", "rewards_report"), "Drop function").trigger()
    assert isinstance(_pending(window).plan.operations[-1], DropRoutineOp)
    for _ in range(3):
        _pending(window).undo_stack.undo()
    assert not _pending(window).plan.operations


def test_mariadb_function_from_the_template(qtbot: QtBot, window: MainWindow,
                                            mysql_databases: ServerDatabases) -> None:
    url = mysql_databases.create_with("CREATE TABLE t (id INT PRIMARY KEY)")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    database = sa.make_url(url).database or ""
    assert run_dialog(qtbot, menu_action(window, (database,), "New function…").trigger, lambda d: None) == ""
    made = _pending(window).plan.operations[-1]
    assert isinstance(made, CreateRoutineOp) and (made.name, made.arguments) == ("new_function", "")
