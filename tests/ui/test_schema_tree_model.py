from __future__ import annotations

from pathlib import Path

from pytestqt.modeltest import ModelTester

from gui_app.core.demo import ensure_demo_database
from gui_app.core.reflect import reflect
from gui_app.ui.models.schema_tree import SchemaTreeModel
from gui_app.ui.models.tree_index import build_tree_index


def _model(tmp_path: Path) -> SchemaTreeModel:
    model = SchemaTreeModel()
    model.set_tree(build_tree_index(reflect(f"sqlite:///{ensure_demo_database(tmp_path)}")))
    return model


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    qtmodeltester.check(_model(tmp_path), force_py=True)


def test_filtered_model_passes_qt_model_tester(qtmodeltester: ModelTester, tmp_path: Path) -> None:
    model = _model(tmp_path)
    model.set_filter("order")
    qtmodeltester.check(model, force_py=True)
    model.set_filter("")
    qtmodeltester.check(model, force_py=True)


def test_empty_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(SchemaTreeModel(), force_py=True)


def test_filter_is_case_insensitive_and_keeps_ancestors(tmp_path: Path) -> None:
    model = _model(tmp_path)
    model.set_filter("ISBN")
    tree = model.tree
    assert [tree.path(n) for n in model.matches] == [
        ("main", "Tables", "books", "isbn"), ("main", "Tables", "books", "Unique constraints", "uq_books_isbn")]
    index = model.index_of_node(model.matches[0])
    assert index.isValid()
    assert model.index_of_node(tree.find_path(("main", "Tables", "authors"))).isValid() is False  # type: ignore[arg-type]
