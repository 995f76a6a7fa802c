"""Every visual edit through its real menu entry and dialog: the pending entry, the projected tree,
the SQL preview in all three dialects, a downgrade that renders, and undo/redo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gui_app.ui.main_window import MainWindow
from tests.ui.editing import (
    answer_message_box,
    assert_multi_data_is_data,
    menu_action,
    pending_calls,
    preview,
    run_dialog,
    status_of,
)

T = ("main", "Tables")


@dataclass
class Expect:
    calls: list[str]
    """Substrings of each new pending entry (its op. call)."""
    tree: dict[tuple[str, ...], str | None]
    """Tree path -> status (new, changed, dropped), or None: not in the tree."""
    sql: dict[str, str]
    """Dialect -> a substring of the SQL preview."""
    downgrade: str
    """A substring of the rendered downgrade()."""


def _tick(picker: Any, *names: str) -> None:
    picker.set_checked(list(names))


def new_table(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        d.name.setText("tags")
        d.comment.setText("Free labels")
        d.columns.add_row("label", "VARCHAR(40)", False, "'none'", False, False, "shown text")
        d.columns.add_row("book_id", "INTEGER", True, "", False, False, "")

        def foreign_key(p: Any) -> None:
            _tick(p.form.columns, "book_id")
            p.form.referred.setCurrentText("books")
            p.form.on_delete.setCurrentText("CASCADE")

        assert run_dialog(qtbot, d.foreign_keys.add_button.click, foreign_key) == ""
        assert run_dialog(qtbot, d.uniques.add_button.click, lambda p: _tick(p.form.columns, "label")) == ""
        assert run_dialog(qtbot, d.checks.add_button.click,
                          lambda p: p.form.condition.setText("length(label) > 0")) == ""
        assert run_dialog(qtbot, d.indexes.add_button.click, lambda p: _tick(p.form.columns, "book_id")) == ""
        d.tabs.setCurrentWidget(d.rows_tab)
        d.rows.set_cell(0, 0, "1")
        d.rows.set_cell(0, 1, "classic")

    assert run_dialog(qtbot, w.new_table_action.trigger, fill) == ""
    return Expect(
        ["op.create_table('tags'", "op.create_index('ix_tags_book_id'", "op.bulk_insert("],
        {(*T, "tags"): "new", (*T, "tags", "label"): "new"},
        {"sqlite": "CONSTRAINT pk_tags PRIMARY KEY (id)", "postgresql": "COMMENT ON TABLE tags IS 'Free labels'",
         "mysql": "CONSTRAINT fk_tags_book_id_books FOREIGN KEY(book_id) REFERENCES books (id) ON DELETE CASCADE"},
        "op.drop_table('tags')")


def drop_table(qtbot: QtBot, w: MainWindow) -> Expect:
    menu_action(w, (*T, "reviews"), "Drop table").trigger()
    return Expect(["op.drop_table('reviews')"], {(*T, "reviews"): "dropped"},
                  {"sqlite": "DROP TABLE reviews", "postgresql": "DROP TABLE reviews", "mysql": "DROP TABLE reviews"},
                  "op.create_table('reviews'")


def rename_table(qtbot: QtBot, w: MainWindow) -> Expect:
    assert run_dialog(qtbot, menu_action(w, (*T, "authors"), "Rename table…").trigger,
                      lambda d: d.name.setText("writers")) == ""
    return Expect(["op.rename_table('authors', 'writers')"], {(*T, "writers"): "changed", (*T, "authors"): None},
                  {d: "ALTER TABLE authors RENAME TO writers" for d in ("sqlite", "postgresql", "mysql")},
                  "op.rename_table('writers', 'authors')")


def add_column(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        d.name.setText("subtitle")
        d.type_edit.setText("VARCHAR(120)")
        d.nullable.setChecked(False)
        d.default_kind.setCurrentText("Value")
        d.default.setText("n/a")
        d.comment.setText("second line")

    assert run_dialog(qtbot, menu_action(w, (*T, "books"), "Add column…").trigger, fill) == ""
    return Expect(["op.add_column('books', sa.Column('subtitle', sa.VARCHAR(length=120), server_default='n/a', "
                   "nullable=False, comment='second line'))"],
                  {(*T, "books", "subtitle"): "new", (*T, "books"): "changed"},
                  {"sqlite": "ALTER TABLE books ADD COLUMN subtitle VARCHAR(120) DEFAULT 'n/a' NOT NULL",
                   "postgresql": "ALTER TABLE books ADD COLUMN subtitle VARCHAR(120) DEFAULT 'n/a' NOT NULL",
                   "mysql": "COMMENT 'second line'"},
                  "op.drop_column('books', 'subtitle')")


def drop_column(qtbot: QtBot, w: MainWindow) -> Expect:
    """A used column: the app offers to drop what uses it first, each as its own operation."""
    run_dialog(qtbot, menu_action(w, (*T, "books", "published"), "Drop column").trigger,
               answer_message_box("Drop them and the column"))
    return Expect(["op.drop_index('ix_books_publisher_published'", "op.drop_column('books', 'published')"],
                  {(*T, "books", "published"): "dropped"},
                  {"sqlite": "CREATE TABLE _alembic_tmp_books", "postgresql": "ALTER TABLE books DROP COLUMN published",
                   "mysql": "ALTER TABLE books DROP COLUMN published"},
                  "op.add_column('books', sa.Column('published', sa.DATE()")


def edit_column(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        d.name.setText("name")
        d.type_edit.setText("VARCHAR(300)")
        d.nullable.setChecked(True)

    assert run_dialog(qtbot, menu_action(w, (*T, "books", "title"), "Edit column…").trigger, fill) == ""
    return Expect(["op.alter_column('books', 'title', existing_type=sa.VARCHAR(length=200), new_column_name='name', "
                   "type_=sa.VARCHAR(length=300), nullable=True)"],
                  {(*T, "books", "name"): "changed", (*T, "books", "title"): None},
                  {"sqlite": "ALTER TABLE books RENAME COLUMN title TO name",
                   "postgresql": "ALTER TABLE books RENAME title TO name",
                   "mysql": "ALTER TABLE books CHANGE title name VARCHAR(300) NULL"},
                  "new_column_name='title'")


def add_index(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        _tick(d.columns, "price", "title")
        d.unique.setChecked(True)
        d.where.setText("price > 0")

    assert run_dialog(qtbot, menu_action(w, (*T, "books"), "Add index…").trigger, fill) == ""
    return Expect(["op.create_index('ux_books_price_title', 'books', ['price', 'title'], unique=True"],
                  {(*T, "books", "Indexes", "ux_books_price_title"): "new"},
                  {"sqlite": "CREATE UNIQUE INDEX ux_books_price_title ON books (price, title) WHERE price > 0",
                   "postgresql": "CREATE UNIQUE INDEX ux_books_price_title ON books (price, title) WHERE price > 0",
                   "mysql": "CREATE UNIQUE INDEX ux_books_price_title ON books (price, title)"},
                  "op.drop_index('ux_books_price_title'")


def drop_index(qtbot: QtBot, w: MainWindow) -> Expect:
    menu_action(w, (*T, "books", "Indexes", "ix_books_title"), "Drop index").trigger()
    return Expect(["op.drop_index('ix_books_title', table_name='books')"],
                  {(*T, "books", "Indexes", "ix_books_title"): "dropped"},
                  {"sqlite": "DROP INDEX ix_books_title", "postgresql": "DROP INDEX ix_books_title",
                   "mysql": "DROP INDEX ix_books_title ON books"},
                  "op.create_index('ix_books_title', 'books', ['title']")


def add_primary_key(qtbot: QtBot, w: MainWindow) -> Expect:
    drop_primary_key(qtbot, w)
    assert run_dialog(qtbot, menu_action(w, (*T, "book_authors"), "Add primary key…").trigger,
                      lambda d: _tick(d.columns, "book_id", "author_id", "position")) == ""
    key = "PRIMARY KEY (book_id, author_id, position)"
    return Expect(["op.drop_constraint('pk_book_authors'", "op.create_primary_key('pk_book_authors', "
                   "'book_authors', ['book_id', 'author_id', 'position'])"],
                  {(*T, "book_authors", "pk_book_authors"): "changed"},
                  {"sqlite": key, "postgresql": f"ALTER TABLE book_authors ADD CONSTRAINT pk_book_authors {key}",
                   "mysql": f"ALTER TABLE book_authors ADD CONSTRAINT pk_book_authors {key}"},
                  "op.create_primary_key('pk_book_authors', 'book_authors', ['book_id', 'author_id'])")


def drop_primary_key(qtbot: QtBot, w: MainWindow) -> Expect:
    menu_action(w, (*T, "book_authors", "pk_book_authors"), "Drop constraint").trigger()
    return Expect(["op.drop_constraint('pk_book_authors', 'book_authors', type_='primary')"],
                  {(*T, "book_authors", "pk_book_authors"): "dropped"},
                  {"sqlite": "CREATE TABLE _alembic_tmp_book_authors",
                   "postgresql": "ALTER TABLE book_authors DROP CONSTRAINT pk_book_authors",
                   "mysql": "ALTER TABLE book_authors DROP PRIMARY KEY"},
                  "op.create_primary_key('pk_book_authors', 'book_authors', ['book_id', 'author_id'])")


def add_foreign_key(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        _tick(d.columns, "customer_id")
        d.referred.setCurrentText("customers")
        d.on_delete.setCurrentText("CASCADE")

    assert run_dialog(qtbot, menu_action(w, (*T, "reviews"), "Add foreign key…").trigger, fill) == ""
    return Expect(["op.create_foreign_key('fk_reviews_customer_id_customers', 'reviews', 'customers', "
                   "['customer_id'], ['id'], ondelete='CASCADE')"],
                  {(*T, "reviews", "Foreign keys", "fk_reviews_customer_id_customers"): "new"},
                  {"sqlite": "FOREIGN KEY(customer_id) REFERENCES customers (id) ON DELETE CASCADE",
                   "postgresql": "ALTER TABLE reviews ADD CONSTRAINT fk_reviews_customer_id_customers FOREIGN KEY"
                                 "(customer_id) REFERENCES customers (id) ON DELETE CASCADE",
                   "mysql": "ALTER TABLE reviews ADD CONSTRAINT fk_reviews_customer_id_customers FOREIGN KEY"},
                  "op.drop_constraint('fk_reviews_customer_id_customers', 'reviews', type_='foreignkey')")


def drop_foreign_key(qtbot: QtBot, w: MainWindow) -> Expect:
    menu_action(w, (*T, "shipments", "Foreign keys", "fk_shipments_order_line"), "Drop constraint").trigger()
    return Expect(["op.drop_constraint('fk_shipments_order_line', 'shipments', type_='foreignkey')"],
                  {(*T, "shipments", "Foreign keys", "fk_shipments_order_line"): "dropped"},
                  {"sqlite": "CREATE TABLE _alembic_tmp_shipments",
                   "postgresql": "ALTER TABLE shipments DROP CONSTRAINT fk_shipments_order_line",
                   "mysql": "ALTER TABLE shipments DROP FOREIGN KEY fk_shipments_order_line"},
                  "op.create_foreign_key('fk_shipments_order_line', 'shipments', 'order_lines'")


def add_unique(qtbot: QtBot, w: MainWindow) -> Expect:
    assert run_dialog(qtbot, menu_action(w, (*T, "authors"), "Add unique constraint…").trigger,
                      lambda d: _tick(d.columns, "last_name", "first_name")) == ""
    return Expect(["op.create_unique_constraint('uq_authors_last_name_first_name', 'authors', "
                   "['last_name', 'first_name'])"],
                  {(*T, "authors", "Unique constraints", "uq_authors_last_name_first_name"): "new"},
                  {"sqlite": "CONSTRAINT uq_authors_last_name_first_name UNIQUE (last_name, first_name)",
                   "postgresql": "ALTER TABLE authors ADD CONSTRAINT uq_authors_last_name_first_name UNIQUE",
                   "mysql": "ALTER TABLE authors ADD CONSTRAINT uq_authors_last_name_first_name UNIQUE"},
                  "op.drop_constraint('uq_authors_last_name_first_name', 'authors', type_='unique')")


def drop_unique(qtbot: QtBot, w: MainWindow) -> Expect:
    menu_action(w, (*T, "books", "Unique constraints", "uq_books_isbn"), "Drop constraint").trigger()
    return Expect(["op.drop_constraint('uq_books_isbn', 'books', type_='unique')"],
                  {(*T, "books", "Unique constraints", "uq_books_isbn"): "dropped"},
                  {"sqlite": "CREATE TABLE _alembic_tmp_books", "postgresql": "DROP CONSTRAINT uq_books_isbn",
                   "mysql": "ALTER TABLE books DROP INDEX uq_books_isbn"},
                  "op.create_unique_constraint('uq_books_isbn', 'books', ['isbn'])")


def add_check(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        d.condition.setText("ordered_at > '2000-01-01'")
        assert d.name.text() == "ck_orders_ordered_at"  # named after the column the condition uses
        d.name.setText("ck_orders_recent")

    assert run_dialog(qtbot, menu_action(w, (*T, "orders"), "Add check constraint…").trigger, fill) == ""
    return Expect(["op.create_check_constraint('ck_orders_recent', 'orders', \"ordered_at > '2000-01-01'\")"],
                  {(*T, "orders", "Check constraints", "ck_orders_recent"): "new"},
                  {"sqlite": "RAISE(ABORT, 'CHECK constraint failed: ck_orders_recent')",  # in place, rows checked
                   "postgresql": "ALTER TABLE orders ADD CONSTRAINT ck_orders_recent CHECK (ordered_at > '2000-01-01')",
                   "mysql": "ALTER TABLE orders ADD CONSTRAINT ck_orders_recent CHECK (ordered_at > '2000-01-01')"},
                  "op.drop_constraint('ck_orders_recent', 'orders', type_='check')")


def drop_check(qtbot: QtBot, w: MainWindow) -> Expect:
    menu_action(w, (*T, "orders", "Check constraints", "ck_orders_status"), "Drop constraint").trigger()
    return Expect(["op.drop_constraint('ck_orders_status', 'orders', type_='check')"],
                  {(*T, "orders", "Check constraints", "ck_orders_status"): "dropped"},
                  {"sqlite": "UPDATE sqlite_master SET sql = 'CREATE TABLE orders",  # in place
                   "postgresql": "DROP CONSTRAINT ck_orders_status",
                   "mysql": "ALTER TABLE orders DROP CHECK ck_orders_status"},
                  "op.create_check_constraint('ck_orders_status', 'orders'")


def sql_step(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        d.upgrade.setPlainText("UPDATE books SET price = price * 2")
        d.downgrade.setPlainText("UPDATE books SET price = price / 2")

    assert run_dialog(qtbot, w.sql_step_action.trigger, fill) == ""
    return Expect(["op.execute('UPDATE books SET price = price * 2')"], {},
                  {d: "UPDATE books SET price = price * 2;" for d in ("sqlite", "postgresql", "mysql")},
                  "op.execute('UPDATE books SET price = price / 2')")


def insert_rows(qtbot: QtBot, w: MainWindow) -> Expect:
    def fill(d: Any) -> None:
        d.rows.set_cell(0, 0, "10")
        d.rows.set_cell(0, 1, "Picador")
        d.rows.set_cell(0, 3, "GB")
        d.rows.set_cell(1, 0, "11")
        d.rows.set_cell(1, 1, "Tor")
        d.rows.set_cell(1, 2, "NULL")

    assert run_dialog(qtbot, menu_action(w, (*T, "publishers"), "Insert rows…").trigger, fill) == ""
    return Expect(["op.bulk_insert(sa.table('publishers'"], {},
                  {d: "INSERT INTO publishers (id, name, country) VALUES (10, 'Picador', 'GB')"
                   for d in ("sqlite", "postgresql", "mysql")},
                  "op.execute(sa.delete(sa.table('publishers', sa.column('id', sa.INTEGER()))).where(sa.or_("
                  "sa.and_(sa.column('id') == 10), sa.and_(sa.column('id') == 11))))")


def _one_line(python: str) -> str:
    import re

    text = " ".join(line.strip() for line in python.splitlines() if line.strip())
    return re.sub(r",?\s+\)", ")", re.sub(r"\(\s+", "(", text))


SCENARIOS: dict[str, Callable[[QtBot, MainWindow], Expect]] = {
    f.__name__: f for f in (new_table, drop_table, rename_table, add_column,
                            drop_column, edit_column, add_index, drop_index, add_primary_key, drop_primary_key,
                            add_foreign_key, drop_foreign_key, add_unique, drop_unique, add_check, drop_check,
                            sql_step, insert_rows)
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_edit_through_the_ui(qtbot: QtBot, demo_window: MainWindow, scenario: str) -> None:
    window = demo_window
    pending = window.context.pending
    assert pending is not None
    base = pending.plan.projected
    expect = SCENARIOS[scenario](qtbot, window)

    calls = pending_calls(window)
    assert len(calls) == len(expect.calls), calls
    for call, wanted in zip(calls, expect.calls, strict=True):
        assert wanted in call, (call, wanted)
    for path, status in expect.tree.items():
        if status is None:
            assert window.browser.model.tree.find_path(path) is None, path
        else:
            assert status_of(window, path) == status, path
    for dialect, wanted in expect.sql.items():
        sql, upgrade, downgrade = preview(qtbot, window, dialect)
        assert wanted in sql, (dialect, sql)
        assert "Cannot render" not in sql + upgrade + downgrade
        assert "op." in upgrade and "op." in downgrade
        if dialect == "postgresql":  # SQLite's downgrade is the same in batch form
            assert expect.downgrade in _one_line(downgrade), downgrade

    projected = pending.plan.projected
    stack = pending.undo_stack
    while stack.canUndo():
        window.undo_action.trigger()
    assert pending.plan.projected == base and pending_calls(window) == []
    tree = window.browser.model.tree
    assert all(s.value == "same" for s, alive in zip(tree.statuses, tree.alive(), strict=True) if alive)
    while stack.canRedo():
        window.redo_action.trigger()
    assert pending.plan.projected == projected


def test_refused_input_keeps_the_dialog_open_with_a_message(qtbot: QtBot, demo_window: MainWindow) -> None:
    def fill(d: Any) -> None:
        d.name.setText("title")
        d.type_edit.setText("VARCHR(10)")

    message = run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, fill)
    assert message == "sqlite has no type VARCHR. Did you mean VARCHAR, NVARCHAR, CHAR?"

    def duplicate(d: Any) -> None:
        d.name.setText("title")
        d.type_edit.setText("TEXT")

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, duplicate) == \
        "Table books already has a column title."
    assert pending_calls(demo_window) == []


def test_removing_an_operation_others_need_is_explained(qtbot: QtBot, demo_window: MainWindow) -> None:
    add_column(qtbot, demo_window)

    def index(d: Any) -> None:
        _tick(d.columns, "subtitle")

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add index…").trigger, index) == ""
    panel = demo_window.pending_panel
    panel.view.setCurrentIndex(panel.model.index(0, 1))
    panel.remove_button.click()
    box = demo_window.error_box
    assert box is not None and "Operation 2 (create_index books.ix_books_subtitle) depends on it" in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    panel.view.setCurrentIndex(panel.model.index(1, 1))
    panel.remove_button.click()
    assert len(pending_calls(demo_window)) == 1
    demo_window.undo_action.trigger()
    assert len(pending_calls(demo_window)) == 2


def test_pending_and_preview_render_the_risks(qtbot: QtBot, demo_window: MainWindow) -> None:
    drop_table(qtbot, demo_window)
    edit_column(qtbot, demo_window)  # a rename and a widening: made in place on SQLite
    drop_unique(qtbot, demo_window)
    model = demo_window.pending_panel.model
    assert model.index(0, 2).data() == "destructive"
    assert model.index(1, 2).data() == ""
    assert model.index(2, 2).data() == "rebuilds the table"
    assert model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_warnings_are_shown_in_the_status_bar(qtbot: QtBot, demo_window: MainWindow) -> None:
    def fill(d: Any) -> None:
        d.name.setText("isbn13")
        d.type_edit.setText("CHAR(13)")
        d.nullable.setChecked(False)

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, fill) == ""
    assert "NOT NULL without a default: adding it fails if books has rows" in demo_window.statusBar().currentMessage()
    assert demo_window.pending_panel.model.index(0, 2).data() == "needs the data to hold"


def test_sqlite_alterations_of_one_table_become_one_batch(qtbot: QtBot, demo_window: MainWindow) -> None:
    edit_column(qtbot, demo_window)
    drop_unique(qtbot, demo_window)
    add_check(qtbot, demo_window)  # another table: a batch of its own
    sql, upgrade, _downgrade = preview(qtbot, demo_window, "sqlite")
    assert upgrade.count("with op.batch_alter_table('books'") == 1
    assert upgrade.count("with op.batch_alter_table('orders'") == 1
    assert sql.count("CREATE TABLE _alembic_tmp_books") == 1


def test_copy_puts_the_shown_preview_on_the_clipboard(qtbot: QtBot, demo_window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    drop_table(qtbot, demo_window)
    sql, _upgrade, _downgrade = preview(qtbot, demo_window, "postgresql")
    demo_window.preview.copy_button.click()
    assert QApplication.clipboard().text() == sql


def test_sqlite_offers_no_table_comment(demo_window: MainWindow) -> None:
    with pytest.raises(AssertionError, match="'Table comment…' not in"):
        menu_action(demo_window, (*T, "books"), "Table comment…")


def test_set_null_on_a_not_null_column_is_refused(qtbot: QtBot, demo_window: MainWindow) -> None:
    def fill(d: Any) -> None:
        _tick(d.columns, "customer_id")
        d.referred.setCurrentText("customers")
        d.on_delete.setCurrentText("SET NULL")

    message = run_dialog(qtbot, menu_action(demo_window, (*T, "reviews"), "Add foreign key…").trigger, fill)
    assert message == "SET NULL cannot apply to customer_id: the column does not allow NULL."


def test_an_index_column_can_be_made_descending(qtbot: QtBot, demo_window: MainWindow) -> None:
    def fill(d: Any) -> None:
        _tick(d.columns, "published", "title")
        d.columns.set_descending("published")
        assert d.columns.descending.isChecked()
        d.columns.list.setCurrentRow(d.columns.list.count() - 1)  # another column: the button follows it
        assert not d.columns.descending.isChecked()
        assert d.columns.list.item(0).text() == "published  ↓ DESC"

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add index…").trigger, fill) == ""
    sql, upgrade, _downgrade = preview(qtbot, demo_window, "postgresql")
    assert "CREATE INDEX ix_books_published_title ON books (published DESC, title)" in sql
    assert "sa.literal_column('published DESC')" in upgrade
    tree = demo_window.browser.model.tree
    node = tree.find_path((*T, "books", "Indexes", "ix_books_published_title"))
    assert node is not None and tree.details[node] == "(published DESC, title)"


def test_a_literal_default_typed_in_the_dialog_is_shown_quoted(qtbot: QtBot, demo_window: MainWindow) -> None:
    def add(d: Any) -> None:
        d.name.setText("origin")
        d.type_edit.setText("VARCHAR(20)")
        d.default_kind.setCurrentText("Value")
        d.default.setText("Unknown")

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, add) == ""

    def edit(d: Any) -> None:
        d.default_kind.setCurrentText("Value")
        d.default.setText("it's")

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books", "title"), "Edit column…").trigger, edit) == ""
    tree = demo_window.browser.model.tree
    for column, shown in (("origin", "DEFAULT 'Unknown'"), ("title", "DEFAULT 'it''s'")):
        node = tree.find_path((*T, "books", column))
        assert node is not None and shown in tree.details[node], tree.details[node]


def test_escape_asks_before_throwing_away_what_was_typed(qtbot: QtBot, demo_window: MainWindow) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gui_app.ui.widgets.edit_dialog import EditDialog

    asked: list[bool] = []

    def drive(d: Any) -> None:
        assert isinstance(d, EditDialog)
        QTest.keyClick(d, Qt.Key.Key_Escape)  # nothing typed yet: it would close; reopen below instead
        asked.append(d.isVisible())

    run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, lambda d: drive(d))
    assert asked == [False]  # an untouched dialog closes on Escape without a question

    seen: dict[str, Any] = {}

    def typed(d: Any) -> None:
        d.name.setText("subtitle")
        answers = iter([False, True])
        d.confirm_discard = lambda: seen.setdefault("questions", []).append(1) or next(answers)
        QTest.keyClick(d, Qt.Key.Key_Escape)
        seen["kept"] = d.isVisible() and d.name.text() == "subtitle"
        QTest.keyClick(d, Qt.Key.Key_Escape)
        seen["closed"] = not d.isVisible()
        raise _Closed

    class _Closed(Exception):
        pass

    with pytest.raises(_Closed):
        run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, typed)
    assert seen == {"questions": [1, 1], "kept": True, "closed": True}
    assert QApplication.activeModalWidget() is None and pending_calls(demo_window) == []


def test_a_refusal_goes_once_the_field_it_was_about_is_typed_in(qtbot: QtBot, demo_window: MainWindow) -> None:
    from PySide6.QtTest import QTest

    seen: dict[str, Any] = {}

    def fill(d: Any) -> None:
        d.type_edit.setText("INTEGER")
        d.ok_button.click()
        seen["refused"] = d.message.text() if d.message.isVisible() else ""
        QTest.keyClicks(d.name, "pages2")
        seen["after typing"] = d.message.isVisible()

    assert run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, fill) == ""
    assert seen == {"refused": "The column needs a name.", "after typing": False}
    assert pending_calls(demo_window)[-1].startswith("op.add_column('books', sa.Column('pages2'")


@pytest.mark.parametrize("action", ["Add index…", "Add unique constraint…", "Add foreign key…"])
def test_no_name_is_suggested_before_a_column_is_chosen(qtbot: QtBot, demo_window: MainWindow, action: str) -> None:
    seen: list[str] = []

    def look(d: Any) -> None:
        seen.append(d.name.text())
        d.columns.set_checked(["title"])
        seen.append(d.name.text())
        d.reject()
        raise _Looked

    class _Looked(Exception):
        pass

    with pytest.raises(_Looked):
        run_dialog(qtbot, menu_action(demo_window, (*T, "books"), action).trigger, look)
    prefix = {"Add index…": "ix_books_title", "Add unique constraint…": "uq_books_title",
              "Add foreign key…": "fk_books_title_"}[action]
    assert seen[0] == "" and seen[1].startswith(prefix), seen


@pytest.mark.parametrize(("expression", "accepted"), [("1 +", False), ("CURRENT_TIMESTAMP", True),
                                                      ("(datetime('now'))", True), ("'abc", False)])
def test_a_default_expression_is_read_at_entry(qtbot: QtBot, demo_window: MainWindow, expression: str,
                                               accepted: bool) -> None:
    def fill(d: Any) -> None:
        d.name.setText("stamp")
        d.type_edit.setText("VARCHAR(40)")
        d.default_kind.setCurrentText("SQL expression")
        d.default.setText(expression)

    message = run_dialog(qtbot, menu_action(demo_window, (*T, "books"), "Add column…").trigger, fill)
    if accepted:
        assert message == "" and pending_calls(demo_window)
    else:
        assert f"The default {expression!r}" in message and not pending_calls(demo_window), message


def test_pending_model_passes_qt_model_tester_through_edits_undo_and_redo(
        qtbot: QtBot, demo_window: MainWindow, qtmodeltester: Any) -> None:
    """The list model keeps Qt's contracts while rows are appended, undone and redone (the tester
    stays attached and checks every signal)."""
    model = demo_window.pending_panel.model
    qtmodeltester.check(model, force_py=True)
    drop_table(qtbot, demo_window)
    edit_column(qtbot, demo_window)
    drop_unique(qtbot, demo_window)
    assert model.rowCount() == 3
    demo_window.undo_action.trigger()
    demo_window.undo_action.trigger()
    assert model.rowCount() == 1
    demo_window.redo_action.trigger()
    assert model.rowCount() == 2
    qtmodeltester.check(model, force_py=True)
    assert assert_multi_data_is_data(model) == 2 * 4 * 9  # what a delegate gets in one call is data()'s


def test_the_pending_list_paints_what_each_row_holds_now(qtbot: QtBot, demo_window: MainWindow) -> None:
    """What a row was painted with is kept until the row changes: after an undo and another edit
    in its place, the row shows the new operation, every role as ``data`` gives it."""
    panel = demo_window.pending_panel
    model = panel.model
    drop_table(qtbot, demo_window)
    edit_column(qtbot, demo_window)
    panel.view.grab()  # painted: the cells are kept
    assert assert_multi_data_is_data(model) == 2 * 4 * 9
    second = model.index(1, 1).data()
    demo_window.undo_action.trigger()
    drop_unique(qtbot, demo_window)  # row 2 now holds another operation
    panel.view.grab()
    assert model.index(1, 1).data() != second
    assert assert_multi_data_is_data(model) == 2 * 4 * 9
    assert panel.count.text() == "2 pending operations"
    demo_window.undo_action.trigger()
    demo_window.undo_action.trigger()
    assert panel.count.text() == "Nothing pending"


def test_the_tree_tells_the_view_the_rows_an_edit_changed(qtbot: QtBot, demo_window: MainWindow,
                                                          qtmodeltester: Any) -> None:
    """An edit, undo and redo replace the rows of the tables they touched, in place: no reset of
    the view, the model tester attached throughout, and what was open and selected stays so."""
    window = demo_window
    browser, model = window.browser, window.browser.model
    qtmodeltester.check(model, force_py=True)
    books = model.index_of_node(model.tree.find_path((*T, "books")) or 0)
    browser.view.setExpanded(books, True)
    customers = model.tree.find_path((*T, "customers"))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    assert browser.select_path((*T, "books"))
    assert "Columns\n8\n" in window.details.toPlainText()
    add_column(qtbot, window)  # books gets a column
    assert browser.selected_path() == (*T, "books")
    assert "Columns\n8 → 9\n" in window.details.toPlainText()  # the row kept its place; what it shows is new
    assert browser.select_path((*T, "books", "title"))
    drop_table(qtbot, window)  # reviews is struck through, in place
    rename_table(qtbot, window)  # authors becomes writers, which sorts further down
    window.undo_action.trigger()
    window.redo_action.trigger()
    assert resets == []
    tree = model.tree
    assert tree.find_path((*T, "customers")) == customers  # a table nothing touched keeps its node
    books = model.index_of_node(tree.find_path((*T, "books")) or 0)
    assert browser.view.isExpanded(books) and status_of(window, (*T, "books", "subtitle")) == "new"
    assert browser.selected_path() == (*T, "books", "title")
    assert status_of(window, (*T, "reviews")) == "dropped" and status_of(window, (*T, "writers")) == "changed"
    names = [model.index(row, 0, model.index_of_node(tree.find_path(T) or 0)).data()
             for row in range(model.rowCount(model.index_of_node(tree.find_path(T) or 0)))]
    assert names == sorted(names) and "authors" not in names
    while window.context.pending.undo_stack.canUndo():  # type: ignore[union-attr]
        window.undo_action.trigger()
    alive = tree.alive()
    assert all(tree.statuses[n].value == "same" for n in range(len(tree)) if alive[n])
    qtmodeltester.check(model, force_py=True)


def test_a_rename_is_one_changed_object_with_its_old_name(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Renaming is not data loss: the tree shows the object once, changed, with the name it had;
    the details panel shows old → new; a second rename keeps the first old name; undo restores."""
    window = demo_window
    rename_table(qtbot, window)
    edit_column(qtbot, window)

    def rename_again(d: Any) -> None:
        d.name.setText("label")

    assert run_dialog(qtbot, menu_action(window, (*T, "books", "name"), "Edit column…").trigger, rename_again) == ""
    tree = window.browser.model.tree
    books = [tree.names[c] for c in tree.children[tree.find_path((*T, "books"))]]
    assert "label" in books and "name" not in books and "title" not in books
    node = tree.find_path((*T, "books", "label"))
    assert tree.statuses[node].value == "changed" and tree.details[node].startswith("renamed from title")
    writers = tree.find_path((*T, "writers"))
    assert tree.details[writers] == "renamed from authors"
    window.browser.view.setCurrentIndex(window.browser.model.index_of_node(node))
    text = window.details.toPlainText()
    assert "Changed by the pending changes" in text and "Name\ntitle → label\n" in text, text
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert status_of(window, (*T, "books", "title")) == "same"
    assert status_of(window, (*T, "writers")) == "changed"
