"""On PostgreSQL the server checks a view's query, a function's body, a trigger and a domain when
the dialog closes: the plan so far and the new operation run in a transaction that is rolled back.
A refusal keeps the dialog open with the server's words; what the plan makes earlier counts;
nothing stays in the database."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from gui_app.core.reflect import reflect
from gui_app.ui.main_window import MainWindow
from tests.conftest import ServerDatabases
from tests.ui.editing import menu_action, run_dialog


def test_definitions_checked_by_the_server_before_they_are_added(
        qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    url = pg_databases.create_with("CREATE TABLE film (id integer PRIMARY KEY, title text, length integer)")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    pending = window.context.pending
    assert pending is not None

    def view(query: str) -> Any:
        def fill(dialog: Any) -> None:
            dialog.name.setText("long_films")
            dialog.query.setPlainText(query)
        return fill

    refused = run_dialog(qtbot, menu_action(window, ("public",), "New view…").trigger,
                         view("SELECT id, title FROM films WHERE length > 120"))
    assert refused.startswith("The server refuses it: ") and 'relation "films" does not exist' in refused
    assert run_dialog(qtbot, menu_action(window, ("public",), "New view…").trigger,
                      view("SELECT id, title FROM film WHERE length > 120")) == ""
    assert len(pending.plan.operations) == 1

    def function(body: str) -> Any:
        def fill(dialog: Any) -> None:
            dialog.definition.setPlainText(f"CREATE FUNCTION minutes(h integer) RETURNS integer LANGUAGE plpgsql "
                                           f"AS $$ BEGIN {body} END $$")
        return fill

    refused = run_dialog(qtbot, menu_action(window, ("public",), "New function…").trigger,
                         function("RETURN h * 60"))  # the semicolon forgotten
    assert refused.startswith("The server refuses it: ") and "syntax error" in refused
    assert run_dialog(qtbot, menu_action(window, ("public",), "New function…").trigger,
                      function("RETURN h * 60;")) == ""
    # a view on the view the pending list makes: the plan so far runs first
    assert run_dialog(qtbot, menu_action(window, ("public",), "New view…").trigger,
                      lambda d: (d.name.setText("long_titles"),
                                 d.query.setPlainText("SELECT title, minutes(id) FROM long_films"))) == ""

    def domain(dialog: Any) -> None:
        dialog.name.setText("score")
        dialog.type_name.setText("numeric(3,1)")
        dialog.add_check("score_range", "VALUE BETWEN 0 AND 10")

    refused = run_dialog(qtbot, menu_action(window, ("public",), "New domain…").trigger, domain)
    assert refused.startswith("The server refuses it: ") and "syntax error" in refused
    assert len(pending.plan.operations) == 3
    schema = reflect(url)
    assert not schema.views and not schema.namespaces[0].routines  # every check rolled back


def test_a_dialog_cancelled_while_the_server_checks_adds_nothing(
        qtbot: QtBot, window: MainWindow, pg_databases: ServerDatabases) -> None:
    from PySide6.QtCore import QTimer

    url = pg_databases.create_with("CREATE TABLE film (id integer PRIMARY KEY, title text)")
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    seen: dict[str, Any] = {}

    def drive() -> None:
        dialog: Any = window.editor.last_dialog
        dialog.name.setText("titles")
        dialog.query.setPlainText("SELECT title FROM film")
        dialog.ok_button.click()
        seen["busy"] = dialog.busy
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)

    QTimer.singleShot(0, drive)
    menu_action(window, ("public",), "New view…").trigger()
    qtbot.waitUntil(lambda: "busy" in seen, timeout=30_000)
    qtbot.wait(200)
    assert seen["busy"] and window.context.pending is not None and not window.context.pending.plan.operations
