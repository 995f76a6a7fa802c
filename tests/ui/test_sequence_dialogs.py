"""Sequences edited from the tree, on PostgreSQL (Pagila) and MariaDB: a new one with every option
written out, one's options changed and its counter moved, a rename, a drop; the tree marking each,
each one pending operation that undoes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from gui_app.core.op_facts import HANDS_OUT_AGAIN
from gui_app.core.sequence_ops import AlterSequenceOp, CreateSequenceOp, DropSequenceOp, RenameSequenceOp
from gui_app.ui.main_window import MainWindow
from gui_app.ui.models.tree_index import Status
from tests.conftest import ServerDatabases, load_corpus
from tests.ui.editing import menu_action, run_dialog


def _last(window: MainWindow) -> Any:
    assert window.context.pending is not None
    return window.context.pending.plan.operations[-1]


def _open(qtbot: QtBot, window: MainWindow, url: str) -> None:
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)


def _status(window: MainWindow, namespace: str, name: str) -> Status:
    tree = window.browser.model.tree
    node = tree.find_path((namespace, "Sequences", name))
    assert node is not None, name
    return tree.statuses[node]


def test_postgresql_sequences_edited_from_the_tree(qtbot: QtBot, window: MainWindow,
                                                   pg_databases: ServerDatabases) -> None:
    name = pg_databases.create()
    load_corpus("pagila", "postgresql", name)
    engine = sa.create_engine(pg_databases.url(name))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE coupon (id bigint GENERATED ALWAYS AS IDENTITY, code text)"))
    engine.dispose()
    _open(qtbot, window, pg_databases.url(name))

    def new(dialog: Any) -> None:
        assert dialog.max_value.text() == "" and dialog.max_value.placeholderText().endswith("9223372036854775807")
        dialog.name.setText("invoice_no")
        dialog.data_type.setCurrentText("integer")  # the server's bound follows the type
        assert dialog.max_value.placeholderText() == "the server's own: 2147483647"
        dialog.start.setText("1000")
        dialog.increment.setText("10")
        dialog.owner.setCurrentText("payment.payment_id")

    assert run_dialog(qtbot, menu_action(window, ("public",), "New sequence…").trigger, new) == ""
    made = _last(window)
    assert isinstance(made, CreateSequenceOp) and made.options == {
        "data_type": "integer", "increment": 10, "min_value": 1, "max_value": 2147483647, "start": 1000,
        "cache": 1, "cycle": False, "owned_by": ("payment", "payment_id")}
    actor = ("public", "Sequences", "actor_actor_id_seq")

    def edit(dialog: Any) -> None:
        assert "stands at 1" in dialog.restart.placeholderText()
        dialog.cache.setText("20")
        dialog.cycle.setChecked(True)

    assert run_dialog(qtbot, menu_action(window, actor, "Edit sequence…").trigger, edit) == ""
    changed = _last(window)
    assert isinstance(changed, AlterSequenceOp) and changed.changes == {"cache": 20, "cycle": True}
    assert changed.old == {"cache": 1, "cycle": False}
    assert _status(window, "public", "actor_actor_id_seq") is Status.CHANGED
    assert run_dialog(qtbot, menu_action(window, actor, "Edit sequence…").trigger, lambda d: None) == \
        "Nothing is changed."
    assert run_dialog(qtbot, menu_action(window, actor, "Edit sequence…").trigger,
                      lambda d: d.restart.setText("ten")) == "The value to start again at is a whole number."
    assert run_dialog(qtbot, menu_action(window, ("public", "Sequences", "city_city_id_seq"),
                                         "Rename sequence…").trigger, lambda d: d.name.setText("city_ids")) == ""
    assert isinstance(_last(window), RenameSequenceOp)
    assert window.context.pending.plan.projected.table("city").column("city_id").default == \
        "nextval('city_ids'::regclass)"  # type: ignore[union-attr]
    lowered = run_dialog(qtbot, menu_action(window, ("public", "Sequences", "film_film_id_seq"),
                                            "Edit sequence…").trigger, lambda d: d.max_value.setText("5000"))
    assert lowered == "" and window.context.pending.plan.risks(3) == ["needs the data to hold"]  # type: ignore
    identity = menu_action(window, ("public", "Sequences", "coupon_id_seq"), "Serves an identity column: edit the "
                           "column")
    assert not identity.isEnabled()
    menu_action(window, ("public", "Sequences", "invoice_no"), "Drop sequence").trigger()
    pending = window.context.pending
    assert pending is not None and isinstance(_last(window), DropSequenceOp)
    assert len(pending.plan.operations) == 5
    for _ in range(5):
        pending.undo_stack.undo()
    assert not pending.plan.operations


def test_mariadb_sequence_restarted_below_where_it_stands_needs_consent(
        qtbot: QtBot, window: MainWindow, mysql_databases: ServerDatabases) -> None:
    url = mysql_databases.create_with("CREATE SEQUENCE ticket_seq START WITH 7 CACHE 5",
                                      "SELECT NEXTVAL(ticket_seq)")
    _open(qtbot, window, url)
    if window.context.pending.plan.base.dialect != "mariadb":  # type: ignore[union-attr]
        return  # MySQL has no sequences: its tree offers none
    ticket = (sa.make_url(url).database, "Sequences", "ticket_seq")

    def edit(dialog: Any) -> None:
        assert dialog.cache.text() == "5" and not dialog.data_type.isVisible()
        dialog.restart.setText("1")

    assert run_dialog(qtbot, menu_action(window, ticket, "Edit sequence…").trigger, edit) == ""
    restarted = _last(window)
    assert isinstance(restarted, AlterSequenceOp) and restarted.restart == 1 and restarted.changes == {}
    assert window.context.pending.plan.risks(0) == [HANDS_OUT_AGAIN]  # type: ignore[union-attr]
    assert run_dialog(qtbot, menu_action(window, (sa.make_url(url).database,), "New sequence…").trigger,
                      lambda d: (d.name.setText("batch"), d.increment.setText("-1"))) == ""
    made = _last(window)
    assert isinstance(made, CreateSequenceOp)
    assert (made.options["min_value"], made.options["max_value"], made.options["start"], made.options["cache"]) == \
        (-9223372036854775807, -1, -1, 1000)  # a descending one: MariaDB's own bounds, written out
