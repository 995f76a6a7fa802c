"""The New table dialog offers what the single dialogs offer: pickers, suggested names that follow
the table's name, every constraint named, and input checked as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from gui_app.ui.widgets.edit_dialog import TypeEdit
from gui_app.ui.widgets.new_table_dialog import DEFAULT, NAME, TYPE
from tests.ui.editing import pending_calls, run_dialog


def _new_table(qtbot: QtBot, window: MainWindow, fill: Callable[[Any], None]) -> str:
    return run_dialog(qtbot, window.new_table_action.trigger, fill)


def _part(qtbot: QtBot, part_list: Any, fill: Callable[[Any], None], edit: bool = False) -> str:
    button = part_list.edit_button if edit else part_list.add_button
    return run_dialog(qtbot, button.click, fill)


def _set_cell(dialog: Any, row: int, column: int, text: str) -> None:
    dialog.columns.table.item(row, column).setText(text)


def test_every_constraint_is_named_and_unchosen_names_follow_the_table(qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        d.name.setText("tgas")
        d.columns.add_row("label", "VARCHAR(40)", False, "", False, False, "")
        d.columns.add_row("book_id", "INTEGER", True, "", False, False, "")

        def foreign_key(p: Any) -> None:
            p.form.columns.set_checked(["book_id"])
            p.form.referred.setCurrentText("books")
            seen["fk suggestion"] = p.form.name.text()
            seen["referred ticked"] = p.form.referred_columns.checked()

        def unique(p: Any) -> None:
            p.form.columns.set_checked(["label"])
            p.form.name.clear()
            qtbot.keyClicks(p.form.name, "uq_label_once")  # typed: it no longer follows the convention

        assert _part(qtbot, d.foreign_keys, foreign_key) == ""
        assert _part(qtbot, d.uniques, unique) == ""
        assert _part(qtbot, d.checks, lambda p: p.form.condition.setText("length(label) > 0")) == ""
        assert d.primary_key_name.text() == "pk_tgas"
        d.name.setText("tags")  # the typo fixed after the parts were added
        seen["lists"] = [d.foreign_keys.list.item(0).text(), d.uniques.list.item(0).text(),
                         d.checks.list.item(0).text()]

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen["fk suggestion"] == "fk_tgas_book_id_books" and seen["referred ticked"] == ["id"]
    assert seen["lists"] == ["fk_tags_book_id_books: (book_id) → books (id)", "uq_label_once: UNIQUE (label)",
                             "ck_tags_label: CHECK (length(label) > 0)"]
    call = pending_calls(demo_window)[0]
    for wanted in ("sa.PrimaryKeyConstraint('id', name='pk_tags')", "name='fk_tags_book_id_books'",
                   "sa.UniqueConstraint('label', name='uq_label_once')", "name='ck_tags_label'"):
        assert wanted in call, (wanted, call)


def test_a_foreign_key_of_another_type_is_refused_in_its_own_dialog(qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        d.name.setText("codes")
        d.columns.add_row("code", "VARCHAR(10)", True, "", False, False, "")

        def foreign_key(p: Any) -> None:
            p.form.columns.set_checked(["code"])
            p.form.referred.setCurrentText("books")

        seen["message"] = _part(qtbot, d.foreign_keys, foreign_key)
        seen["kept"] = d.foreign_keys.parts()

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen["message"] == "codes.code (VARCHAR(10)) cannot refer to books.id (INTEGER): the types differ."
    assert seen["kept"] == []


def test_a_key_may_refer_to_its_own_table_and_follows_its_renaming(qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        d.name.setText("node")
        d.columns.add_row("parent_id", "INTEGER", True, "", False, False, "")

        def foreign_key(p: Any) -> None:
            targets = [p.form.referred.itemText(i) for i in range(p.form.referred.count())]
            seen["offered"] = [t for t in targets if "this table" in t]
            p.form.referred.setCurrentText("node  (this table)")
            p.form.columns.set_checked(["parent_id"])
            p.form.on_delete.setCurrentText("SET NULL")

        assert _part(qtbot, d.foreign_keys, foreign_key) == ""
        d.name.setText("nodes")

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen["offered"] == ["node  (this table)"]
    call = pending_calls(demo_window)[0]
    wanted = ("sa.ForeignKeyConstraint(['parent_id'], ['nodes.id'], name='fk_nodes_parent_id_nodes', "
              "ondelete='SET NULL')")
    assert wanted in call, call


def test_a_part_is_edited_in_the_same_form_and_its_columns_must_stay(qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        d.name.setText("shelf")
        d.columns.add_row("row_no", "INTEGER", False, "", False, False, "")
        d.columns.add_row("slot", "INTEGER", False, "", False, False, "")
        assert _part(qtbot, d.indexes, lambda p: p.form.columns.set_checked(["row_no"])) == ""

        def widen(p: Any) -> None:
            seen["loaded"] = (p.form.name.text(), p.form.columns.checked())
            p.form.columns.set_checked(["row_no", "slot"])
            p.form.unique.setChecked(True)

        d.indexes.list.setCurrentRow(0)
        assert _part(qtbot, d.indexes, widen, edit=True) == ""
        seen["listed"] = d.indexes.list.item(0).text()
        _set_cell(d, 2, NAME, "slot_no")  # the index still names the old column
        d.ok_button.click()
        seen["refused"] = d.message.text()
        _set_cell(d, 2, NAME, "slot")

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen["loaded"] == ("ix_shelf_row_no", ["row_no"])
    assert seen["listed"] == "ux_shelf_row_no_slot: UNIQUE (row_no, slot)"
    assert seen["refused"] == "Index ux_shelf_row_no_slot: the table has no column slot any more."
    assert "op.create_index('ux_shelf_row_no_slot', 'shelf', ['row_no', 'slot'], unique=True)" in \
        pending_calls(demo_window)[1]


def test_cells_are_checked_while_they_are_typed(qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        d.name.setText("notes")
        d.columns.add_row("body", "TEXT", True, "", False, False, "")
        _set_cell(d, 1, TYPE, "VARCHR(10)")
        seen["type"] = (d.message.text(), d.columns.table.item(1, TYPE).toolTip())
        _set_cell(d, 1, TYPE, "VARCHAR(10)")
        _set_cell(d, 1, DEFAULT, "1 +")
        seen["default"] = d.message.text()
        _set_cell(d, 1, NAME, "id")
        seen["twice"] = d.message.text()
        d.ok_button.click()
        seen["refused"] = d.message.text()
        _set_cell(d, 1, NAME, "body")
        _set_cell(d, 1, DEFAULT, "'none'")
        seen["fixed"] = d.message.isVisible()
        table = d.columns.table
        table.editItem(table.item(1, TYPE))
        editors = table.findChildren(TypeEdit)
        seen["editor"] = len(editors) == 1 and editors[0].text() == "VARCHAR(10)" \
            and "VARCHAR" in editors[0].completer().model().stringList()  # type: ignore[attr-defined]
        table.closePersistentEditor(table.item(1, TYPE))

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen["type"] == ("Column body: sqlite has no type VARCHR. Did you mean VARCHAR, NVARCHAR, CHAR?",) * 2
    assert seen["default"].startswith("Column body: The default '1 +' is not a valid sqlite expression")
    assert seen["twice"] == "Column id appears twice."
    assert seen["refused"] == "Column id appears twice."
    assert seen["fixed"] is False and seen["editor"]
    assert "server_default=sa.text(\"'none'\")" in pending_calls(demo_window)[0]


def test_primary_key_name_is_offered_only_with_a_key(qtbot: QtBot, demo_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        seen["before a name"] = d.primary_key_name.text()
        d.name.setText("log")
        seen["named"] = d.primary_key_name.text()
        d.name.clear()
        seen["name cleared"] = d.primary_key_name.text()
        d.name.setText("log")
        seen["with key"] = d.primary_key_name.isEnabled()
        d.columns.table.item(0, 4).setCheckState(Qt.CheckState.Unchecked)
        seen["without key"] = d.primary_key_name.isEnabled()

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen == {"before a name": "", "named": "pk_log", "name cleared": "", "with key": True,
                    "without key": False}  # no "pk_" before the table has a name
    assert "PrimaryKeyConstraint" not in pending_calls(demo_window)[0]


def test_typing_starts_in_the_name_field(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Found in a real window: the first keys typed into a new dialog went to its grid."""
    from PySide6.QtWidgets import QApplication

    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        seen["focus"] = QApplication.focusWidget() is d.name or d.focusWidget() is d.name
        d.name.setText("typed")

    assert _new_table(qtbot, demo_window, fill) == ""
    assert seen["focus"]
