"""A MariaDB ENUM's and SET's values edited from the tree (Sakila's ``film.rating`` and
``film.special_features``): a value added at the end (the table's definition alone), a value taken
out (the table copied; labelled as narrowing), each a change of the column's type, applied and read
back."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from gui_app.core.apply import apply_plan
from gui_app.core.op_facts import NARROWS
from gui_app.core.reflect import reflect
from gui_app.ui.main_window import MainWindow
from gui_app.ui.widgets.value_list_dialog import listed_values
from tests.conftest import ServerDatabases, load_corpus
from tests.ui.editing import menu_action, run_dialog


def test_enum_and_set_values_from_the_tree(qtbot: QtBot, window: MainWindow,
                                           mysql_databases: ServerDatabases) -> None:
    name = mysql_databases.create()
    load_corpus("sakila", "mysql", name)
    url = mysql_databases.url(name)
    window.connecting.open_url_text(url)
    qtbot.waitUntil(lambda: window.context.pending is not None, timeout=30_000)
    pending = window.context.pending
    assert pending is not None
    rating = (name, "Tables", "film", "rating")
    seen: dict[str, str] = {}

    def add(dialog: Any) -> None:
        assert dialog.values.toPlainText() == "G\nPG\nPG-13\nR\nNC-17"
        dialog.values.setPlainText("G\nPG\nPG-13\nR\nNC-17\nU")
        seen["added"] = dialog.effect.text()

    assert run_dialog(qtbot, menu_action(window, rating, "Edit values…").trigger, add) == ""
    assert "no row is copied" in seen["added"] and pending.plan.risks(0) == []

    def remove(dialog: Any) -> None:
        dialog.values.setPlainText("none\nTrailers\nCommentaries\nBehind the Scenes")
        seen["removed"] = dialog.effect.text()

    features = (name, "Tables", "film", "special_features")
    assert run_dialog(qtbot, menu_action(window, features, "Edit values…").trigger, remove) == ""
    assert "Deleted Scenes" in seen["removed"] and "copied" in seen["removed"]
    assert pending.plan.risks(1) == [NARROWS]
    assert run_dialog(qtbot, menu_action(window, rating, "Edit values…").trigger,
                      lambda d: d.values.setPlainText("G\nG")) == "A value is written twice."
    base = pending.plan.base
    apply_plan(sa.make_url(url), pending.plan.operations, base)
    film = reflect(url).table("film")
    assert listed_values(film.column("rating")) == ("G", "PG", "PG-13", "R", "NC-17", "U")
    assert listed_values(film.column("special_features")) == ("none", "Trailers", "Commentaries",
                                                              "Behind the Scenes")
    menu_action(window, (name, "Tables", "film", "title"), "Edit column…")
    assert window.last_menu is not None
    assert "Edit values…" not in [a.text() for a in window.last_menu.actions()]  # not an ENUM or a SET
