"""The diagrams kept per database: written privately, read back equal, one database's file never
taken for another's, a damaged file giving the default book, and the edits a user makes to them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from gui_app.core import diagram_store as store
from gui_app.core.diagram_store import EVERY_TABLE, DiagramBook, SavedDiagram

DB = "postgresql+psycopg://postgres@127.0.0.1:5432/shop"


def _book() -> DiagramBook:
    billing = SavedDiagram("Billing", (("public", "invoice"), ("public", "customer")),
                           {("public", "invoice"): (120.0, 80.5)},
                           {"public.invoice(customer_id)->public.customer(id)": ((1.0, 2.0), (3.0, 2.0))})
    return DiagramBook(DB).put(billing)


def test_written_privately_and_read_back_equal(tmp_path: Path) -> None:
    folder = tmp_path / "diagrams"
    path = store.save(folder, _book())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "password" not in path.read_text()
    read = store.load(folder, DB)
    assert read == _book()
    assert read.current == "Billing" and [d.name for d in read.diagrams] == [EVERY_TABLE, "Billing"]


def test_another_database_or_a_damaged_file_gives_the_default_book(tmp_path: Path) -> None:
    store.save(tmp_path, _book())
    other = DB.replace("shop", "other")
    assert store.load(tmp_path, other) == DiagramBook(other)
    store.path_for(tmp_path, other).write_text(json.dumps({"database": DB, "diagrams": []}))
    assert store.load(tmp_path, other) == DiagramBook(other)  # a file naming another database
    store.path_for(tmp_path, DB).write_text('{"database": "' + DB + '", "diagrams": [{"name": 3}]}')
    assert store.load(tmp_path, DB) == DiagramBook(DB)
    store.path_for(tmp_path, DB).write_text("not json")
    assert store.load(tmp_path, DB) == DiagramBook(DB)


def test_moving_a_box_forgets_only_its_own_keys_routes() -> None:
    diagram = SavedDiagram("d", None, {("s", "a"): (0.0, 0.0)}, {
        "s.a(x)->s.b(id)": ((0.0, 0.0),), "s.b(y)->s.ab(id)": ((1.0, 1.0),), "s.c(z)->s.a(id)": ((2.0, 2.0),)})
    moved = diagram.moved(("s", "a"), (50.0, 60.0))
    assert moved.positions[("s", "a")] == (50.0, 60.0)
    assert set(moved.routes) == {"s.b(y)->s.ab(id)"}
    assert diagram.reset().positions == {} and diagram.reset().routes == {}


def test_tables_added_and_removed_and_names_kept_apart() -> None:
    book = _book()
    billing = book.get("Billing").with_tables(added=[("public", "payment"), ("public", "invoice")],
                                              removed=[("public", "customer")])
    assert billing.tables == (("public", "invoice"), ("public", "payment"))
    assert SavedDiagram(EVERY_TABLE).with_tables(added=[("public", "x")]).tables is None
    book = book.put(billing).rename("Billing", "Invoices")
    assert book.current == "Invoices" and book.get("Invoices").tables == billing.tables
    with pytest.raises(ValueError, match="already a diagram"):
        book.put(SavedDiagram("Other")).rename("Other", "Invoices")
    with pytest.raises(ValueError, match="keeps its name"):
        book.rename(EVERY_TABLE, "x")
    assert book.remove(EVERY_TABLE) == book
    assert [d.name for d in book.remove("Invoices").diagrams] == [EVERY_TABLE]
