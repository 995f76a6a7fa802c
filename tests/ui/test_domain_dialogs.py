"""PostgreSQL domains edited from the tree (Pagila's ``year``): a new domain with a check, ``year``
given a default, NOT NULL and a second check in one dialog (each change its own operation),
refusals that keep the dialog open, a drop refused while a column is of the domain."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from gui_app.core.domain_ops import AddDomainCheckOp, CreateDomainOp, SetDomainDefaultOp, SetDomainNullableOp
from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.tree_index import Status
from tests.conftest import ServerDatabases, load_corpus
from tests.ui.editing import menu_action, run_dialog


def test_domains_from_the_tree(qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    window.connecting.open_url_text(pg_databases.url(name))
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    pending = window.context.pending
    assert pending is not None

    def new(dialog: Any) -> None:
        dialog.name.setText("score")
        dialog.type_name.setText("numeric(3,1)")
        dialog.default.setText("5.0")
        dialog.add_check("score_range", "VALUE BETWEEN 0 AND 10")

    assert run_dialog(qtbot, menu_action(window, ("public",), "New domain…").trigger, new) == ""
    made = pending.plan.operations[-1]
    assert isinstance(made, CreateDomainOp) and made.checks == (("score_range", "VALUE BETWEEN 0 AND 10"),)
    year = ("public", "Domains", "year")

    def edit(dialog: Any) -> None:
        assert dialog.checks.item(0, 0).text() == "year_check" and dialog.type_name.isReadOnly()
        dialog.default.setText("2006")
        dialog.not_null.setChecked(True)
        dialog.add_check("year_not_2000", "VALUE <> 2000")

    assert run_dialog(qtbot, menu_action(window, year, "Edit domain…").trigger, edit) == ""
    kinds = [type(op) for op in pending.plan.operations[1:]]
    assert kinds == [SetDomainDefaultOp, SetDomainNullableOp, AddDomainCheckOp]
    tree = window.browser.model.tree
    assert tree.statuses[tree.find_path(year)] is Status.CHANGED
    assert run_dialog(qtbot, menu_action(window, year, "Edit domain…").trigger, lambda d: None) == \
        "Nothing is changed."
    assert run_dialog(qtbot, menu_action(window, year, "Edit domain…").trigger,
                      lambda d: d.add_check("", "VALUE > 0")) == "Each check has a name and a condition."
    menu_action(window, year, "Drop domain").trigger()  # refused: film.release_year is of it
    assert len(pending.plan.operations) == 4
    pending.undo_stack.undo()  # the dialog's three changes are one edit
    pending.undo_stack.undo()
    assert not pending.plan.operations
